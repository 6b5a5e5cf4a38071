package dev.dayzero.backend.cpu.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.backend.cpu.CpuConfig;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.DeviceOutOfMemoryException;
import dev.dayzero.hal.Event;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.Stream;
import dev.dayzero.hal.Support;
import dev.dayzero.hal.UnsupportedSpecException;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import dev.dayzero.hal.op.TensorSpec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class CpuDeviceTest {
    private static final QuantizeSpec SPEC =
            new QuantizeSpec(4, 256, DType.F32, DType.F8_E4M3FN, QuantizeSpec.perGroup(128), DType.F32);

    private static List<DeviceBuffer> buffers(CpuDevice d, List<TensorSpec> tensors) {
        List<DeviceBuffer> out = new ArrayList<>();
        for (TensorSpec t : tensors) {
            out.add(d.allocate(t.bytes()));
        }
        return out;
    }

    @Test
    void closingTheDeviceClosesAndFreesEverything() {
        CpuDevice d = new CpuDevice(new CpuConfig(2, false));
        List<DeviceBuffer> bufs = buffers(d, SPEC.operands());
        long expected = SPEC.operands().stream().mapToLong(TensorSpec::bytes).sum();
        assertEquals(expected, d.allocatedBytes());
        PreparedOp op = d.prepare(SPEC);
        PreparedOp.Launch launch = op.bind(bufs);
        Stream stream = d.newStream();
        Event start = d.newEvent();
        Event end = d.newEvent();
        stream.record(start);
        launch.enqueue(stream);
        stream.record(end);
        end.synchronize();
        assertTrue(end.millisSince(start) >= 0);

        d.close();
        d.close(); // idempotent
        assertTrue(d.isClosed());
        assertEquals(0, d.allocatedBytes());
        bufs.forEach(b -> assertTrue(b.isClosed()));
        assertThrows(IllegalStateException.class, () -> bufs.get(0).write(0, ByteBuffer.allocate(4)));
        assertThrows(IllegalStateException.class, () -> launch.enqueue(stream));
        assertThrows(IllegalStateException.class, () -> op.bind(bufs));
        assertThrows(IllegalStateException.class, stream::synchronize);
        assertThrows(IllegalStateException.class, () -> end.millisSince(start));
        assertThrows(IllegalStateException.class, () -> d.allocate(8));
        assertThrows(IllegalStateException.class, d::newStream);
    }

    @Test
    void closingABufferReturnsItsBytes() {
        try (CpuDevice d = new CpuDevice(new CpuConfig(1, false))) {
            DeviceBuffer a = d.allocate(100);
            DeviceBuffer b = d.allocate(50);
            a.close();
            a.close();
            assertEquals(50, d.allocatedBytes());
            assertThrows(IllegalStateException.class, () -> a.read(0, ByteBuffer.allocate(1)));
            b.fill(d.defaultStream(), (byte) 7);
            ByteBuffer back = ByteBuffer.allocate(50);
            b.read(0, back);
            assertEquals(7, back.get(49));
            assertThrows(IndexOutOfBoundsException.class, () -> b.write(40, ByteBuffer.allocate(20)));
        }
    }

    @Test
    void launchesRefuseClosedBuffersAndForeignStreams() {
        try (CpuDevice d = new CpuDevice(new CpuConfig(1, false));
             CpuDevice other = new CpuDevice(new CpuConfig(1, false))) {
            List<DeviceBuffer> bufs = buffers(d, SPEC.operands());
            PreparedOp op = d.prepare(SPEC);
            PreparedOp.Launch launch = op.bind(bufs);
            assertThrows(IllegalArgumentException.class, () -> launch.enqueue(other.defaultStream()));
            bufs.get(0).close();
            assertThrows(IllegalStateException.class, () -> launch.enqueue(d.defaultStream()));
            assertThrows(IllegalArgumentException.class, () -> op.bind(bufs.subList(0, 2)));
            assertThrows(IllegalArgumentException.class, () -> op.bind(buffers(other, SPEC.operands())));
        }
    }

    @Test
    void tooBigIsOutOfMemoryAndUnsupported() {
        try (CpuDevice d = new CpuDevice(new CpuConfig(1, false))) {
            DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class, () -> d.allocate(3L << 30));
            assertEquals(3L << 30, e.requestedBytes());
            assertTrue(e.getMessage().contains("at most"), e.getMessage());
            MoeGemmSpec huge = MoeGemmSpec.contiguous(MoeGemmSpec.Type.BF16, 4096, 7168, Collections.nCopies(64, 1));
            Support s = d.supports(huge);
            assertInstanceOf(Support.Unsupported.class, s);
            assertThrows(UnsupportedSpecException.class, () -> d.prepare(huge));
            assertTrue(d.supports(SPEC).isSupported());
        }
    }

    @Test
    void theCacheItReportsIsTheLastLevel() {
        assertEquals(300L << 20, HostInfo.lastLevel(2L << 20, 300L << 20), "an L3 is the last level");
        assertEquals(1L << 20, HostInfo.lastLevel(1L << 20, 0), "no L3 readable: the L2");
        try (CpuDevice d = new CpuDevice(new CpuConfig(1, false))) {
            long l2 = Long.parseLong(d.info().properties().get("l2Bytes"));
            long l3 = Long.parseLong(d.info().properties().get("l3Bytes"));
            // cold-cache flushes are sized from it: twice a 2 MiB L2 would leave a large L3 warm
            assertEquals(Math.max(l2, l3), d.info().l2Bytes(), "this host's L2 " + l2 + ", L3 " + l3);
        }
    }

    @Test
    void thePoolCountsWhatItsBodiesAllocate() throws Exception {
        try (CpuDevice d = new CpuDevice(new CpuConfig(2, false))) {
            long before = d.pool().allocatedBytes();
            byte[][] kept = new byte[2][];
            java.util.concurrent.CountDownLatch both = new java.util.concurrent.CountDownLatch(2);
            // two items, and each body waits for the other: the caller and the pool thread take one each
            d.pool().forEach(2, (worker, item) -> {
                kept[item] = new byte[1 << 20];
                both.countDown();
                try {
                    assertTrue(both.await(30, java.util.concurrent.TimeUnit.SECONDS), "the other item never started");
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            long grew = d.pool().allocatedBytes() - before;
            // the pool thread's 1 MiB array (and a little more); the caller's is not the pool's
            assertTrue(grew >= 1 << 20 && grew < 2 << 20, "pool threads allocated " + grew);
            assertEquals(2, java.util.Arrays.stream(kept).filter(a -> a != null && a.length == 1 << 20).count());
        }
    }

    @Test
    void boxingIsNotedWhenEveryRecentLaunchAllocatedMuch() {
        try (CpuDevice d = new CpuDevice(new CpuConfig(2, false))) {
            CpuPreparedOp op = (CpuPreparedOp) d.prepare(SPEC);
            op.allocated(900_000_000); // the first launch (interpreted in a fresh JVM) is never the verdict alone
            assertTrue(op.boxingNote().isEmpty(), "one launch: no verdict");
            op.allocated(50_000_000);
            assertTrue(op.boxingNote().orElseThrow().contains("50.0 MB of Java heap a launch (last 1 launch)"), op.notes().toString());
            for (int i = 0; i < CpuPreparedOp.WATCHED; i++) {
                op.allocated(60_000_000);
            }
            String note = op.boxingNote().orElseThrow();
            assertTrue(note.contains("60.0 MB") && note.contains("last 8 launches") && note.contains("boxed"), note);
            assertTrue(op.notes().contains(note), "the note is among the op's notes");
            op.allocated(1_000); // one launch without boxing: a recompiled kernel, or a GC artefact before
            assertTrue(op.boxingNote().isEmpty(), "the least of the window decides");
            for (int i = 0; i < CpuPreparedOp.WATCHED; i++) {
                op.allocated(CpuPreparedOp.BOXING_BYTES);
            }
            assertTrue(op.boxingNote().isEmpty(), "at the threshold: not boxing");
            assertEquals(1, op.notes().size());
        }
    }

    @Test
    void launchesRecordTheirAllocationAndAPlainKernelAllocatesLittle() {
        try (CpuDevice d = new CpuDevice(new CpuConfig(2, false))) {
            List<DeviceBuffer> bufs = buffers(d, SPEC.operands());
            CpuPreparedOp op = (CpuPreparedOp) d.prepare(SPEC);
            PreparedOp.Launch launch = op.bind(bufs);
            for (int i = 0; i < 2 * CpuPreparedOp.WATCHED; i++) {
                launch.enqueue(d.defaultStream());
            }
            assertEquals(2 * CpuPreparedOp.WATCHED, op.launchesSeen(), "every launch records what it allocated");
            assertTrue(op.boxingNote().isEmpty(), "plain loops box nothing: " + op.notes());
            op.allocated(1L << 30); // the ring is written by launches: one big entry does not make a verdict
            assertTrue(op.boxingNote().isEmpty());
        }
    }
}
