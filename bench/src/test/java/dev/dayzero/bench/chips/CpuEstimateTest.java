package dev.dayzero.bench.chips;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.bench.chips.ChipSpec.Status;
import dev.dayzero.hal.DeviceInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuEstimateTest {
    private static final String XEON = "Intel(R) Xeon(R) Processor";
    private static final String AVX512 = "x86_64 AVX-512 (FloatVector 512-bit, 16 lanes)";

    @TempDir
    Path dir;

    private Path cpuinfo(String model, String mhz) throws IOException {
        Path f = dir.resolve("cpuinfo");
        Files.writeString(f, "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: " + model + "\ncpu MHz\t\t: "
                + mhz + "\n\nprocessor\t: 1\nmodel name\t: " + model + "\ncpu MHz\t\t: 1200.000\n");
        return f;
    }

    @Test
    void f32PeakIsCoresTimesClockTimesLanesTimesFourFlops() throws IOException {
        Path info = cpuinfo(XEON, "2600.000");
        ChipTable table = ChipTable.defaults().withCpuinfo(info);
        ChipSpec cpu = table.match("cpu", XEON, AVX512,
                Map.of("threads", "2", "vectorSpecies", "AVX-512 (FloatVector 512-bit, 16 lanes)")).orElseThrow();
        // 2 cores × 2.6 GHz × 16 lanes × 2 FMA × 2 FLOP = 332.8 GFLOP/s (first processor's clock)
        double expected = 2 * 2.6e9 * 16 * 2 * 2 / 1e12;
        assertEquals(expected, cpu.peak("f32").orElseThrow().value(), 1e-12);
        assertEquals(expected, cpu.peak("bf16").orElseThrow().value(), 1e-12, "BF16 is computed in F32");
        assertEquals(expected, cpu.peak("int8").orElseThrow().value(), 1e-12);
        cpu.figures().forEach((k, f) -> assertEquals(Status.ESTIMATED, f.status(), k));
        String formula = cpu.peak("f32").orElseThrow().formula();
        assertTrue(formula.startsWith("2 cores × 2600 MHz × 16 F32 lanes (512-bit vectors) × 2 FMA units"), formula);
        assertTrue(formula.contains("0.3328 TFLOP/s"), formula);
        assertTrue(cpu.bandwidth().isEmpty());
        assertFalse(Roofline.attainable(cpu, "bf16", 10).known(), "no bandwidth: no percent of roofline");
    }

    @Test
    void anotherHostsCpuinfoIsNotUsedAndTheDefaultClockIsSaid() throws IOException {
        Path info = cpuinfo("AMD EPYC 9654 96-Core Processor", "3700.000");
        CpuEstimate.Inputs in = CpuEstimate.inputs(XEON, "x86_64", Map.of("availableProcessors", "4"), info);
        assertEquals(CpuEstimate.DEFAULT_MHZ, in.clockMHz());
        assertTrue(in.clockFrom().contains("assumed"), in.clockFrom());
        assertEquals(4, in.cores());
        assertEquals(128, in.vectorBits(), "no width reported: the 128-bit baseline");
        assertEquals(4 * 2.0e9 * 4 * 4 / 1e12, in.f32PeakTflops(), 1e-12);
    }

    @Test
    void reportedClockAndArchitectureWidthsAreUsed() {
        CpuEstimate.Inputs in = CpuEstimate.inputs("x", "x86_64 AVX2", Map.of("cpuMHz", "3000", "threads", "8"), null);
        assertEquals(3000, in.clockMHz());
        assertEquals(256, in.vectorBits());
        assertEquals(8, in.cores());
        assertEquals(8 * 3.0e9 * 8 * 4 / 1e12, in.f32PeakTflops(), 1e-12);
    }

    @Test
    void deviceInfoComputeUnitsCountAsCoresWhenNoThreadsProperty() {
        DeviceInfo info = new DeviceInfo("cpu", 0, "Intel", "Some CPU", "x86_64 AVX-512 (FloatVector 512-bit, 16 lanes)",
                0, 6, "", "", 0, false, Map.of("cpuMHz", "1000"));
        ChipSpec cpu = ChipTable.defaults().match(info).orElseThrow();
        assertEquals(6 * 1.0e9 * 16 * 4 / 1e12, cpu.peak("f32").orElseThrow().value(), 1e-12);
        assertEquals("Intel", cpu.vendor());
        assertEquals("cpu", cpu.id());
    }

    @Test
    void aChipsEntryForTheCpuSuppliesBandwidthAndKeepsTheEstimate() throws IOException {
        Path file = dir.resolve("host.json");
        Files.writeString(file, """
                {"schema": "dayzero.chips/1", "chips": [
                  {"id": "ci-xeon", "name": "CI Xeon host", "vendor": "Intel",
                   "match": {"backends": ["cpu"], "contains": ["Xeon"]},
                   "bandwidth": {"value": 20, "unit": "GB/s", "status": "unofficial", "source": "STREAM triad on the CI host"}}
                ]}
                """);
        ChipTable table = ChipTable.defaults().withOverrides(file);
        ChipSpec cpu = table.match("cpu", XEON, AVX512, Map.of("threads", "2", "cpuMHz", "2000")).orElseThrow();
        assertEquals("ci-xeon", cpu.id());
        assertEquals(20, cpu.bandwidth().orElseThrow().value());
        assertEquals(Status.ESTIMATED, cpu.peak("f32").orElseThrow().status());
        // peak 0.256 TFLOP/s; 20 GB/s × 2 FLOP/byte = 0.04 TFLOP/s: memory-bound
        Roofline.Roof roof = Roofline.attainable(cpu, "f32", 2);
        assertEquals(0.04, roof.tflops(), 1e-12);
        assertEquals(Roofline.MEMORY, roof.boundBy());
        // the entry is for the CPU backend only
        assertTrue(table.match("cuda", XEON, "sm_90", Map.of()).isEmpty());
    }
}
