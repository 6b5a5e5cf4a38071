package dev.dayzero.bench.chips;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.bench.chips.ChipSpec.Status;
import dev.dayzero.bench.results.CalibrationEntry;
import dev.dayzero.hal.Calibration;
import dev.dayzero.hal.DeviceInfo;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Datasheet > measured > estimate, figure by figure. */
class MeasuredRoofsTest {

    static CalibrationEntry measured(String backend, String name, double gbs, double f32, double bf16) {
        DeviceInfo d = new DeviceInfo(backend, 0, "v", name, "a", 0, 1, "", "", 0, false, Map.of());
        return CalibrationEntry.of("box", d, "2026-01-01T00:00:00Z", new Calibration.Roofs(
                Optional.of(new Calibration.Figure(gbs, "copy")),
                Map.of("f32", new Calibration.Figure(f32, "fma"), "bf16", new Calibration.Figure(bf16, "gemm"))));
    }

    @Test
    void measuredBeatsTheCpuEstimateAndGivesTheMissingBandwidth() {
        ChipSpec est = ChipTable.defaults().match("cpu", "Test CPU", "AVX-512 (FloatVector 512-bit, 16 lanes)",
                Map.of("threads", "2", "cpuMHz", "2000")).orElseThrow();
        assertTrue(est.bandwidth().isEmpty());
        ChipSpec m = MeasuredRoofs.apply(Optional.of(est), Optional.of(measured("cpu", "Test CPU", 20, 0.2, 0.2)))
                .orElseThrow();
        assertEquals(20, m.bandwidth().orElseThrow().value());
        assertEquals(Status.MEASURED, m.bandwidth().orElseThrow().status());
        assertEquals(0.2, m.peaks().get("f32").value());
        assertEquals("measured", MeasuredRoofs.kind(m.peaks().get("f32")));
        assertEquals("estimate", MeasuredRoofs.kind(m.peaks().get("fp8")), "not measured: the estimate stays");
        Roofline.Roof roof = Roofline.attainable(m, "f32", 1.0); // 20 GB/s × 1 FLOP/B = 0.02 TFLOP/s
        assertEquals(0.02, roof.tflops(), 1e-12);
        assertEquals(Roofline.MEMORY, roof.boundBy());
        assertTrue(roof.note().contains("bandwidth measured"), roof.note());
    }

    @Test
    void aDatasheetFigureBeatsAMeasuredOne() {
        ChipSpec h100 = ChipTable.defaults().match("cuda", "NVIDIA H100 80GB HBM3", "sm_90", Map.of()).orElseThrow();
        double sheetBw = h100.bandwidth().orElseThrow().value();
        ChipSpec m = MeasuredRoofs.apply(Optional.of(h100),
                Optional.of(measured("cuda", "NVIDIA H100 80GB HBM3", 2900, 50, 700))).orElseThrow();
        assertEquals(sheetBw, m.bandwidth().orElseThrow().value());
        assertEquals(h100.peaks().get("bf16").value(), m.peaks().get("bf16").value());
        assertEquals("datasheet", MeasuredRoofs.kind(m.peaks().get("bf16")));
    }

    @Test
    void aDeviceWithNoEntryGetsOneOfItsMeasuredFigures() {
        ChipSpec m = MeasuredRoofs.apply(Optional.empty(), Optional.of(measured("mystery", "Chip X1", 100, 1, 4)))
                .orElseThrow();
        assertEquals("Chip X1 (measured)", m.name());
        assertEquals(4, m.peaks().get("bf16").value());
        assertEquals(100, m.bandwidth().orElseThrow().value());
        assertEquals(Optional.empty(), MeasuredRoofs.apply(Optional.empty(), Optional.empty()));
    }

    @Test
    void aMeasuredFigureMustSayHowItWasMeasured() {
        try {
            new ChipSpec.Figure(1, ChipSpec.Figure.TFLOPS, Status.MEASURED, "s", "");
            throw new AssertionError("accepted a measured figure without a method");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().contains("measured"));
        }
    }
}
