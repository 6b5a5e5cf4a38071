package dev.dayzero.backend.cpu.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.backend.cpu.CpuConfig;
import dev.dayzero.hal.Calibration;
import org.junit.jupiter.api.Test;

/** The CPU device's measured roofs, at a small effort: what they hold and how they say it was measured. */
class CpuCalibrationTest {

    @Test
    void measuresBandwidthAndAnF32PeakAndSaysHow() {
        try (CpuDevice d = new CpuDevice(new CpuConfig(2, true))) {
            Calibration.Roofs roofs = d.calibration().orElseThrow().measure(0.05);
            Calibration.Figure bw = roofs.bandwidth().orElseThrow();
            assertTrue(bw.value() > 0.1 && bw.value() < 10_000, "GB/s: " + bw.value());
            assertTrue(bw.method().contains("STREAM copy and triad on 2 Java threads"), bw.method());
            // the cache size in words: a number of MiB, or that the host did not give one (0 MiB read as a size)
            long llc = d.info().l2Bytes();
            assertTrue(bw.method().contains(llc > 0 ? "(last-level cache " + (llc >> 20) + " MiB)"
                    : "(last-level cache size unknown"), bw.method());
            Calibration.Figure f32 = roofs.peaks().get("f32");
            assertTrue(f32.value() > 0 && f32.value() < 1000, "TFLOP/s: " + f32.value());
            for (String p : new String[] {"bf16", "fp8", "int8"}) {
                assertEquals(f32.value(), roofs.peaks().get(p).value(), p + " is computed in F32 after widening");
            }
        }
    }

    @Test
    void refusesAnEffortOutsideZeroToOne() {
        try (CpuDevice d = new CpuDevice(new CpuConfig(1, false))) {
            Calibration c = d.calibration().orElseThrow();
            assertThrows(IllegalArgumentException.class, () -> c.measure(0));
            assertThrows(IllegalArgumentException.class, () -> c.measure(1.5));
        }
    }
}
