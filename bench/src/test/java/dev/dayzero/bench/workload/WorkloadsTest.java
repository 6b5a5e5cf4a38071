package dev.dayzero.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.bench.model.ModelConfig;
import dev.dayzero.bench.model.Presets;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.op.AttentionSpec;
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

    @Test
    void mlaPrefillIsMhaOver192AndSparseDecodeForV32() {
        WorkloadOptions o = WorkloadOptions.defaults().withPhases(List.of(Phase.DECODE, Phase.PREFILL)).withTp(8)
                .withPrefillLength(32);
        WorkloadPlan p = plan("deepseek-v3.2-exp", o);
        AttentionSpec.Prefill pf = (AttentionSpec.Prefill) find(p, "mla-prefill").spec();
        assertEquals(16, pf.numHeads());
        assertEquals(16, pf.numKvHeads());
        assertEquals(192, pf.headDim());
        assertTrue(find(p, "mla-prefill").origin().contains("padded"));
        AttentionSpec.SparseLatentDecode s = (AttentionSpec.SparseLatentDecode) find(p, "sparse-mla-decode-fp8").spec();
        assertEquals(2048, s.topk());
        assertEquals(16, s.numHeads());
        assertEquals(KvCacheType.FP8_FLASHMLA, s.kvCache());
        assertEquals(KvCacheType.BF16, ((AttentionSpec.SparseLatentDecode) find(p, "sparse-mla-decode-bf16").spec()).kvCache());
        assertEquals(DType.UE8M0, ((QuantizeSpec) find(p, "quantize-gate-up-input").spec()).scaleType());
        assertTrue(p.cases().stream().noneMatch(c -> c.operator().startsWith("mla-decode")));
        assertTrue(p.leftOut().stream().anyMatch(l -> l.operator().equals("lightning-indexer")));
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
