package dev.dayzero.backend.cuda.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.backend.cuda.CudaConfig;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Support;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.CacheWriteSpec;
import dev.dayzero.hal.op.KvCacheType;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import dev.dayzero.tck.ConformanceCase;
import dev.dayzero.tck.StandardCases;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the backend claims, for every standard case, without a GPU. */
class SupportRulesTest {

    @Test
    void quantizeIsSupportedExactlyWhenTheKernelsWereBuilt() {
        int quantize = 0;
        for (ConformanceCase c : StandardCases.all()) {
            if (c.spec() instanceof QuantizeSpec) {
                quantize++;
                assertTrue(SupportRules.supports(c.spec(), true).isSupported(), c.id());
                Support s = SupportRules.supports(c.spec(), false);
                assertTrue(s instanceof Support.Unsupported u && u.reason().contains("kernels were not built"), c.id());
            }
        }
        assertTrue(quantize > 0, "the standard cases include quantize");
    }

    @Test
    void everyStandardCaseHasAKernelOnceBuilt() {
        for (ConformanceCase c : StandardCases.all()) {
            Support s = SupportRules.supports(c.spec(), true);
            if (s instanceof Support.Alternative a) { // the one documented alternative: V padded to Dk
                boolean paddedV = c.spec() instanceof AttentionSpec.Prefill p && p.valueDim() != p.headDim()
                        && a.spec() instanceof AttentionSpec.Prefill q && q.valueDim() == p.headDim();
                assertTrue(paddedV, c.id() + ": " + s);
                assertTrue(SupportRules.supports(a.spec(), true).isSupported(), c.id() + ": " + a.spec());
                continue;
            }
            assertTrue(s.isSupported(), c.id() + ": " + s);
            if (c.spec() instanceof AttentionSpec.SparseSharedKvDecode || c.spec() instanceof CacheWriteSpec) {
                Support none = SupportRules.supports(c.spec(), false);
                assertTrue(none instanceof Support.Unsupported u && u.reason().contains("kernels were not built"),
                        c.id() + ": " + none);
            }
        }
    }

    private static boolean isMla(ConformanceCase c) {
        return c.spec() instanceof AttentionSpec.LatentDecode || c.spec() instanceof AttentionSpec.SparseLatentDecode;
    }

    @Test
    void everyStandardMlaCaseRunsWhenTheKernelsWereBuilt() {
        int mla = 0;
        for (ConformanceCase c : StandardCases.all()) {
            if (isMla(c)) {
                mla++;
                assertTrue(SupportRules.supports(c.spec(), true).isSupported(), c.id());
                assertTrue(SupportRules.supports(c.spec(), false) instanceof Support.Unsupported u
                        && u.reason().contains("kernels were not built"), c.id());
            }
        }
        assertEquals(4, mla, "dense and sparse, BF16 and FP8 cases in the kit");
    }

    @Test
    void mlaKeyAndValueWidthsAreBoundedByTheSharedMemoryTile() {
        AttentionSpec.LatentDecode small = new AttentionSpec.LatentDecode(List.of(5), 16, 1, 64, 32, 16, 1,
                KvCacheType.BF16, false, 0.1f);
        assertTrue(SupportRules.supports(small, true).isSupported());
        AttentionSpec.LatentDecode wide = new AttentionSpec.LatentDecode(List.of(5), 16, 1, 592, 512, 16, 1,
                KvCacheType.BF16, false, 0.1f);
        assertTrue(SupportRules.supports(wide, true) instanceof Support.Unsupported u
                && u.reason().contains("not Dk=592"), "Dk > 576");
        AttentionSpec.LatentDecode odd = new AttentionSpec.LatentDecode(List.of(5), 16, 1, 72, 64, 16, 1,
                KvCacheType.BF16, false, 0.1f);
        assertTrue(SupportRules.supports(odd, true) instanceof Support.Unsupported u
                && u.reason().contains("multiple of 16") && u.reason().contains("Dk=72"), "Dk % 16");
        AttentionSpec.SparseLatentDecode sparse = new AttentionSpec.SparseLatentDecode(List.of(5), 16, 1, 576, 520,
                8, 16, 1, KvCacheType.BF16, 0.1f);
        assertTrue(SupportRules.supports(sparse, true) instanceof Support.Unsupported u
                && u.reason().startsWith("backend-cuda's sparse MLA decode kernels") && u.reason().contains("Dv=520"));
    }

    @Test
    void mlaKernelNamesAndSharedMemoryMatchTheSource() {
        assertEquals("dz_mla_dense_bf16_s2", MlaKernel.kernelName(false, KvCacheType.BF16, 2));
        assertEquals("dz_mla_sparse_fp8_s1", MlaKernel.kernelName(true, KvCacheType.FP8_FLASHMLA, 1));
        // static_assert'ed in mla_decode.cu (Smem<2>::bytes, Smem<1>::bytes)
        assertEquals(MlaKernel.SHARED_TWO_STAGES, MlaKernel.sharedBytes(2));
        assertEquals(MlaKernel.SHARED_ONE_STAGE, MlaKernel.sharedBytes(1));
        assertTrue(MlaKernel.sharedBytes(2) <= 227 * 1024, "fits an H100 block");
        assertTrue(MlaKernel.sharedBytes(1) <= 163 * 1024, "fits an A100 block");
    }

    @Test
    void everyStandardMoeGemmRunsWhenBuilt() {
        int gemms = 0;
        for (ConformanceCase c : StandardCases.all()) {
            if (c.spec() instanceof MoeGemmSpec) {
                gemms++;
                assertTrue(SupportRules.supports(c.spec(), true).isSupported(), c.id());
                assertFalse(SupportRules.supports(c.spec(), false).isSupported(), c.id());
            }
        }
        assertTrue(gemms > 0);
    }

    @Test
    void bf16MoeGemmNeedsKMultipleOf8ForItsVectorLoads() {
        assertTrue(SupportRules.supports(MoeGemmSpec.contiguous(MoeGemmSpec.Type.BF16, 100, 24, List.of(3, 5)), true)
                .isSupported());
        Support s = SupportRules.supports(MoeGemmSpec.contiguous(MoeGemmSpec.Type.BF16, 100, 20, List.of(3, 5)), true);
        assertTrue(s instanceof Support.Unsupported u && u.reason().contains("multiple of 8")
                && u.reason().contains("K=20"), s.toString());
        // INT8 keeps the scalar kernel, which takes any K
        assertTrue(SupportRules.supports(MoeGemmSpec.contiguous(MoeGemmSpec.Type.INT8_W8A8, 100, 20, List.of(3, 5)),
                true).isSupported());
    }

    @Test
    void moeGemmBeyondOneLaunchGridIsUnsupportedWithTheCount() {
        // 40000 row tiles of 64 rows times 65536 column tiles of 128: past 2^31 - 1 blocks
        List<Integer> rows = java.util.Collections.nCopies(40000, 64);
        Support s = SupportRules.supports(MoeGemmSpec.contiguous(MoeGemmSpec.Type.BF16, 128 * 65536, 8, rows), true);
        assertTrue(s instanceof Support.Unsupported u && u.reason().contains("2621440000 tiles"), s.toString());
        Support int8 = SupportRules.supports(MoeGemmSpec.contiguous(MoeGemmSpec.Type.INT8_W8A8, 16, 16,
                java.util.Collections.nCopies(70000, 1)), true);
        assertTrue(int8 instanceof Support.Unsupported u && u.reason().contains("70000 experts"), int8.toString());
    }

    @Test
    void everyStandardPrefillAndPagedDecodeRunsWhenBuilt() {
        int attention = 0;
        for (ConformanceCase c : StandardCases.all()) {
            if (c.spec() instanceof AttentionSpec.Prefill || c.spec() instanceof AttentionSpec.PagedDecode) {
                attention++;
                Support built = SupportRules.supports(c.spec(), true);
                assertTrue(built.isSupported() || c.spec() instanceof AttentionSpec.Prefill p
                        && p.valueDim() != p.headDim() && built instanceof Support.Alternative a
                        && a.reason().contains("v padded to Dk"), c.id() + ": " + built);
                assertTrue(SupportRules.supports(c.spec(), false) instanceof Support.Unsupported u
                        && u.reason().contains("kernels were not built"), c.id());
            }
        }
        assertTrue(attention >= 4, "the kit has prefill and paged-decode cases");
    }

    @Test
    void attentionHeadDimsAreMultiplesOfSixteenUpTo256() {
        for (int d = 16; d <= 256; d += 16) {
            assertTrue(SupportRules.supports(prefill(d), true).isSupported(), "prefill D=" + d);
            assertTrue(SupportRules.supports(decode(d), true).isSupported(), "decode D=" + d);
        }
        for (int d : new int[] {8, 72, 100, 257, 272, 512}) {
            for (dev.dayzero.hal.op.OpSpec spec : List.of(prefill(d), decode(d))) {
                Support s = SupportRules.supports(spec, true);
                assertTrue(s instanceof Support.Unsupported u && u.reason().contains("multiples of 16 up to 256")
                        && u.reason().contains("D=" + d), spec.describe() + ": " + s);
            }
        }
    }

    @Test
    void attentionGridLimitsAreNamed() {
        AttentionSpec.Prefill manyHeads = new AttentionSpec.Prefill(List.of(4), 65536, 1, 64, true, 0.125f);
        assertTrue(SupportRules.supports(manyHeads, true) instanceof Support.Unsupported u
                && u.reason().contains("Hq=65536"));
        AttentionSpec.PagedDecode manyKvHeads = AttentionSpec.PagedDecode.of(List.of(4), 70000, 70000, 16, 16);
        assertTrue(SupportRules.supports(manyKvHeads, true) instanceof Support.Unsupported u
                && u.reason().contains("Hkv=70000"));
    }

    @Test
    void attentionKernelInstancesAndSharedMemory() {
        assertEquals("dz_attn_prefill_d128", PrefillOp.kernelName(128));
        assertEquals("dz_attn_decode_d64", PagedDecodeOp.kernelName(64));
        // Q [64][136] + K [64][136] + Vt [128][72], BF16
        assertEquals((64 * 136 + 64 * 136 + 128 * 72) * 2, PrefillOp.sharedBytes(128));
        assertEquals(128, PrefillOp.rowsPerBlock(64));
        assertEquals(64, PrefillOp.rowsPerBlock(80));
        // every instance fits the 227 KiB an H100 block may opt into
        for (int d = 16; d <= 256; d += 16) {
            assertTrue(PrefillOp.sharedBytes(d) <= 227 * 1024, "prefill D=" + d);
            assertTrue(PagedDecodeOp.sharedBytes(d) <= 227 * 1024, "decode D=" + d);
        }
        assertEquals(1.0f / (float) Math.log(2.0), PrefillOp.scaleLog2(1.0f), 1e-7f);
    }

    @Test
    void pagedDecodeSplitsOnlyWhenTheGridIsSmall() {
        // Qwen3-235B: B=4, 64/4 heads, 2048 tokens: 16 blocks, split into 8 pieces of 256 tokens
        AttentionSpec.PagedDecode qwen = AttentionSpec.PagedDecode.of(List.of(1, 100, 513, 2048), 64, 4, 128, 16);
        assertEquals(1, PagedDecodeOp.groupsPerKvHead(qwen));
        assertEquals(8, PagedDecodeOp.splits(qwen, 132));
        assertEquals(256, PagedDecodeOp.splitTokens(2048, 8));
        assertEquals(8L * 4 * 64 * 130 * 4, PagedDecodeOp.workspaceBytes(qwen, 8));
        // short contexts are never split below four 64-token tiles
        assertEquals(1, PagedDecodeOp.splits(AttentionSpec.PagedDecode.of(List.of(255), 64, 4, 128, 16), 132));
        assertEquals(2, PagedDecodeOp.splits(AttentionSpec.PagedDecode.of(List.of(512), 64, 4, 128, 16), 132));
        // a large batch fills the GPU without splitting
        List<Integer> batch = java.util.Collections.nCopies(256, 4096);
        assertEquals(1, PagedDecodeOp.splits(AttentionSpec.PagedDecode.of(batch, 64, 8, 128, 16), 132));
        assertEquals(0L, PagedDecodeOp.workspaceBytes(qwen, 1));
        // long context, one sequence: capped at 64 splits
        assertEquals(64, PagedDecodeOp.splits(AttentionSpec.PagedDecode.of(List.of(131072), 32, 8, 128, 64), 132));
        // 32 query heads a KV head: two blocks of 16
        assertEquals(2, PagedDecodeOp.groupsPerKvHead(AttentionSpec.PagedDecode.of(List.of(8), 32, 1, 128, 16)));
    }

    private static AttentionSpec.Prefill prefill(int d) {
        return new AttentionSpec.Prefill(List.of(3, 70), 8, 2, d, true, AttentionSpec.defaultScale(d));
    }

    private static AttentionSpec.PagedDecode decode(int d) {
        return AttentionSpec.PagedDecode.of(List.of(3, 70), 8, 2, d, 16);
    }

    @Test
    void kernelNamesFollowTheSpec() {
        assertEquals("dz_quantize_bf16_e4m3_f32_rows", QuantizeOp.kernelName(new QuantizeSpec(4, 256, DType.BF16,
                DType.F8_E4M3FN, QuantizeSpec.perGroup(128), DType.F32)));
        assertEquals("dz_quantize_f32_i8_ue8m0_rows", QuantizeOp.kernelName(new QuantizeSpec(4, 256, DType.F32,
                DType.I8, QuantizeSpec.perToken(), DType.UE8M0)));
        assertEquals("dz_quantize_bf16_e5m2_ue8m0", QuantizeOp.kernelName(new QuantizeSpec(4, 256, DType.BF16,
                DType.F8_E5M2, QuantizeSpec.perBlock(128, 128), DType.UE8M0)));
    }

    private static final SupportRules.CublasLtCaps LT13_H100 = new SupportRules.CublasLtCaps(130000, "", "sm_90");
    private static final SupportRules.CublasLtCaps NO_LT = SupportRules.CublasLtCaps.none(
            "cuBLASLt (libcublasLt.so.13 or .so.12) not found in /nowhere");
    private static final MoeGemmSpec BF16 = MoeGemmSpec.contiguous(MoeGemmSpec.Type.BF16, 4096, 7168, List.of(13, 0, 21));
    private static final MoeGemmSpec FP8 = MoeGemmSpec.masked(MoeGemmSpec.Type.FP8_BLOCK, 7168, 2048, 16, List.of(16, 3));
    private static final MoeGemmSpec INT8 = MoeGemmSpec.contiguous(MoeGemmSpec.Type.INT8_W8A8, 7168, 2048, List.of(7, 0));

    private static Optional<SupportRules.MoeGemmPath> path(MoeGemmSpec g, boolean built, CudaConfig.MoeGemm setting,
                                                           SupportRules.CublasLtCaps lt) {
        return SupportRules.moeGemmRoute(g, built, setting, lt).path();
    }

    @Test
    void autoTakesCublasLtForBf16AndFp8WhereItIsAbleAndTheKernelOtherwise() {
        Optional<SupportRules.MoeGemmPath> lt = Optional.of(SupportRules.MoeGemmPath.CUBLASLT);
        Optional<SupportRules.MoeGemmPath> kernel = Optional.of(SupportRules.MoeGemmPath.KERNEL);
        assertEquals(lt, path(BF16, true, CudaConfig.MoeGemm.AUTO, LT13_H100));
        assertEquals(lt, path(FP8, true, CudaConfig.MoeGemm.AUTO, LT13_H100));
        assertEquals(kernel, path(INT8, true, CudaConfig.MoeGemm.AUTO, LT13_H100));
        assertEquals(kernel, path(BF16, true, CudaConfig.MoeGemm.AUTO, NO_LT));
        assertEquals(lt, path(BF16, false, CudaConfig.MoeGemm.AUTO, LT13_H100), "cuBLASLt needs no nvcc-built kernel");
        assertEquals(kernel, path(BF16, true, CudaConfig.MoeGemm.KERNEL, LT13_H100));
        // every standard case has a route on an H100 with cuBLASLt 13
        for (ConformanceCase c : StandardCases.all()) {
            if (c.spec() instanceof MoeGemmSpec g) {
                assertTrue(SupportRules.supports(g, true, CudaConfig.MoeGemm.AUTO, LT13_H100).isSupported(), c.id());
                // MXFP4 and UE8M0-scaled FP8 are not cuBLASLt matmuls: kernel under auto, none when pinned to cuBLASLt
                boolean ltTakes = g.type() == MoeGemmSpec.Type.BF16
                        || g.type() == MoeGemmSpec.Type.FP8_BLOCK && g.scaleType() == dev.dayzero.hal.DType.F32;
                assertEquals(g.type() == MoeGemmSpec.Type.INT8_W8A8 ? kernel : ltTakes ? lt : Optional.empty(),
                        path(g, true, CudaConfig.MoeGemm.CUBLASLT, LT13_H100), c.id());
                if (!ltTakes && g.type() != MoeGemmSpec.Type.INT8_W8A8) {
                    assertEquals(kernel, path(g, true, CudaConfig.MoeGemm.AUTO, LT13_H100), c.id());
                    String why = SupportRules.cublasLtRefusal(g, LT13_H100);
                    assertTrue(why.contains(g.type().isMxfp4() ? "scales both operands per 32" : "not UE8M0"), why);
                }
            }
        }
    }

    @Test
    void fp8BlockScalingNeedsCublasLt129OnHopperWithNDivisibleBy16() {
        SupportRules.CublasLtCaps lt128 = new SupportRules.CublasLtCaps(120804, "", "sm_90");
        assertEquals("FP8 block scaling (1x128 activation and 128x128 weight scales) needs cuBLASLt 12.9 or newer; "
                + "the loaded cuBLASLt is 12.8.4", SupportRules.cublasLtRefusal(FP8, lt128));
        assertEquals("", SupportRules.cublasLtRefusal(BF16, lt128), "BF16 runs on any cuBLASLt");
        assertEquals("cuBLASLt's 1x128 / 128x128 FP8 block scaling runs on Hopper (sm_90) only; this GPU is sm_100",
                SupportRules.cublasLtRefusal(FP8, new SupportRules.CublasLtCaps(130000, "", "sm_100")));
        MoeGemmSpec narrow = MoeGemmSpec.contiguous(MoeGemmSpec.Type.FP8_BLOCK, 200, 256, List.of(4));
        assertTrue(SupportRules.cublasLtRefusal(narrow, LT13_H100).matches("cuBLASLt FP8 needs N divisible by 16 .*, got N=200"));
        assertEquals(Optional.of(SupportRules.MoeGemmPath.KERNEL), path(FP8, true, CudaConfig.MoeGemm.AUTO, lt128));
        assertEquals(NO_LT.missing(), SupportRules.cublasLtRefusal(BF16, NO_LT));
        assertTrue(SupportRules.cublasLtRefusal(INT8, LT13_H100).startsWith("INT8 W8A8 MoE GEMM runs on backend-cuda's kernel"));
    }

    @Test
    void forcingCublasLtAnswersUnsupportedWithItsReasonButKeepsInt8OnTheKernel() {
        SupportRules.CublasLtCaps lt128 = new SupportRules.CublasLtCaps(120804, "", "sm_90");
        SupportRules.MoeGemmRoute r = SupportRules.moeGemmRoute(FP8, true, CudaConfig.MoeGemm.CUBLASLT, lt128);
        assertEquals(Optional.empty(), r.path());
        assertTrue(r.support() instanceof Support.Unsupported u && u.reason().startsWith("FP8 block scaling")
                && u.reason().endsWith("(dayzero.cuda.moeGemm=cublaslt rules out the kernel)"), r.support().toString());
        assertFalse(SupportRules.supports(BF16, true, CudaConfig.MoeGemm.CUBLASLT, NO_LT).isSupported());
        assertEquals(Optional.of(SupportRules.MoeGemmPath.KERNEL), path(INT8, true, CudaConfig.MoeGemm.CUBLASLT, NO_LT));
    }

    @Test
    void withNeitherKernelsNorCublasLtBothReasonsAreGiven() {
        Support s = SupportRules.supports(BF16, false, CudaConfig.MoeGemm.AUTO, NO_LT);
        assertTrue(s instanceof Support.Unsupported u && u.reason().contains("kernels were not built")
                && u.reason().contains("cuBLASLt cannot run it either: " + NO_LT.missing()), s.toString());
        Support k = SupportRules.supports(BF16, false, CudaConfig.MoeGemm.KERNEL, LT13_H100);
        assertTrue(k instanceof Support.Unsupported u && !u.reason().contains("cuBLASLt"), k.toString());
    }

    @Test
    void everyStandardIndexerAndSparsePrefillCaseRunsWhenBuilt() {
        int n = 0;
        for (ConformanceCase c : StandardCases.all()) {
            if (c.spec() instanceof dev.dayzero.hal.op.IndexerSpec || c.spec() instanceof AttentionSpec.SparsePrefill) {
                n++;
                assertTrue(SupportRules.supports(c.spec(), true).isSupported(), c.id());
                Support s = SupportRules.supports(c.spec(), false);
                assertTrue(s instanceof Support.Unsupported u && u.reason().contains("kernels were not built"), c.id());
            }
        }
        assertTrue(n >= 10, "the kit has indexer and sparse prefill cases: " + n);
    }

    @Test
    void sparsePrefillTakesTheSparseMlaKernelsWidths() {
        assertTrue(SupportRules.supports(new AttentionSpec.SparsePrefill(List.of(9), 80, 128, 64, 100, 0.2f), true)
                .isSupported());
        Support odd = SupportRules.supports(new AttentionSpec.SparsePrefill(List.of(9), 8, 72, 64, 16, 0.2f), true);
        assertTrue(odd instanceof Support.Unsupported u && u.reason().startsWith("backend-cuda's sparse prefill kernels")
                && u.reason().contains("Dk=72"), odd.toString());
        Support wide = SupportRules.supports(new AttentionSpec.SparsePrefill(List.of(9), 8, 576, 528, 16, 0.2f), true);
        assertTrue(wide instanceof Support.Unsupported u && u.reason().contains("Dv=528"), wide.toString());
    }

    @Test
    void indexerNeedsItsSharedMemoryOnTheDevice() {
        dev.dayzero.hal.op.IndexerSpec d128 = dev.dayzero.hal.op.IndexerSpec.PagedIndexerTopK.of(List.of(100), 1, 64,
                128, dev.dayzero.hal.op.IndexerSpec.KeyType.FP8, 1, 16);
        assertTrue(SupportRules.indexerDevice(d128, 227 * 1024, "H100").isSupported());
        assertTrue(SupportRules.indexerDevice(d128, 163 * 1024, "A100").isSupported());
        Support small = SupportRules.indexerDevice(d128, 64 * 1024, "T4");
        assertTrue(small instanceof Support.Unsupported u && u.reason().contains("90880 bytes of shared memory")
                && u.reason().contains("T4 allows 65536"), small.toString());
        dev.dayzero.hal.op.IndexerSpec d32 = new dev.dayzero.hal.op.IndexerSpec.IndexerTopK(List.of(10), 4, 32,
                dev.dayzero.hal.op.IndexerSpec.KeyType.BF16, 4);
        assertTrue(SupportRules.indexerDevice(d32, 64 * 1024, "T4").isSupported(), "54016 bytes fit");
    }

    @Test
    void indexerAnswersEveryShapeOfTheSpecIncludingLongRowsAndLargeTopK() {
        // GLM-5's longest context, top-2048; top-k above 2048; one head; compressed keys
        assertTrue(SupportRules.supports(dev.dayzero.hal.op.IndexerSpec.PagedIndexerTopK.of(List.of(202_752, 5), 2,
                32, 128, dev.dayzero.hal.op.IndexerSpec.KeyType.FP8, 1, 2048), true).isSupported());
        assertTrue(SupportRules.supports(dev.dayzero.hal.op.IndexerSpec.PagedIndexerTopK.of(List.of(9000), 1, 1, 32,
                dev.dayzero.hal.op.IndexerSpec.KeyType.BF16, 4, 8192), true).isSupported());
        assertTrue(SupportRules.supports(new dev.dayzero.hal.op.IndexerSpec.IndexerTopK(List.of(4096, 1), 64, 64,
                dev.dayzero.hal.op.IndexerSpec.KeyType.FP8, 2048), true).isSupported());
    }
}
