package dev.dayzero.bench.workload;

import dev.dayzero.bench.model.AttentionConfig;
import dev.dayzero.bench.model.LeftOut;
import dev.dayzero.bench.model.ModelConfig;
import dev.dayzero.bench.model.ModelDims;
import dev.dayzero.bench.model.MoeConfig;
import dev.dayzero.bench.model.QuantConfig;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.CacheWriteSpec;
import dev.dayzero.hal.op.GemmSpec;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.KvCacheType;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import dev.dayzero.hal.op.SharedKvFormat;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

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
            if (!GEMM_COVERED.contains(l.operator())) {
                leftOut.putIfAbsent(l.operator(), l);
            }
        }
        if (model.moe().isPresent() && model.leftOut().stream().anyMatch(l -> l.operator().equals("router-sqrt-softplus"))) {
            leftOut.putIfAbsent("router-scoring", new LeftOut("router-scoring", "the router's GEMM runs (gemm-router);"
                    + " its sqrt(softplus) scoring and bias-corrected top-k have no hal-api spec, so the MoE GEMMs run on"
                    + " the routing Dayzero draws"));
        }
        int mtp = model.dims().mtpLayers();
        if (mtp > 0 && !options.mtp()) {
            leftOut.putIfAbsent("mtp-layers", new LeftOut("mtp-layers", mtp + " multi-token-prediction layer"
                    + (mtp == 1 ? "" : "s") + " (num_nextn_predict_layers) run only with speculative decoding: pass"
                    + " --mtp for s_q = 2 decode with the MTP layers in the step"));
        }
        for (Phase phase : options.phases()) {
            for (int batch : options.batchSizes()) {
                String prefix = model.id() + "/" + phase.label() + "/b" + batch + "/"
                        + (phase == Phase.DECODE ? "ctx" + options.contextLength() : "len" + options.prefillLength())
                        + "/" + par.label() + "/" + options.routing().label();
                Ctx ctx = new Ctx(model, options, par, phase, batch, prefix, cases, leftOut);
                model.attention().ifPresent(ctx::attention);
                model.moe().ifPresent(ctx::moe);
                ctx.denseGemms();
            }
        }
        List<String> notes = new ArrayList<>();
        if (model.attention().orElse(null) instanceof AttentionConfig.V4 v) {
            notes.add(model.displayName() + " layers: " + v.layerCounts() + " (of " + model.numLayers()
                    + "); each attention case's origin names its layer type and count");
        }
        return new WorkloadPlan(cases, new ArrayList<>(leftOut.values()), notes);
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
            add(operator, spec, origin, 0);
        }

        void add(String operator, dev.dayzero.hal.op.OpSpec spec, String origin, int runs) {
            cases.add(WorkloadCase.of(prefix + "/" + operator, model.id(), phase.label(), operator, spec, origin,
                    phase == Phase.DECODE ? runs : 0));
        }

        /** Layers whose attention runs in a decode step, MTP layers included with --mtp. */
        int attnRuns() {
            return model.dims().attentionLayers() + mtpLayers();
        }

        /** Layers whose FFN is the routed experts, MTP layers included with --mtp. */
        int moeRuns() {
            return model.numLayers() - model.dims().denseLayers() + mtpLayers();
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
                } else if (a instanceof AttentionConfig.V4 v) {
                    leftOut.putIfAbsent("v4-prefill", new LeftOut("v4-prefill", "DeepSeek-V4 prefill (" + v.layerCounts()
                            + " layers: each prompt token attends its 128-token window plus compressed entries, with a"
                            + " per-head sink) has no hal-api spec: SparsePrefill takes one latent cache and no sink,"
                            + " SparseSharedKvDecode is a decode operator"));
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
                KvCacheType stepCache = caches.get(caches.size() - 1); // FP8 where the workload has it
                if (m.indexerRuns()) {
                    add(INDEXER, new IndexerSpec.PagedIndexerTopK(IndexerSpec.PagedKeys.of(lens, queriesPerSeq(), m.indexHeads(),
                                    m.indexHeadDim(), IndexerSpec.KeyType.FP8, INDEXER_PAGE_SIZE, 1), m.indexTopk()),
                            where() + ": DeepSeek sparse attention's lightning indexer, decode: each sequence's new"
                                    + " token scores its " + options.contextLength() + " cached keys and keeps the top "
                                    + m.indexTopk() + " (index_topk) for the sparse attention after it; "
                                    + indexerShape(m) + ", FP8 key cache (E4M3 keys + one F32 scale each, DeepGEMM's"
                                    + " paged layout), page " + INDEXER_PAGE_SIZE + ", one query token a sequence"
                                    + " (no speculative tokens), every cached token a key (compress ratio 1); "
                                    + batch + " sequences x " + options.contextLength() + " cached tokens", attnRuns());
                }
                for (KvCacheType kv : caches) {
                    int runs = kv == stepCache ? attnRuns() : 0;
                    String suffix = kv == KvCacheType.BF16 ? "bf16" : "fp8";
                    String cache = kv == KvCacheType.BF16 ? "BF16 cache" : "FP8 FlashMLA cache (656 B a token)";
                    if (m.sparse()) {
                        add("sparse-mla-decode-" + suffix, new AttentionSpec.SparseLatentDecode(lens, heads, queriesPerSeq(),
                                        m.latentDim(), m.kvLoraRank(), m.indexTopk(), page, pages, kv, scale),
                                where() + ": DeepSeek sparse attention (index_topk " + m.indexTopk() + "), absorbed MLA, "
                                        + dims + ", " + cache + "; " + seqs + stepNote(runs), runs);
                    } else {
                        add("mla-decode-" + suffix, new AttentionSpec.LatentDecode(lens, heads, queriesPerSeq(), m.latentDim(),
                                        m.kvLoraRank(), page, pages, kv, true, scale),
                                where() + ": absorbed MLA decode, " + dims + ", " + cache + "; " + seqs + stepNote(runs),
                                runs);
                    }
                }
            } else if (a instanceof AttentionConfig.V4 v) {
                v4Decode(v, heads, scale, scaleText);
            } else if (a instanceof AttentionConfig.Gqa g) {
                int kv = Math.max(1, g.numKvHeads() / par.tp());
                add("paged-decode", new AttentionSpec.PagedDecode(lens, heads, kv, g.headDim(), page, pages, scale),
                        where() + ": GQA paged decode, " + heads + " of " + g.numHeads() + " query heads, " + kv + " of "
                                + g.numKvHeads() + " KV heads" + (g.numKvHeads() < par.tp() ? " (replicated)" : "")
                                + ", head " + g.headDim() + ", BF16 cache; " + scaleText + "; " + seqs, attnRuns());
                if (options.mtp()) {
                    leftOut.putIfAbsent("gqa-mtp", new LeftOut("gqa-mtp", "--mtp: the paged decode spec takes one query"
                            + " token a sequence, so GQA attention runs s_q = 1 (the GEMMs and experts take both tokens)"));
                }
            }
        }

        /**
         * DeepSeek-V4 decode, per layer type: the window (main cache, page 64), plus for CSA the indexer's
         * top-{@code index_topk} of context/4 compressed entries (extra page block 64) and for HCA every one of
         * the context/128 entries (extra page block 2); sinks on; the MODEL1 FP8 cache and BF16; the cache write.
         */
        void v4Decode(AttentionConfig.V4 v, int heads, float scale, String scaleText) {
            int ctx = options.contextLength();
            if (heads != 64 && heads != 128) {
                leftOut.putIfAbsent("v4-attention", new LeftOut("v4-attention", "DeepSeek-V4 attention with " + heads
                        + " heads a device (" + v.numHeads() + " / tp " + par.tp() + "): the sparse shared-KV decode"
                        + " spec (FlashMLA's MODEL1 kernel) takes 64 or 128 query heads; choose tp so that "
                        + "num_attention_heads / tp is 64 or 128"));
                return;
            }
            int window = Math.min(v.window(), ctx);
            List<Integer> windowTokens = Collections.nCopies(batch, window);
            AttentionSpec.KvIndexSet main = AttentionSpec.KvIndexSet.full(v.window(), V4_PAGE, windowTokens);
            int csaEntries = ctx / AttentionConfig.V4.CSA_RATIO;
            int hcaEntries = ctx / AttentionConfig.V4.HCA_RATIO;
            String seqs = batch + " sequences x " + ctx + " cached tokens";
            String common = heads + " of " + v.numHeads() + " heads, head 512 (448 NoPE + 64 RoPE; V is all 512),"
                    + " one KV head shared by K and V, per-head attention sink; window " + window + " of sliding_window "
                    + v.window() + " (page " + V4_PAGE + "); " + scaleText + "; " + seqs;
            if (v.csaLayers() > 0 && v.indexerUnsupported().isEmpty()) {
                add("indexer-topk-csa", new IndexerSpec.PagedIndexerTopK(IndexerSpec.PagedKeys.of(
                                Collections.nCopies(batch, ctx), queriesPerSeq(), v.indexHeads(), v.indexHeadDim(),
                                IndexerSpec.KeyType.FP8, INDEXER_PAGE_SIZE, AttentionConfig.V4.CSA_RATIO), v.indexTopk()),
                        where() + ": DeepSeek-V4 CSA layers' lightning indexer (" + v.csaLayers() + " of "
                                + model.numLayers() + " layers), decode: each new token scores the " + csaEntries
                                + " compressed keys (context " + ctx + " / compress ratio 4) and keeps the top "
                                + v.indexTopk() + " (index_topk); " + v.indexHeads() + " heads (index_n_heads, all on"
                                + " every device) x " + v.indexHeadDim() + " (index_head_dim), FP8 keys, page "
                                + INDEXER_PAGE_SIZE + "; " + seqs, v.csaLayers());
            }
            record LayerType(String word, int layers, Optional<AttentionSpec.KvIndexSet> extra, String what) {
            }
            List<LayerType> types = new ArrayList<>();
            types.add(new LayerType("swa", v.slidingLayers() + mtpLayers(), Optional.empty(), "sliding-window layers"
                    + (mtpLayers() > 0 ? " (with the " + mtpLayers() + " MTP layer(s), compress ratio 0)" : "")
                    + ": the window only"));
            types.add(new LayerType("csa", v.csaLayers(), csaEntries == 0 ? Optional.empty()
                    : Optional.of(AttentionSpec.KvIndexSet.full(v.indexTopk(), V4_PAGE, Collections.nCopies(batch,
                            csaEntries))), "CSA layers: the window + the indexer's top-" + v.indexTopk() + " of "
                    + csaEntries + " compressed entries (context / 4; extra page block " + V4_PAGE + ")"));
            types.add(new LayerType("hca", v.hcaLayers(), hcaEntries == 0 ? Optional.empty()
                    : Optional.of(AttentionSpec.KvIndexSet.full(hcaEntries, V4_HCA_PAGE, Collections.nCopies(batch,
                            hcaEntries))), "HCA layers: the window + all " + hcaEntries
                    + " compressed entries (context / 128; extra page block " + V4_HCA_PAGE + ")"));
            for (SharedKvFormat f : List.of(SharedKvFormat.FP8_MODEL1, SharedKvFormat.BF16)) {
                String suffix = f == SharedKvFormat.BF16 ? "bf16" : "fp8";
                String cache = f == SharedKvFormat.BF16 ? "BF16 caches (1,024 B a token)"
                        : "MODEL1 FP8 caches (584 B a token: 448 E4M3 + 64 BF16 + 7 UE8M0 scales + pad)";
                for (LayerType t : types) {
                    if (t.layers() == 0) {
                        continue;
                    }
                    add("attention-" + t.word() + "-" + suffix, new AttentionSpec.SparseSharedKvDecode(heads,
                                    queriesPerSeq(), SharedKvFormat.VALUE_DIM, f, main, t.extra(), true, true, scale),
                            where() + ": DeepSeek-V4 sparse shared-KV decode, " + t.layers() + " of "
                                    + model.numLayers() + " layers are " + t.what() + "; " + common + "; " + cache
                                    + stepNote(f == SharedKvFormat.FP8_MODEL1 ? t.layers() : 0),
                            f == SharedKvFormat.FP8_MODEL1 ? t.layers() : 0);
                }
            }
            add("cache-write-fp8", new CacheWriteSpec.QuantInsert(batch * queriesPerSeq(), SharedKvFormat.VALUE_DIM,
                            SharedKvFormat.FP8_MODEL1, V4_PAGE, AttentionSpec.pagesWithSpares(
                                    Collections.nCopies(batch, Math.max(window, 1)), V4_PAGE)),
                    where() + ": DeepSeek-V4 window-cache write every step in every layer: " + batch * queriesPerSeq()
                            + " new BF16 KV rows (512 wide) quantized into the MODEL1 FP8 cache (7 UE8M0 scales per"
                            + " token, 64-value tiles) at their slots, page " + V4_PAGE, model.numLayers() + mtpLayers());
        }

        /** Query tokens a sequence in decode: 1, or 2 with an MTP draft token. */
        int queriesPerSeq() {
            return phase == Phase.DECODE && options.mtp() ? 2 : 1;
        }

        /** Says, in an origin, that a case is not in the projected step (the other cache format). */
        String stepNote(int runs) {
            return runs == 0 && phase == Phase.DECODE ? "; not in the projected step (the step takes the FP8 cache)" : "";
        }

        /** The checkpoint's dense-GEMM type: FP8 block with its scale type, or BF16. */
        GemmSpec dense(int batchCount, int m, int n, int k) {
            QuantConfig q = model.quant();
            if (q.fp8Block() && k % GemmSpec.FP8_BLOCK == 0) {
                return GemmSpec.fp8Block(q.scaleType(), batchCount, m, n, k);
            }
            return GemmSpec.batched(GemmSpec.Type.BF16, batchCount, m, n, k);
        }

        /** A BF16 GEMM (weights the checkpoint keeps unquantized: router, lm_head, compressors, weights_proj). */
        static GemmSpec bf16(int batchCount, int m, int n, int k) {
            return GemmSpec.batched(GemmSpec.Type.BF16, batchCount, m, n, k);
        }

        String gemmWhat(GemmSpec g) {
            String t = g.type() == GemmSpec.Type.FP8_BLOCK ? "FP8 block 128x128 (" + g.scaleType() + " scales)" : "BF16";
            return (g.batch() > 1 ? g.batch() + " x " : "") + "[" + g.m() + " x " + g.k() + "] . [" + g.n() + " x "
                    + g.k() + "]^T, " + t;
        }

        void gemm(String operator, GemmSpec g, int runs, String what) {
            add("gemm-" + operator, g, where() + ": " + what + "; " + gemmWhat(g) + "; " + runs
                    + " run" + (runs == 1 ? "" : "s") + " a decode step", phase == Phase.DECODE ? runs : 0);
        }

        /**
         * Every dense GEMM of a layer with its tensor-parallel shard (attention projections per attention kind,
         * the router, shared experts, dense-FFN layers, lm_head), each with its runs per decode step.
         */
        void denseGemms() {
            ModelDims d = model.dims();
            int rows = tokensPerDevice();
            int hidden = model.hiddenSize();
            int tp = par.tp();
            int extra = mtpLayers();
            int attnLayers = d.attentionLayers() + extra;
            Optional<AttentionConfig> att = model.attention();
            if (att.isPresent() && att.get() instanceof AttentionConfig.Mla m) {
                int h = m.numHeads() / tp;
                int qk = m.qkHeadDim();
                if (d.qLoraRank() > 0) {
                    gemm("q-a", dense(1, rows, d.qLoraRank(), hidden), attnLayers,
                            "MLA q_a_proj (N = q_lora_rank " + d.qLoraRank() + ", K = hidden " + hidden + "), replicated");
                    gemm("q-b", dense(1, rows, h * qk, d.qLoraRank()), attnLayers,
                            "MLA q_b_proj, tp shard: N = " + h + " heads x " + qk + " (qk_nope + qk_rope), K = q_lora_rank");
                } else {
                    gemm("q", dense(1, rows, h * qk, hidden), attnLayers,
                            "MLA q_proj (no q_lora_rank), tp shard: N = " + h + " heads x " + qk);
                }
                gemm("kv-a", dense(1, rows, m.latentDim(), hidden), attnLayers,
                        "MLA kv_a_proj_with_mqa (N = kv_lora_rank " + m.kvLoraRank() + " + qk_rope " + m.qkRopeHeadDim()
                                + "), replicated");
                gemm("kv-b-absorb-uk", bf16(h, rows, m.kvLoraRank(), m.qkNopeHeadDim()), attnLayers,
                        "absorbed MLA: q_nope x W_UK per head (batched over " + h + " heads: N = kv_lora_rank, K ="
                                + " qk_nope_head_dim), BF16 as vLLM runs the absorbed kv_b");
                gemm("kv-b-absorb-uv", bf16(h, rows, m.vHeadDim(), m.kvLoraRank()), attnLayers,
                        "absorbed MLA: latent output x W_UV per head (N = v_head_dim, K = kv_lora_rank)");
                gemm("o", dense(1, rows, hidden, h * m.vHeadDim()), attnLayers,
                        "MLA o_proj, tp shard: N = hidden, K = " + h + " heads x v_head_dim " + m.vHeadDim());
                if (m.indexerRuns() && d.qLoraRank() > 0) {
                    gemm("indexer-wq-b", dense(1, rows, m.indexHeads() * m.indexHeadDim(), d.qLoraRank()), attnLayers,
                            "DSA indexer wq_b (N = index_n_heads x index_head_dim, all heads on every device)");
                    gemm("indexer-wk", dense(1, rows, m.indexHeadDim(), hidden), attnLayers,
                            "DSA indexer wk (N = index_head_dim)");
                    gemm("indexer-weights-proj", bf16(1, rows, m.indexHeads(), hidden), attnLayers,
                            "DSA indexer weights_proj (N = index_n_heads), BF16 in the checkpoint");
                }
            } else if (att.isPresent() && att.get() instanceof AttentionConfig.Gqa g) {
                int h = g.numHeads() / tp;
                int kv = Math.max(1, g.numKvHeads() / tp);
                gemm("qkv", dense(1, rows, (h + 2 * kv) * g.headDim(), hidden), attnLayers,
                        "GQA fused qkv_proj, tp shard: N = (" + h + " + 2 x " + kv + ") heads x " + g.headDim());
                gemm("o", dense(1, rows, hidden, h * g.headDim()), attnLayers,
                        "GQA o_proj, tp shard: N = hidden, K = " + h + " heads x " + g.headDim());
            } else if (att.isPresent() && att.get() instanceof AttentionConfig.V4 v) {
                v4Gemms(v, rows, hidden, tp, extra);
            }
            Optional<MoeConfig> moe = model.moe();
            int moeLayers = model.numLayers() - d.denseLayers() + extra;
            if (moe.isPresent()) {
                MoeConfig m = moe.get();
                gemm("router", bf16(1, rows, m.experts(), hidden), moeLayers,
                        "MoE router (N = " + m.experts() + " routed experts, K = hidden), BF16 (the checkpoint keeps the"
                                + " gate unquantized; DeepSeek computes it in F32)");
                if (d.sharedIntermediate() > 0 && d.sharedIntermediate() % tp == 0) {
                    int s = d.sharedIntermediate() / tp;
                    gemm("shared-gate-up", dense(1, rows, 2 * s, hidden), moeLayers,
                            "shared expert gate+up, tp shard: N = 2 x " + s + " (shared width " + d.sharedIntermediate()
                                    + " / tp " + tp + ")");
                    gemm("shared-down", dense(1, rows, hidden, s), moeLayers,
                            "shared expert down, tp shard: N = hidden, K = " + s);
                }
            }
            int denseLayers = moe.isPresent() ? d.denseLayers() : model.numLayers() + extra;
            // dense FFN and lm_head: tensor parallel over the whole deployment on every rank's tokens (SGLang's
            // DP-attention layout: gather, dense GEMM over W devices, scatter); with dp = 1 that is plain tp
            int w = par.world();
            int rowsAll = (int) Math.min((long) rows * par.dp(), Integer.MAX_VALUE);
            String over = par.dp() == 1 ? "tp " + tp : "the deployment's " + w + " devices (dense layers tensor parallel"
                    + " over all devices on the " + par.dp() + " ranks' gathered tokens, as SGLang's DP attention runs them)";
            if (denseLayers > 0 && d.denseIntermediate() > 0 && d.denseIntermediate() % w == 0) {
                int s = d.denseIntermediate() / w;
                gemm("dense-gate-up", dense(1, rowsAll, 2 * s, hidden), denseLayers,
                        "dense FFN gate+up (" + denseLayers + " layers), shard: N = 2 x " + s + " (intermediate_size "
                                + d.denseIntermediate() + " / " + over + ")");
                gemm("dense-down", dense(1, rowsAll, hidden, s), denseLayers,
                        "dense FFN down, shard: N = hidden, K = " + s + (s % GemmSpec.FP8_BLOCK == 0 || !model.quant()
                                .fp8Block() ? "" : " (not a multiple of the 128 FP8 block: run as BF16)"));
            } else if (denseLayers > 0) {
                leftOut.putIfAbsent("dense-ffn", new LeftOut("dense-ffn", denseLayers + " dense-FFN layers: "
                        + (d.denseIntermediate() == 0 ? "intermediate_size is absent" : "intermediate_size "
                        + d.denseIntermediate() + " is not divisible by " + w + " devices") + ", so their GEMMs are not sized"));
            }
            if (d.vocabSize() > 0) {
                int n = (int) ((d.vocabSize() + w - 1L) / w);
                int lmRows = phase == Phase.DECODE ? rowsAll : batch * par.dp();
                gemm("lm-head", bf16(1, lmRows, n, hidden), 1,
                        "lm_head, vocab-parallel shard: N = ceil(vocab_size " + d.vocabSize() + " / " + w + "), over "
                                + over + "; BF16 (unquantized in the checkpoint); once a step"
                                + (phase == Phase.PREFILL ? ", last prompt token" : ""));
            }
        }

        /** DeepSeek-V4's projections: fused wq_a/wkv, wq_b, the CSA indexer's, the compressors', grouped o-LoRA, wo_b. */
        void v4Gemms(AttentionConfig.V4 v, int rows, int hidden, int tp, int extra) {
            int all = model.numLayers() + extra;
            int h = v.numHeads() / tp;
            int csa = v.csaLayers();
            int hca = v.hcaLayers();
            int d = v.headDim();
            if (v.qLoraRank() > 0) {
                gemm("wq-a-wkv", dense(1, rows, v.qLoraRank() + d, hidden), all,
                        "V4 fused wq_a + wkv (N = q_lora_rank " + v.qLoraRank() + " + head_dim " + d + "), replicated");
                gemm("wq-b", dense(1, rows, h * d, v.qLoraRank()), all,
                        "V4 wq_b, tp shard: N = " + h + " heads x " + d + ", K = q_lora_rank");
            }
            if (csa > 0 && v.indexerUnsupported().isEmpty() && v.qLoraRank() > 0) {
                gemm("indexer-wq-b", dense(1, rows, v.indexHeads() * v.indexHeadDim(), v.qLoraRank()), csa,
                        "V4 CSA indexer wq_b (" + csa + " CSA layers; N = index_n_heads x index_head_dim, all heads on"
                                + " every device)");
                gemm("indexer-weights-proj", bf16(1, rows, v.indexHeads(), hidden), csa,
                        "V4 CSA indexer weights_proj (N = index_n_heads), BF16");
                gemm("indexer-compressor", bf16(1, rows, 2 * 2 * v.indexHeadDim(), hidden), csa,
                        "V4 CSA indexer's compressor wkv + wgate (N = 2 x 2 (overlap) x index_head_dim), BF16");
            }
            if (csa > 0) {
                gemm("compressor-csa", bf16(1, rows, 2 * 2 * d, hidden), csa,
                        "V4 CSA compressor wkv + wgate (N = 2 x 2 (overlap, ratio 4) x head_dim " + d + "), BF16");
            }
            if (hca > 0) {
                gemm("compressor-hca", bf16(1, rows, 2 * d, hidden), hca,
                        "V4 HCA compressor wkv + wgate (N = 2 x head_dim " + d + ", ratio 128), BF16");
            }
            if (v.oGroups() > 0 && v.oLoraRank() > 0) {
                if (v.oGroups() % tp != 0 || v.numHeads() % v.oGroups() != 0) {
                    leftOut.putIfAbsent("grouped-output-lora", new LeftOut("grouped-output-lora", "o_groups "
                            + v.oGroups() + " do not split evenly over tp " + tp + " (or over the heads)"));
                } else {
                    int groups = v.oGroups() / tp;
                    int k = v.numHeads() / v.oGroups() * d;
                    gemm("wo-a-grouped", dense(groups, rows, v.oLoraRank(), k), all,
                            "V4 grouped output LoRA wo_a, batched over " + groups + " of o_groups " + v.oGroups()
                                    + " (N = o_lora_rank " + v.oLoraRank() + ", K = " + v.numHeads() / v.oGroups()
                                    + " heads x " + d + ")");
                    gemm("wo-b", dense(1, rows, hidden, groups * v.oLoraRank()), all,
                            "V4 wo_b, tp shard: N = hidden, K = " + groups + " groups x o_lora_rank");
                }
            }
        }

        /** Tokens a device's dense GEMMs take: the rank's batch x query tokens (decode) or x the prompt (prefill). */
        int tokensPerDevice() {
            long t = phase == Phase.DECODE ? (long) batch * queriesPerSeq() : (long) batch * options.prefillLength();
            return (int) Math.min(t, Integer.MAX_VALUE);
        }

        /** MTP layers added to the step: the model's when --mtp, else 0. */
        int mtpLayers() {
            return phase == Phase.DECODE && options.mtp() ? model.dims().mtpLayers() : 0;
        }


        void moe(MoeConfig m) {
            int local = m.experts() / par.ep();
            long tokensPerRank = phase == Phase.DECODE ? (long) batch * queriesPerSeq() : (long) batch * options.prefillLength();
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
            MoeGemmSpec.Type type = expertType(q);
            boolean fp8Act = type.hasGroupActivationScales();
            DType scaleType = type.isMxfp4() ? DType.UE8M0 : fp8Act ? q.scaleType() : DType.F32;
            String t = switch (type) {
                case FP8_BLOCK -> "fp8";
                case MXFP4_FP8 -> "mxfp4-fp8";
                case MXFP4_BF16 -> "mxfp4-bf16";
                default -> "bf16";
            };
            int slice = m.intermediateSize() / par.moeTp();
            String routing = rows + " rows = ceil(" + tokens + " tokens (" + tokensPerRank + " a rank x dp "
                    + par.dp() + ") x top-" + m.topk() + " / ep " + par.ep() + ") over " + local + " local experts ("
                    + m.experts() + " / ep " + par.ep() + "), " + options.routing().label() + " " + describeRows(perExpert)
                    + "; " + active.size() + " receive rows, " + idle + " idle (dropped from the spec)";
            String types = switch (type) {
                case FP8_BLOCK -> "FP8 E4M3, 128x128 weight blocks, 1x128 activation groups (" + scaleType + " scales)";
                case MXFP4_FP8 -> "MXFP4 weights (E2M1, one UE8M0 scale per 32) x FP8 E4M3 activations (1x128 groups,"
                        + " UE8M0 scales)";
                case MXFP4_BF16 -> "MXFP4 weights (E2M1, one UE8M0 scale per 32) x BF16 activations";
                default -> "BF16 (" + q.label() + ")";
            };
            String split = par.moeTp() == 1 ? "whole experts" : "experts split " + par.moeTp() + " ways (tp without ep)";
            String layout = phase == Phase.DECODE ? "masked, maxRows " + nextPowerOfTwo(maxRows)
                    : "contiguous";

            if (active.isEmpty()) {
                return; // unreachable: rows >= 1 whenever tokens >= 1
            }
            int nGu = 2 * slice;
            if (fp8Act) {
                add("quantize-gate-up-input", new QuantizeSpec(rows, model.hiddenSize(), DType.BF16, DType.F8_E4M3FN,
                                QuantizeSpec.perGroup(MoeGemmSpec.FP8_BLOCK), scaleType),
                        where() + ": FP8 quantization of the " + rows + " rows entering gate+up, K = hidden_size "
                                + model.hiddenSize() + ", 1x128 groups, " + scaleType + " scales", moeRuns());
            }
            add("moe-gate-up-" + t, gemm(type, scaleType, nGu, model.hiddenSize(), active, maxRows),
                    where() + ": expert gate+up, N = 2 x " + slice + " (moe_intermediate_size " + m.intermediateSize()
                            + (par.moeTp() == 1 ? "" : " / " + par.moeTp()) + "), K = hidden_size " + model.hiddenSize()
                            + ", " + split + ", " + layout + "; " + types + "; " + routing, moeRuns());
            if (fp8Act) {
                add("quantize-down-input", new QuantizeSpec(rows, slice, DType.BF16, DType.F8_E4M3FN,
                                QuantizeSpec.perGroup(MoeGemmSpec.FP8_BLOCK), scaleType),
                        where() + ": FP8 quantization of the " + rows + " rows entering down, K = " + slice
                                + ", 1x128 groups, " + scaleType + " scales", moeRuns());
            }
            add("moe-down-" + t, gemm(type, scaleType, model.hiddenSize(), slice, active, maxRows),
                    where() + ": expert down, N = hidden_size " + model.hiddenSize() + ", K = " + slice + ", " + split
                            + ", " + layout + "; " + types + "; " + routing, moeRuns());
        }

        private MoeGemmSpec gemm(MoeGemmSpec.Type type, DType scaleType, int n, int k, List<Integer> active,
                                 int maxRows) {
            if (phase == Phase.DECODE) {
                return MoeGemmSpec.masked(type, scaleType, n, k, nextPowerOfTwo(maxRows), active);
            }
            return MoeGemmSpec.contiguous(type, scaleType, n, k, active);
        }
    }

    /**
     * The routed experts' GEMM type: the checkpoint's FP8 block recipe or BF16, or for MXFP4 experts
     * {@code MXFP4_FP8} (FP8 1x128 UE8M0 activations) when the checkpoint is FP8 block, else {@code MXFP4_BF16}.
     */
    public static MoeGemmSpec.Type expertType(QuantConfig q) {
        return switch (q.experts()) {
            case MXFP4 -> q.fp8Block() ? MoeGemmSpec.Type.MXFP4_FP8 : MoeGemmSpec.Type.MXFP4_BF16;
            case FP8_BLOCK -> MoeGemmSpec.Type.FP8_BLOCK;
            case BF16 -> MoeGemmSpec.Type.BF16;
        };
    }

    /** Page size of DeepSeek-V4's window cache and CSA compressed cache (FlashMLA MODEL1: 64). */
    static final int V4_PAGE = 64;
    /** Page block size of DeepSeek-V4's HCA compressed cache (one entry per 128 tokens: 2 entries a 256-token page). */
    static final int V4_HCA_PAGE = 2;

    /** Model left-outs the dense GEMM cases now cover. */
    static final java.util.Set<String> GEMM_COVERED = java.util.Set.of("dense-ffn", "dense-projections", "shared-expert",
            "dense-ffn-layers", "grouped-output-lora", "router-sqrt-softplus");

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
