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
        Support.Alternative mx = assertInstanceOf(Support.Alternative.class, CapabilityMap.answer(mlu590,
                MoeGemmSpec.masked(MoeGemmSpec.Type.MXFP4_FP8, 128, 128, 4, List.of(1, 4))));
        assertEquals(MoeGemmSpec.Type.BF16, ((MoeGemmSpec) mx.spec()).type());
        assertTrue(mx.reason().startsWith(CapabilityMap.MXFP4_MOE_REASON), mx.reason());
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

    /** A paged decode spec with {@code pages} cache pages (only the spec: nothing is allocated). */
    private static AttentionSpec.PagedDecode paged(int pages, int heads, int kvHeads, int dim) {
        return new AttentionSpec.PagedDecode(List.of(16), heads, kvHeads, dim, 16, pages, AttentionSpec.defaultScale(dim));
    }

    @Test
    void cachedKvAttentionRefusesCachesPastInt32Elements() {
        Capability mlu590 = Capability.of(5, 0, 592);
        // 131071 pages x 16 x 8 heads x 128 = 2147467264 elements: just under INT32_MAX.
        assertTrue(CapabilityMap.answer(mlu590, paged(131_071, 8, 8, 128)).isSupported());
        // one page more: 2^31 = 2147483648 elements (4294967296 bytes, past UINT32_MAX too).
        Support.Unsupported u = assertInstanceOf(Support.Unsupported.class,
                CapabilityMap.answer(mlu590, paged(131_072, 8, 8, 128)));
        assertTrue(u.reason().startsWith("cnnlSingleQueryCachedKVAttn_v3 takes a key_cache of at most INT32_MAX"
                + " (2147483647) elements and UINT32_MAX (4294967295) bytes"), u.reason());
        assertTrue(u.reason().contains("[pages=131072, Hkv=8, 16, 128] has 2147483648 elements (4294967296 bytes)"),
                u.reason());
    }

    @Test
    void cachedKvAttentionChecksTheSpecItWouldRun() {
        Capability mlu590 = Capability.of(5, 0, 592);
        // MLA: the latent cache is key_cache [pages, 1, 16, 576]; 233017 pages = 2147484672 elements > INT32_MAX,
        // while the value cache (first 512 columns) would still fit.
        AttentionSpec.LatentDecode mla = new AttentionSpec.LatentDecode(List.of(64), 16, 1, 576, 512, 16, 233_017,
                KvCacheType.BF16, true, AttentionSpec.defaultScale(576));
        Support.Unsupported u = assertInstanceOf(Support.Unsupported.class, CapabilityMap.answer(mlu590, mla));
        assertTrue(u.reason().contains("key_cache") && u.reason().contains("[pages=233017, Hkv=1, 16, 576]"), u.reason());
        // one page fewer fits
        assertTrue(CapabilityMap.answer(mlu590, new AttentionSpec.LatentDecode(List.of(64), 16, 1, 576, 512, 16,
                233_016, KvCacheType.BF16, true, AttentionSpec.defaultScale(576))).isSupported());
        // page 64 becomes 16: the limit applies to the relabelled spec, and the reason says so.
        AttentionSpec.PagedDecode page64 = AttentionSpec.PagedDecode.of(List.of(40_000_000), 8, 8, 128, 64);
        Support.Unsupported p = assertInstanceOf(Support.Unsupported.class, CapabilityMap.answer(mlu590, page64));
        assertTrue(p.reason().contains("key_cache") && p.reason().endsWith("(with page 64 as 16)"), p.reason());
        // query/output: 70000 sequences x 128 heads x 256 = 2293760000 elements
        java.util.List<Integer> lens = java.util.Collections.nCopies(70_000, 1);
        Support.Unsupported q = assertInstanceOf(Support.Unsupported.class, CapabilityMap.answer(mlu590,
                AttentionSpec.PagedDecode.of(lens, 128, 1, 256, 16)));
        assertTrue(q.reason().startsWith("cnnlSingleQueryCachedKVAttn_v3 takes query and output tensors of at most"
                + " INT32_MAX"), q.reason());
    }

    @Test
    void theDeviceRefusesTheLargeCacheBeforeLaunch() {
        Support s = viaDouble(5, 0, paged(131_072, 8, 8, 128));
        assertTrue(((Support.Unsupported) s).reason().contains("INT32_MAX"), s.toString());
    }

    @Test
    void deepseekV4AttentionIsRefusedWithTheReasonForItsSink() {
        Capability mlu590 = Capability.of(5, 0, 592);
        for (dev.dayzero.tck.ConformanceCase c : dev.dayzero.tck.StandardCases.deepseekV4Attention()) {
            if (!(c.spec() instanceof dev.dayzero.hal.op.AttentionSpec.SparseSharedKvDecode d)) {
                continue;
            }
            String why = assertInstanceOf(Support.Unsupported.class, CapabilityMap.answer(mlu590, d), c.id()).reason();
            assertTrue(d.sink() ? why.contains("learnable_sink") && why.contains("Torch-MLU-Ops")
                    : why.contains("block size 1") && why.contains("index set"), c.id() + ": " + why);
        }
    }
}
