package dev.dayzero.hal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The device skeleton backends extend ({@link AbstractDevice}): close twice, children before the device's own
 * state, one report of every failure, the memory count, refusing what is not supported, operators forgotten.
 */
class AbstractDeviceTest {
    private static final QuantizeSpec SPEC = new QuantizeSpec(2, 128, DType.BF16, DType.F8_E4M3FN,
            QuantizeSpec.perToken(), DType.F32);
    private static final QuantizeSpec OTHER = new QuantizeSpec(2, 256, DType.BF16, DType.F8_E4M3FN,
            QuantizeSpec.perToken(), DType.F32);

    private final List<String> events = new ArrayList<>();

    @Test
    void closeClosesTheChildrenNewestFirstBeforeReleaseAndTwiceIsHarmless() {
        Recording d = new Recording();
        d.child("buffer", false);
        d.child("stream", false);
        d.child("op", false);
        assertFalse(d.isClosed());

        d.close();
        assertTrue(d.isClosed());
        d.close();
        assertEquals(List.of("before close", "op", "stream", "buffer", "release"), events,
                "once, however often called; the device's own state after every child");
    }

    @Test
    void everyFailureIsReportedOnceNamingTheDevice() {
        Recording d = new Recording();
        d.beforeCloseFails = true;
        d.releaseFails = true;
        d.child("buffer", false);
        d.child("stream", true);

        HalException e = assertThrows(HalException.class, d::close);
        assertEquals("acme", e.vendor());
        assertTrue(e.getMessage().contains("closing acme device 0: 3 owned resource(s) failed to close"),
                e.getMessage());
        assertEquals(3, e.getSuppressed().length);
        assertEquals("context lost", e.getSuppressed()[0].getMessage());
        assertEquals("stream busy", e.getSuppressed()[1].getMessage());
        assertEquals("handle busy", e.getSuppressed()[2].getMessage());
        assertEquals(List.of("stream", "buffer", "release"), events, "a failure stops nothing");
        d.close(); // reported once: the second close neither throws nor closes again
        assertEquals(3, events.size());
    }

    @Test
    void allocatedBytesGoBackToZeroWhenChildrenReleaseThemselves() {
        Recording d = new Recording();
        AutoCloseable a = d.buffer("a", 100);
        AutoCloseable b = d.buffer("b", 28);
        assertEquals(128, d.allocatedBytes());
        try {
            a.close();
            assertEquals(28, d.allocatedBytes());
            b.close();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertEquals(0, d.allocatedBytes());
        d.close();
        assertEquals(List.of("a", "b", "before close", "release"), events, "a released child is not closed again");
    }

    @Test
    void refuseUnsupportedSaysWhyOrWhatRunsInstead() {
        Recording d = new Recording();
        d.refuseUnsupported(SPEC); // supported: nothing thrown
        d.answer = Support.unsupported("no FP8 on this chip");
        UnsupportedSpecException no = assertThrows(UnsupportedSpecException.class, () -> d.refuseUnsupported(SPEC));
        assertTrue(no.getMessage().contains("no FP8 on this chip"), no.getMessage());
        d.answer = Support.alternative(OTHER, "only 256-wide rows");
        UnsupportedSpecException alt = assertThrows(UnsupportedSpecException.class, () -> d.refuseUnsupported(SPEC));
        assertTrue(alt.getMessage().contains("alternative offered: " + OTHER.describe() + " (only 256-wide rows)"),
                alt.getMessage());
    }

    @Test
    void aClosedOperatorIsForgottenByDefault() {
        Recording d = new Recording();
        Op op = d.own(new Op(d));
        op.close();
        d.close();
        assertEquals(List.of("before close", "release"), events, "the device does not close the operator again");
    }

    /** A device that records its close and answers {@link #answer} for every spec. */
    private final class Recording extends AbstractDevice {
        boolean beforeCloseFails;
        boolean releaseFails;
        Support answer = Support.supported();

        Recording() {
            super("acme", "acme device 0");
        }

        void child(String name, boolean fails) {
            own(() -> {
                events.add(name);
                if (fails) {
                    throw new IllegalStateException(name + " busy");
                }
            });
        }

        AutoCloseable buffer(String name, long bytes) {
            countAllocated(bytes);
            return own(new AutoCloseable() {
                @Override
                public void close() {
                    events.add(name);
                    released(this, bytes);
                }
            });
        }

        @Override
        protected void beforeClose() {
            if (beforeCloseFails) {
                throw new IllegalStateException("context lost");
            }
            events.add("before close");
        }

        @Override
        protected List<Throwable> release() {
            events.add("release");
            return releaseFails ? List.of(new IllegalStateException("handle busy")) : List.of();
        }

        @Override
        public DeviceInfo info() {
            return new DeviceInfo("acme", 0, "Acme", "test", "t1", 0, 1, "", "", 0, true, Map.of());
        }

        @Override
        public DeviceBuffer allocate(long bytes) {
            throw new UnsupportedOperationException("allocate");
        }

        @Override
        public Stream defaultStream() {
            throw new UnsupportedOperationException("defaultStream");
        }

        @Override
        public Stream newStream() {
            throw new UnsupportedOperationException("newStream");
        }

        @Override
        public Event newEvent() {
            throw new UnsupportedOperationException("newEvent");
        }

        @Override
        public Support supports(OpSpec spec) {
            return answer;
        }

        @Override
        public PreparedOp prepare(OpSpec spec) {
            refuseUnsupported(spec);
            throw new UnsupportedOperationException("prepare");
        }
    }

    /** An operator with no hooks but the required one: its close must make the device forget it. */
    private static final class Op extends AbstractPreparedOp<Recording, QuantizeSpec, TestBuffer> {
        Op(Recording device) {
            super("acme", device, SPEC);
        }

        @Override
        public Launch bind(List<DeviceBuffer> operands) {
            throw new UnsupportedOperationException("bind");
        }

        @Override
        protected TestBuffer checkBuffer(DeviceBuffer buffer, String what) {
            throw new IllegalArgumentException(what + " is not a test buffer");
        }
    }
}
