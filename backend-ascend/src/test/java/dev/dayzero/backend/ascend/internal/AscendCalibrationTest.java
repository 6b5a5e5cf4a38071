package dev.dayzero.backend.ascend.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.backend.ascend.TestDouble;
import dev.dayzero.hal.Calibration;
import dev.dayzero.hal.Device;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The NPU calibration through the ABI test double. The double is not a chip: {@link AscendDevice#calibration()}
 * is empty on it, and the run below checks which ACL / aclnn calls the measurement makes and that everything is
 * freed, NOT a speed (its figures are host timings of a test double and are never reported).
 */
class AscendCalibrationTest {
    private static final double TINY = 1e-6;

    @Test
    void theTestDoubleIsNeverCalibrated() {
        try (Device d = TestDouble.open()) {
            assertTrue(d.info().emulated());
            assertTrue(d.calibration().isEmpty(), "a test double's timings are not an NPU's");
        }
    }

    @Test
    void gemmEdgeHalvesUntilItFitsInHalfTheFreeMemory() {
        assertEquals(8192, AscendCalibration.edge(8192, 64L << 30));
        // 6 B × 8192² = 384 MiB > 512 MiB / 2; 6 B × 4096² = 96 MiB fits
        assertEquals(4096, AscendCalibration.edge(8192, 512L << 20));
        assertEquals(128, AscendCalibration.edge(8192, 1L << 10));
    }

    @Test
    void callsAndFreesOnTheDoubleOnlyNotASpeed() {
        TestDouble.assumeBuilt();
        TestDouble.Runtime rt = TestDouble.runtime();
        long live = rt.fake_live_resources();
        try (Device d = TestDouble.open()) {
            AscendDevice device = (AscendDevice) d;
            long copies = rt.fake_call_count("aclrtMemcpyAsync");
            long elapsed = rt.fake_call_count("aclrtEventElapsedTime");
            long matmuls = rt.fake_call_count("aclnnGroupedMatmulV4");
            AscendCalibration c = new AscendCalibration(device);
            Calibration.Roofs roofs = c.measure(TINY);
            // lowest effort: 3 timed copies after one warm-up; per GEMM precision 2 × 2 timed launches after 2
            assertEquals(copies + 4, rt.fake_call_count("aclrtMemcpyAsync"));
            assertEquals(Set.of("bf16", "int8"), roofs.peaks().keySet(), c.notes().toString());
            assertEquals(matmuls + 2 * 6, rt.fake_call_count("aclnnGroupedMatmulV4"));
            assertEquals(elapsed + 3 + 2 * 2, rt.fake_call_count("aclrtEventElapsedTime"), "one read per repetition");
            Calibration.Figure bw = roofs.bandwidth().orElseThrow();
            assertTrue(bw.method().startsWith("aclrtMemcpyAsync ACL_MEMCPY_DEVICE_TO_DEVICE")
                    && bw.method().contains("copy of 1 MiB"), bw.method());
            assertTrue(roofs.peaks().get("bf16").method().contains("aclnnGroupedMatmulV4")
                    && roofs.peaks().get("bf16").method().contains("m=128 n=128 k=128"), roofs.peaks().get("bf16").method());
            assertTrue(roofs.peaks().get("int8").method().contains("A8W8"), roofs.peaks().get("int8").method());
            assertTrue(c.notes().stream().anyMatch(n -> n.startsWith("fp8 not measured")), c.notes().toString());
            assertEquals(0, device.allocatedBytes(), "every buffer freed");
        }
        assertEquals(live, rt.fake_live_resources(), "every stream, event, tensor, executor and allocation released");
    }
}
