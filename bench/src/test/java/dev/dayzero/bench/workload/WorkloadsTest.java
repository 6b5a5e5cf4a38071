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
                p.cases().stream().map(WorkloadCase::id).toList());

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

        assertTrue(p.leftOut().stream().anyMatch(l -> l.operator().equals("shared-expert")), p.leftOut().toString());
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
        return p.cases().stream().filter(c -> c.phase().equals(phase)).map(WorkloadCase::operator).toList();
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
                p.cases().stream().map(WorkloadCase::id).toList());
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
                p.cases().stream().map(WorkloadCase::operator).toList());
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
}
