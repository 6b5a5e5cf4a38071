package dev.dayzero.backend.cuda.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.DType;
import dev.dayzero.hal.Support;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.KvCacheType;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import dev.dayzero.tck.ConformanceCase;
import dev.dayzero.tck.StandardCases;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
    void everythingElseIsUnsupportedWithAPreciseReasonNeverFaked() {
        Set<String> families = new HashSet<>();
        for (ConformanceCase c : StandardCases.all()) {
            if (!(c.spec() instanceof QuantizeSpec) && !(c.spec() instanceof MoeGemmSpec) && !isMla(c)) {
                Support s = SupportRules.supports(c.spec(), true);
                assertFalse(s.isSupported(), c.id());
                assertTrue(s instanceof Support.Unsupported u && u.reason().startsWith("not implemented yet in backend-cuda: "),
                        c.id() + ": " + s);
                families.add(c.spec().family());
            }
        }
        assertEquals(Set.of("attention"), families);
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
    void everyMoeGemmRunsOnTheFallbackWhenBuilt() {
        int gemms = 0;
        for (ConformanceCase c : StandardCases.all()) {
            if (c.spec() instanceof MoeGemmSpec) {
                gemms++;
                assertTrue(SupportRules.supports(c.spec(), true).isSupported(), c.id());
                assertFalse(SupportRules.supports(c.spec(), false).isSupported(), c.id());
            }
        }
        assertTrue(gemms > 0);
        assertEquals("dz_moe_gemm_fp8_block", MoeGemmOp.kernelName(MoeGemmSpec.Type.FP8_BLOCK));
    }

    @Test
    void kernelNamesFollowTheSpec() {
        assertEquals("dz_quantize_bf16_e4m3_f32", QuantizeOp.kernelName(new QuantizeSpec(4, 256, DType.BF16,
                DType.F8_E4M3FN, QuantizeSpec.perGroup(128), DType.F32)));
        assertEquals("dz_quantize_f32_i8_ue8m0", QuantizeOp.kernelName(new QuantizeSpec(4, 256, DType.F32,
                DType.I8, QuantizeSpec.perToken(), DType.UE8M0)));
        assertEquals("dz_quantize_bf16_e5m2_ue8m0", QuantizeOp.kernelName(new QuantizeSpec(4, 256, DType.BF16,
                DType.F8_E5M2, QuantizeSpec.perBlock(128, 128), DType.UE8M0)));
    }
}
