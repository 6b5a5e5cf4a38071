package dev.dayzero.bench.chips;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.bench.chips.ChipSpec.Figure;
import dev.dayzero.bench.chips.ChipSpec.Match;
import dev.dayzero.bench.chips.ChipSpec.Status;
import dev.dayzero.bench.chips.Roofline.Roof;
import dev.dayzero.bench.report.DeviceRoofs;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.KvCacheType;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RooflineTest {
    private static final ChipTable TABLE = ChipTable.defaults();
    private static final ChipSpec H100 = TABLE.get("nvidia-h100-sxm").orElseThrow();

    /** A chip with round numbers: 100 TFLOP/s BF16, 1000 GB/s, so the ridge is at 100 FLOP/byte. */
    private static ChipSpec round() {
        return new ChipSpec("round", "Round", "Test", new Match(List.of(), List.of("Round"), List.of()),
                Map.of("bf16", new Figure(100, Figure.TFLOPS, Status.OFFICIAL, "test", "")),
                Optional.of(new Figure(1000, Figure.GBPS, Status.OFFICIAL, "test", "")), Optional.empty(), Map.of(),
                List.of());
    }

    @Test
    void h100MemoryBoundBelowTheRidge() {
        // ridge = 989 TFLOP/s ÷ 3350 GB/s = 295.2 FLOP/byte; at 100: 3350 × 100 / 1000 = 335 TFLOP/s
        Roof roof = Roofline.attainable(H100, "bf16", 100);
        assertEquals(335.0, roof.tflops(), 1e-9);
        assertEquals(Roofline.MEMORY, roof.boundBy());
        assertEquals(989.0, roof.computeTflops());
        assertEquals(295.22, roof.ridgeIntensity(), 0.01);
        assertEquals("", roof.note(), "all H100 figures are the vendor's");
        assertEquals(50.0, Roofline.percentOfRoofline(167.5, roof), 1e-9);
    }

    @Test
    void h100ComputeBoundAboveTheRidge() {
        Roof roof = Roofline.attainable(H100, "bf16", 1000);
        assertEquals(989.0, roof.tflops());
        assertEquals(Roofline.COMPUTE, roof.boundBy());
        assertEquals(3350.0, roof.memoryTflops(), 1e-9);
        assertEquals(50.0, Roofline.percentOfRoofline(494.5, H100, "bf16", 1000), 1e-9);
        // the same achieved figure as an FP8 case: 494.5 of 1979
        assertEquals(24.987, Roofline.percentOfRoofline(494.5, H100, "fp8", 1000), 1e-3);
    }

    @Test
    void theRidgePointIsComputeBound() {
        ChipSpec chip = round();
        Roof at = Roofline.attainable(chip, "bf16", 100);
        assertEquals(100.0, at.tflops());
        assertEquals(Roofline.COMPUTE, at.boundBy());
        Roof below = Roofline.attainable(chip, "bf16", 99);
        assertEquals(99.0, below.tflops(), 1e-9);
        assertEquals(Roofline.MEMORY, below.boundBy());
        assertEquals(80.0, Roofline.percentOfRoofline(79.2, below), 1e-9);
        assertEquals(100.0, at.ridgeIntensity(), 1e-9);
    }

    @Test
    void noPercentWithoutBandwidth() {
        ChipSpec b3 = TABLE.get("ascend-910b3").orElseThrow();
        Roof roof = Roofline.attainable(b3, "bf16", 50);
        assertFalse(roof.known());
        assertEquals(294.9, roof.computeTflops(), 1e-9, "the compute roof is still reported");
        assertTrue(roof.note().contains("bandwidth") && roof.note().contains("no percent of roofline"), roof.note());
        assertTrue(Double.isNaN(Roofline.percentOfRoofline(100, roof)));
    }

    @Test
    void noPercentForAPrecisionTheChipLacks() {
        ChipSpec die = TABLE.get("ascend-910c-9391").orElseThrow();
        Roof fp8 = Roofline.attainable(die, "fp8", 500);
        assertFalse(fp8.known());
        assertTrue(fp8.note().contains("no FP8"), fp8.note());
        Roof bf16 = Roofline.attainable(die, "bf16", 500);
        assertTrue(bf16.known());
        assertTrue(bf16.note().contains("bf16 peak derived") && bf16.note().contains("bandwidth unofficial"), bf16.note());
        // 1600 GB/s × 500 / 1000 = 800 > 363.7: compute-bound
        assertEquals(Roofline.COMPUTE, bf16.boundBy());
    }

    @Test
    void unconfirmedFiguresAreNeverUsed() {
        ChipSpec mlu590 = TABLE.get("cambricon-mlu590").orElseThrow();
        Roof f16 = Roofline.attainable(mlu590, "f16", 10);
        assertFalse(f16.known());
        assertTrue(Double.isNaN(f16.computeTflops()));
        assertTrue(f16.note().contains("unconfirmed"), f16.note());
        DeviceRoofs roofs = Roofline.toRoofs("cambricon:0 MLU590", mlu590, false);
        assertTrue(roofs.peakTflops().isEmpty());
        assertTrue(Double.isNaN(roofs.bandwidthGBs()));
        assertTrue(roofs.source().contains("not used"), roofs.source());
    }

    @Test
    void noEntryMeansNoPercentAndSaysSo() {
        Roof roof = Roofline.noEntry("cuda:0 NVIDIA A100", "bf16", 10);
        assertFalse(roof.known());
        assertTrue(roof.note().contains("NVIDIA A100") && roof.note().contains("--chips"), roof.note());
        assertTrue(Double.isNaN(Roofline.percentOfRoofline(10, roof)));
        DeviceRoofs roofs = Roofline.noEntryRoofs("cuda:0 NVIDIA A100", false);
        assertEquals("", roofs.chip());
        assertTrue(roofs.peakTflops().isEmpty());
    }

    @Test
    void untimedCasesHaveNoPercent() {
        assertTrue(Double.isNaN(Roofline.percentOfRoofline(Double.NaN, H100, "bf16", 100)));
        assertFalse(Roofline.attainable(H100, "bf16", 0).known());
        assertThrows(IllegalArgumentException.class, () -> Roofline.attainable(H100, "fp4", 1));
    }

    @Test
    void toRoofsCarriesUsablePeaksBandwidthAndSources() {
        DeviceRoofs roofs = Roofline.toRoofs("cuda:0 NVIDIA H100 80GB HBM3", H100, false);
        assertEquals("NVIDIA H100 SXM5", roofs.chip());
        assertEquals(989.0, roofs.peakTflops().get("bf16"));
        assertEquals(1979.0, roofs.peakTflops().get("fp8"));
        assertEquals(3350.0, roofs.bandwidthGBs());
        assertTrue(roofs.source().contains("peak.bf16 989 TFLOP/s official"), roofs.source());
        assertTrue(roofs.source().contains("datasheet"), roofs.source());
        DeviceRoofs b1 = Roofline.toRoofs("ascend:0 Ascend910B1", TABLE.get("ascend-910b1").orElseThrow(), true);
        assertTrue(b1.emulated());
        assertTrue(Double.isNaN(b1.bandwidthGBs()));
        assertTrue(b1.source().contains("derived") && b1.source().contains("bandwidth unknown"), b1.source());
    }

    @Test
    void anFp8IndexerMeetsTheFp8RoofAndABf16OneTheBf16Roof() {
        // the same decode indexer, FP8 keys or BF16 keys, on an H100: compute roofs 1979 and 989 TFLOP/s
        IndexerSpec fp8 = IndexerSpec.PagedIndexerTopK.of(List.of(4096), 1, 64, 128, IndexerSpec.KeyType.FP8, 1, 2048);
        IndexerSpec bf16 = fp8.withKeyType(IndexerSpec.KeyType.BF16);
        Roof f = Roofline.attainable(H100, Roofline.precisionOf(fp8), 1e6);
        Roof b = Roofline.attainable(H100, Roofline.precisionOf(bf16), 1e6);
        assertEquals(1979.0, f.computeTflops());
        assertEquals(989.0, b.computeTflops());
        // decode: 64 heads share each key, so the FP8 indexer reads about 132 bytes per 16384 FLOP: intensity ~ 120
        assertTrue(fp8.arithmeticIntensity() > 100 && fp8.arithmeticIntensity() < 130, "" + fp8.arithmeticIntensity());
        assertEquals(Roofline.MEMORY, Roofline.attainable(H100, "fp8", fp8.arithmeticIntensity()).boundBy());
    }

    @Test
    void precisionFollowsTheOperandsThatMultiply() {
        List<Integer> rows = List.of(4, 0);
        assertEquals("bf16", Roofline.precisionOf(MoeGemmSpec.contiguous(MoeGemmSpec.Type.BF16, 256, 128, rows)));
        assertEquals("fp8", Roofline.precisionOf(MoeGemmSpec.contiguous(MoeGemmSpec.Type.FP8_BLOCK, 256, 128, rows)));
        assertEquals("int8", Roofline.precisionOf(MoeGemmSpec.masked(MoeGemmSpec.Type.INT8_W8A8, 256, 128, 4, rows)));
        assertEquals("bf16", Roofline.precisionOf(new AttentionSpec.Prefill(List.of(16), 4, 2, 64, true, 0.125f)));
        assertEquals("bf16", Roofline.precisionOf(AttentionSpec.PagedDecode.of(List.of(40), 8, 2, 64, 16)));
        assertEquals("bf16", Roofline.precisionOf(
                AttentionSpec.LatentDecode.deepseek(List.of(70), 16, 1, KvCacheType.FP8_FLASHMLA)));
        assertEquals("bf16", Roofline.precisionOf(AttentionSpec.SparsePrefill.deepseek(List.of(40), 16, 16)));
        assertEquals("fp8", Roofline.precisionOf(
                IndexerSpec.PagedIndexerTopK.of(List.of(300), 1, 64, 128, IndexerSpec.KeyType.FP8, 1, 64)));
        assertEquals("bf16", Roofline.precisionOf(
                IndexerSpec.PagedIndexerTopK.of(List.of(300), 1, 64, 128, IndexerSpec.KeyType.BF16, 1, 64)));
        assertEquals("fp8", Roofline.precisionOf(new IndexerSpec.IndexerTopK(List.of(40), 32, 128,
                IndexerSpec.KeyType.FP8, 16)));
        assertEquals("bf16", Roofline.precisionOf(new IndexerSpec.IndexerLogits(
                IndexerSpec.PagedKeys.of(List.of(65), 1, 8, 32, IndexerSpec.KeyType.BF16, 64, 1))));
        assertEquals("f32", Roofline.precisionOf(
                new QuantizeSpec(4, 128, DType.F32, DType.F8_E4M3FN, QuantizeSpec.perToken(), DType.F32)));
        assertEquals("bf16", Roofline.precisionOf(
                new QuantizeSpec(4, 128, DType.BF16, DType.I8, QuantizeSpec.perGroup(128), DType.F32)));
    }
}
