package dev.dayzero.backend.cuda.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.backend.cuda.CudaEmulator;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.HalException;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.PreparedOp.Launch;
import dev.dayzero.hal.Stream;
import dev.dayzero.hal.op.QuantizeSpec;
import dev.dayzero.hal.op.TensorSpec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The skeleton every prepared operator of this backend shares ({@link CudaOp} on hal-api's
 * {@code AbstractPreparedOp}): bind after close, close twice, operands of another device, the order and reporting of
 * what close frees, with this backend's messages.
 */
class CudaOpTest {
    private static final QuantizeSpec SPEC =
            new QuantizeSpec(4, 128, DType.BF16, DType.F8_E4M3FN, QuantizeSpec.perGroup(128), DType.F32);

    private static List<DeviceBuffer> operands(Device d, QuantizeSpec spec) {
        List<DeviceBuffer> buffers = new ArrayList<>();
        for (TensorSpec t : spec.operands()) {
            DeviceBuffer b = d.allocate(t.bytes());
            b.fill(d.defaultStream(), (byte) 0);
            buffers.add(b);
        }
        d.defaultStream().synchronize();
        return buffers;
    }

    @Test
    void closedOperatorRefusesBindClosesItsLaunchesAndClosesOnce() {
        int allocationsBefore = CudaEmulator.hooks().dzEmuLiveAllocations();
        try (Device d = CudaEmulator.open()) {
            PreparedOp op = d.prepare(SPEC);
            List<DeviceBuffer> buffers = operands(d, SPEC);
            Launch launch = op.bind(buffers);
            launch.enqueue(d.defaultStream());
            d.defaultStream().synchronize();

            op.close();
            IllegalStateException closedLaunch = assertThrows(IllegalStateException.class,
                    () -> launch.enqueue(d.defaultStream()));
            assertEquals("launch of " + SPEC.describe() + " is closed", closedLaunch.getMessage());
            IllegalStateException closedOp = assertThrows(IllegalStateException.class, () -> op.bind(buffers));
            assertEquals("prepared " + SPEC.describe() + " is closed", closedOp.getMessage());
            op.close();
            launch.close();
        }
        assertEquals(allocationsBefore, CudaEmulator.hooks().dzEmuLiveAllocations(), "every device allocation freed");
    }

    @Test
    void operandOfAnotherKindNamesTheOperand() {
        try (Device d = CudaEmulator.open(); PreparedOp op = d.prepare(SPEC)) {
            List<DeviceBuffer> buffers = operands(d, SPEC);
            DeviceBuffer q = buffers.get(1);
            buffers.set(1, new HostBuffer(q.size()));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> op.bind(buffers));
            assertEquals("operand 1 'q' must be a buffer of this CUDA device", e.getMessage());
        }
    }

    @Test
    void closeFreesLaunchesThenReleaseAndReportsFailuresOnce() {
        try (Device device = CudaEmulator.open()) {
            CudaDevice d = (CudaDevice) device;
            List<String> events = new ArrayList<>();
            Recording op = d.own(new Recording(d, events));
            List<DeviceBuffer> buffers = operands(d, SPEC);
            op.bind(buffers);
            op.bind(buffers);

            HalException e = assertThrows(HalException.class, op::close);
            assertTrue(e.getMessage().startsWith("closing prepared " + SPEC.describe() + ": 1 owned resource(s)"),
                    e.getMessage());
            assertEquals("descriptor still in use", e.getSuppressed()[0].getMessage());
            assertEquals(List.of("launch 1", "launch 0", "release"), events, "launches newest first, release last");

            op.close();
            assertEquals(3, events.size(), "a second close frees nothing");
            assertThrows(IllegalStateException.class, () -> op.bind(buffers));
        }
    }

    /** An operator whose launches and release record when they close; release fails. */
    private static final class Recording extends CudaOp<QuantizeSpec> {
        private final List<String> events;
        private int bound;

        Recording(CudaDevice device, List<String> events) {
            super(device, SPEC);
            this.events = events;
        }

        @Override
        public Launch bind(List<DeviceBuffer> operands) {
            checkBind(operands);
            address(operands, 0);
            String name = "launch " + bound++;
            return launches.add(new Launch() {
                @Override
                public void enqueue(Stream stream) {
                }

                @Override
                public void close() {
                    events.add(name);
                    launches.remove(this);
                }
            });
        }

        @Override
        protected List<Throwable> release() {
            events.add("release");
            return List.of(new IllegalStateException("descriptor still in use"));
        }
    }

    /** A buffer that is not a CUDA device's. */
    private static final class HostBuffer implements DeviceBuffer {
        private final long size;

        HostBuffer(long size) {
            this.size = size;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public void write(long offset, ByteBuffer src) {
        }

        @Override
        public void read(long offset, ByteBuffer dst) {
        }

        @Override
        public void fill(Stream stream, byte value) {
        }

        @Override
        public void copyFrom(Stream stream, DeviceBuffer src) {
        }

        @Override
        public boolean isClosed() {
            return false;
        }

        @Override
        public void close() {
        }
    }
}
