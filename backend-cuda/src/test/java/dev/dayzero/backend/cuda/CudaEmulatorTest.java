package dev.dayzero.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.backend.cuda.jna.CudaApi;
import dev.dayzero.backend.cuda.jna.CudaLibraries;
import dev.dayzero.backend.cuda.jna.KernelParams;
import dev.dayzero.hal.Bf16;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.DeviceOutOfMemoryException;
import dev.dayzero.hal.GraphCapture;
import dev.dayzero.hal.NativeCallException;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.Stream;
import dev.dayzero.hal.op.QuantizeSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The emulator itself, so that what it says about the kernels can be trusted: tensor-core fragments (the helpers
 * of dz_common.cuh against a plain product), warp shuffles, a deadlock and an out-of-bounds write reported as
 * launch errors, and — through the backend — emulated device info, no leaked handles or memory after close,
 * injected out-of-memory, and graph capture and replay. The mma test checks that the emulator and the fragment
 * helpers agree with each other and with a plain product; that both follow the hardware's layout is only proven
 * on a GPU (CudaConformanceTest there).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CudaEmulatorTest {
    private static final byte[] FATBIN_MAGIC = {0x50, (byte) 0xED, 0x55, (byte) 0xBA, 0, 0, 0, 0};

    private CudaApi api;
    private long context;
    private long module;
    private final List<Long> allocations = new ArrayList<>();

    @BeforeAll
    void openDriver() {
        CudaEmulator.assumeBuilt();
        CudaLibraries.Result libs = CudaLibraries.load(CudaConfig.resolve(CudaEmulator.DIR.toString()));
        api = new CudaApi(libs.driver().orElseThrow(() -> new AssertionError(libs.driverReason())).api());
        api.init();
        context = api.primaryContextRetain(api.device(0));
        api.setCurrent(context);
        module = api.moduleLoadData(FATBIN_MAGIC);
    }

    @AfterAll
    void closeDriver() {
        if (api == null) {
            return;
        }
        allocations.forEach(api::memFree);
        api.moduleUnload(module);
        api.primaryContextRelease(api.device(0));
    }

    private long alloc(long bytes) {
        long a = api.memAlloc(bytes);
        allocations.add(a);
        return a;
    }

    private void launch(String kernel, int threads, KernelParams p) {
        try (p) {
            api.launch(api.function(module, kernel), 1, 1, 1, threads, 1, 1, 0, 0L, p);
        }
    }

    private static ByteBuffer le(int bytes) {
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void tensorCoreFragmentsMatchAPlainProduct() {
        SplittableRandom r = new SplittableRandom(11);
        float[] a = new float[16 * 16];
        float[] b = new float[16 * 8]; // b[k][n]
        for (int i = 0; i < a.length; i++) {
            a[i] = Bf16.decode(Bf16.encode((float) r.nextDouble(-2, 2)));
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = Bf16.decode(Bf16.encode((float) r.nextDouble(-2, 2)));
        }
        ByteBuffer ha = le(512);
        ByteBuffer hnk = le(256);
        ByteBuffer hkn = le(256);
        for (float v : a) {
            ha.putShort(Bf16.encode(v));
        }
        for (int n = 0; n < 8; n++) {
            for (int k = 0; k < 16; k++) {
                hnk.putShort(Bf16.encode(b[k * 8 + n]));
            }
        }
        for (float v : b) {
            hkn.putShort(Bf16.encode(v));
        }
        long da = alloc(512);
        long dnk = alloc(256);
        long dkn = alloc(256);
        long dc = alloc(2 * 128 * 4);
        api.copyToDevice(da, ha.flip());
        api.copyToDevice(dnk, hnk.flip());
        api.copyToDevice(dkn, hkn.flip());
        launch("dz_emu_test_mma", 32, new KernelParams(4).address(0, da).address(1, dnk).address(2, dkn).address(3, dc));
        ByteBuffer hc = le(2 * 128 * 4);
        api.copyToHost(hc, dc);
        for (int m = 0; m < 16; m++) {
            for (int n = 0; n < 8; n++) {
                double want = 0;
                for (int k = 0; k < 16; k++) {
                    want += (double) a[m * 16 + k] * b[k * 8 + n];
                }
                assertEquals(want, hc.getFloat((m * 8 + n) * 4), 1e-4, "n-major B, C[" + m + "][" + n + "]");
                assertEquals(want, hc.getFloat((128 + m * 8 + n) * 4), 1e-4, "k-major B, C[" + m + "][" + n + "]");
            }
        }
    }

    @Test
    void warpShufflesStayInsideTheirWarp() {
        long out = alloc(64 * 3 * 4);
        launch("dz_emu_test_shfl", 64, new KernelParams(1).address(0, out));
        ByteBuffer h = le(64 * 3 * 4);
        api.copyToHost(h, out);
        int[] got = new int[64 * 3];
        h.asIntBuffer().get(got);
        int[] want = new int[64 * 3];
        for (int i = 0; i < 64; i++) {
            int lane = i % 32;
            int warp = i - lane;
            want[3 * i] = 1000 + warp + (lane ^ 1);
            want[3 * i + 1] = 1000 + warp + (lane + 3 < 32 ? lane + 3 : lane);
            want[3 * i + 2] = 1000 + warp + 5;
        }
        assertArrayEquals(want, got);
    }

    @Test
    void aDeadlockFailsTheLaunchAndSaysWhy() {
        long out = alloc(32 * 4);
        NativeCallException e = assertThrows(NativeCallException.class,
                () -> launch("dz_emu_test_deadlock", 32, new KernelParams(1).address(0, out)));
        assertEquals(719L, e.nativeCode().orElseThrow());
        assertTrue(e.getMessage().contains("deadlock"), e.getMessage());
        assertTrue(e.getMessage().contains("16 of 32 live threads wait at __syncthreads, 16 at a warp barrier"),
                e.getMessage());
    }

    @Test
    void aWritePastTheEndIsAnIllegalAddress() {
        long p = alloc(100 * 4);
        NativeCallException e = assertThrows(NativeCallException.class,
                () -> launch("dz_emu_test_oob", 32, new KernelParams(2).address(0, p).int32(1, 100)));
        assertEquals(700L, e.nativeCode().orElseThrow());
        assertTrue(e.getMessage().contains("past its end") && e.getMessage().contains("400 bytes"), e.getMessage());
    }

    @Test
    void anUnknownKernelIsNotFound() {
        NativeCallException e = assertThrows(NativeCallException.class, () -> api.function(module, "dz_no_such"));
        assertEquals(500L, e.nativeCode().orElseThrow());
    }

    @Test
    void theBackendOnTheEmulatorIsLabelledEmulatedAndLeavesNothingBehind() {
        CudaEmulator.Hooks hooks = CudaEmulator.hooks();
        int handlesBefore = hooks.dzEmuLiveHandles();
        int allocationsBefore = hooks.dzEmuLiveAllocations();
        int retainsBefore = hooks.dzEmuPrimaryRetains();
        QuantizeSpec spec = new QuantizeSpec(8, 256, DType.F32, DType.F8_E4M3FN, QuantizeSpec.perGroup(128), DType.F32);
        try (Device d = CudaEmulator.open()) {
            assertTrue(d.info().emulated(), "the emulator must never pass for a GPU");
            assertEquals(retainsBefore + 1, hooks.dzEmuPrimaryRetains());
            hooks.dzEmuFailNextAlloc();
            assertThrows(DeviceOutOfMemoryException.class, () -> d.allocate(1024));

            DeviceBuffer x = d.allocate(8 * 256 * 4);
            DeviceBuffer q = d.allocate(8 * 256);
            DeviceBuffer s = d.allocate(8 * 2 * 4);
            ByteBuffer hx = le(8 * 256 * 4);
            for (int i = 0; i < 8 * 256; i++) {
                hx.putFloat((i % 37) - 18.5f);
            }
            x.write(0, hx.flip());
            Stream stream = d.newStream();
            GraphCapture capture = d.graphCapture().orElseThrow();
            try (PreparedOp op = d.prepare(spec); PreparedOp.Launch launch = op.bind(List.of(x, q, s))) {
                launch.enqueue(stream);
                stream.synchronize();
                ByteBuffer direct = le(8 * 256);
                q.read(0, direct);
                q.fill(stream, (byte) 0);
                try (GraphCapture.Graph g = capture.capture(stream, () -> launch.enqueue(stream))) {
                    stream.synchronize();
                    ByteBuffer notYet = le(8 * 256);
                    q.read(0, notYet);
                    assertEquals(0, notYet.get(3), "capture must not run the kernel");
                    g.replay(stream);
                    stream.synchronize();
                }
                ByteBuffer replayed = le(8 * 256);
                q.read(0, replayed);
                assertEquals(direct.rewind(), replayed.rewind(), "graph replay computes what the direct launch did");
            }
            x.close();
            q.close();
            s.close();
        }
        assertEquals(allocationsBefore, hooks.dzEmuLiveAllocations(), "device memory leaked");
        assertEquals(handlesBefore, hooks.dzEmuLiveHandles(), "streams, events, modules or graphs leaked");
        assertEquals(retainsBefore, hooks.dzEmuPrimaryRetains(), "primary context not released");
    }
}
