package dev.dayzero.backend.ascend.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.DType;
import dev.dayzero.hal.Support;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.KvCacheType;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class SupportRulesTest {
    private static final QuantizeSpec FP8_GROUP = new QuantizeSpec(48, 7168, DType.BF16, DType.F8_E4M3FN,
            QuantizeSpec.perGroup(128), DType.F32);
    private static final QuantizeSpec FP8_TOKEN = new QuantizeSpec(48, 7168, DType.BF16, DType.F8_E4M3FN,
            QuantizeSpec.perToken(), DType.F32);
    private static final MoeGemmSpec FP8_MOE = MoeGemmSpec.contiguous(MoeGemmSpec.Type.FP8_BLOCK, 4096, 7168,
            List.of(9, 17, 0, 6));

    @Test
    void capabilityMapKnowsTheFamilies() {
        assertEquals("A2", SocCapability.of("Ascend910B4-1").orElseThrow().family());
        assertEquals("A3", SocCapability.of("Ascend910_9391").orElseThrow().family());
        assertEquals(24, SocCapability.of("Ascend910_9391").orElseThrow().aiCores());
        assertEquals("950", SocCapability.of("Ascend950PR_9599").orElseThrow().family());
        assertTrue(SocCapability.of("Ascend950DT_9591").orElseThrow().fp8());
        assertTrue(SocCapability.of("Ascend910B").isEmpty(), "the digitless Ascend910B is the first-generation 910");
        assertTrue(SocCapability.of("Ascend310P3").isEmpty());
    }

    @Test
    void fp8QuantizeOn910bIsOfferedAsInt8PerToken() {
        Support s = SupportRules.answer("Ascend910B3", FP8_GROUP, false);
        Support.Alternative a = assertInstanceOf(Support.Alternative.class, s);
        assertEquals(new QuantizeSpec(48, 7168, DType.BF16, DType.I8, QuantizeSpec.perToken(), DType.F32), a.spec());
        assertTrue(a.reason().contains("no FP8 data type on Ascend910B3"), a.reason());
        assertEquals(Support.supported(), SupportRules.answer("Ascend910B3", a.spec(), false));
    }

    @Test
    void fp8QuantizeOn950IsSupportedPerToken() {
        assertEquals(Support.supported(), SupportRules.answer("Ascend950PR_9599", FP8_TOKEN, false));
        Support.Alternative a = assertInstanceOf(Support.Alternative.class,
                SupportRules.answer("Ascend950PR_9599", FP8_GROUP, false));
        assertEquals(DType.F8_E4M3FN, ((QuantizeSpec) a.spec()).format(), "950 keeps FP8, only the granularity changes");
    }

    @Test
    void fp8MoeIsOfferedAsInt8W8a8() {
        Support.Alternative a2 = assertInstanceOf(Support.Alternative.class, SupportRules.answer("Ascend910_9382", FP8_MOE, false));
        assertEquals(FP8_MOE.withType(MoeGemmSpec.Type.INT8_W8A8), a2.spec());
        assertTrue(a2.reason().contains("no FP8 data type on Ascend910_9382 (Atlas A3)"), a2.reason());
        Support.Alternative a950 = assertInstanceOf(Support.Alternative.class,
                SupportRules.answer("Ascend950DT_9591", FP8_MOE, false));
        assertTrue(a950.reason().contains("GroupedMatmulV5"), a950.reason());
    }

    @Test
    void maskedInt8AndThereforeMaskedFp8AreUnsupportedWithTheReason() {
        MoeGemmSpec masked = MoeGemmSpec.masked(MoeGemmSpec.Type.FP8_BLOCK, 7168, 2048, 16, List.of(16, 3, 0, 9));
        Support.Unsupported u = assertInstanceOf(Support.Unsupported.class, SupportRules.answer("Ascend910B1", masked, false));
        assertTrue(u.reason().contains("padding rows"), u.reason());
        assertEquals(Support.supported(), SupportRules.answer("Ascend910B1", masked.withType(MoeGemmSpec.Type.BF16), false));
    }

    @Test
    void attentionAnswers() {
        var mla = AttentionSpec.LatentDecode.deepseek(List.of(10, 300), 128, 1, KvCacheType.BF16);
        assertEquals(Support.supported(), SupportRules.answer("Ascend910B2", mla, false));
        assertEquals(16, SupportRules.nativeBlockSize(64, true), "page 64 relabels into 4 blocks of 16");
        assertEquals(128, SupportRules.nativeBlockSize(256, true));
        assertEquals(64, SupportRules.nativeBlockSize(64, false));
        var fp8 = AttentionSpec.LatentDecode.deepseek(List.of(10, 300), 128, 2, KvCacheType.FP8_FLASHMLA);
        Support.Alternative a = assertInstanceOf(Support.Alternative.class, SupportRules.answer("Ascend910B2", fp8, false));
        assertEquals(KvCacheType.BF16, ((AttentionSpec.LatentDecode) a.spec()).kvCache());
        var odd = AttentionSpec.PagedDecode.of(List.of(5, 9), 8, 2, 128, 8);
        assertTrue(((Support.Unsupported) SupportRules.answer("Ascend910B2", odd, false)).reason().contains("multiple of 16"));
        var sparse = AttentionSpec.SparseLatentDecode.deepseek(List.of(900), 64, 1, 256, KvCacheType.BF16);
        Support.Unsupported su = assertInstanceOf(Support.Unsupported.class, SupportRules.answer("Ascend910B2", sparse, false));
        assertTrue(su.reason().contains(SupportRules.SFA_SYMBOL), su.reason());
        assertEquals(Support.supported(), SupportRules.answer("Ascend910B2", sparse, true),
                "mapped through SparseFlashAttention where its package is installed");
        Support.Unsupported s950 = assertInstanceOf(Support.Unsupported.class,
                SupportRules.answer("Ascend950PR_9599", sparse, true));
        assertTrue(s950.reason().contains("A2/A3 only"), s950.reason());
        assertInstanceOf(Support.Unsupported.class, SupportRules.answer("Ascend310P3", mla, false));
    }
}
