package dev.dayzero.hal.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.DType;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SharedKvSpecTest {

    @Test
    void model1BlockStrideAndAddresses() {
        SharedKvFormat m = SharedKvFormat.FP8_MODEL1;
        assertEquals(584, SharedKvFormat.MODEL1_TOKEN_BYTES);
        assertEquals(37_440, m.blockBytes(64, 512)); // FlashMLA: ceil(64*584/576)*576
        assertEquals(149_760, m.blockBytes(256, 512));
        assertEquals(1_728, m.blockBytes(2, 512)); // 1168 rounded up to 3 * 576
        assertEquals(5 * 576, m.tokenOffset(64, 512, 5));
        assertEquals(64 * 576 + 5 * 8, m.scaleOffset(64, 5));
        assertEquals(448, m.ropeOffset(512));
        assertEquals(List.of(7L, 37_440L), m.cacheTensor("c", 7, 64, 512).shape());
        assertEquals(DType.U8, m.cacheTensor("c", 7, 64, 512).dtype());
        SharedKvFormat v = SharedKvFormat.FP8_V32;
        assertEquals(64 * 656, v.blockBytes(64, 576));
        assertEquals(3 * 656 + 512, v.scaleOffset(64, 3));
        assertEquals(528, v.ropeOffset(576));
        assertEquals(List.of(7L, 64L, 576L), SharedKvFormat.BF16.cacheTensor("c", 7, 64, 576).shape());
    }

    @Test
    void sharedKvDecodeOperandsAndCost() {
        AttentionSpec.KvIndexSet main = AttentionSpec.KvIndexSet.full(128, 64, List.of(128, 5));
        AttentionSpec.KvIndexSet extra = AttentionSpec.KvIndexSet.of(512, 64, List.of(2048, 0), List.of(512, 0));
        AttentionSpec.SparseSharedKvDecode s = AttentionSpec.SparseSharedKvDecode.v4(64, 2, SharedKvFormat.FP8_MODEL1,
                main, Optional.of(extra), true);
        assertEquals(List.of(640, 5), s.seqLens());
        assertEquals(List.of("q", "kv_cache", "indices", "topk_length", "extra_kv_cache", "extra_indices",
                "extra_topk_length", "attn_sink", "out", "lse"), s.operands().stream().map(TensorSpec::name).toList());
        assertEquals(List.of(2L, 64L, 2L), s.outputs().get(1).shape());
        long n = 2L * (128 + 5 + 512);
        assertEquals(2L * 64 * (512 + 512) * n, s.flops());
        long q = 4;
        assertEquals(q * 64 * 512 * 2 + q * (128 + 512) * 4 + 16 + 64 * 4 + n * 584 + q * 64 * 512 * 2 + q * 64 * 4,
                s.bytes());
        assertTrue(s.valueHasRope());
        AttentionSpec.SparseSharedKvDecode noLse = s.withReturnLse(false);
        assertEquals(1, noLse.outputs().size());
    }

    @Test
    void sharedKvDecodeRejectsBadShapes() {
        AttentionSpec.KvIndexSet main = AttentionSpec.KvIndexSet.full(128, 64, List.of(128));
        assertThrows(IllegalArgumentException.class, () -> AttentionSpec.SparseSharedKvDecode.v4(32, 1,
                SharedKvFormat.FP8_MODEL1, main, Optional.empty(), false));
        assertThrows(IllegalArgumentException.class, () -> new AttentionSpec.SparseSharedKvDecode(64, 1, 576,
                SharedKvFormat.FP8_MODEL1, main, Optional.empty(), false, true, 0.1f));
        assertThrows(IllegalArgumentException.class, () -> new AttentionSpec.SparseSharedKvDecode(64, 3, 512,
                SharedKvFormat.BF16, main, Optional.empty(), false, true, 0.1f));
        assertThrows(IllegalArgumentException.class,
                () -> AttentionSpec.KvIndexSet.of(128, 64, List.of(10), List.of(11)));
        assertThrows(IllegalArgumentException.class, () -> AttentionSpec.SparseSharedKvDecode.v4(64, 1,
                SharedKvFormat.BF16, main, Optional.of(AttentionSpec.KvIndexSet.full(64, 2, List.of(1, 2))), false));
    }

    @Test
    void cacheWriteScaleRecipe() {
        // 448 -> amax/448 = 1 -> 2^0; 449 -> 2^1; tiny amax floors at 1e-4 -> 2^-13
        assertEquals(1f, CacheWriteSpec.QuantInsert.scaleFor(448f));
        assertEquals(2f, CacheWriteSpec.QuantInsert.scaleFor(449f));
        assertEquals(0x1p-13f, CacheWriteSpec.QuantInsert.scaleFor(0f));
        CacheWriteSpec.QuantInsert w = CacheWriteSpec.QuantInsert.of(10, SharedKvFormat.FP8_MODEL1, 512, 64);
        assertEquals("cache-write", w.family());
        assertEquals(2L * 10 * 448, w.flops());
        assertEquals(10L * 512 * 2 + 80 + 10L * 584, w.bytes());
        assertEquals(List.of((long) w.numPages(), 37_440L), w.outputs().get(0).shape());
        assertThrows(IllegalArgumentException.class,
                () -> new CacheWriteSpec.QuantInsert(10, 512, SharedKvFormat.FP8_V32, 64, 1));
    }
}
