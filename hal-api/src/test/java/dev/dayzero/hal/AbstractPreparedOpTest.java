package dev.dayzero.hal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.op.QuantizeSpec;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The skeleton backends extend ({@link AbstractPreparedOp}, {@link AbstractLaunch}): bind after close, close
 * twice, the order of what close frees and the one report of its failures, operands of another device.
 */
class AbstractPreparedOpTest {
    private static final QuantizeSpec SPEC = new QuantizeSpec(2, 128, DType.BF16, DType.F8_E4M3FN,
            QuantizeSpec.perToken(), DType.F32);
    /** A device nothing is asked of: the base only holds it. */
    private static final Device DEVICE = (Device) Proxy.newProxyInstance(Device.class.getClassLoader(),
            new Class<?>[] {Device.class}, (proxy, method, args) -> {
                throw new UnsupportedOperationException(method.getName());
            });

    private final List<String> events = new ArrayList<>();

    @Test
    void bindAfterCloseThrowsNamingTheSpecAndCloseTwiceIsHarmless() {
        Recording op = new Recording();
        List<DeviceBuffer> operands = operands(op);
        op.bind(operands);
        assertEquals(List.of("device checked"), events);

        op.close();
        op.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> op.bind(operands));
        assertEquals("prepared " + SPEC.describe() + " is closed", e.getMessage());
        assertEquals(List.of("device checked", "before close", "launch 0", "owned", "release", "forget"), events,
                "one close, however often called; no device check once closed");
    }

    @Test
    void closeFreesLaunchesNewestFirstThenOwnedThenReleaseAndReportsEveryFailureOnce() {
        Recording op = new Recording();
        op.failing = true;
        List<DeviceBuffer> operands = operands(op);
        op.bind(operands);
        PreparedOp.Launch closedEarly = op.bind(operands);
        op.bind(operands);
        closedEarly.close();
        events.clear();

        HalException e = assertThrows(HalException.class, op::close);
        assertEquals("acme", e.vendor());
        assertTrue(e.getMessage().startsWith("closing prepared " + SPEC.describe() + ": 2 owned resource(s) failed"),
                e.getMessage());
        assertEquals(List.of("owned busy", "descriptor still in use"),
                List.of(e.getSuppressed()).stream().map(Throwable::getMessage).toList());
        assertEquals(List.of("before close", "launch 2", "launch 0", "owned", "release", "forget"), events,
                "launches newest first (the closed one is gone), then owned, then release, forgotten last");
        assertEquals(0, op.launchCount());

        op.close();
        assertEquals(6, events.size(), "a second close frees and reports nothing");
    }

    @Test
    void aFailingBeforeCloseIsReportedAndTheRestStillCloses() {
        Recording op = new Recording();
        op.bind(operands(op));
        op.enterFails = true;
        HalException e = assertThrows(HalException.class, op::close);
        assertEquals("context lost", e.getSuppressed()[0].getMessage());
        assertEquals(List.of("device checked", "launch 0", "owned", "release", "forget"), events);
    }

    @Test
    void aForeignBufferIsRefusedNamingTheOperand() {
        Recording op = new Recording();
        List<DeviceBuffer> operands = new ArrayList<>(operands(op));
        operands.set(1, new TestBuffer(null, operands.get(1).size()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> op.bind(operands));
        assertEquals("operand 1 'q' is not a buffer of this test device", e.getMessage());
        assertEquals(0, op.launchCount(), "nothing bound");

        List<DeviceBuffer> tooFew = operands(op).subList(0, 2);
        e = assertThrows(IllegalArgumentException.class, () -> op.bind(tooFew));
        assertEquals("expected 3 operands [x, q, scale], got 2", e.getMessage());
    }

    @Test
    void buffersAreTypedInOrder() {
        Recording op = new Recording();
        List<DeviceBuffer> operands = operands(op);
        TestBuffer[] b = op.buffers(operands, TestBuffer[]::new);
        assertEquals(3, b.length);
        for (int i = 0; i < b.length; i++) {
            assertSame(operands.get(i), b[i]);
        }
    }

    @Test
    void aLaunchWhoseBuildFailsIsClosedAndTheFailureKeepsItsOwn() {
        Recording op = new Recording();
        AutoCloseable part = part("part", "workspace busy");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> op.addLaunch(new TestLaunch(op), l -> {
                    l.parts().add(part);
                    throw new IllegalStateException("phase 1 failed");
                }));
        assertEquals("phase 1 failed", e.getMessage());
        assertEquals(List.of("part"), events, "the half-built launch closed");
        assertEquals(0, op.launchCount(), "and left the operator");
        assertTrue(e.getSuppressed()[0].getMessage().startsWith("closing launch of " + SPEC.describe()),
                e.getSuppressed()[0].getMessage());
    }

    @Test
    void aLaunchClosesItsPartsNewestFirstLeavesItsOwnerAndReportsOnce() {
        OwnedResources owner = new OwnedResources();
        TestLaunch launch = owner.add(new TestLaunch("acme", "launch of test", owner));
        launch.parts().add(part("first", null));
        launch.parts().add(part("second", "workspace"));
        launch.enqueue(null);

        HalException e = assertThrows(HalException.class, launch::close);
        assertEquals("acme", e.vendor());
        assertTrue(e.getMessage().startsWith("closing launch of test: 1 owned resource(s)"), e.getMessage());
        assertEquals(List.of("second", "first"), events, "newest first");
        assertEquals(0, owner.size(), "removed from the operator's launches");
        IllegalStateException enqueue = assertThrows(IllegalStateException.class, () -> launch.enqueue(null));
        assertEquals("launch of test is closed", enqueue.getMessage());
        launch.close();
        assertEquals(2, events.size(), "a second close frees nothing");
    }

    private List<DeviceBuffer> operands(Recording op) {
        List<DeviceBuffer> buffers = new ArrayList<>();
        for (var t : SPEC.operands()) {
            buffers.add(new TestBuffer(op.device, t.bytes()));
        }
        return buffers;
    }

    /** An operator whose launches, owned resources and release record when they close. */
    private final class Recording extends AbstractPreparedOp<Device, QuantizeSpec, TestBuffer> {
        boolean failing;
        boolean enterFails;
        private int bound;

        Recording() {
            super("acme", DEVICE, SPEC);
            owned.add(() -> {
                events.add("owned");
                if (failing) {
                    throw new IllegalStateException("owned busy");
                }
            });
        }

        @Override
        public PreparedOp.Launch bind(List<DeviceBuffer> operands) {
            checkBind(operands);
            buffers(operands, TestBuffer[]::new);
            TestLaunch launch = launches.add(new TestLaunch(this));
            launch.parts().add(part("launch " + bound++, null));
            return launch;
        }

        int launchCount() {
            return launches.size();
        }

        @Override
        protected TestBuffer checkBuffer(DeviceBuffer buffer, String what) {
            if (!(buffer instanceof TestBuffer t) || t.device != device) {
                throw new IllegalArgumentException(what + " is not a buffer of this test device");
            }
            return t;
        }

        @Override
        protected void checkDevice() {
            events.add("device checked");
        }

        @Override
        protected void beforeClose() {
            if (enterFails) {
                throw new IllegalStateException("context lost");
            }
            events.add("before close");
        }

        @Override
        protected List<Throwable> release() {
            events.add("release");
            return failing ? List.of(new IllegalStateException("descriptor still in use")) : List.of();
        }

        @Override
        protected void forget() {
            events.add("forget");
        }
    }

    /** A launch that does nothing but check it is open. */
    private static final class TestLaunch extends AbstractLaunch {
        TestLaunch(AbstractPreparedOp<?, ?, ?> op) {
            super(op);
        }

        TestLaunch(String vendor, String what, OwnedResources owner) {
            super(vendor, what, owner);
        }

        OwnedResources parts() {
            return parts;
        }

        @Override
        public void enqueue(Stream stream) {
            checkOpen();
        }
    }

    /** A part that records its close and, with a {@code failure}, then fails. */
    private AutoCloseable part(String name, String failure) {
        return () -> {
            events.add(name);
            if (failure != null) {
                throw new IllegalStateException(failure);
            }
        };
    }
}
