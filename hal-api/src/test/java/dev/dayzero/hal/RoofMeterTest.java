package dev.dayzero.hal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.host.HostMemoryDevice;
import dev.dayzero.hal.host.HostPreparedOp;
import dev.dayzero.hal.op.GemmSpec;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.hal.op.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The roof arithmetic (STREAM bytes, GEMM FLOP, effort scaling, best and median) and the two HAL measurements on a
 * heap-memory device: the calls they make and that everything they allocate is closed. The host device's timings
 * are not a speed of anything; only their use in the arithmetic is checked.
 */
class RoofMeterTest {

    @Test
    void streamCountsReadPlusWrittenBytes() {
        // 1 GiB copied once in 0.5 ms: 2 × 2^30 B / 5e5 ns = 4294.967 GB/s
        assertEquals(4294.967296, RoofMeter.streamGBps(1L << 30, 1, 0.5), 1e-6);
        assertEquals(2 * 4294.967296, RoofMeter.streamGBps(1L << 30, 2, 0.5), 1e-6);
        assertThrows(IllegalStateException.class, () -> RoofMeter.streamGBps(1 << 20, 1, 0.0), "a zero time is refused");
    }

    @Test
    void gemmCountsTwoFlopPerMultiplyAdd() {
        // 2 × 8192^3 = 1.09951e12 FLOP in 1.5 ms = 733.008 TFLOP/s
        assertEquals(733.00775, RoofMeter.tflops(8192, 8192, 8192, 1, 1.5), 1e-3);
        assertEquals(2.0 * 64 * 32 * 16 * 10 / (2.0 * 1e9), RoofMeter.tflops(64, 32, 16, 10, 2.0), 1e-15);
    }

    @Test
    void effortScalesSizesAndCountsWithinLimits() {
        long gib = 1L << 30;
        assertEquals(gib, RoofMeter.copyBytes(gib, 1.0, 80L * gib));
        assertEquals(gib / 2, RoofMeter.copyBytes(gib, 0.5, 80L * gib));
        assertEquals(1L << 20, RoofMeter.copyBytes(gib, 1e-6, 80L * gib), "never below 1 MiB");
        assertEquals(256L << 20, RoofMeter.copyBytes(gib, 1.0, gib + 12345), "a quarter of free memory, in MiB");
        assertThrows(IllegalStateException.class, () -> RoofMeter.copyBytes(gib, 1.0, 3L << 20));
        assertEquals(8192, RoofMeter.gemmEdge(8192, 1.0, 128, 256));
        assertEquals(4096, RoofMeter.gemmEdge(8192, 0.125, 128, 256), "work ∝ effort: edge ∝ ∛effort");
        assertEquals(128, RoofMeter.gemmEdge(8192, 1e-9, 128, 256));
        assertEquals(10, RoofMeter.count(10, 1.0, 2));
        assertEquals(2, RoofMeter.count(10, 0.01, 2));
        assertThrows(IllegalArgumentException.class, () -> RoofMeter.count(10, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> RoofMeter.gemmEdge(10, 1.5, 2, 2));
    }

    @Test
    void bestAndMedian() {
        double[] ms = {3, 1, 2, 5};
        assertEquals(1, RoofMeter.best(ms));
        assertEquals(2.5, RoofMeter.median(ms));
        assertEquals(2, RoofMeter.median(new double[] {3, 1, 2}));
    }

    @Test
    void copyCopiesRepsTimesBetweenEventsAndFreesEverything() {
        try (Heap d = new Heap()) {
            RoofMeter.Sample s = RoofMeter.copy(d, 1 << 20, 3, "test copy");
            assertEquals(3, s.millis().length);
            assertEquals(4, d.copies.get(), "one warm-up and three timed copies");
            assertEquals(RoofMeter.streamGBps(1 << 20, 1, s.best()), s.figure().value(), 1e-9,
                    "the figure is the STREAM rate of the best repetition");
            assertTrue(s.figure().method().startsWith("test copy: device-to-device copy of 1 MiB"), s.figure().method());
            assertTrue(s.figure().method().contains("best of 3"), s.figure().method());
            assertEquals(0, d.allocatedBytes(), "both buffers freed");
        }
    }

    @Test
    void gemmLaunchesPerRepTimesRepsAfterAWarmUpAndFreesEverything() {
        GemmSpec spec = GemmSpec.of(GemmSpec.Type.BF16, 64, 64, 128);
        try (Heap d = new Heap()) {
            RoofMeter.Sample s = RoofMeter.gemm(d, spec, 2, 3, "test gemm");
            assertEquals(2 + 2 * 3, d.launchCount.get(), "a warm-up of perRep launches, then reps × perRep");
            assertEquals(1, d.prepared.get());
            assertEquals(RoofMeter.tflops(64, 64, 128, 2, s.best()), s.figure().value(), 1e-12);
            assertTrue(s.figure().method().startsWith("test gemm: BF16 GEMM m=64 n=64 k=128"), s.figure().method());
            assertEquals(0, d.allocatedBytes(), "operands freed");
            assertEquals(spec.inputs().size(), d.nonZeroInputs.get(), "every input was filled");
        }
        assertThrows(IllegalArgumentException.class, () -> {
            try (Heap d = new Heap()) {
                RoofMeter.gemm(d, GemmSpec.batched(GemmSpec.Type.BF16, 2, 8, 8, 128), 1, 1, "x");
            }
        });
    }

    @Test
    void randomFillIsFiniteForEveryFloatType() {
        try (Heap d = new Heap()) {
            for (DType t : new DType[] {DType.BF16, DType.F32, DType.F8_E4M3FN, DType.F8_E5M2}) {
                TensorSpec spec = TensorSpec.of("x", t, 4096);
                DeviceBuffer b = d.allocate(spec.bytes());
                RoofMeter.fillRandom(b, spec, new SplittableRandom(1));
                ByteBuffer bytes = ByteBuffer.allocate((int) b.size()).order(ByteOrder.LITTLE_ENDIAN);
                b.read(0, bytes);
                bytes.flip();
                int distinct = 0;
                float previous = Float.NaN;
                while (bytes.hasRemaining()) {
                    float v = switch (t) {
                        case BF16 -> Bf16.decode(bytes.getShort());
                        case F32 -> bytes.getFloat();
                        default -> Fp8.decode(t, bytes.get());
                    };
                    assertTrue(Float.isFinite(v), t + ": " + v);
                    distinct += v != previous ? 1 : 0;
                    previous = v;
                }
                assertTrue(distinct > 100, t + " values vary");
                b.close();
            }
        }
    }

    /** A heap-memory device counting copies, preparations and launches of a GEMM that computes nothing. */
    private static final class Heap extends HostMemoryDevice {
        final AtomicInteger copies = new AtomicInteger();
        final AtomicInteger prepared = new AtomicInteger();
        final AtomicInteger launchCount = new AtomicInteger();
        final AtomicInteger nonZeroInputs = new AtomicInteger();

        Heap() {
            super("test", "the heap device");
        }

        @Override
        public DeviceInfo info() {
            return new DeviceInfo("test", 0, "test", "heap", "host", 0, 1, "", "", 0, true, Map.of());
        }

        @Override
        public DeviceBuffer allocate(long bytes) {
            DeviceBuffer b = super.allocate(bytes);
            return new DeviceBuffer() {
                @Override
                public long size() {
                    return b.size();
                }

                @Override
                public void write(long offset, ByteBuffer src) {
                    b.write(offset, src);
                }

                @Override
                public void read(long offset, ByteBuffer dst) {
                    b.read(offset, dst);
                }

                @Override
                public void fill(Stream stream, byte value) {
                    b.fill(stream, value);
                }

                @Override
                public void copyFrom(Stream stream, DeviceBuffer src) {
                    copies.incrementAndGet();
                }

                @Override
                public boolean isClosed() {
                    return b.isClosed();
                }

                @Override
                public void close() {
                    b.close();
                }
            };
        }

        @Override
        public Support supports(OpSpec spec) {
            return Support.supported();
        }

        @Override
        public PreparedOp prepare(OpSpec spec) {
            prepared.incrementAndGet();
            return own(new HostPreparedOp<>("test", this, spec) {
                @Override
                public Launch bind(java.util.List<DeviceBuffer> operands) {
                    for (DeviceBuffer b : operands.subList(0, spec.inputs().size())) {
                        ByteBuffer head = ByteBuffer.allocate(8);
                        b.read(0, head);
                        if (head.getLong(0) != 0) {
                            nonZeroInputs.incrementAndGet();
                        }
                    }
                    return new Launch() {
                        @Override
                        public void enqueue(Stream stream) {
                            Heap.this.launchCount.incrementAndGet();
                        }

                        @Override
                        public void close() {
                        }
                    };
                }

                @Override
                protected void run(ByteBuffer[] operands) {
                }
            });
        }
    }
}
