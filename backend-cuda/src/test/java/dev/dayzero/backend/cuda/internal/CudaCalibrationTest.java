package dev.dayzero.backend.cuda.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.dayzero.backend.cuda.CudaConfig;
import dev.dayzero.backend.cuda.CudaEmulator;
import dev.dayzero.backend.cuda.jna.CudaApi;
import dev.dayzero.backend.cuda.jna.CudaLibraries;
import dev.dayzero.hal.Calibration;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.DeviceInfo;
import dev.dayzero.hal.Probe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The GPU calibration: never offered for the emulator; its sizing and method text; and its call sequence run on
 * the emulator (with the cuBLASLt test double, and without cuBLASLt on the backend's own kernels) at the lowest
 * effort. Those runs check which calls are made and that everything is freed, NOT a speed: the figures they
 * produce are host timings of a test double and are never returned by {@link CudaDevice#calibration()}.
 */
class CudaCalibrationTest {
    /** The cuBLASLt double's hooks. */
    interface LtHooks extends Library {
        long dz_fake_cublaslt_live_objects();

        long dz_fake_cublaslt_calls(String function);
    }

    private static final double TINY = 1e-6;

    @Test
    void theEmulatorIsNeverCalibrated() {
        try (Device d = CudaEmulator.open()) {
            assertTrue(d.info().emulated());
            assertTrue(d.calibration().isEmpty(), "an emulator's speed is not a GPU's");
        }
    }

    @Test
    void squareEdgeHalvesUntilThreeOperandsFitInHalfTheFreeMemory() {
        assertEquals(8192, CudaCalibration.fit(8192, 12, 80L << 30));
        // 8192² × 12 B = 768 MiB > 1 GiB / 2: 4096² × 12 B = 192 MiB fits
        assertEquals(4096, CudaCalibration.fit(8192, 12, 1L << 30));
        assertEquals(128, CudaCalibration.fit(8192, 12, 1L << 10), "never below 128");
    }

    @Test
    void cublasLtPrecisionsAreTheDocumentedKeysAndTheFp8OneIsScalarScaled() {
        List<String> keys = CudaCalibration.CUBLASLT_PRECISIONS.stream().map(CudaCalibration.Precision::key).toList();
        assertEquals(List.of("f32", "tf32", "bf16", "fp8"), keys);
        assertTrue(Calibration.PRECISIONS.containsAll(keys));
        CudaCalibration.Precision fp8 = CudaCalibration.CUBLASLT_PRECISIONS.get(3);
        String method = CudaCalibration.cublasLtMethod("cuBLASLt 13.0.0 (x)", fp8, 8192, 1 << 20, 10, 5, 1234.5);
        assertTrue(method.contains("SCALAR_32F") && method.contains("m=n=k=8192") && method.contains("best of 5")
                && method.contains("median 1234.50 TFLOP/s") && method.contains("10 launches"), method);
    }

    @Test
    void onTheCublasLtDoubleCallsAndFreesOnlyNotASpeed() {
        Path lt = CudaEmulator.DIR.resolve("libcublasLt.so.13");
        CudaEmulator.assumeBuilt();
        Assumptions.assumeTrue(Files.isRegularFile(lt), "no cuBLASLt test double: " + lt);
        LtHooks hooks = Native.load(lt.toString(), LtHooks.class);
        int allocations = CudaEmulator.hooks().dzEmuLiveAllocations();
        long live = hooks.dz_fake_cublaslt_live_objects();
        try (Device d = CudaEmulator.open(CudaConfig.MoeGemm.CUBLASLT)) {
            CudaDevice device = (CudaDevice) d;
            long matmuls = hooks.dz_fake_cublaslt_calls("cublasLtMatmul");
            long heuristics = hooks.dz_fake_cublaslt_calls("cublasLtMatmulAlgoGetHeuristic");
            CudaCalibration c = new CudaCalibration(device);
            Calibration.Roofs roofs = c.measure(TINY);
            // lowest effort: 2 launches per repetition, 2 repetitions, one warm-up batch: 6 matmuls per precision
            assertEquals(Set.of("bf16", "fp8"), roofs.peaks().keySet(), "the double models BF16 and FP8 only");
            assertEquals(matmuls + 2 * 6, hooks.dz_fake_cublaslt_calls("cublasLtMatmul"));
            assertTrue(hooks.dz_fake_cublaslt_calls("cublasLtMatmulAlgoGetHeuristic") >= heuristics + 2);
            assertTrue(roofs.peaks().get("fp8").method().contains("SCALAR_32F"), roofs.peaks().get("fp8").method());
            assertTrue(roofs.peaks().get("bf16").method().startsWith("cuBLASLt "), roofs.peaks().get("bf16").method());
            assertTrue(roofs.bandwidth().orElseThrow().method().startsWith("cuMemcpyDtoDAsync_v2"),
                    roofs.bandwidth().orElseThrow().method());
            assertTrue(roofs.bandwidth().orElseThrow().method().contains("copy of 1 MiB"));
            assertTrue(c.notes().stream().anyMatch(n -> n.startsWith("f32 not measured")), c.notes().toString());
            assertTrue(c.notes().stream().anyMatch(n -> n.startsWith("tf32 not measured")), c.notes().toString());
            assertTrue(c.notes().stream().anyMatch(n -> n.startsWith("int8 not measured")), c.notes().toString());
            assertEquals(live + 1, hooks.dz_fake_cublaslt_live_objects(),
                    "every descriptor, layout, preference destroyed; only the device's handle (closed with it) is left");
            assertEquals(0, device.allocatedBytes(), "every buffer freed");
        }
        assertEquals(live, hooks.dz_fake_cublaslt_live_objects(), "the handle destroyed with the device");
        assertEquals(allocations, CudaEmulator.hooks().dzEmuLiveAllocations(), "every device allocation freed");
    }

    @Test
    void withoutCublasLtThePeaksRunOnTheKernelsCallsAndFreesOnlyNotASpeed() {
        CudaEmulator.assumeBuilt();
        Assumptions.assumeTrue(KernelImages.allPresent(), "backend-cuda's kernels were not built");
        CudaConfig config = CudaConfig.resolve(CudaEmulator.DIR.toString());
        Probe probe = CudaEmulator.provider().probe();
        Assumptions.assumeTrue(probe.available(), probe::reason);
        DeviceInfo info = probe.devices().get(0);
        CudaApi api = new CudaApi(CudaLibraries.load(config).driver().orElseThrow().api());
        int allocations = CudaEmulator.hooks().dzEmuLiveAllocations();
        try (CudaDevice device = new CudaDevice(api, 0, info)) {
            CudaCalibration c = new CudaCalibration(device);
            Calibration.Roofs roofs = c.measure(TINY);
            assertEquals(Set.of("bf16", "fp8"), roofs.peaks().keySet());
            String bf16 = roofs.peaks().get("bf16").method();
            assertTrue(bf16.contains("own tensor-core kernel") && bf16.contains("no cuBLASLt")
                    && bf16.contains("m=128 n=128 k=128"), bf16);
            assertTrue(roofs.peaks().get("fp8").method().contains("FP8_BLOCK"), roofs.peaks().get("fp8").method());
            assertEquals(0, device.allocatedBytes(), "every buffer freed");
        }
        assertEquals(allocations, CudaEmulator.hooks().dzEmuLiveAllocations(), "every device allocation freed");
    }
}
