package dev.dayzero.bench.workload;

import dev.dayzero.bench.model.AttentionConfig;
import dev.dayzero.bench.model.LeftOut;
import dev.dayzero.bench.model.ModelConfig;
import dev.dayzero.bench.model.MoeConfig;
import dev.dayzero.bench.model.QuantConfig;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.KvCacheType;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Derives a model's per-device operator cases from its {@link ModelConfig} and {@link WorkloadOptions}.
 *
 * <h2>Deployment</h2>
 * {@code tp} splits the attention heads, {@code ep} the routed experts; the deployment has
 * {@code W = max(tp, ep)} devices (the smaller must divide the larger). Attention is data parallel over
 * {@code dp = W / tp} groups, each holding {@code batch} sequences; experts are additionally split
 * {@code moeTp = W / ep} ways along their intermediate width (vLLM's tp without expert parallelism).
 *
 * <h2>Cases per (phase, batch), for one device</h2>
 * <ul>
 *   <li>MLA decode: {@code LatentDecode} (or {@code SparseLatentDecode} with {@code index_topk}) over
 *       {@code heads / tp} heads, absorbed: {@code Dk = kv_lora_rank + qk_rope_head_dim},
 *       {@code Dv = kv_lora_rank} (576 / 512 whatever {@code qk_nope_head_dim} and {@code v_head_dim} are),
 *       BF16 cache, and the FP8 FlashMLA cache too for FP8 checkpoints and sparse MLA;</li>
 *   <li>DeepSeek sparse attention (DeepSeek-V3.2, GLM-5) decode: first the lightning indexer
 *       ({@code indexer-topk}, {@code PagedIndexerTopK}): {@code index_n_heads × index_head_dim}, all heads on
 *       every device (the indexer is replicated, not split by tp), FP8 keys in DeepGEMM's paged layout, page
 *       64, one query token a sequence, compress ratio 1, top {@code index_topk}; then the sparse attention
 *       cases above;</li>
 *   <li>MLA prefill: {@code Prefill} un-absorbed as MHA over {@code heads / tp} heads of width
 *       {@code qk_nope + qk_rope} (192); the value (128) is padded to 192 because the spec has one head width.
 *       DeepSeek sparse attention prefill instead: the indexer over the prompt ({@code indexer-topk},
 *       {@code IndexerTopK}, causal) then {@code SparsePrefill} ({@code sparse-prefill}) absorbed, 576 / 512,
 *       {@code topk = index_topk}, over {@code heads / tp} heads. An indexer the spec cannot take (see
 *       {@code AttentionConfig.Mla#indexerUnsupported}) is left out, the sparse attention still runs;</li>
 *   <li>GQA: {@code PagedDecode} / {@code Prefill} over {@code heads / tp} query and {@code max(1, kv / tp)}
 *       KV heads;</li>
 *   <li>softmax scale {@code 1/sqrt(qk head dim)}, times YaRN's {@code mscale²} for MLA where the config
 *       has {@code mscale_all_dim};</li>
 *   <li>experts: {@code T = batch · dp} tokens (decode) or {@code batch · prefill_len · dp} (prefill) in the
 *       deployment's step; the device holds {@code L = experts / ep} experts and receives
 *       {@code R = ceil(T · topk / ep)} rows, spread by {@link ExpertRows}. Gate+up: {@code N = 2·I / moeTp},
 *       {@code K = hidden}; down: {@code N = hidden}, {@code K = I / moeTp}. Decode uses the masked layout
 *       ({@code maxRows} = next power of two of the largest count), prefill the contiguous one. Experts with
 *       no rows are dropped from the spec, so planned memory counts only weights that are read;</li>
 *   <li>FP8 checkpoints: {@code FP8_BLOCK} GEMMs, each preceded by its activation quantization
 *       ({@code M = R}, BF16 → E4M3, 1×128 groups, F32 or UE8M0 scales per {@code scale_fmt}).</li>
 * </ul>
 * Case ids: {@code <model>/<phase>/b<batch>/ctx<context>|len<prefill>/tp<tp>-ep<ep>/<routing>/<operator>}.
 */
public final class Workloads {
    private Workloads() {
    }

    /** The resolved deployment of a derivation. */
    private record Parallel(int tp, int ep, int world, int dp, int moeTp) {
        String label() {
            return "tp" + tp + "-ep" + ep;
        }
    }

    /** Derives the cases; throws {@link WorkloadException} when tp / ep do not fit the model. */
    public static WorkloadPlan derive(ModelConfig model, WorkloadOptions options) {
        int tp = options.tp() != null ? options.tp() : model.deployment().tp();
        int ep = options.ep() != null ? options.ep() : model.deployment().ep();
        Parallel par = parallel(model, tp, ep);
        List<WorkloadCase> cases = new ArrayList<>();
        Map<String, LeftOut> leftOut = new LinkedHashMap<>();
        for (LeftOut l : model.leftOut()) {
            leftOut.putIfAbsent(l.operator(), l);
        }
        for (Phase phase : options.phases()) {
            for (int batch : options.batchSizes()) {
                String prefix = model.id() + "/" + phase.label() + "/b" + batch + "/"
                        + (phase == Phase.DECODE ? "ctx" + options.contextLength() : "len" + options.prefillLength())
                        + "/" + par.label() + "/" + options.routing().label();
                Ctx ctx = new Ctx(model, options, par, phase, batch, prefix, cases, leftOut);
                model.attention().ifPresent(ctx::attention);
                model.moe().ifPresent(ctx::moe);
            }
        }
        return new WorkloadPlan(cases, new ArrayList<>(leftOut.values()));
    }

    private static Parallel parallel(ModelConfig model, int tp, int ep) {
        int world = Math.max(tp, ep);
        if (world % tp != 0 || world % ep != 0) {
            throw new WorkloadException("tp = " + tp + " and ep = " + ep + " do not fit one deployment: the larger must"
                    + " be a multiple of the smaller (the deployment has max(tp, ep) devices)");
        }
        int moeTp = world / ep;
        if (model.attention().isPresent()) {
            AttentionConfig a = model.attention().get();
            if (a.numHeads() % tp != 0) {
                throw new WorkloadException("tp = " + tp + " does not divide the " + a.numHeads()
                        + " attention heads (num_attention_heads) of " + model.id() + "; choose tp among "
                        + divisors(a.numHeads()));
            }
            if (a instanceof AttentionConfig.Gqa g && g.numKvHeads() % tp != 0 && tp % g.numKvHeads() != 0) {
                throw new WorkloadException("tp = " + tp + " and the " + g.numKvHeads()
                        + " KV heads (num_key_value_heads) of " + model.id()
                        + " do not fit: one must divide the other, so each device holds whole KV heads");
            }
        }
        if (model.moe().isPresent()) {
            MoeConfig m = model.moe().get();
            if (m.experts() % ep != 0) {
                throw new WorkloadException("ep = " + ep + " does not divide the " + m.experts() + " routed experts of "
                        + model.id() + "; choose ep among " + divisors(m.experts()));
            }
            if (m.intermediateSize() % moeTp != 0) {
                throw new WorkloadException("with tp = " + tp + " and ep = " + ep + " each expert is split " + moeTp
                        + " ways, which does not divide the expert width " + m.intermediateSize()
                        + " (moe_intermediate_size) of " + model.id() + "; raise ep to " + world
                        + " for whole experts");
            }
            int slice = m.intermediateSize() / moeTp;
            if (model.quant().fp8Block() && slice % MoeGemmSpec.FP8_BLOCK != 0) {
                throw new WorkloadException("with tp = " + tp + " and ep = " + ep + " each device holds " + slice
                        + " of the " + m.intermediateSize() + " columns of an expert of " + model.id()
                        + ", not a multiple of the 128 FP8 weight block (quantization_config.weight_block_size);"
                        + " raise ep to " + world + " for whole experts, or lower tp");
            }
            if (model.quant().fp8Block() && model.hiddenSize() % MoeGemmSpec.FP8_BLOCK != 0) {
                throw new WorkloadException("hidden_size = " + model.hiddenSize() + " of " + model.id()
                        + " is not a multiple of the 128 FP8 block its checkpoint declares");
            }
        }
        return new Parallel(tp, ep, world, world / tp, moeTp);
    }

    private static String divisors(int n) {
        List<String> d = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            if (n % i == 0) {
                d.add(Integer.toString(i));
            }
        }
        return String.join(", ", d);
    }

    /** One (phase, batch) of a derivation. */
    private record Ctx(ModelConfig model, WorkloadOptions options, Parallel par, Phase phase, int batch,
                       String prefix, List<WorkloadCase> cases, Map<String, LeftOut> leftOut) {

        void add(String operator, dev.dayzero.hal.op.OpSpec spec, String origin) {
            cases.add(WorkloadCase.of(prefix + "/" + operator, model.id(), phase.label(), operator, spec, origin));
        }

        String where() {
            return model.displayName() + " " + phase.label() + ", " + par.label() + " (" + par.world() + " devices)";
        }

        void attention(AttentionConfig a) {
            int heads = a.numHeads() / par.tp();
            int page = model.deployment().pageSize();
            float scale = a.softmaxScale();
            String scaleText = String.format(Locale.ROOT, "scale 1/sqrt(%d)%s = %.6f", a.qkHeadDim(),
                    a.scaleFactor() == 1.0 ? "" : String.format(Locale.ROOT, " x YaRN mscale^2 %.4f", a.scaleFactor()),
                    scale);
            if (phase == Phase.PREFILL) {
                List<Integer> lens = Collections.nCopies(batch, options.prefillLength());
                String seqs = batch + " sequences x " + options.prefillLength() + " prompt tokens, causal";
                if (a instanceof AttentionConfig.Mla m && m.sparse()) {
                    if (m.indexerRuns()) {
                        add(INDEXER, new IndexerSpec.IndexerTopK(lens, m.indexHeads(), m.indexHeadDim(),
                                        IndexerSpec.KeyType.FP8, m.indexTopk()),
                                where() + ": DeepSeek sparse attention's lightning indexer, prefill: every prompt token"
                                        + " scores the tokens before it and keeps the top " + m.indexTopk()
                                        + " (index_topk); " + indexerShape(m) + "; " + seqs);
                    }
                    add(SPARSE_PREFILL, new AttentionSpec.SparsePrefill(lens, heads, m.latentDim(), m.kvLoraRank(),
                                    m.indexTopk(), scale),
                            where() + ": DeepSeek sparse attention prefill (index_topk " + m.indexTopk()
                                    + " keys a token), absorbed MLA as FlashMLA's sparse prefill runs it, "
                                    + latentDims(m, heads) + "; " + scaleText + " (un-absorbed qk width); " + seqs);
                } else if (a instanceof AttentionConfig.Mla m) {
                    add("mla-prefill", new AttentionSpec.Prefill(lens, heads, heads, m.qkHeadDim(), m.vHeadDim(), true,
                                    scale),
                            where() + ": MLA prefill un-absorbed as MHA, " + heads + " of " + m.numHeads()
                                    + " heads, qk head " + m.qkHeadDim() + " = qk_nope_head_dim " + m.qkNopeHeadDim()
                                    + " + qk_rope_head_dim " + m.qkRopeHeadDim() + ", v head = v_head_dim "
                                    + m.vHeadDim() + "; " + scaleText + "; " + seqs);
                } else if (a instanceof AttentionConfig.Gqa g) {
                    int kv = Math.max(1, g.numKvHeads() / par.tp());
                    add("prefill", new AttentionSpec.Prefill(lens, heads, kv, g.headDim(), true, scale),
                            where() + ": GQA prefill, " + heads + " of " + g.numHeads() + " query heads, " + kv
                                    + " of " + g.numKvHeads() + " KV heads, head " + g.headDim() + "; " + scaleText
                                    + "; " + seqs);
                }
                return;
            }
            List<Integer> lens = Collections.nCopies(batch, options.contextLength());
            int pages = AttentionSpec.pagesWithSpares(lens, page);
            String seqs = batch + " sequences x " + options.contextLength() + " cached tokens, page " + page;
            if (a instanceof AttentionConfig.Mla m) {
                boolean fp8Layout = m.kvLoraRank() == KvCacheType.FP8_LATENT && m.qkRopeHeadDim() == KvCacheType.FP8_ROPE;
                boolean wantFp8 = model.quant().fp8Block() || m.sparse();
                List<KvCacheType> caches = new ArrayList<>(List.of(KvCacheType.BF16));
                if (wantFp8 && fp8Layout) {
                    caches.add(KvCacheType.FP8_FLASHMLA);
                } else if (wantFp8) {
                    leftOut.putIfAbsent("mla-decode-fp8", new LeftOut("mla-decode-fp8", "FlashMLA's FP8 cache layout"
                            + " is 512 latent + 64 rope values a token; this model's latent is " + m.kvLoraRank()
                            + " + " + m.qkRopeHeadDim()));
                }
                String dims = latentDims(m, heads) + "; " + scaleText + " (un-absorbed qk width)";
                if (m.indexerRuns()) {
                    add(INDEXER, new IndexerSpec.PagedIndexerTopK(IndexerSpec.PagedKeys.of(lens, 1, m.indexHeads(),
                                    m.indexHeadDim(), IndexerSpec.KeyType.FP8, INDEXER_PAGE_SIZE, 1), m.indexTopk()),
                            where() + ": DeepSeek sparse attention's lightning indexer, decode: each sequence's new"
                                    + " token scores its " + options.contextLength() + " cached keys and keeps the top "
                                    + m.indexTopk() + " (index_topk) for the sparse attention after it; "
                                    + indexerShape(m) + ", FP8 key cache (E4M3 keys + one F32 scale each, DeepGEMM's"
                                    + " paged layout), page " + INDEXER_PAGE_SIZE + ", one query token a sequence"
                                    + " (no speculative tokens), every cached token a key (compress ratio 1); "
                                    + batch + " sequences x " + options.contextLength() + " cached tokens");
                }
                for (KvCacheType kv : caches) {
                    String suffix = kv == KvCacheType.BF16 ? "bf16" : "fp8";
                    String cache = kv == KvCacheType.BF16 ? "BF16 cache" : "FP8 FlashMLA cache (656 B a token)";
                    if (m.sparse()) {
                        add("sparse-mla-decode-" + suffix, new AttentionSpec.SparseLatentDecode(lens, heads, 1,
                                        m.latentDim(), m.kvLoraRank(), m.indexTopk(), page, pages, kv, scale),
                                where() + ": DeepSeek sparse attention (index_topk " + m.indexTopk() + "), absorbed MLA, "
                                        + dims + ", " + cache + "; " + seqs);
                    } else {
                        add("mla-decode-" + suffix, new AttentionSpec.LatentDecode(lens, heads, 1, m.latentDim(),
                                        m.kvLoraRank(), page, pages, kv, true, scale),
                                where() + ": absorbed MLA decode, " + dims + ", " + cache + "; " + seqs);
                    }
                }
            } else if (a instanceof AttentionConfig.Gqa g) {
                int kv = Math.max(1, g.numKvHeads() / par.tp());
                add("paged-decode", new AttentionSpec.PagedDecode(lens, heads, kv, g.headDim(), page, pages, scale),
                        where() + ": GQA paged decode, " + heads + " of " + g.numHeads() + " query heads, " + kv + " of "
                                + g.numKvHeads() + " KV heads" + (g.numKvHeads() < par.tp() ? " (replicated)" : "")
                                + ", head " + g.headDim() + ", BF16 cache; " + scaleText + "; " + seqs);
            }
        }

        void moe(MoeConfig m) {
            int local = m.experts() / par.ep();
            long tokensPerRank = phase == Phase.DECODE ? batch : (long) batch * options.prefillLength();
            long tokens = tokensPerRank * par.dp();
            long rowsLong = (tokens * m.topk() + par.ep() - 1) / par.ep();
            if (rowsLong > Integer.MAX_VALUE / 2) {
                throw new WorkloadException("batch " + batch + (phase == Phase.PREFILL ? " x prefill length "
                        + options.prefillLength() : "") + " gives " + rowsLong + " expert rows on one device of "
                        + model.id() + "; lower the batch or length");
            }
            int rows = (int) rowsLong;
            int cap = (int) Math.min(tokens, Integer.MAX_VALUE);
            List<Integer> perExpert = options.routing() == Routing.UNIFORM ? ExpertRows.uniform(rows, local)
                    : ExpertRows.skewed(rows, local, cap, WorkloadCase.seedOf(prefix + "/routing"));
            List<Integer> active = perExpert.stream().filter(r -> r > 0).toList();
            int idle = local - active.size();
            int maxRows = active.stream().mapToInt(Integer::intValue).max().orElse(0);

            QuantConfig q = model.quant();
            MoeGemmSpec.Type type = q.fp8Block() ? MoeGemmSpec.Type.FP8_BLOCK : MoeGemmSpec.Type.BF16;
            String t = q.fp8Block() ? "fp8" : "bf16";
            int slice = m.intermediateSize() / par.moeTp();
            String routing = rows + " rows = ceil(" + tokens + " tokens (" + tokensPerRank + " a rank x dp "
                    + par.dp() + ") x top-" + m.topk() + " / ep " + par.ep() + ") over " + local + " local experts ("
                    + m.experts() + " / ep " + par.ep() + "), " + options.routing().label() + " " + describeRows(perExpert)
                    + "; " + active.size() + " receive rows, " + idle + " idle (dropped from the spec)";
            String types = q.fp8Block() ? "FP8 E4M3, 128x128 weight blocks, 1x128 activation groups (" + q.scaleType()
                    + " scales)" : "BF16 (" + q.label() + ")";
            String split = par.moeTp() == 1 ? "whole experts" : "experts split " + par.moeTp() + " ways (tp without ep)";
            String layout = phase == Phase.DECODE ? "masked, maxRows " + nextPowerOfTwo(maxRows)
                    : "contiguous";

            if (active.isEmpty()) {
                return; // unreachable: rows >= 1 whenever tokens >= 1
            }
            int nGu = 2 * slice;
            if (q.fp8Block()) {
                add("quantize-gate-up-input", new QuantizeSpec(rows, model.hiddenSize(), DType.BF16, DType.F8_E4M3FN,
                                QuantizeSpec.perGroup(MoeGemmSpec.FP8_BLOCK), q.scaleType()),
                        where() + ": FP8 quantization of the " + rows + " rows entering gate+up, K = hidden_size "
                                + model.hiddenSize() + ", 1x128 groups, " + q.scaleType() + " scales");
            }
            add("moe-gate-up-" + t, gemm(type, nGu, model.hiddenSize(), active, maxRows),
                    where() + ": expert gate+up, N = 2 x " + slice + " (moe_intermediate_size " + m.intermediateSize()
                            + (par.moeTp() == 1 ? "" : " / " + par.moeTp()) + "), K = hidden_size " + model.hiddenSize()
                            + ", " + split + ", " + layout + "; " + types + "; " + routing);
            if (q.fp8Block()) {
                add("quantize-down-input", new QuantizeSpec(rows, slice, DType.BF16, DType.F8_E4M3FN,
                                QuantizeSpec.perGroup(MoeGemmSpec.FP8_BLOCK), q.scaleType()),
                        where() + ": FP8 quantization of the " + rows + " rows entering down, K = " + slice
                                + ", 1x128 groups, " + q.scaleType() + " scales");
            }
            add("moe-down-" + t, gemm(type, model.hiddenSize(), slice, active, maxRows),
                    where() + ": expert down, N = hidden_size " + model.hiddenSize() + ", K = " + slice + ", " + split
                            + ", " + layout + "; " + types + "; " + routing);
        }

        private MoeGemmSpec gemm(MoeGemmSpec.Type type, int n, int k, List<Integer> active, int maxRows) {
            if (phase == Phase.DECODE) {
                return MoeGemmSpec.masked(type, n, k, nextPowerOfTwo(maxRows), active);
            }
            return MoeGemmSpec.contiguous(type, n, k, active);
        }
    }

    /** Operator name of the lightning indexer's case, decode and prefill. */
    static final String INDEXER = "indexer-topk";
    /** Operator name of DeepSeek sparse attention's prefill case. */
    static final String SPARSE_PREFILL = "sparse-prefill";
    /** Page size of the indexer's FP8 key cache: DeepGEMM's paged logits kernels take 64 on SM90. */
    static final int INDEXER_PAGE_SIZE = 64;

    /**
     * The absorbed-MLA dimensions. Absorbed attention multiplies each query's {@code qk_nope_head_dim} part
     * by {@code W_UK} into the {@code kv_lora_rank} latent space, so the key is the cached latent token:
     * {@code Dk = kv_lora_rank + qk_rope_head_dim} (576 for DeepSeek-V3 with qk_nope 128 and for GLM-5 with
     * qk_nope 192 alike), and the attention's output stays in latent space, {@code Dv = kv_lora_rank} (512),
     * until {@code W_UV} maps it to {@code v_head_dim} (128 for DeepSeek, 256 for GLM-5) outside the kernel.
     * The softmax scale keeps the un-absorbed {@code 1/sqrt(qk_nope + qk_rope)}: absorption changes no score.
     */
    static String latentDims(AttentionConfig.Mla m, int heads) {
        return heads + " of " + m.numHeads() + " heads, Dk " + m.latentDim() + " = kv_lora_rank " + m.kvLoraRank()
                + " + qk_rope_head_dim " + m.qkRopeHeadDim() + ", Dv " + m.kvLoraRank() + " = kv_lora_rank (absorbed:"
                + " qk_nope_head_dim " + m.qkNopeHeadDim() + " and v_head_dim " + m.vHeadDim()
                + " are folded into the projections)";
    }

    /** The indexer's heads: all of them on every device (vLLM and SGLang replicate the indexer, no tp split). */
    static String indexerShape(AttentionConfig.Mla m) {
        return m.indexHeads() + " heads (index_n_heads, replicated on every device: the indexer is not split by tp)"
                + " x " + m.indexHeadDim() + " (index_head_dim), one key head, FP8 E4M3 queries and keys (DeepGEMM's"
                + " recipe; Ascend answers with BF16), ReLU and per-head weights, F32 scores";
    }

    /** The counts themselves when few, else their range. */
    static String describeRows(List<Integer> rows) {
        if (rows.size() <= 16) {
            return rows.toString();
        }
        int min = rows.stream().mapToInt(Integer::intValue).min().orElse(0);
        int max = rows.stream().mapToInt(Integer::intValue).max().orElse(0);
        return "(" + min + " to " + max + " rows an expert)";
    }

    /** The smallest power of two {@code >= n} (1 for n <= 1). */
    static int nextPowerOfTwo(int n) {
        return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
    }
}
