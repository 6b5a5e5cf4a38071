package dev.dayzero.hal.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttentionSpecTest {

    @Test
    void prefillCountsCausalPairs() {
        AttentionSpec.Prefill p = new AttentionSpec.Prefill(List.of(3, 2), 4, 2, 8, true, 0.5f);
        // pairs: 3*4/2 + 2*3/2 = 9
        assertEquals(4L * 4 * 8 * 9, p.flops());
        AttentionSpec.Prefill full = new AttentionSpec.Prefill(List.of(3, 2), 4, 2, 8, false, 0.5f);
        assertEquals(4L * 4 * 8 * 13, full.flops());
        assertEquals(List.of(5L, 2L, 8L), p.inputs().get(1).shape());
        assertEquals(List.of(3L), p.inputs().get(3).shape());
        assertEquals(5L * 4 * 8 * 2 * 2 + 5L * 2 * 8 * 2 * 2 + 12, p.bytes());
    }

    @Test
    void prefillValueWidthOwnsPvAndOutput() {
        // DeepSeek MLA prefill: Dk = 192, Dv = 128
        AttentionSpec.Prefill p = new AttentionSpec.Prefill(List.of(3, 2), 4, 2, 192, 128, true, 0.5f);
        // pairs = 9; QK: 2*Hq*Dk per pair, PV: 2*Hq*Dv per pair
        assertEquals(2L * 4 * (192 + 128) * 9, p.flops());
        assertEquals(List.of(5L, 2L, 192L), p.inputs().get(1).shape());
        assertEquals(List.of(5L, 2L, 128L), p.inputs().get(2).shape());
        assertEquals(List.of(5L, 4L, 128L), p.outputs().get(0).shape());
        assertEquals(128, p.valueDim());
        assertEquals(5L * 4 * 192 * 2 + 5L * 2 * 192 * 2 + 5L * 2 * 128 * 2 + 12 + 5L * 4 * 128 * 2, p.bytes());
        assertTrue(p.describe().endsWith("Dk=192 Dv=128"), p.describe());
        assertEquals(8, new AttentionSpec.Prefill(List.of(3), 4, 2, 8, true, 0.5f).valueDim());
    }

    @Test
    void pagedDecodeShapes() {
        AttentionSpec.PagedDecode d = AttentionSpec.PagedDecode.of(List.of(1, 100, 513), 64, 4, 128, 16);
        assertEquals(33, d.maxBlocks());
        assertTrue(d.numPages() > 1 + 7 + 33, "spare pages for the NaN trap");
        assertEquals(List.of(3L, 33L), d.inputs().get(3).shape());
        assertEquals(List.of((long) d.numPages(), 16L, 4L, 128L), d.inputs().get(1).shape());
        assertEquals(4L * 64 * 128 * 614, d.flops());
    }

    @Test
    void latentDecodeMatchesFlashMlaArithmetic() {
        AttentionSpec.LatentDecode bf16 = AttentionSpec.LatentDecode.deepseek(List.of(1000), 128, 1, KvCacheType.BF16);
        // FlashMLA: b·h_q·s_q·(2·d·L + 2·L·dv)
        assertEquals(128L * (2 * 576 * 1000 + 2 * 1000 * 512), bf16.flops());
        assertEquals(128L * 576 * 2 + 1000L * 576 * 2 + 4L * 16 + 4 + 128L * 512 * 2, bf16.bytes());
        AttentionSpec.LatentDecode fp8 = AttentionSpec.LatentDecode.deepseek(List.of(1000), 128, 2, KvCacheType.FP8_FLASHMLA);
        assertEquals(List.of((long) fp8.numPages(), 64L, 1L, 656L), fp8.inputs().get(1).shape());
        assertEquals(DType.U8, fp8.inputs().get(1).dtype());
        assertEquals(999, fp8.visible(0, 0));
        assertEquals(1000, fp8.visible(0, 1));
        assertEquals(656, KvCacheType.FP8_TOKEN_BYTES);
    }

    @Test
    void sparseCountsAttendedTokens() {
        AttentionSpec.SparseLatentDecode s = AttentionSpec.SparseLatentDecode.deepseek(List.of(3000, 100), 128, 1, 2048,
                KvCacheType.FP8_FLASHMLA);
        assertEquals(2048, s.attended(0));
        assertEquals(100, s.attended(1));
        assertEquals(2L * 128 * (576 + 512) * 2148, s.flops());
        assertEquals(List.of(2L, 1L, 2048L), s.inputs().get(2).shape());
        assertEquals(2L * 128 * 576 * 2 + 2L * 2048 * 4 + 2148L * 656 + 2L * 128 * 512 * 2, s.bytes());
    }

    @Test
    void validationNamesTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AttentionSpec.Prefill(List.of(4), 64, 3, 128, true, 0.1f));
        assertEquals("Prefill.numKvHeads = 3 must divide numHeads = 64", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new AttentionSpec.PagedDecode(List.of(100), 8, 1, 64, 16, 6, 0.1f));
        assertEquals("PagedDecode.numPages = 6 is fewer than the 7 pages the sequences need", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new AttentionSpec.LatentDecode(List.of(100), 16, 1, 512, 448, 64, 2, KvCacheType.FP8_FLASHMLA,
                        true, 0.1f));
        assertTrue(e.getMessage().startsWith("LatentDecode.headDim must be 576"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> AttentionSpec.LatentDecode.deepseek(List.of(1), 16, 2, KvCacheType.BF16));
        assertEquals("LatentDecode.seqLens[0] must be >= queriesPerSeq = 2 when causal", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> AttentionSpec.PagedDecode.of(List.of(0), 8, 1, 64, 16));
        assertEquals("PagedDecode.seqLens[0] must be >= 1, got 0", e.getMessage());
    }
}
