package dev.dayzero.backend.ascend.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.DType;
import dev.dayzero.hal.Support;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.KvCacheType;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SupportRulesTest {
    static final DsaOperators NONE = DsaOperators.none();
    static final Path CUSTOM = Path.of("/opt/vllm_ascend/_cann_ops_custom/vendors/vllm-ascend/op_api/lib/libcust_opapi.so");
    static final Path BUILTIN = Path.of("/usr/local/Ascend/cann/lib64/libopapi_transformer.so");
    /** vllm-ascend 0.21 declared: 23-argument SFA and LightningIndexer from the custom package. */
    static final DsaOperators V021 = DsaOperators.resolve(s -> List.of(CUSTOM, BUILTIN), "0.21.0");
    /** vllm-ascend 0.20.2 declared: 17-argument SFA, LightningIndexer refused. */
    static final DsaOperators V020 = DsaOperators.resolve(s -> List.of(CUSTOM), "0.20.2");
    /** CANN's built-in ops only. */
    static final DsaOperators CANN = DsaOperators.resolve(s -> List.of(BUILTIN), "");

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
        Support s = SupportRules.answer("Ascend910B3", FP8_GROUP, NONE);
        Support.Alternative a = assertInstanceOf(Support.Alternative.class, s);
        assertEquals(new QuantizeSpec(48, 7168, DType.BF16, DType.I8, QuantizeSpec.perToken(), DType.F32), a.spec());
        assertTrue(a.reason().contains("no FP8 data type on Ascend910B3"), a.reason());
        assertEquals(Support.supported(), SupportRules.answer("Ascend910B3", a.spec(), NONE));
    }

    @Test
    void fp8QuantizeOn950IsSupportedPerToken() {
        assertEquals(Support.supported(), SupportRules.answer("Ascend950PR_9599", FP8_TOKEN, NONE));
        Support.Alternative a = assertInstanceOf(Support.Alternative.class,
                SupportRules.answer("Ascend950PR_9599", FP8_GROUP, NONE));
        assertEquals(DType.F8_E4M3FN, ((QuantizeSpec) a.spec()).format(), "950 keeps FP8, only the granularity changes");
    }

    @Test
    void denseGemmRunsOnTheGroupedMatmulAndFp8IsOfferedAsInt8() {
        dev.dayzero.hal.op.GemmSpec bf16 = dev.dayzero.hal.op.GemmSpec.batched(dev.dayzero.hal.op.GemmSpec.Type.BF16,
                16, 8, 512, 128);
        assertEquals(Support.supported(), SupportRules.answer("Ascend910B3", bf16, NONE));
        dev.dayzero.hal.op.GemmSpec fp8 = dev.dayzero.hal.op.GemmSpec.fp8Block(DType.UE8M0, 1, 64, 576, 7168);
        Support.Alternative a3 = assertInstanceOf(Support.Alternative.class, SupportRules.answer("Ascend910_9382", fp8, NONE));
        assertEquals(fp8.withType(dev.dayzero.hal.op.GemmSpec.Type.INT8_W8A8), a3.spec());
        assertTrue(a3.reason().contains("no FP8 data type"), a3.reason());
        Support.Alternative a950 = assertInstanceOf(Support.Alternative.class,
                SupportRules.answer("Ascend950PR_9599", fp8, NONE));
        assertTrue(a950.reason().contains("QuantMatmulV5's G-B mode"), a950.reason());
        assertTrue(SupportRules.answer("Ascend910B3", dev.dayzero.hal.op.GemmSpec.batched(
                dev.dayzero.hal.op.GemmSpec.Type.BF16, 1025, 1, 64, 64), NONE) instanceof Support.Unsupported u
                && u.reason().contains("groups"), "more batch entries than GroupedMatmul groups");
    }

    @Test
    void fp8MoeIsOfferedAsInt8W8a8() {
        Support.Alternative a2 = assertInstanceOf(Support.Alternative.class, SupportRules.answer("Ascend910_9382", FP8_MOE, NONE));
        assertEquals(FP8_MOE.withType(MoeGemmSpec.Type.INT8_W8A8), a2.spec());
        assertTrue(a2.reason().contains("no FP8 data type on Ascend910_9382 (Atlas A3)"), a2.reason());
        Support.Alternative a950 = assertInstanceOf(Support.Alternative.class,
                SupportRules.answer("Ascend950DT_9591", FP8_MOE, NONE));
        assertTrue(a950.reason().contains("GroupedMatmulV5"), a950.reason());
    }

    @Test
    void mxfp4MoeIsOfferedAsBf16WithTheSocsReason() {
        MoeGemmSpec mx = MoeGemmSpec.masked(MoeGemmSpec.Type.MXFP4_FP8, 4096, 4096, 8, List.of(8, 1, 0, 5));
        Support.Alternative a3 = assertInstanceOf(Support.Alternative.class, SupportRules.answer("Ascend910_9382", mx, NONE));
        assertEquals(mx.withType(MoeGemmSpec.Type.BF16), a3.spec());
        assertEquals(DType.F32, ((MoeGemmSpec) a3.spec()).scaleType());
        assertTrue(a3.reason().contains("no FP4 (E2M1) data type and no E8M0 scales on Ascend910_9382"), a3.reason());
        Support.Alternative a950 = assertInstanceOf(Support.Alternative.class,
                SupportRules.answer("Ascend950DT_9591", mx.withType(MoeGemmSpec.Type.MXFP4_BF16), NONE));
        assertTrue(a950.reason().contains("GroupedMatmulV5's MX mode"), a950.reason());
        MoeGemmSpec ue8m0 = FP8_MOE.withScaleType(DType.UE8M0);
        Support.Alternative u = assertInstanceOf(Support.Alternative.class, SupportRules.answer("Ascend910B1", ue8m0, NONE));
        assertEquals(FP8_MOE.withType(MoeGemmSpec.Type.INT8_W8A8), u.spec());
        assertTrue(u.reason().contains("FLOAT8_E8M0"), u.reason());
    }

    @Test
    void maskedInt8AndThereforeMaskedFp8AreUnsupportedWithTheReason() {
        MoeGemmSpec masked = MoeGemmSpec.masked(MoeGemmSpec.Type.FP8_BLOCK, 7168, 2048, 16, List.of(16, 3, 0, 9));
        Support.Unsupported u = assertInstanceOf(Support.Unsupported.class, SupportRules.answer("Ascend910B1", masked, NONE));
        assertTrue(u.reason().contains("padding rows"), u.reason());
        assertEquals(Support.supported(), SupportRules.answer("Ascend910B1", masked.withType(MoeGemmSpec.Type.BF16), NONE));
    }

    @Test
    void attentionAnswers() {
        var mla = AttentionSpec.LatentDecode.deepseek(List.of(10, 300), 128, 1, KvCacheType.BF16);
        assertEquals(Support.supported(), SupportRules.answer("Ascend910B2", mla, NONE));
        assertEquals(16, SupportRules.nativeBlockSize(64, true), "page 64 relabels into 4 blocks of 16");
        assertEquals(128, SupportRules.nativeBlockSize(256, true));
        assertEquals(64, SupportRules.nativeBlockSize(64, false));
        var fp8 = AttentionSpec.LatentDecode.deepseek(List.of(10, 300), 128, 2, KvCacheType.FP8_FLASHMLA);
        Support.Alternative a = assertInstanceOf(Support.Alternative.class, SupportRules.answer("Ascend910B2", fp8, NONE));
        assertEquals(KvCacheType.BF16, ((AttentionSpec.LatentDecode) a.spec()).kvCache());
        var odd = AttentionSpec.PagedDecode.of(List.of(5, 9), 8, 2, 128, 8);
        assertTrue(((Support.Unsupported) SupportRules.answer("Ascend910B2", odd, NONE)).reason().contains("multiple of 16"));
        var sparse = AttentionSpec.SparseLatentDecode.deepseek(List.of(900), 64, 1, 256, KvCacheType.BF16);
        Support.Unsupported su = assertInstanceOf(Support.Unsupported.class, SupportRules.answer("Ascend910B2", sparse, NONE));
        assertTrue(su.reason().contains(SupportRules.SFA_SYMBOL), su.reason());
        assertEquals(Support.supported(), SupportRules.answer("Ascend910B2", sparse, V021),
                "mapped through SparseFlashAttention where its package is installed");
        Support.Unsupported s950 = assertInstanceOf(Support.Unsupported.class,
                SupportRules.answer("Ascend950PR_9599", sparse, V020));
        assertTrue(s950.reason().contains("A2/A3 only"), s950.reason());
        assertEquals(Support.supported(), SupportRules.answer("Ascend950PR_9599", sparse, V021),
                "vllm-ascend's op def from 0.21 targets ascend950");
        assertInstanceOf(Support.Unsupported.class, SupportRules.answer("Ascend950PR_9599", sparse, CANN));
        assertInstanceOf(Support.Unsupported.class, SupportRules.answer("Ascend310P3", mla, NONE));
    }

    private static String refusal(String soc, dev.dayzero.hal.op.OpSpec spec, DsaOperators dsa) {
        Support.Unsupported u = assertInstanceOf(Support.Unsupported.class, SupportRules.answer(soc, spec, dsa),
                spec.describe());
        System.out.println("[refusal] " + spec.describe() + " on " + soc + ": " + u.reason());
        return u.reason();
    }

    @Test
    void indexerAnswers() {
        var paged = IndexerSpec.PagedIndexerTopK.of(List.of(300, 77), 2, 64, 128, IndexerSpec.KeyType.BF16, 1, 256);
        assertEquals(Support.supported(), SupportRules.answer("Ascend910B3", paged, V021));
        assertEquals(Support.supported(), SupportRules.answer("Ascend910_9391", paged, CANN));
        var compressed = IndexerSpec.PagedIndexerTopK.of(List.of(300, 77), 2, 64, 128, IndexerSpec.KeyType.BF16, 4, 64);
        assertEquals(Support.supported(), SupportRules.answer("Ascend910B3", compressed, V021));
        // FP8 keys: the same indexer with BF16 keys
        Support.Alternative fp8 = assertInstanceOf(Support.Alternative.class,
                SupportRules.answer("Ascend910B3", paged.withKeyType(IndexerSpec.KeyType.FP8), V021));
        assertEquals(paged, fp8.spec());
        assertTrue(fp8.reason().contains("FP16/BF16"), fp8.reason());
        // logits: the op returns indices only
        assertTrue(refusal("Ascend910B3", new IndexerSpec.IndexerLogits(paged.cache()), V021)
                .contains("returns the selected indices"));
        // the operator's source
        assertTrue(refusal("Ascend910B3", paged, NONE).contains(DsaOperators.LI_SYMBOL));
        assertTrue(refusal("Ascend910B3", paged, V020).contains("before 0.21 was not checked"));
        assertTrue(refusal("Ascend910B3", paged.withKeyType(IndexerSpec.KeyType.FP8), V020).contains("before 0.21"));
        // 950: not built for it
        assertTrue(refusal("Ascend950PR_9599", paged, V021).contains("A2/A3 only"));
        // limits
        assertTrue(refusal("Ascend910B3", IndexerSpec.PagedIndexerTopK.of(List.of(300), 1, 64, 64,
                IndexerSpec.KeyType.BF16, 1, 256), V021).contains("head dim 128"));
        assertTrue(refusal("Ascend910B3", IndexerSpec.PagedIndexerTopK.of(List.of(9000), 1, 64, 128,
                IndexerSpec.KeyType.BF16, 1, 4096), V021).contains("2048"));
        var page8 = new IndexerSpec.PagedIndexerTopK(IndexerSpec.PagedKeys.of(List.of(40), 1, 8, 128,
                IndexerSpec.KeyType.BF16, 8, 1), 16);
        assertTrue(refusal("Ascend910B3", page8, V021).contains("multiple of 16"));
        // prefill: one sequence only
        var one = new IndexerSpec.IndexerTopK(List.of(200), 64, 128, IndexerSpec.KeyType.BF16, 64);
        assertEquals(Support.supported(), SupportRules.answer("Ascend910B3", one, V021));
        assertTrue(refusal("Ascend910B3", new IndexerSpec.IndexerTopK(List.of(200, 50), 64, 128,
                IndexerSpec.KeyType.BF16, 64), V021).contains("global key rows"));
        Support.Alternative fp8Prefill = assertInstanceOf(Support.Alternative.class, SupportRules.answer("Ascend910B3",
                one.withKeyType(IndexerSpec.KeyType.FP8), V021));
        assertEquals(one, fp8Prefill.spec());
    }

    @Test
    void sparsePrefillAnswers() {
        var prefill = AttentionSpec.SparsePrefill.deepseek(List.of(100, 33), 16, 64);
        assertEquals(Support.supported(), SupportRules.answer("Ascend910B3", prefill, V021));
        assertEquals(Support.supported(), SupportRules.answer("Ascend910B3", prefill, V020));
        assertEquals(Support.supported(), SupportRules.answer("Ascend910B3", prefill, CANN));
        assertTrue(refusal("Ascend910B3", prefill, NONE).contains(SupportRules.SFA_SYMBOL));
        assertTrue(refusal("Ascend910B3", new AttentionSpec.SparsePrefill(List.of(10), 16, 128, 128, 8, 0.1f), V021)
                .contains("Dk 576"));
        assertTrue(refusal("Ascend950DT_9591", prefill, V020).contains("A2/A3 only"));
        assertEquals(Support.supported(), SupportRules.answer("Ascend950DT_9591", prefill, V021));
    }

    @Test
    void versionEvidenceDecidesTheSignature() {
        assertEquals(DsaOperators.Abi.SFA_23, V021.sparseFlashAttention().abi());
        assertEquals(DsaOperators.Abi.LI, V021.lightningIndexer().abi());
        assertEquals(CUSTOM, V021.sparseFlashAttention().library(), "the custom package wins over CANN's op");
        assertEquals(DsaOperators.Abi.SFA_17, V020.sparseFlashAttention().abi());
        assertEquals(DsaOperators.Abi.NONE, V020.lightningIndexer().abi());
        assertEquals(DsaOperators.Abi.SFA_23, CANN.sparseFlashAttention().abi());
        assertEquals(DsaOperators.Origin.CANN_BUILTIN, CANN.sparseFlashAttention().origin());
        DsaOperators dev = DsaOperators.resolve(s -> List.of(CUSTOM), "0.20.3.dev12+g2b8739c");
        assertFalse(dev.sparseFlashAttention().usable(), "a development build of 0.20 may carry either signature");
        assertTrue(dev.sparseFlashAttention().describe().contains("development build"));
        assertEquals(DsaOperators.Abi.SFA_23, DsaOperators.resolve(s -> List.of(CUSTOM), "0.21.0rc1.dev3")
                .sparseFlashAttention().abi());
        DsaOperators unknown = DsaOperators.resolve(s -> List.of(CUSTOM, BUILTIN), "");
        assertEquals(DsaOperators.Origin.UNKNOWN_PACKAGE, unknown.sparseFlashAttention().origin());
        assertFalse(unknown.sparseFlashAttention().usable(),
                "an unreadable custom package is refused even where CANN has its own op: its kernels shadow CANN's");
        String why = refusal("Ascend910B3", AttentionSpec.SparseLatentDecode.deepseek(List.of(900), 64, 1, 256,
                KvCacheType.BF16), unknown);
        assertTrue(why.contains("17 arguments up to vllm-ascend 0.20, 23 from"), why);
        assertTrue(why.contains("dayzero.ascend.customOpsVersion"), why);
    }

    @Test
    void versionFilesBesideThePackage(@TempDir Path tmp) throws java.io.IOException {
        Path lib = tmp.resolve("site/vllm_ascend/_cann_ops_custom/vendors/vllm-ascend/op_api/lib/libcust_opapi.so");
        java.nio.file.Files.createDirectories(lib.getParent());
        java.nio.file.Files.writeString(lib, "");
        assertTrue(DsaOperators.readVersion(lib).isEmpty());
        Path egg = tmp.resolve("site/vllm_ascend.egg-info/PKG-INFO");
        java.nio.file.Files.createDirectories(egg.getParent());
        java.nio.file.Files.writeString(egg, "Metadata-Version: 2.1\nName: vllm_ascend\nVersion: 0.18.0\n");
        assertEquals("0.18.0", DsaOperators.readVersion(lib).orElseThrow().version());
        Path dist = tmp.resolve("site/vllm_ascend-0.20.2.dist-info");
        java.nio.file.Files.createDirectories(dist);
        assertEquals("0.20.2", DsaOperators.readVersion(lib).orElseThrow().version(), "the dist-info's name");
        java.nio.file.Files.writeString(tmp.resolve("site/vllm_ascend/_version.py"),
                "__version__ = version = '0.21.1'\n__version_tuple__ = version_tuple = (0, 21, 1)\n");
        var ev = DsaOperators.readVersion(lib).orElseThrow();
        assertEquals("0.21.1", ev.version());
        assertTrue(ev.source().endsWith("_version.py"), ev.source());
        assertEquals(DsaOperators.Abi.SFA_23, DsaOperators.resolve(s -> List.of(lib), "").sparseFlashAttention().abi());
        assertEquals(DsaOperators.Abi.SFA_17, DsaOperators.resolve(s -> List.of(lib), "0.20.0")
                .sparseFlashAttention().abi(), "a declared version wins");
        assertTrue(DsaOperators.parse("garbage").isEmpty());
    }
}
