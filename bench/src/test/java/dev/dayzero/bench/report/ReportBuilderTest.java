package dev.dayzero.bench.report;

import static dev.dayzero.bench.report.ReportFixtures.DOUBLE;
import static dev.dayzero.bench.report.ReportFixtures.GEMM;
import static dev.dayzero.bench.report.ReportFixtures.H100;
import static dev.dayzero.bench.report.ReportFixtures.MYSTERY;
import static dev.dayzero.bench.report.ReportFixtures.QUANT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.bench.chips.ChipTable;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.tck.CaseStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportBuilderTest {

    @Test
    void percentOfRooflineForComputeAndMemoryBoundCases() {
        // H100 SXM: 989 TFLOP/s BF16 dense, 3350 GB/s
        double quantMs = QUANT.bytes() / 1675e9 * 1e3; // half the bandwidth
        LoadedRun run = ReportFixtures.run("box-a", "2026-11-20T10:00:00Z", List.of(H100), List.of(
                ReportFixtures.timed("m/gemm", GEMM, H100, ReportFixtures.msFor(GEMM, 494.5)),
                ReportFixtures.timed("m/quant", QUANT, H100, quantMs)));
        ReportData data = ReportBuilder.build(List.of(run), ChipTable.defaults());
        ReportRow gemm = data.rows().get(0);
        ReportRow quant = data.rows().get(1);
        assertEquals("compute", gemm.boundBy());
        assertEquals(50.0, gemm.percentOfRoofline(), 1e-6);
        assertEquals("bf16", gemm.precision());
        assertEquals("memory", quant.boundBy());
        assertEquals(50.0, quant.percentOfRoofline(), 1e-6);
        assertEquals(1675, quant.gbps(), 1e-6);
        assertEquals(1, data.roofs().size());
        assertEquals(989, data.roofs().get(0).peakTflops().get("bf16"), 1e-9);
    }

    @Test
    void indexerCasesMeetTheirKeyTypesRoofAndSparsePrefillTheBf16Roof() {
        // H100 SXM: 1979 TFLOP/s FP8 dense, 989 BF16, 3350 GB/s
        IndexerSpec fp8 = new IndexerSpec.IndexerTopK(List.of(4096), 64, 128, IndexerSpec.KeyType.FP8, 2048);
        IndexerSpec bf16 = fp8.withKeyType(IndexerSpec.KeyType.BF16);
        AttentionSpec sparse = AttentionSpec.SparsePrefill.deepseek(List.of(4096), 128, 2048);
        LoadedRun run = ReportFixtures.run("box-a", "2026-11-20T10:00:00Z", List.of(H100), List.of(
                ReportFixtures.timed("m/prefill/indexer-topk-fp8", fp8, H100, ReportFixtures.msFor(fp8, 989.5)),
                ReportFixtures.timed("m/prefill/indexer-topk-bf16", bf16, H100, ReportFixtures.msFor(bf16, 494.5)),
                ReportFixtures.timed("m/prefill/sparse-prefill", sparse, H100,
                        ReportFixtures.msFor(sparse, 0.5 * 3.35 * sparse.arithmeticIntensity()))));
        ReportData data = ReportBuilder.build(List.of(run), ChipTable.defaults());
        ReportRow f = data.rows().get(0);
        ReportRow b = data.rows().get(1);
        ReportRow s = data.rows().get(2);
        assertEquals("indexer", f.family());
        assertEquals("fp8", f.precision());
        assertEquals("compute", f.boundBy(), "a 4096-token prefill indexer is compute-bound: " + f.intensity());
        assertEquals(50.0, f.percentOfRoofline(), 1e-6, "989.5 of the 1979 FP8 roof");
        assertEquals("bf16", b.precision());
        assertEquals(50.0, b.percentOfRoofline(), 1e-6, "494.5 of the 989 BF16 roof");
        assertEquals("attention", s.family());
        assertEquals("bf16", s.precision());
        // every query reads its 2048 rows of 1152 bytes: about 242 FLOP/byte, under the 295 BF16 ridge
        assertEquals("memory", s.boundBy(), "" + s.intensity());
        assertEquals(50.0, s.percentOfRoofline(), 1e-6, "half of 3350 GB/s x intensity");
    }

    @Test
    void devicesSitSideBySideAndRepeatedRunsAreNeverAveraged() {
        LoadedRun monday = ReportFixtures.run("box-a", "2026-11-16T09:30:00Z", List.of(H100, MYSTERY), List.of(
                ReportFixtures.timed("m/gemm", GEMM, H100, 1.0),
                ReportFixtures.timed("m/gemm", GEMM, MYSTERY, 5.0)));
        LoadedRun tuesday = ReportFixtures.run("box-a", "2026-11-17T14:05:00Z", List.of(H100), List.of(
                ReportFixtures.timed("m/gemm", GEMM, H100, 2.0)));
        ReportData data = ReportBuilder.build(List.of(monday, tuesday), ChipTable.defaults());
        assertEquals(3, data.rows().size(), "one row per case, device and run");
        List<String> labels = data.rows().stream().map(ReportRow::device).toList();
        assertEquals("cuda:0 NVIDIA H100 80GB HBM3 @box-a 2026-11-16 09:30", labels.get(0));
        assertEquals("mystery:0 Chip X1", labels.get(1), "a device seen in one run keeps a plain label");
        assertEquals("cuda:0 NVIDIA H100 80GB HBM3 @box-a 2026-11-17 14:05", labels.get(2));
        assertEquals(1.0, data.rows().get(0).medianMs());
        assertEquals(2.0, data.rows().get(2).medianMs());
        assertTrue(Double.isNaN(data.rows().get(1).percentOfRoofline()), "no chip entry, no percent");
        assertEquals(-1, data.rows().get(0).batch(), "no batch in a case id without /bN/");
    }

    @Test
    void theSameDeviceNameOnTwoHostsIsTwoDevices() {
        LoadedRun a = ReportFixtures.run("box-a", "2026-11-16T09:30:00Z", List.of(H100),
                List.of(ReportFixtures.timed("m/gemm", GEMM, H100, 1.0)));
        LoadedRun b = ReportFixtures.run("box-b", "2026-11-16T09:30:00Z", List.of(H100),
                List.of(ReportFixtures.timed("m/gemm", GEMM, H100, 1.0)));
        ReportData data = ReportBuilder.build(List.of(a, b), ChipTable.defaults());
        assertEquals("cuda:0 NVIDIA H100 80GB HBM3", data.rows().get(0).device());
        assertEquals("cuda:0 NVIDIA H100 80GB HBM3", data.rows().get(1).device());
        assertEquals("box-a", data.rows().get(0).host());
        assertEquals("box-b", data.rows().get(1).host());
    }

    @Test
    void statusesAndEmulationCarryThrough() {
        LoadedRun run = ReportFixtures.run("box-a", "2026-11-16T09:30:00Z", List.of(DOUBLE), List.of(
                ReportFixtures.status("m/b8/gemm", GEMM.withType(dev.dayzero.hal.op.MoeGemmSpec.Type.FP8_BLOCK), DOUBLE,
                        CaseStatus.UNSUPPORTED, "no FP8 data type on Ascend910B3")));
        ReportRow r = ReportBuilder.build(List.of(run), ChipTable.defaults()).rows().get(0);
        assertEquals("unsupported", r.status());
        assertTrue(r.emulated());
        assertEquals("fp8", r.precision());
        assertTrue(Double.isNaN(r.medianMs()));
    }

    @Test
    void aCpuWhosePercentagesComeFromMeasuredRoofs() {
        // the CPU estimate has no bandwidth: without calibration a memory-bound case has no percent
        dev.dayzero.hal.DeviceInfo cpu = new dev.dayzero.hal.DeviceInfo("cpu", 0, "Intel", "Test CPU",
                "AVX-512 (FloatVector 512-bit, 16 lanes)", 1L << 34, 2, "", "17", 1L << 21, false,
                java.util.Map.of("threads", "2", "cpuMHz", "2000"));
        double quantMs = QUANT.bytes() / 10e9 * 1e3; // 10 GB/s
        LoadedRun plain = ReportFixtures.run("box-c", "2026-11-20T10:00:00Z", List.of(cpu), List.of(
                ReportFixtures.timed("m/quant", QUANT, cpu, quantMs)));
        assertTrue(Double.isNaN(ReportBuilder.build(List.of(plain), ChipTable.defaults()).rows().get(0)
                .percentOfRoofline()));
        // measured: 20 GB/s, F32 peak 0.4 TFLOP/s (the estimate says 2 × 2 GHz × 16 × 2 × 2 = 0.256)
        dev.dayzero.bench.results.CalibrationEntry m = dev.dayzero.bench.results.CalibrationEntry.of("box-c", cpu,
                "2026-11-20T09:00:00Z", new dev.dayzero.hal.Calibration.Roofs(
                        java.util.Optional.of(new dev.dayzero.hal.Calibration.Figure(20, "STREAM triad")),
                        java.util.Map.of("f32", new dev.dayzero.hal.Calibration.Figure(0.4, "FMA chain"),
                                "bf16", new dev.dayzero.hal.Calibration.Figure(0.4, "widened"))));
        double gemmMs = ReportFixtures.msFor(GEMM, 0.1); // compute-bound: 0.1 of 0.4
        LoadedRun run = new LoadedRun(plain.source(), ReportFixtures.run("box-c", "2026-11-20T10:00:00Z", List.of(cpu),
                List.of(ReportFixtures.timed("m/quant", QUANT, cpu, quantMs),
                        ReportFixtures.timed("m/gemm", GEMM, cpu, gemmMs))).file().withCalibrations(List.of(m)));
        ReportData data = ReportBuilder.build(List.of(run), ChipTable.defaults());
        ReportRow quant = data.rows().get(0);
        ReportRow gemm = data.rows().get(1);
        assertEquals("memory", quant.boundBy());
        assertEquals(50.0, quant.percentOfRoofline(), 1e-6, "10 of the measured 20 GB/s");
        assertEquals("compute", gemm.boundBy());
        assertEquals(25.0, gemm.percentOfRoofline(), 1e-6, "0.1 of the measured 0.4 TFLOP/s, not the 0.256 estimate");
        DeviceRoofs r = data.roofs().get(0);
        assertEquals(20, r.bandwidthGBs(), 1e-12);
        assertEquals(20, r.measuredBandwidthGBs(), 1e-12);
        assertTrue(r.source().contains("bandwidth measured") && r.source().contains("fp8 estimate"), r.source());
    }
}
