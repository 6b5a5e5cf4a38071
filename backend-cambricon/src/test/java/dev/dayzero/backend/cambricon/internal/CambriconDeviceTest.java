package dev.dayzero.backend.cambricon.internal;

import dev.dayzero.hal.NativeHandle;
import dev.dayzero.backend.cambricon.jna.FakeDouble;
import dev.dayzero.backend.cambricon.jna.NativeLibraries;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.DeviceInfo;
import dev.dayzero.hal.DeviceOutOfMemoryException;
import dev.dayzero.hal.Event;
import dev.dayzero.hal.NativeCallException;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.Stream;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.MoeGemmSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The real backend code against the ABI double: resources, descriptors, bools, workspace, errors. */
class CambriconDeviceTest {
    private static final String[] KINDS = {"memory", "queue", "notifier", "handle", "tensor", "matmul_desc",
        "matmul_algo", "heuristic", "flash_desc"};
    private FakeDouble fake;
    private CambriconDevice device;

    @BeforeEach
    void open() {
        assumeTrue(FakeDouble.built(), FakeDouble.NOT_BUILT);
        fake = FakeDouble.load();
        fake.fake_reset();
        fake.fake_set_capability(5, 0);
        NativeLibraries.Outcome o = NativeLibraries.load(List.of(FakeDouble.DIR));
        device = CambriconDevice.open(o.loaded().orElseThrow(), 0);
    }

    @AfterEach
    void closeAndCountLive() {
        if (device == null) {
            return;
        }
        device.close();
        device.close(); // idempotent
        for (String kind : KINDS) {
            assertEquals(0, fake.fake_live(kind), kind + " still live after the device closed");
        }
        assertEquals(0, fake.fake_live_bytes());
        assertEquals(0, device.allocatedBytes());
    }

    @Test
    void infoFromAttributes() {
        DeviceInfo i = device.info();
        assertTrue(i.emulated());
        assertEquals("MLU590 (Dayzero test double)", i.name());
        assertEquals("MLU590 (ISA 592)", i.architecture());
        assertEquals(48, i.computeUnits()); // 12 clusters x 4 cores
        assertEquals(1024L << 20, i.memoryBytes());
        assertEquals("5.0", i.properties().get("computeCapability"));
        assertEquals("592", i.properties().get("isaVersion"));
        assertEquals("4096", i.properties().get("gmemBusWidthBits"));
        assertEquals("1300000", i.properties().get("ipuClockRateKHz"));
        assertEquals(1, fake.fake_live("handle"));
        assertEquals(1, fake.fake_live("queue"), "the default queue");
    }

    @Test
    void buffersRoundTripAndAreCounted() {
        DeviceBuffer b = device.allocate(1000);
        assertEquals(1000, device.allocatedBytes());
        assertEquals(1000, fake.fake_live_bytes());
        byte[] data = new byte[1000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        b.write(0, ByteBuffer.wrap(data));
        ByteBuffer back = ByteBuffer.allocate(1000);
        b.read(0, back);
        assertArrayEquals(data, back.array());
        b.fill(device.defaultStream(), (byte) 3);
        ByteBuffer filled = ByteBuffer.allocate(10);
        b.read(990, filled);
        assertEquals(3, filled.get(0));
        b.close();
        b.close();
        assertEquals(0, device.allocatedBytes());
        assertThrows(IllegalStateException.class, () -> b.read(0, ByteBuffer.allocate(1)));
        device.allocate(64); // left open: the device closes it
    }

    @Test
    void queuesAndNotifiersTimeInMicroseconds() {
        Stream s = device.newStream();
        Event a = device.newEvent();
        Event b = device.newEvent();
        assertEquals(2, fake.fake_live("queue"));
        assertEquals(2, fake.fake_live("notifier"));
        s.record(a);
        s.record(b);
        s.synchronize();
        b.synchronize();
        double ms = b.millisSince(a);
        assertTrue(ms >= 0 && ms < 1000, "duration " + ms);
        assertEquals(1, fake.fake_calls("cnrtNotifierDuration"));
        s.close();
        assertEquals(1, fake.fake_live("queue"));
        // events left open: the device closes them
    }

    @Test
    void sixtyFourBitDims() {
        long big = 3_000_000_000L;
        try (NativeHandle t = device.tensor(dev.dayzero.backend.cambricon.jna.Cnnl.CNNL_DTYPE_INT8, big, 2)) {
            assertEquals(big, fake.fake_noted("last_dim0"));
            assertEquals(1, fake.fake_live("tensor"));
        }
        assertEquals(0, fake.fake_live("tensor"));
    }

    @Test
    void oneByteBoolsReachFlashAttention() {
        try (PreparedOp op = device.prepare(new AttentionSpec.Prefill(List.of(3, 5), 4, 2, 16, true, 0.25f))) {
            assertEquals(1, fake.fake_noted("flash_is_pack_mode"));
            assertEquals(0, fake.fake_noted("flash_return_softmax"));
            assertEquals(1, fake.fake_live("flash_desc"));
            assertTrue(op.notes().get(0).contains("cnnlFlashAttentionForward_v2"));
        }
        assertEquals(0, fake.fake_live("flash_desc"));
        assertEquals(0, fake.fake_live("tensor"));
    }

    @Test
    void workspaceIsSizedByTheHeuristic() {
        // the double asks 4 bytes per output element; the largest expert (7 rows x 32) decides
        MoeGemmSpec spec = MoeGemmSpec.contiguous(MoeGemmSpec.Type.BF16, 32, 16, List.of(3, 0, 7));
        try (PreparedOp op = device.prepare(spec)) {
            assertEquals(7L * 32 * 4, device.allocatedBytes());
            assertEquals(2, fake.fake_live("matmul_algo"));
            assertTrue(op.notes().get(0).contains("2 calls"), op.notes().toString());
        }
        assertEquals(0, device.allocatedBytes());
    }

    @Test
    void cnnlErrorsCarryCallCodeAndText() {
        MoeGemmSpec spec = MoeGemmSpec.contiguous(MoeGemmSpec.Type.BF16, 8, 16, List.of(2));
        try (PreparedOp op = device.prepare(spec)) {
            List<DeviceBuffer> bufs = spec.operands().stream().map(t -> device.allocate(t.bytes())).toList();
            PreparedOp.Launch launch = op.bind(bufs);
            fake.fake_fail_next("cnnlMatMul_v2", 3);
            NativeCallException e = assertThrows(NativeCallException.class, () -> launch.enqueue(device.defaultStream()));
            assertEquals("cnnlMatMul_v2", e.nativeCall().orElseThrow());
            assertEquals(3L, e.nativeCode().orElseThrow());
            assertEquals("CNNL_STATUS_BAD_PARAM", e.codeName());
            assertTrue(e.getMessage().contains("a parameter is invalid (test double)"), e.getMessage());
            launch.enqueue(device.defaultStream()); // the next call succeeds
        }
    }

    @Test
    void cnrtErrorsCarryCallCodeAndText() {
        fake.fake_fail_next("cnrtQueueCreate", 100006);
        NativeCallException e = assertThrows(NativeCallException.class, () -> device.newStream());
        assertEquals("cnrtQueueCreate", e.nativeCall().orElseThrow());
        assertEquals("cnrtErrorArgsInvalid", e.codeName());
        assertEquals("invalid argument (test double)", e.vendorMessage());
        fake.fake_fail_next("cnrtMalloc", 100100);
        DeviceOutOfMemoryException oom = assertThrows(DeviceOutOfMemoryException.class, () -> device.allocate(16));
        assertTrue(oom.getMessage().contains("cnrtErrorNoMem"), oom.getMessage());
        assertEquals(0, device.allocatedBytes());
    }

    @Test
    void aFailedPrepareFreesWhatItBuilt() {
        fake.fake_fail_next("cnnlGetMatMulAlgoHeuristic", 7);
        NativeCallException e = assertThrows(NativeCallException.class,
                () -> device.prepare(MoeGemmSpec.contiguous(MoeGemmSpec.Type.BF16, 8, 16, List.of(2, 2))));
        assertEquals("CNNL_STATUS_NOT_SUPPORTED", e.codeName());
        assertEquals(0, fake.fake_live("tensor"));
        assertEquals(0, fake.fake_live("matmul_desc"));
        assertEquals(0, fake.fake_live("heuristic"));
    }

    @Test
    void closedDeviceRefusesWork() {
        device.close();
        assertThrows(IllegalStateException.class, () -> device.allocate(1));
        assertThrows(IllegalStateException.class, () -> device.newEvent());
    }
}
