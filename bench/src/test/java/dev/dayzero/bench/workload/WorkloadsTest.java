package dev.dayzero.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.bench.model.AttentionConfig;
import dev.dayzero.bench.model.ModelConfig;
import dev.dayzero.bench.model.Presets;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.GemmSpec;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.KvCacheType;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import dev.dayzero.hal.op.TensorSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkloadsTest {

    private static final String PREFIX = "deepseek-v3/decode/b8/ctx4096/tp1-ep32/uniform/";

    private static WorkloadPlan plan(String model, WorkloadOptions o) {
        return Workloads.derive(Presets.get(model), o);
    }

    private static WorkloadCase find(WorkloadPlan p, String operator) {
        return p.cases().stream().filter(c -> c.operator().equals(operator)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + operator + " in " + p.cases().stream().map(WorkloadCase::id).toList()));
    }

    private static long sum(List<Integer> xs) {
        return xs.stream().mapToLong(Integer::longValue).sum();
    }

    @Test
    void defaultDeepSeekV3Plan() {
        WorkloadPlan p = plan("deepseek-v3", WorkloadOptions.defaults());
        assertEquals(List.of(PREFIX + "mla-decode-bf16", PREFIX + "mla-decode-fp8", PREFIX + "quantize-gate-up-input",
                PREFIX + "moe-gate-up-fp8", PREFIX + "quantize-down-input", PREFIX + "moe-down-fp8"),
                p.cases().stream().filter(c -> !c.operator().startsWith("gemm-")).map(WorkloadCase::id).toList());

        AttentionSpec.LatentDecode mla = assertInstanceOf(AttentionSpec.LatentDecode.class,
                find(p, "mla-decode-fp8").spec());
        assertEquals(128, mla.numHeads());
        assertEquals(576, mla.headDim());
        assertEquals(512, mla.valueDim());
        assertEquals(64, mla.pageSize());
        assertEquals(KvCacheType.FP8_FLASHMLA, mla.kvCache());
        assertEquals(List.of(4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096), mla.seqLens());
        double mscale = 0.1 * Math.log(40) + 1;
        assertEquals(mscale * mscale / Math.sqrt(192), mla.softmaxScale(), 1e-6);

        // 8 sequences a rank x 32 ranks x top-8 / ep 32 = 64 rows over 8 local experts
        MoeGemmSpec gateUp = assertInstanceOf(MoeGemmSpec.class, find(p, "moe-gate-up-fp8").spec());
        assertEquals(MoeGemmSpec.Layout.MASKED, gateUp.layout());
        assertEquals(MoeGemmSpec.Type.FP8_BLOCK, gateUp.type());
        assertEquals(4096, gateUp.n());
        assertEquals(7168, gateUp.k());
        assertEquals(List.of(8, 8, 8, 8, 8, 8, 8, 8), gateUp.rowsPerExpert());
        assertEquals(8, gateUp.maxRows());
        MoeGemmSpec down = assertInstanceOf(MoeGemmSpec.class, find(p, "moe-down-fp8").spec());
        assertEquals(7168, down.n());
        assertEquals(2048, down.k());

        QuantizeSpec q = assertInstanceOf(QuantizeSpec.class, find(p, "quantize-gate-up-input").spec());
        assertEquals(64, q.m());
        assertEquals(7168, q.k());
        assertEquals(DType.F8_E4M3FN, q.format());
        assertEquals(QuantizeSpec.perGroup(128), q.granularity());
        assertEquals(DType.F32, q.scaleType());
        assertEquals(2048, assertInstanceOf(QuantizeSpec.class, find(p, "quantize-down-input").spec()).k());

        assertTrue(p.leftOut().stream().noneMatch(l -> l.operator().equals("shared-expert")), p.leftOut().toString());
        assertTrue(p.cases().stream().anyMatch(c -> c.operator().equals("gemm-shared-gate-up")));
        for (WorkloadCase c : p.cases()) {
            assertEquals("deepseek-v3", c.model());
            assertEquals("decode", c.phase());
            assertFalse(c.origin().isBlank(), c.id());
        }
    }

    @Test
    void defaultRunStaysCpuSized() {
        // the default `dayzero run` must stay a few minutes on a 2-core CPU including an F64 oracle:
        // keep the per-device work of the default plan small and its memory well under a gigabyte
        WorkloadPlan p = plan("deepseek-v3", WorkloadOptions.defaults());
        long moeFlops = p.cases().stream().filter(c -> c.spec() instanceof MoeGemmSpec).mapToLong(c -> c.spec().flops()).sum();
        long attnFlops = p.cases().stream().filter(c -> c.spec() instanceof AttentionSpec).mapToLong(c -> c.spec().flops()).sum();
        assertTrue(moeFlops < 6e9, "MoE flops " + moeFlops);
        assertTrue(attnFlops < 20e9, "attention flops " + attnFlops);
        assertTrue(p.maxMemoryBytes() < 512L << 20, "memory " + p.maxMemoryBytes());
    }

    @Test
    void idsAreStableUniqueAndSeedsComeFromIds() {
        WorkloadOptions all = WorkloadOptions.defaults().withPhases(List.of(Phase.DECODE, Phase.PREFILL))
                .withBatchSizes(List.of(1, 8)).withPrefillLength(64);
        Set<String> ids = new HashSet<>();
        for (ModelConfig m : Presets.all()) {
            for (Routing r : Routing.values()) {
                WorkloadPlan a = Workloads.derive(m, all.withRouting(r));
                WorkloadPlan b = Workloads.derive(m, all.withRouting(r));
                assertEquals(a.cases().stream().map(WorkloadCase::id).toList(), b.cases().stream().map(WorkloadCase::id).toList());
                for (int i = 0; i < a.cases().size(); i++) {
                    WorkloadCase c = a.cases().get(i);
                    assertEquals(WorkloadCase.seedOf(c.id()), c.seed());
                    assertEquals(c.seed(), b.cases().get(i).seed());
                    assertEquals(c.spec(), b.cases().get(i).spec());
                    assertTrue(c.id().startsWith(m.id() + "/"), c.id());
                    assertTrue(ids.add(c.id()), "duplicate id " + c.id());
                }
            }
        }
        assertNotEquals(WorkloadCase.seedOf(PREFIX + "moe-down-fp8"), WorkloadCase.seedOf(PREFIX + "moe-gate-up-fp8"));
    }

    @Test
    void idsEncodeTheOptions() {
        WorkloadOptions o = WorkloadOptions.defaults().withBatchSizes(List.of(2)).withContextLength(1000).withTp(2)
                .withEp(16).withRouting(Routing.SKEWED);
        WorkloadPlan p = plan("kimi-k2", o);
        assertTrue(p.cases().stream().allMatch(c -> c.id().startsWith("kimi-k2/decode/b2/ctx1000/tp2-ep16/skewed/")),
                p.cases().get(0).id());
        WorkloadPlan prefill = plan("kimi-k2", o.withPhases(List.of(Phase.PREFILL)).withPrefillLength(33));
        assertTrue(prefill.cases().get(0).id().startsWith("kimi-k2/prefill/b2/len33/tp2-ep16/skewed/"),
                prefill.cases().get(0).id());
    }

    @Test
    void uniformRowsSumToTokensTimesTopkOverEp() {
        // Kimi-K2 at ep16: 3 sequences a rank x 16 ranks = 48 tokens; 48 x 8 / 16 = 24 rows over 24 experts
        WorkloadPlan p = plan("kimi-k2", WorkloadOptions.defaults().withBatchSizes(List.of(3)));
        MoeGemmSpec g = (MoeGemmSpec) find(p, "moe-gate-up-fp8").spec();
        assertEquals(48L * 8 / 16, g.validRows());
        assertEquals(24, g.experts());
        assertTrue(g.rowsPerExpert().stream().allMatch(r -> r == 1), g.rowsPerExpert().toString());

        // tp = ep (vLLM's tp8 with expert parallelism): the 8 devices share one batch
        WorkloadPlan shared = plan("qwen3-235b-a22b", WorkloadOptions.defaults().withTp(8).withEp(8));
        MoeGemmSpec s = (MoeGemmSpec) find(shared, "moe-gate-up-bf16").spec();
        assertEquals(8L * 8 / 8, s.validRows());
        assertEquals(2 * 1536, s.n(), "whole experts with ep");

        // prefill: tokens = batch x prefill length x dp
        WorkloadPlan pre = plan("deepseek-v3", WorkloadOptions.defaults().withPhases(List.of(Phase.PREFILL))
                .withBatchSizes(List.of(1)).withPrefillLength(16));
        MoeGemmSpec c = (MoeGemmSpec) find(pre, "moe-down-fp8").spec();
        assertEquals(MoeGemmSpec.Layout.CONTIGUOUS, c.layout());
        assertEquals(16L * 32 * 8 / 32, c.validRows());
        assertEquals(c.validRows(), ((QuantizeSpec) find(pre, "quantize-down-input").spec()).m());
    }

    @Test
    void skewedRowsAreConservedButUneven() {
        WorkloadOptions o = WorkloadOptions.defaults().withBatchSizes(List.of(64)).withRouting(Routing.SKEWED);
        MoeGemmSpec skewed = (MoeGemmSpec) find(plan("deepseek-v3", o), "moe-gate-up-fp8").spec();
        MoeGemmSpec uniform = (MoeGemmSpec) find(plan("deepseek-v3", o.withRouting(Routing.UNIFORM)), "moe-gate-up-fp8").spec();
        assertEquals(uniform.validRows(), skewed.validRows());
        assertEquals(512, skewed.validRows());
        int max = skewed.rowsPerExpert().stream().mapToInt(Integer::intValue).max().orElseThrow();
        assertTrue(max > 2 * 64, "hot expert " + skewed.rowsPerExpert());
        assertEquals(Workloads.nextPowerOfTwo(max), skewed.maxRows());
        assertEquals(skewed.rowsPerExpert(), ((MoeGemmSpec) find(plan("deepseek-v3", o), "moe-down-fp8").spec()).rowsPerExpert(),
                "gate+up and down see the same routing");
    }

    @Test
    void memoryCountsOnlyExpertsWithRows() {
        // Qwen3-235B at tp8-ep1, batch 1: 8 rows over 128 local experts, so at most 8 experts hold rows
        WorkloadPlan p = plan("qwen3-235b-a22b", WorkloadOptions.defaults().withBatchSizes(List.of(1)));
        WorkloadCase c = find(p, "moe-gate-up-bf16");
        MoeGemmSpec g = (MoeGemmSpec) c.spec();
        assertEquals(8, g.experts());
        assertTrue(g.rowsPerExpert().stream().allMatch(r -> r > 0));
        TensorSpec w = g.inputs().stream().filter(t -> t.name().equals("w")).findFirst().orElseThrow();
        assertEquals(8L * 384 * 4096 * 2, w.bytes());
        assertEquals(WorkloadCase.memoryOf(g), c.memoryBytes());
        assertTrue(c.memoryBytes() < 128L * 384 * 4096 * 2 / 8, "memory " + c.memoryBytes());
        assertTrue(c.origin().contains("120 idle"), c.origin());
    }

    @Test
    void gqaShapesPerDevice() {
        WorkloadOptions o = WorkloadOptions.defaults().withPhases(List.of(Phase.DECODE, Phase.PREFILL));
        WorkloadPlan glm = plan("glm-4.5", o);
        AttentionSpec.PagedDecode d = (AttentionSpec.PagedDecode) find(glm, "paged-decode").spec();
        assertEquals(12, d.numHeads());
        assertEquals(1, d.numKvHeads());
        assertEquals(128, d.headDim());
        assertEquals(16, d.pageSize());
        assertEquals(1 / Math.sqrt(128), d.softmaxScale(), 1e-7);
        AttentionSpec.Prefill pf = (AttentionSpec.Prefill) find(glm, "prefill").spec();
        assertTrue(pf.causal());
        assertEquals(List.of(512, 512, 512, 512, 512, 512, 512, 512), pf.seqLens());
        MoeGemmSpec down = (MoeGemmSpec) find(glm, "moe-down-bf16").spec();
        assertEquals(1536 / 8, down.k());
        assertEquals(5120, down.n());

        AttentionSpec.PagedDecode mm = (AttentionSpec.PagedDecode) find(plan("minimax-m2", o), "paged-decode").spec();
        assertEquals(12, mm.numHeads());
        assertEquals(2, mm.numKvHeads());
    }

    private static WorkloadCase find(WorkloadPlan p, String phase, String operator) {
        return p.cases().stream().filter(c -> c.phase().equals(phase) && c.operator().equals(operator)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + phase + " " + operator + " in "
                        + p.cases().stream().map(WorkloadCase::id).toList()));
    }

    private static List<String> operators(WorkloadPlan p, String phase) {
        // the attention / expert operators; the dense gemm-* cases have tests of their own
        return p.cases().stream().filter(c -> c.phase().equals(phase) && !c.operator().startsWith("gemm-"))
                .map(WorkloadCase::operator).toList();
    }

    @Test
    void mlaPrefillIsMhaOver192ForDenseMla() {
        WorkloadOptions o = WorkloadOptions.defaults().withPhases(List.of(Phase.PREFILL)).withTp(8).withEp(32)
                .withPrefillLength(32);
        WorkloadPlan p = plan("deepseek-v3", o);
        AttentionSpec.Prefill pf = (AttentionSpec.Prefill) find(p, "mla-prefill").spec();
        assertEquals(16, pf.numHeads());
        assertEquals(16, pf.numKvHeads());
        assertEquals(192, pf.headDim());
        assertEquals(128, pf.valueDim(), "v_head_dim: the PV product and output are 128 wide");
        assertTrue(find(p, "mla-prefill").origin().contains("v head = v_head_dim 128"));
        assertTrue(p.cases().stream().noneMatch(c -> c.spec() instanceof IndexerSpec), "dense MLA has no indexer");
    }

    @Test
    void deepSeekV32DecodeRunsThePagedIndexerAheadOfTheSparseAttention() {
        WorkloadPlan p = plan("deepseek-v3.2-exp", WorkloadOptions.defaults());
        String prefix = "deepseek-v3.2-exp/decode/b8/ctx4096/tp1-ep32/uniform/";
        assertEquals(List.of(prefix + "indexer-topk", prefix + "sparse-mla-decode-bf16", prefix + "sparse-mla-decode-fp8",
                        prefix + "quantize-gate-up-input", prefix + "moe-gate-up-fp8", prefix + "quantize-down-input",
                        prefix + "moe-down-fp8"),
                p.cases().stream().filter(c -> !c.operator().startsWith("gemm-")).map(WorkloadCase::id).toList());
        WorkloadCase c = find(p, "indexer-topk");
        IndexerSpec.PagedIndexerTopK x = assertInstanceOf(IndexerSpec.PagedIndexerTopK.class, c.spec());
        assertEquals("indexer", x.family());
        assertEquals(64, x.heads(), "index_n_heads");
        assertEquals(128, x.headDim(), "index_head_dim");
        assertEquals(IndexerSpec.KeyType.FP8, x.keyType());
        assertEquals(2048, x.topk(), "index_topk");
        assertEquals(64, x.cache().pageSize());
        assertEquals(1, x.cache().nextN());
        assertEquals(1, x.cache().compressRatio());
        assertEquals(List.of(4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096), x.cache().seqLens());
        assertEquals(8, x.queries());
        assertEquals(List.of(8L, 2048L), x.outputs().get(0).shape());
        assertTrue(c.origin().contains("index_n_heads") && c.origin().contains("replicated"), c.origin());
        assertEquals(WorkloadCase.memoryOf(x), c.memoryBytes());

        AttentionSpec.SparseLatentDecode s = assertInstanceOf(AttentionSpec.SparseLatentDecode.class,
                find(p, "sparse-mla-decode-fp8").spec());
        assertEquals(2048, s.topk());
        assertEquals(128, s.numHeads());
        assertEquals(576, s.headDim());
        assertEquals(512, s.valueDim());
        assertEquals(KvCacheType.FP8_FLASHMLA, s.kvCache());
        assertEquals(KvCacheType.BF16, ((AttentionSpec.SparseLatentDecode) find(p, "sparse-mla-decode-bf16").spec()).kvCache());
        assertEquals(DType.UE8M0, ((QuantizeSpec) find(p, "quantize-gate-up-input").spec()).scaleType());
        assertTrue(p.cases().stream().noneMatch(k -> k.operator().startsWith("mla-decode")));
        assertTrue(p.leftOut().stream().noneMatch(l -> l.operator().contains("indexer")), p.leftOut().toString());
    }

    @Test
    void deepSeekV32PrefillRunsTheIndexerThenSparsePrefillInsteadOfDenseMha() {
        WorkloadOptions o = WorkloadOptions.defaults().withPhases(List.of(Phase.DECODE, Phase.PREFILL)).withTp(8)
                .withPrefillLength(32);
        WorkloadPlan p = plan("deepseek-v3.2-exp", o);
        assertEquals(List.of("indexer-topk", "sparse-prefill", "quantize-gate-up-input", "moe-gate-up-fp8",
                "quantize-down-input", "moe-down-fp8"), operators(p, "prefill"));
        IndexerSpec.IndexerTopK x = assertInstanceOf(IndexerSpec.IndexerTopK.class,
                find(p, "prefill", "indexer-topk").spec());
        assertEquals(List.of(32, 32, 32, 32, 32, 32, 32, 32), x.seqLens());
        assertEquals(64, x.heads(), "the indexer is replicated: all 64 heads at tp8");
        assertEquals(128, x.headDim());
        assertEquals(IndexerSpec.KeyType.FP8, x.keyType());
        assertEquals(2048, x.topk());
        AttentionSpec.SparsePrefill sp = assertInstanceOf(AttentionSpec.SparsePrefill.class,
                find(p, "prefill", "sparse-prefill").spec());
        assertEquals("sparse-prefill", sp.variant());
        assertEquals(16, sp.numHeads(), "128 heads / tp8");
        assertEquals(576, sp.headDim());
        assertEquals(512, sp.valueDim());
        assertEquals(2048, sp.topk());
        assertEquals(x.seqLens(), sp.seqLens());
        double mscale = 0.1 * Math.log(40) + 1;
        assertEquals(mscale * mscale / Math.sqrt(192), sp.softmaxScale(), 1e-6, "the model's scale, not 1/sqrt(576)");
        assertEquals(64, ((IndexerSpec) find(p, "decode", "indexer-topk").spec()).heads());
        assertEquals(16, ((AttentionSpec) find(p, "decode", "sparse-mla-decode-fp8").spec()).numHeads());
    }

    @Test
    void glm5DecodeAndPrefill() {
        WorkloadOptions o = WorkloadOptions.defaults().withPhases(List.of(Phase.DECODE, Phase.PREFILL))
                .withPrefillLength(64);
        WorkloadPlan p = plan("glm-5", o);
        assertTrue(p.cases().stream().allMatch(c -> c.id().startsWith("glm-5/" + c.phase() + "/b8/")
                && c.id().contains("/tp8-ep1/uniform/")), p.cases().get(0).id());
        assertEquals(List.of("indexer-topk", "sparse-mla-decode-bf16", "sparse-mla-decode-fp8", "moe-gate-up-bf16",
                "moe-down-bf16"), operators(p, "decode"));
        assertEquals(List.of("indexer-topk", "sparse-prefill", "moe-gate-up-bf16", "moe-down-bf16"),
                operators(p, "prefill"));

        IndexerSpec.PagedIndexerTopK x = (IndexerSpec.PagedIndexerTopK) find(p, "decode", "indexer-topk").spec();
        assertEquals(32, x.heads(), "index_n_heads, replicated at tp8");
        assertEquals(128, x.headDim());
        assertEquals(2048, x.topk());
        assertEquals(IndexerSpec.KeyType.FP8, x.keyType());
        assertEquals(64, x.cache().pageSize());

        // absorbed MLA: Dk = 512 + 64 and Dv = 512 although qk_nope is 192 and v_head_dim 256
        AttentionSpec.SparseLatentDecode d = (AttentionSpec.SparseLatentDecode) find(p, "decode",
                "sparse-mla-decode-fp8").spec();
        assertEquals(8, d.numHeads(), "64 heads / tp8");
        assertEquals(576, d.headDim());
        assertEquals(512, d.valueDim());
        assertEquals(2048, d.topk());
        assertEquals(1 / 16.0, d.softmaxScale(), 1e-7, "1/sqrt(192 + 64), no YaRN");
        assertTrue(find(p, "decode", "sparse-mla-decode-fp8").origin().contains("qk_nope_head_dim 192"),
                find(p, "decode", "sparse-mla-decode-fp8").origin());

        IndexerSpec.IndexerTopK px = (IndexerSpec.IndexerTopK) find(p, "prefill", "indexer-topk").spec();
        assertEquals(32, px.heads());
        assertEquals(512, px.totalTokens());
        AttentionSpec.SparsePrefill sp = (AttentionSpec.SparsePrefill) find(p, "prefill", "sparse-prefill").spec();
        assertEquals(8, sp.numHeads());
        assertEquals(576, sp.headDim());
        assertEquals(512, sp.valueDim());
        assertEquals(2048, sp.topk());
        assertEquals(1 / 16.0, sp.softmaxScale(), 1e-7);

        // BF16 release, 256 routed experts at tp8 without ep: each split 8 ways, 2048 / 8 = 256 columns
        MoeGemmSpec gu = (MoeGemmSpec) find(p, "decode", "moe-gate-up-bf16").spec();
        assertEquals(MoeGemmSpec.Type.BF16, gu.type());
        assertEquals(2 * 256, gu.n());
        assertEquals(6144, gu.k());
        assertEquals(256, ((MoeGemmSpec) find(p, "decode", "moe-down-bf16").spec()).k());
        assertTrue(p.leftOut().stream().noneMatch(l -> l.operator().contains("indexer")
                || l.operator().equals("attention")), p.leftOut().toString());
    }

    @Test
    void anIndexerBeyondTheSpecIsLeftOutAndTheSparseAttentionStillRuns() {
        ModelConfig wide = Presets.get("glm-5");
        AttentionConfig.Mla m = (AttentionConfig.Mla) wide.attention().orElseThrow();
        AttentionConfig.Mla big = new AttentionConfig.Mla(m.numHeads(), m.kvLoraRank(), m.qkNopeHeadDim(),
                m.qkRopeHeadDim(), m.vHeadDim(), m.indexTopk(), 96, 128, m.scaleFactor());
        ModelConfig model = new ModelConfig("wide", "wide", wide.architecture(), wide.modelType(), "", wide.hiddenSize(),
                wide.numLayers(), java.util.Optional.of(big), wide.moe(), wide.quant(), wide.deployment(),
                List.of(new dev.dayzero.bench.model.LeftOut("indexer-topk", big.indexerUnsupported().orElseThrow())),
                List.of());
        WorkloadPlan p = Workloads.derive(model, WorkloadOptions.defaults().withPhases(List.of(Phase.DECODE,
                Phase.PREFILL)).withPrefillLength(16));
        assertTrue(p.cases().stream().noneMatch(c -> c.spec() instanceof IndexerSpec));
        assertEquals(List.of("sparse-mla-decode-bf16", "sparse-mla-decode-fp8", "moe-gate-up-bf16", "moe-down-bf16"),
                operators(p, "decode"));
        assertEquals(List.of("sparse-prefill", "moe-gate-up-bf16", "moe-down-bf16"), operators(p, "prefill"));
        assertTrue(p.leftOut().stream().anyMatch(l -> l.operator().equals("indexer-topk")
                && l.reason().contains("96")), p.leftOut().toString());
    }

    @Test
    void bf16CheckpointHasNoQuantizeCases() {
        WorkloadPlan p = plan("qwen3-30b-a3b", WorkloadOptions.defaults());
        assertTrue(p.cases().stream().noneMatch(c -> c.spec() instanceof QuantizeSpec));
        assertEquals(List.of("paged-decode", "moe-gate-up-bf16", "moe-down-bf16"),
                p.cases().stream().filter(c -> !c.operator().startsWith("gemm-")).map(WorkloadCase::operator).toList());
    }

    @Test
    void tpMustDivideTheHeads() {
        WorkloadException e = assertThrows(WorkloadException.class,
                () -> plan("deepseek-v3", WorkloadOptions.defaults().withTp(3).withEp(3 * 32)));
        assertTrue(e.getMessage().contains("tp = 3 does not divide the 128 attention heads (num_attention_heads) of deepseek-v3"),
                e.getMessage());
        assertTrue(e.getMessage().contains("1, 2, 4, 8, 16, 32, 64, 128"), e.getMessage());
    }

    @Test
    void badParallelismIsNamed() {
        WorkloadException ep = assertThrows(WorkloadException.class,
                () -> plan("glm-4.5", WorkloadOptions.defaults().withTp(1).withEp(3)));
        assertTrue(ep.getMessage().contains("ep = 3 does not divide the 160 routed experts"), ep.getMessage());
        WorkloadException mixed = assertThrows(WorkloadException.class,
                () -> plan("deepseek-v3", WorkloadOptions.defaults().withTp(4).withEp(6)));
        assertTrue(mixed.getMessage().contains("the larger must be a multiple of the smaller"), mixed.getMessage());
        WorkloadException fp8 = assertThrows(WorkloadException.class,
                () -> plan("minimax-m2", WorkloadOptions.defaults().withTp(8)));
        assertTrue(fp8.getMessage().contains("192") && fp8.getMessage().contains("128 FP8 weight block"), fp8.getMessage());
        WorkloadException kv = assertThrows(WorkloadException.class,
                () -> plan("glm-4.5", WorkloadOptions.defaults().withTp(12).withEp(1)));
        assertTrue(kv.getMessage().contains("the 8 KV heads (num_key_value_heads)"), kv.getMessage());
        // kv heads replicate when tp exceeds them
        AttentionSpec.PagedDecode rep = (AttentionSpec.PagedDecode) find(plan("qwen3-235b-a22b",
                WorkloadOptions.defaults().withTp(16).withEp(16)), "paged-decode").spec();
        assertEquals(4, rep.numHeads());
        assertEquals(1, rep.numKvHeads());
    }

    @Test
    void rawConfigRunsOnOneDevice() {
        ModelConfig m = Presets.get("qwen3-30b-a3b");
        ModelConfig raw = m.withIdentity("raw", "raw", new dev.dayzero.bench.model.Deployment(1, 1, 16, "one device"));
        WorkloadPlan p = Workloads.derive(raw, WorkloadOptions.defaults());
        assertTrue(p.cases().stream().allMatch(c -> c.id().startsWith("raw/decode/b8/ctx4096/tp1-ep1/uniform/")));
        assertEquals(32, ((AttentionSpec.PagedDecode) find(p, "paged-decode").spec()).numHeads());
    }

    private static ModelConfig v4Config() {
        return dev.dayzero.bench.model.ModelConfigs.load(java.nio.file.Path.of(
                "src/test/resources/dev/dayzero/bench/model/deepseek-v4-flash/config.json"));
    }

    @Test
    void deepSeekV4DecodeMapsEachLayerTypeTheIndexerTheCacheWriteAndMxfp4Experts() {
        ModelConfig m = v4Config();
        WorkloadPlan p = Workloads.derive(m, WorkloadOptions.defaults().withBatchSizes(List.of(2)));
        // compress_ratios: [0, 0, then 4/128 alternating for 41 layers] over 43 layers (the 44th entry is MTP's)
        assertTrue(p.notes().get(0).contains("2 sliding-window, 21 CSA, 20 HCA"), p.notes().toString());

        AttentionSpec.SparseSharedKvDecode csa = assertInstanceOf(AttentionSpec.SparseSharedKvDecode.class,
                find(p, "attention-csa-fp8").spec());
        assertEquals(64, csa.numHeads());
        assertEquals(512, csa.headDim());
        assertEquals(dev.dayzero.hal.op.SharedKvFormat.FP8_MODEL1, csa.format());
        assertTrue(csa.sink());
        assertEquals(128, csa.main().topk());
        assertEquals(64, csa.main().pageBlockSize());
        assertEquals(List.of(128, 128), csa.main().lengths());
        // context 4096 / 4 = 1024 compressed entries; the indexer keeps 512 of them
        assertEquals(512, csa.extra().orElseThrow().topk());
        assertEquals(64, csa.extra().orElseThrow().pageBlockSize());
        assertEquals(List.of(1024, 1024), csa.extra().orElseThrow().tokens());
        assertEquals(List.of(512, 512), csa.extra().orElseThrow().lengths());

        AttentionSpec.SparseSharedKvDecode hca = assertInstanceOf(AttentionSpec.SparseSharedKvDecode.class,
                find(p, "attention-hca-fp8").spec());
        // every one of 4096 / 128 = 32 entries, page block 2
        assertEquals(32, hca.extra().orElseThrow().topk());
        assertEquals(2, hca.extra().orElseThrow().pageBlockSize());
        assertEquals(List.of(32, 32), hca.extra().orElseThrow().lengths());

        AttentionSpec.SparseSharedKvDecode swa = assertInstanceOf(AttentionSpec.SparseSharedKvDecode.class,
                find(p, "attention-swa-bf16").spec());
        assertTrue(swa.extra().isEmpty());
        assertEquals(dev.dayzero.hal.op.SharedKvFormat.BF16, swa.format());
        assertTrue(find(p, "attention-swa-fp8").origin().contains("2 of 43 layers"));
        assertTrue(find(p, "attention-csa-fp8").origin().contains("21 of 43 layers"));
        assertTrue(find(p, "attention-hca-fp8").origin().contains("20 of 43 layers"));

        IndexerSpec.PagedIndexerTopK idx = assertInstanceOf(IndexerSpec.PagedIndexerTopK.class,
                find(p, "indexer-topk-csa").spec());
        assertEquals(4, idx.cache().compressRatio());
        assertEquals(512, idx.topk());
        assertEquals(64, idx.cache().heads());
        assertEquals(128, idx.cache().headDim());
        assertEquals(List.of(4096, 4096), idx.cache().seqLens());

        dev.dayzero.hal.op.CacheWriteSpec.QuantInsert write = assertInstanceOf(
                dev.dayzero.hal.op.CacheWriteSpec.QuantInsert.class, find(p, "cache-write-fp8").spec());
        assertEquals(2, write.tokens());
        assertEquals(dev.dayzero.hal.op.SharedKvFormat.FP8_MODEL1, write.format());

        // V4-Flash: expert_dtype fp4 in an FP8 (ue8m0) checkpoint: MXFP4 weights x FP8 UE8M0 activations
        MoeGemmSpec gu = assertInstanceOf(MoeGemmSpec.class, find(p, "moe-gate-up-mxfp4-fp8").spec());
        assertEquals(MoeGemmSpec.Type.MXFP4_FP8, gu.type());
        assertEquals(DType.UE8M0, gu.scaleType());
        assertEquals(4096, gu.n()); // 2 x 2048, tp1
        assertEquals(DType.UE8M0, ((QuantizeSpec) find(p, "quantize-gate-up-input").spec()).scaleType());
        assertTrue(p.leftOut().stream().noneMatch(l -> l.operator().equals("attention")));
    }

    @Test
    void deepSeekV4ExpertDtypeOverrideAndFp8BlockScaleType() {
        ModelConfig m = v4Config();
        ModelConfig fp8 = m.withQuant(m.quant().withExperts(dev.dayzero.bench.model.QuantConfig.ExpertWeights.FP8_BLOCK));
        WorkloadPlan p = Workloads.derive(fp8, WorkloadOptions.defaults().withBatchSizes(List.of(1)));
        MoeGemmSpec down = assertInstanceOf(MoeGemmSpec.class, find(p, "moe-down-fp8").spec());
        assertEquals(MoeGemmSpec.Type.FP8_BLOCK, down.type());
        assertEquals(DType.UE8M0, down.scaleType()); // scale_fmt ue8m0 reaches the GEMM, not only the quantize case

        ModelConfig bf16Ckpt = m.withQuant(dev.dayzero.bench.model.QuantConfig.none()
                .withExperts(dev.dayzero.bench.model.QuantConfig.ExpertWeights.MXFP4));
        WorkloadPlan q = Workloads.derive(bf16Ckpt, WorkloadOptions.defaults().withBatchSizes(List.of(1)));
        assertEquals(MoeGemmSpec.Type.MXFP4_BF16, ((MoeGemmSpec) find(q, "moe-gate-up-mxfp4-bf16").spec()).type());
        assertTrue(q.cases().stream().noneMatch(c -> c.operator().startsWith("quantize")));
    }

    @Test
    void deepSeekV4HeadsOtherThan64Or128AndPrefillAreLeftOutWithReasons() {
        ModelConfig m = v4Config();
        WorkloadPlan tp2 = Workloads.derive(m, WorkloadOptions.defaults().withTp(2).withEp(2));
        assertTrue(tp2.cases().stream().noneMatch(c -> c.operator().startsWith("attention-")));
        assertTrue(tp2.leftOut().stream().anyMatch(l -> l.operator().equals("v4-attention")
                && l.reason().contains("32 heads")), tp2.leftOut().toString());
        WorkloadPlan pre = Workloads.derive(m, WorkloadOptions.defaults().withPhases(List.of(Phase.PREFILL)));
        assertTrue(pre.leftOut().stream().anyMatch(l -> l.operator().equals("v4-prefill")));
        assertTrue(pre.cases().stream().noneMatch(c -> c.spec() instanceof AttentionSpec));
    }

    private static GemmSpec gemmOf(WorkloadPlan p, String operator) {
        return assertInstanceOf(GemmSpec.class, find(p, operator).spec());
    }

    private static void shape(WorkloadPlan p, String operator, int batch, int m, int n, int k, GemmSpec.Type type,
                              int runs) {
        GemmSpec g = gemmOf(p, operator);
        assertEquals(List.of(batch, m, n, k, type), List.of(g.batch(), g.m(), g.n(), g.k(), g.type()), operator);
        assertEquals(runs, find(p, operator).runsPerStep(), operator + " runs per step");
    }

    @Test
    void deepSeekV3GemmsAndRunsPerStepByHand() {
        // config.json: hidden 7168, 61 layers, first_k_dense_replace 3 (so 58 MoE layers), 128 heads, q_lora 1536,
        // kv_lora 512 + rope 64, qk_nope 128, v 128, 256 experts top-8 I=2048, 1 shared expert (2048),
        // intermediate_size 18432, vocab 129280, FP8 block (F32 scales), 1 MTP layer.
        // Default deployment tp1-ep32: W = 32 devices, dp = 32 ranks of batch 8.
        WorkloadPlan p = plan("deepseek-v3", WorkloadOptions.defaults());
        GemmSpec.Type f8 = GemmSpec.Type.FP8_BLOCK;
        shape(p, "gemm-q-a", 1, 8, 1536, 7168, f8, 61);
        shape(p, "gemm-q-b", 1, 8, 128 * 192, 1536, f8, 61);               // 128 heads / tp1 x (128 + 64)
        shape(p, "gemm-kv-a", 1, 8, 576, 7168, f8, 61);
        shape(p, "gemm-kv-b-absorb-uk", 128, 8, 512, 128, GemmSpec.Type.BF16, 61); // per head: kv_lora x qk_nope
        shape(p, "gemm-kv-b-absorb-uv", 128, 8, 128, 512, GemmSpec.Type.BF16, 61); // per head: v_head x kv_lora
        shape(p, "gemm-o", 1, 8, 7168, 128 * 128, f8, 61);
        shape(p, "gemm-router", 1, 8, 256, 7168, GemmSpec.Type.BF16, 58);    // 61 - 3 dense layers
        shape(p, "gemm-shared-gate-up", 1, 8, 2 * 2048, 7168, f8, 58);
        shape(p, "gemm-shared-down", 1, 8, 7168, 2048, f8, 58);
        // dense FFN over all 32 devices on 32 x 8 = 256 gathered rows: 18432 / 32 = 576 columns a device;
        // 576 is not a multiple of 128, so the down GEMM (K = 576) runs BF16
        shape(p, "gemm-dense-gate-up", 1, 256, 2 * 576, 7168, f8, 3);
        shape(p, "gemm-dense-down", 1, 256, 7168, 576, GemmSpec.Type.BF16, 3);
        shape(p, "gemm-lm-head", 1, 256, 4040, 7168, GemmSpec.Type.BF16, 1); // ceil(129280 / 32) = 4040
        assertEquals(61, find(p, "mla-decode-fp8").runsPerStep());
        assertEquals(0, find(p, "mla-decode-bf16").runsPerStep());        // the step takes the FP8 cache
        assertEquals(58, find(p, "moe-gate-up-fp8").runsPerStep());
        assertEquals(58, find(p, "quantize-down-input").runsPerStep());
        java.util.Set<String> out = new HashSet<>(p.leftOut().stream().map(l -> l.operator()).toList());
        assertFalse(out.contains("dense-projections") || out.contains("shared-expert") || out.contains("dense-ffn-layers"),
                out.toString());
        assertTrue(out.contains("mtp-layers"), out.toString());
    }

    @Test
    void deepSeekV3MtpDoublesTheQueryTokensAndAddsTheMtpLayer() {
        WorkloadPlan p = plan("deepseek-v3", WorkloadOptions.defaults().withMtp(true));
        AttentionSpec.LatentDecode mla = assertInstanceOf(AttentionSpec.LatentDecode.class, find(p, "mla-decode-fp8").spec());
        assertEquals(2, mla.queriesPerSeq());
        assertEquals(62, find(p, "mla-decode-fp8").runsPerStep());         // 61 + 1 MTP layer
        assertEquals(59, find(p, "moe-down-fp8").runsPerStep());           // 58 + 1
        shape(p, "gemm-q-a", 1, 16, 1536, 7168, GemmSpec.Type.FP8_BLOCK, 62);
        assertTrue(p.leftOut().stream().noneMatch(l -> l.operator().equals("mtp-layers")));
    }

    @Test
    void qwen3235bGemmsAndRunsPerStepByHand() {
        // config.json: hidden 4096, 94 layers, 64 heads / 4 KV heads of 128, 128 experts top-8 I=1536, no shared
        // expert, decoder_sparse_step 1 and mlp_only_layers [] (every layer MoE), vocab 151936, BF16.
        // Preset tp8-ep1: W = 8, dp = 1; 64 / 8 = 8 query heads, max(1, 4 / 8) = 1 KV head a device.
        WorkloadPlan p = plan("qwen3-235b-a22b", WorkloadOptions.defaults());
        GemmSpec.Type bf = GemmSpec.Type.BF16;
        shape(p, "gemm-qkv", 1, 8, (8 + 2) * 128, 4096, bf, 94);
        shape(p, "gemm-o", 1, 8, 4096, 8 * 128, bf, 94);
        shape(p, "gemm-router", 1, 8, 128, 4096, bf, 94);
        shape(p, "gemm-lm-head", 1, 8, 151936 / 8, 4096, bf, 1);         // 18992
        assertEquals(94, find(p, "paged-decode").runsPerStep());
        assertEquals(94, find(p, "moe-gate-up-bf16").runsPerStep());
        assertTrue(p.cases().stream().noneMatch(c -> c.operator().startsWith("gemm-shared")
                || c.operator().startsWith("gemm-dense")));
    }

    @Test
    void glm45GemmsAndRunsPerStepByHand() {
        // config.json: hidden 5120, 92 layers, first_k_dense_replace 3 (89 MoE layers), 96 heads / 8 KV heads of
        // 128, 160 experts top-8 I=1536, 1 shared expert (1536), intermediate_size 12288, vocab 151552, BF16, 1 MTP.
        // Preset tp8-ep1: 12 query heads and 1 KV head a device; shared 1536 / 8 = 192; dense 12288 / 8 = 1536.
        WorkloadPlan p = plan("glm-4.5", WorkloadOptions.defaults());
        GemmSpec.Type bf = GemmSpec.Type.BF16;
        shape(p, "gemm-qkv", 1, 8, (12 + 2) * 128, 5120, bf, 92);
        shape(p, "gemm-o", 1, 8, 5120, 12 * 128, bf, 92);
        shape(p, "gemm-router", 1, 8, 160, 5120, bf, 89);
        shape(p, "gemm-shared-gate-up", 1, 8, 2 * 192, 5120, bf, 89);
        shape(p, "gemm-shared-down", 1, 8, 5120, 192, bf, 89);
        shape(p, "gemm-dense-gate-up", 1, 8, 2 * 1536, 5120, bf, 3);
        shape(p, "gemm-dense-down", 1, 8, 5120, 1536, bf, 3);
        shape(p, "gemm-lm-head", 1, 8, 151552 / 8, 5120, bf, 1);         // 18944
        assertEquals(89, find(p, "moe-down-bf16").runsPerStep());
        assertTrue(p.leftOut().stream().anyMatch(l -> l.operator().equals("mtp-layers")));
    }

    @Test
    void deepSeekV4GemmsPerLayerType() {
        WorkloadPlan p = Workloads.derive(v4Config(), WorkloadOptions.defaults().withBatchSizes(List.of(2)));
        GemmSpec.Type f8 = GemmSpec.Type.FP8_BLOCK;
        // tp1-ep1 (a raw config): 64 heads of 512; 2 SWA, 21 CSA, 20 HCA of 43 layers
        shape(p, "gemm-wq-a-wkv", 1, 2, 1024 + 512, 4096, f8, 43);
        shape(p, "gemm-wq-b", 1, 2, 64 * 512, 1024, f8, 43);
        shape(p, "gemm-wo-a-grouped", 8, 2, 1024, 8 * 512, f8, 43);        // 8 groups of 8 heads x 512
        shape(p, "gemm-wo-b", 1, 2, 4096, 8 * 1024, f8, 43);
        shape(p, "gemm-indexer-wq-b", 1, 2, 64 * 128, 1024, f8, 21);
        shape(p, "gemm-compressor-csa", 1, 2, 2 * 2 * 512, 4096, GemmSpec.Type.BF16, 21);
        shape(p, "gemm-compressor-hca", 1, 2, 2 * 512, 4096, GemmSpec.Type.BF16, 20);
        assertEquals(21, find(p, "attention-csa-fp8").runsPerStep());
        assertEquals(20, find(p, "attention-hca-fp8").runsPerStep());
        assertEquals(2, find(p, "attention-swa-fp8").runsPerStep());
        assertEquals(0, find(p, "attention-csa-bf16").runsPerStep());
        assertEquals(43, find(p, "cache-write-fp8").runsPerStep());
        assertEquals(DType.UE8M0, gemmOf(p, "gemm-wq-b").scaleType());
        assertTrue(p.leftOut().stream().noneMatch(l -> l.operator().equals("grouped-output-lora")));
    }
}
