package dev.dayzero.backend.cambricon.internal;

import dev.dayzero.backend.cambricon.jna.FakeDouble;
import dev.dayzero.backend.cambricon.jna.NativeLibraries;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Support;
import dev.dayzero.hal.UnsupportedSpecException;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.KvCacheType;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CapabilityMapTest {
    private static final QuantizeSpec FP8_GROUP = new QuantizeSpec(4, 256, DType.BF16, DType.F8_E4M3FN,
            QuantizeSpec.perGroup(128), DType.F32);
    private static final AttentionSpec.PagedDecode PAGE64 = AttentionSpec.PagedDecode.of(List.of(100, 7), 16, 4, 128, 64);

    /** Opens the double at a capability and answers through the device. */
    private static Support viaDouble(int major, int minor, dev.dayzero.hal.op.OpSpec spec) {
        assumeTrue(FakeDouble.built(), FakeDouble.NOT_BUILT);
        FakeDouble.load().fake_set_capability(major, minor);
        try (CambriconDevice d = CambriconDevice.open(NativeLibraries.load(List.of(FakeDouble.DIR)).loaded().orElseThrow(), 0)) {
            assertEquals(major, d.capability().major());
            return d.supports(spec);
        }
    }

    @Test
    void mlu370HasNoPagedAttentionAndNoFp8() {
        Support paged = viaDouble(3, 0, PAGE64);
        assertTrue(((Support.Unsupported) paged).reason().contains("paged KV in CNNL-Extra is MLU500-only"));
        Support mla = viaDouble(3, 0, AttentionSpec.LatentDecode.deepseek(List.of(10), 16, 1, KvCacheType.BF16));
        assertInstanceOf(Support.Unsupported.class, mla);
        Support.Alternative q = assertInstanceOf(Support.Alternative.class, viaDouble(3, 0, FP8_GROUP));
        QuantizeSpec alt = (QuantizeSpec) q.spec();
        assertEquals(DType.I8, alt.format());
        assertEquals(FP8_GROUP.granularity(), alt.granularity());
        assertTrue(q.reason().contains("no FP8"), q.reason());
    }

    @Test
    void mlu590PageSixtyFourBecomesSixteen() {
        Support.Alternative a = assertInstanceOf(Support.Alternative.class, viaDouble(5, 0, PAGE64));
        AttentionSpec.PagedDecode p = (AttentionSpec.PagedDecode) a.spec();
        assertEquals(16, p.pageSize());
        assertEquals(AttentionSpec.PagedDecode.of(List.of(100, 7), 16, 4, 128, 16), p);
        assertTrue(viaDouble(5, 0, AttentionSpec.PagedDecode.of(List.of(100, 7), 16, 4, 128, 16)).isSupported());
        assertInstanceOf(Support.Alternative.class, viaDouble(5, 0, FP8_GROUP), "no FP8 on 5.x either");
    }

    @Test
    void cc6RunsFp8Quantize() {
        assertTrue(viaDouble(6, 0, FP8_GROUP).isSupported());
        assertTrue(viaDouble(6, 0, new QuantizeSpec(4, 256, DType.F32, DType.F8_E5M2, QuantizeSpec.perToken(),
                DType.F32)).isSupported());
    }

    @Test
    void limitsAndAlternativesWithoutNativeCode() {
        Capability mlu590 = Capability.of(5, 0, 592);
        // MLA 128 heads exceed Hq/Hkv*seq_q <= 48 at head 576: fewer heads, page 16, BF16 cache
        Support.Alternative mla = assertInstanceOf(Support.Alternative.class, CapabilityMap.answer(mlu590,
                AttentionSpec.LatentDecode.deepseek(List.of(300), 128, 2, KvCacheType.FP8_FLASHMLA)));
        AttentionSpec.LatentDecode l = (AttentionSpec.LatentDecode) mla.spec();
        assertEquals(24, l.numHeads());
        assertEquals(16, l.pageSize());
        assertEquals(KvCacheType.BF16, l.kvCache());
        // GQA group over 128 is refused with the limit
        Support.Unsupported wide = assertInstanceOf(Support.Unsupported.class, CapabilityMap.answer(mlu590,
                AttentionSpec.PagedDecode.of(List.of(10), 256, 1, 128, 16)));
        assertTrue(wide.reason().contains("<= 128"), wide.reason());
        assertInstanceOf(Support.Unsupported.class, CapabilityMap.answer(mlu590,
                AttentionSpec.SparseLatentDecode.deepseek(List.of(300), 16, 1, 64, KvCacheType.BF16)));
        assertInstanceOf(Support.Unsupported.class, CapabilityMap.answer(mlu590,
                new AttentionSpec.Prefill(List.of(4), 2, 2, 640, true, 0.1f)));
        Support.Alternative moe = assertInstanceOf(Support.Alternative.class, CapabilityMap.answer(mlu590,
                MoeGemmSpec.contiguous(MoeGemmSpec.Type.FP8_BLOCK, 128, 128, List.of(1))));
        assertEquals(MoeGemmSpec.Type.BF16, ((MoeGemmSpec) moe.spec()).type());
        assertInstanceOf(Support.Unsupported.class, CapabilityMap.answer(mlu590,
                MoeGemmSpec.contiguous(MoeGemmSpec.Type.INT8_W8A8, 128, 128, List.of(1))));
        assertInstanceOf(Support.Unsupported.class, CapabilityMap.answer(Capability.of(3, 0, 372),
                MoeGemmSpec.contiguous(MoeGemmSpec.Type.BF16, 128, 128, List.of(1))));
        assertInstanceOf(Support.Unsupported.class, CapabilityMap.answer(mlu590, new QuantizeSpec(256, 256, DType.F32,
                DType.I8, QuantizeSpec.perBlock(128, 128), DType.F32)));
        Support.Alternative ue8m0 = assertInstanceOf(Support.Alternative.class, CapabilityMap.answer(Capability.of(6, 0, 613),
                new QuantizeSpec(4, 256, DType.BF16, DType.F8_E4M3FN, QuantizeSpec.perGroup(128), DType.UE8M0)));
        assertEquals(DType.F32, ((QuantizeSpec) ue8m0.spec()).scaleType());
        assertEquals(DType.F8_E4M3FN, ((QuantizeSpec) ue8m0.spec()).format());
    }

    @Test
    void indexerFamilyIsUnsupportedNamingTorchMluOps() {
        Capability mlu590 = Capability.of(5, 0, 592);
        IndexerSpec.PagedIndexerTopK paged = IndexerSpec.PagedIndexerTopK.of(List.of(300, 77), 1, 64, 128,
                IndexerSpec.KeyType.BF16, 1, 64);
        List<IndexerSpec> family = List.of(paged, paged.withKeyType(IndexerSpec.KeyType.FP8),
                new IndexerSpec.IndexerLogits(paged.cache()),
                new IndexerSpec.IndexerTopK(List.of(40, 9), 64, 128, IndexerSpec.KeyType.FP8, 16));
        for (Capability cap : List.of(mlu590, Capability.of(6, 0, 613), Capability.of(3, 0, 372))) {
            for (IndexerSpec spec : family) {
                Support.Unsupported u = assertInstanceOf(Support.Unsupported.class, CapabilityMap.answer(cap, spec),
                        spec.describe());
                assertEquals(CapabilityMap.INDEXER_REASON, u.reason());
                assertTrue(u.reason().contains("masked_indexer_select_paged_kv"), u.reason());
                assertTrue(u.reason().contains("not reachable from C"), u.reason());
                assertTrue(u.reason().contains("CNNL"), u.reason());
            }
        }
    }

    @Test
    void sparsePrefillIsUnsupportedNamingTorchMluOps() {
        var spec = AttentionSpec.SparsePrefill.deepseek(List.of(100, 33), 16, 64);
        Support.Unsupported u = assertInstanceOf(Support.Unsupported.class,
                CapabilityMap.answer(Capability.of(5, 0, 592), spec));
        assertEquals(CapabilityMap.SPARSE_PREFILL_REASON, u.reason());
        assertTrue(u.reason().contains("masked_indexer_select_paged_kv"), u.reason());
        assertTrue(u.reason().contains("no C-API kernel in CNNL"), u.reason());
    }

    @Test
    void theDeviceGivesTheSameReasonsAndRefusesToPrepare() {
        var spec = IndexerSpec.PagedIndexerTopK.of(List.of(130), 2, 16, 128, IndexerSpec.KeyType.BF16, 1, 32);
        Support s = viaDouble(5, 0, spec);
        assertEquals(CapabilityMap.INDEXER_REASON, s.reason());
        assertEquals(CapabilityMap.SPARSE_PREFILL_REASON,
                viaDouble(5, 0, AttentionSpec.SparsePrefill.deepseek(List.of(20), 16, 8)).reason());
        try (CambriconDevice d = CambriconDevice.open(NativeLibraries.load(List.of(FakeDouble.DIR)).loaded().orElseThrow(), 0)) {
            UnsupportedSpecException e = assertThrows(UnsupportedSpecException.class, () -> d.prepare(spec));
            assertTrue(e.getMessage().contains("masked_indexer_select_paged_kv"), e.getMessage());
        }
    }
}
