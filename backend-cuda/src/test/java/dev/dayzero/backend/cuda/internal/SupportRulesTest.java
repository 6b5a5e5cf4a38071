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
            if (!(c.spec() instanceof QuantizeSpec) && !(c.spec() instanceof MoeGemmSpec) && !isBf16MlaDecode(c)) {
                Support s = SupportRules.supports(c.spec(), true);
                assertFalse(s.isSupported(), c.id());
                assertTrue(s instanceof Support.Unsupported u && u.reason().startsWith("not implemented yet in backend-cuda: "),
                        c.id() + ": " + s);
                families.add(c.spec().family());
            }
        }
        assertEquals(Set.of("attention"), families);
    }

    private static boolean isBf16MlaDecode(ConformanceCase c) {
        return c.spec() instanceof AttentionSpec.LatentDecode d && d.kvCache() == KvCacheType.BF16;
    }

    @Test
    void mlaDecodeRunsOnlyWithABf16CacheAndBuiltKernels() {
        AttentionSpec.LatentDecode bf16 = AttentionSpec.LatentDecode.deepseek(List.of(1, 300), 128, 1, KvCacheType.BF16);
        assertTrue(SupportRules.supports(bf16, true).isSupported());
        assertTrue(SupportRules.supports(bf16, false) instanceof Support.Unsupported u
                && u.reason().contains("kernels were not built"));
        AttentionSpec.LatentDecode fp8 = AttentionSpec.LatentDecode.deepseek(List.of(1, 300), 128, 1, KvCacheType.FP8_FLASHMLA);
        assertTrue(SupportRules.supports(fp8, true) instanceof Support.Unsupported u
                && u.reason().startsWith("not implemented yet in backend-cuda: MLA decode with the FP8_FLASHMLA KV cache"));
        assertTrue(StandardCases.all().stream().anyMatch(SupportRulesTest::isBf16MlaDecode), "the kit has a BF16 MLA case");
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
    void kernelNamesFollowTheSpec() {
        assertEquals("dz_quantize_bf16_e4m3_f32", QuantizeOp.kernelName(new QuantizeSpec(4, 256, DType.BF16,
                DType.F8_E4M3FN, QuantizeSpec.perGroup(128), DType.F32)));
        assertEquals("dz_quantize_f32_i8_ue8m0", QuantizeOp.kernelName(new QuantizeSpec(4, 256, DType.F32,
                DType.I8, QuantizeSpec.perToken(), DType.UE8M0)));
        assertEquals("dz_quantize_bf16_e5m2_ue8m0", QuantizeOp.kernelName(new QuantizeSpec(4, 256, DType.BF16,
                DType.F8_E5M2, QuantizeSpec.perBlock(128, 128), DType.UE8M0)));
    }
}
