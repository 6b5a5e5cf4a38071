package dev.dayzero.tck;

import dev.dayzero.hal.DType;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.AttentionSpec.KvIndexSet;
import dev.dayzero.hal.op.AttentionSpec.SparseSharedKvDecode;
import dev.dayzero.hal.op.CacheWriteSpec;
import dev.dayzero.hal.op.GemmSpec;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.IndexerSpec.KeyType;
import dev.dayzero.hal.op.KvCacheType;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import dev.dayzero.hal.op.SharedKvFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The kit's standard cases: every spec family at shapes taken from real models — DeepSeek-V3 / V3.2
 * (MLA 128 heads, 576 / 512; MoE K=7168, N=4096 and K=2048, N=7168; 1×128 and 128×128 FP8 scales) and
 * Qwen3-235B-A22B (GQA 64 / 4, head 128) — with batch, context and expert counts cut down so that the
 * oracle finishes in seconds and the whole list runs in a few minutes on two cores.
 */
public final class StandardCases {
    private static final long SEED = 20250929L;

    private StandardCases() {
    }

    /** Every standard case. */
    public static List<ConformanceCase> all() {
        List<ConformanceCase> all = new ArrayList<>(earlier());
        all.addAll(deepseekV4Attention());
        all.addAll(denseGemm());
        all.addAll(prefillValueWidth());
        return List.copyOf(all);
    }

    /** The cases up to DeepSeek-V3.2 and GLM-5. */
    private static List<ConformanceCase> earlier() {
        return List.of(
                // quantize: DeepSeek-V3 activations (1x128 groups) and weights (128x128 blocks)
                c("deepseek-v3/quantize/act-e4m3-group128-f32",
                        new QuantizeSpec(48, 7168, DType.BF16, DType.F8_E4M3FN, QuantizeSpec.perGroup(128), DType.F32),
                        "DeepSeek-V3 MoE input activations, 1x128 groups"),
                c("deepseek-v3/quantize/act-e4m3-group128-ue8m0",
                        new QuantizeSpec(48, 7168, DType.BF16, DType.F8_E4M3FN, QuantizeSpec.perGroup(128), DType.UE8M0),
                        "DeepGEMM UE8M0 scales"),
                c("deepseek-v3/quantize/weight-e4m3-block128",
                        new QuantizeSpec(2112, 1024, DType.F32, DType.F8_E4M3FN, QuantizeSpec.perBlock(128, 128), DType.F32),
                        "DeepSeek-V3 q_a/kv_a weights (N=2112: a partial last block)"),
                c("quantize/int8-per-token", new QuantizeSpec(64, 7168, DType.BF16, DType.I8, QuantizeSpec.perToken(),
                        DType.F32), "INT8 W8A8 activations"),
                c("quantize/e5m2-per-tensor", new QuantizeSpec(96, 4096, DType.BF16, DType.F8_E5M2,
                        QuantizeSpec.perTensor(), DType.F32), "E5M2, one scale"),
                c("quantize/e4m3-per-token-ue8m0", new QuantizeSpec(33, 1000, DType.F32, DType.F8_E4M3FN,
                        QuantizeSpec.perToken(), DType.UE8M0), "odd shape, power-of-two scales"),

                // MoE grouped GEMM: DeepSeek-V3 gate/up (N=4096, K=7168) and down (N=7168, K=2048)
                c("deepseek-v3/moe/gate-up-bf16-contiguous",
                        MoeGemmSpec.contiguous(MoeGemmSpec.Type.BF16, 4096, 7168, List.of(13, 0, 21, 6, 1, 30, 9, 4)),
                        "DeepSeek-V3 expert gate+up projection, prefill"),
                c("deepseek-v3/moe/gate-up-bf16-prefill-sampled",
                        MoeGemmSpec.contiguous(MoeGemmSpec.Type.BF16, 4096, 7168,
                                List.of(160, 96, 0, 200, 64, 128, 3, 112)),
                        "DeepSeek-V3 gate+up, skewed prefill routing: large enough that the oracle checks a sample"),
                c("deepseek-v3/moe/down-bf16-masked",
                        MoeGemmSpec.masked(MoeGemmSpec.Type.BF16, 7168, 2048, 24, List.of(5, 24, 0, 11)),
                        "DeepSeek-V3 expert down projection, decode"),
                c("deepseek-v3/moe/gate-up-fp8-contiguous",
                        MoeGemmSpec.contiguous(MoeGemmSpec.Type.FP8_BLOCK, 4096, 7168, List.of(9, 17, 0, 6)),
                        "DeepSeek-V3 FP8 checkpoint: 1x128 activation, 128x128 weight scales"),
                c("deepseek-v3/moe/down-fp8-masked",
                        MoeGemmSpec.masked(MoeGemmSpec.Type.FP8_BLOCK, 7168, 2048, 16, List.of(16, 3, 0, 9)),
                        "DeepSeek-V3 FP8 down projection, decode"),
                c("deepseek-v3/moe/down-int8-w8a8-contiguous",
                        MoeGemmSpec.contiguous(MoeGemmSpec.Type.INT8_W8A8, 7168, 2048, List.of(7, 0, 12, 5)),
                        "INT8 W8A8, the usual alternative to FP8"),

                // MoE grouped GEMM: Qwen3-235B-A22B (hidden 4096, expert intermediate 1536, FP8 blocks of 128)
                c("qwen3-235b-a22b/moe/gate-up-fp8-contiguous",
                        MoeGemmSpec.contiguous(MoeGemmSpec.Type.FP8_BLOCK, 3072, 4096, List.of(5, 0, 19, 8, 1, 12)),
                        "Qwen3-235B-A22B-FP8 expert gate+up projection"),
                c("qwen3-235b-a22b/moe/down-bf16-masked",
                        MoeGemmSpec.masked(MoeGemmSpec.Type.BF16, 4096, 1536, 16, List.of(16, 0, 7, 2)),
                        "Qwen3-235B-A22B expert down projection, decode"),

                // MoE grouped GEMM: UE8M0 scales (DeepSeek-V3.2 / V4 FP8 checkpoints, DeepGEMM use_ue8m0), the V3 shapes
                c("deepseek-v3.2/moe/gate-up-fp8-ue8m0-contiguous",
                        MoeGemmSpec.contiguous(MoeGemmSpec.Type.FP8_BLOCK, DType.UE8M0, 4096, 7168, List.of(9, 17, 0, 6)),
                        "FP8 1x128 / 128x128 with UE8M0 scales, block magnitudes 2^-4..2^3 so a misplaced scale fails"),
                c("deepseek-v3.2/moe/down-fp8-ue8m0-masked",
                        MoeGemmSpec.masked(MoeGemmSpec.Type.FP8_BLOCK, DType.UE8M0, 7168, 2048, 16, List.of(16, 3, 0, 9)),
                        "FP8 down projection with UE8M0 scales, decode"),

                // MoE grouped GEMM: DeepSeek-V4-Flash routed experts, MXFP4 (hidden 4096, expert intermediate 2048:
                // gate+up N=4096, K=4096; down N=4096, K=2048), FP8 1x128 UE8M0 activations
                c("deepseek-v4-flash/moe/gate-up-mxfp4-fp8-masked",
                        MoeGemmSpec.masked(MoeGemmSpec.Type.MXFP4_FP8, 4096, 4096, 8, List.of(8, 1, 0, 5)),
                        "DeepSeek-V4-Flash expert gate+up, decode: MXFP4 weights (UE8M0 per 32) x FP8 1x128 activations"),
                c("deepseek-v4-flash/moe/down-mxfp4-fp8-masked",
                        MoeGemmSpec.masked(MoeGemmSpec.Type.MXFP4_FP8, 4096, 2048, 8, List.of(3, 8, 0, 2)),
                        "DeepSeek-V4-Flash expert down projection, decode"),
                c("deepseek-v4-flash/moe/gate-up-mxfp4-fp8-contiguous",
                        MoeGemmSpec.contiguous(MoeGemmSpec.Type.MXFP4_FP8, 4096, 4096, List.of(11, 0, 23, 6)),
                        "DeepSeek-V4-Flash expert gate+up, prefill"),
                c("deepseek-v4-flash/moe/down-mxfp4-bf16-contiguous",
                        MoeGemmSpec.contiguous(MoeGemmSpec.Type.MXFP4_BF16, 4096, 2048, List.of(7, 13, 0, 4)),
                        "MXFP4 weights x BF16 activations (weight-only MXFP4), prefill"),

                // attention: DeepSeek-V3 / V3.2 MLA decode
                c("deepseek-v3/attention/mla-decode-bf16",
                        AttentionSpec.LatentDecode.deepseek(List.of(1, 300, 1029, 4097), 128, 1, KvCacheType.BF16),
                        "DeepSeek-V3 absorbed MLA decode, 128 heads, 576/512, page 64"),
                c("deepseek-v3.2/attention/mla-decode-fp8-mtp",
                        AttentionSpec.LatentDecode.deepseek(List.of(517, 64), 128, 2, KvCacheType.FP8_FLASHMLA),
                        "DeepSeek-V3.2 FP8 KV cache (656 B/token), 2 speculative tokens"),
                c("deepseek-v3.2/attention/sparse-mla-decode-fp8",
                        AttentionSpec.SparseLatentDecode.deepseek(List.of(2500, 700), 128, 1, 2048,
                                KvCacheType.FP8_FLASHMLA),
                        "DeepSeek-V3.2 DSA: top-2048 tokens, FP8 KV cache"),
                c("deepseek-v3.2/attention/sparse-mla-decode-bf16",
                        AttentionSpec.SparseLatentDecode.deepseek(List.of(900, 130), 64, 2, 256, KvCacheType.BF16),
                        "sparse MLA, BF16 cache, s_q=2"),

                // attention: Qwen3-235B-A22B GQA 64/4, head 128
                c("qwen3-235b-a22b/attention/paged-decode",
                        AttentionSpec.PagedDecode.of(List.of(1, 100, 513, 2048), 64, 4, 128, 16),
                        "Qwen3-235B-A22B decode, page 16"),
                c("qwen3-235b-a22b/attention/prefill-causal",
                        new AttentionSpec.Prefill(List.of(1, 77, 300), 64, 4, 128, true, AttentionSpec.defaultScale(128)),
                        "Qwen3-235B-A22B prefill, variable length"),
                c("qwen3-235b-a22b/attention/prefill-long-sampled",
                        new AttentionSpec.Prefill(List.of(1024, 33), 64, 4, 128, true, AttentionSpec.defaultScale(128)),
                        "Qwen3-235B-A22B prefill of 1K tokens: the oracle checks a sample"),
                c("attention/prefill-mha-full",
                        new AttentionSpec.Prefill(List.of(40, 9), 8, 8, 64, false, AttentionSpec.defaultScale(64)),
                        "MHA, non-causal"),

                // attention: DSA sparse prefill (FlashMLA flash_mla_sparse_fwd), 576 / 512
                c("deepseek-v3.2/attention/sparse-prefill",
                        AttentionSpec.SparsePrefill.deepseek(List.of(600, 100), 128, 256),
                        "DeepSeek-V3.2 sparse prefill, 128 heads, top-k cut to 256 so rows past 256 tokens choose"),
                c("glm-5/attention/sparse-prefill-short",
                        AttentionSpec.SparsePrefill.deepseek(List.of(130, 1), 64, 2048),
                        "GLM-5 shape, top-2048 over short sequences: mostly -1 padding, a one-token sequence"),

                // indexer: DeepSeek-V3.2 (64 heads x 128, top-2048) and GLM-5 (32 heads x 128, top-2048), FP8 keys
                c("deepseek-v3.2/indexer/decode-fp8-ctx4096",
                        IndexerSpec.PagedIndexerTopK.of(List.of(4096, 1, 2049, 3000), 1, 64, 128, KeyType.FP8, 1, 2048),
                        "DeepSeek-V3.2 lightning indexer, decode, DeepGEMM's fused FP8 cache (page 64), context 1"),
                c("deepseek-v3.2/indexer/decode-fp8-ctx32768-mtp",
                        IndexerSpec.PagedIndexerTopK.of(List.of(32768, 5000), 2, 64, 128, KeyType.FP8, 1, 2048),
                        "DeepSeek-V3.2 indexer at 32K context, 2 MTP query tokens"),
                c("glm-5/indexer/decode-fp8-ctx4096",
                        IndexerSpec.PagedIndexerTopK.of(List.of(4096, 2050, 2), 1, 32, 128, KeyType.FP8, 1, 2048),
                        "GLM-5 indexer, 32 heads"),
                c("glm-5/indexer/decode-fp8-ctx32768",
                        IndexerSpec.PagedIndexerTopK.of(List.of(32768), 1, 32, 128, KeyType.FP8, 1, 2048),
                        "GLM-5 indexer at 32K context"),
                c("deepseek-v3.2/indexer/decode-bf16",
                        IndexerSpec.PagedIndexerTopK.of(List.of(3000, 17), 1, 64, 128, KeyType.BF16, 1, 2048),
                        "BF16 queries and keys (Ascend's aclnnLightningIndexer)"),
                c("deepseek-v4/indexer/decode-fp8-ratio4",
                        IndexerSpec.PagedIndexerTopK.of(List.of(8192, 130, 3), 2, 64, 128, KeyType.FP8, 4, 512),
                        "DeepSeek-V4 indexer over compressed keys (ratio 4, top-512); a row with no key"),
                c("deepseek-v3.2/indexer/logits-fp8",
                        new IndexerSpec.IndexerLogits(
                                IndexerSpec.PagedKeys.of(List.of(4096, 300), 2, 64, 128, KeyType.FP8, 64, 1)),
                        "DeepGEMM fp8_paged_mqa_logits: the scores, -inf past each row"),
                c("deepseek-v3.2/indexer/prefill-fp8-2048",
                        new IndexerSpec.IndexerTopK(List.of(2048), 64, 128, KeyType.FP8, 2048),
                        "DeepSeek-V3.2 indexer, prefill of 2K tokens (causal; the oracle checks a sample)"),
                c("glm-5/indexer/prefill-fp8-topk256",
                        new IndexerSpec.IndexerTopK(List.of(700, 300), 32, 128, KeyType.FP8, 256),
                        "GLM-5 shape, top-k cut to 256 so most rows choose"),
                c("indexer/prefill-bf16-d64",
                        new IndexerSpec.IndexerTopK(List.of(200, 1, 50), 16, 64, KeyType.BF16, 64),
                        "BF16, head dim 64, a one-token sequence"));
    }

    /**
     * DeepSeek-V4-Flash attention (64 heads, head dim 512, MODEL1 FP8 cache unless named) and its cache write.
     * Layer types: SWA (the 128-token window only), CSA (window + the indexer's top-512 of context/4 compressed
     * entries, extra page block 64) and HCA (window + every one of context/128 compressed entries, extra page
     * block 2), at contexts 8K and 128K. Every sink case gives heads {@code +∞}, {@code −∞} and finite sinks
     * (see {@link dev.dayzero.tck.data.SharedKvInputs}).
     */
    public static List<ConformanceCase> deepseekV4Attention() {
        SharedKvFormat m1 = SharedKvFormat.FP8_MODEL1;
        return List.of(
                c("deepseek-v4-flash/attention/csa-ctx8k-fp8-mtp",
                        SparseSharedKvDecode.v4(64, 2, m1, KvIndexSet.full(128, 64, List.of(128, 128, 37)),
                                Optional.of(KvIndexSet.full(512, 64, List.of(2048, 32, 9))), true),
                        "V4-Flash CSA layer at 8K: window 128 + top-512 of 2048 compressed, s_q=2, sinks"),
                c("deepseek-v4-flash/attention/csa-ctx128k-fp8",
                        SparseSharedKvDecode.v4(64, 1, m1, KvIndexSet.full(128, 64, List.of(128, 128)),
                                Optional.of(KvIndexSet.full(512, 64, List.of(32768, 1250))), true),
                        "V4-Flash CSA layer at 128K: top-512 of 32768 compressed entries"),
                c("deepseek-v4-flash/attention/hca-ctx8k-fp8-mtp",
                        SparseSharedKvDecode.v4(64, 2, m1, KvIndexSet.full(128, 256, List.of(128, 100)),
                                Optional.of(KvIndexSet.full(64, 2, List.of(64, 0))), true),
                        "V4-Flash HCA layer at 8K: window + all 64 compressed entries (page block 2); main page 256;"
                                + " a sequence with no compressed entry yet"),
                c("deepseek-v4-flash/attention/hca-ctx128k-fp8",
                        SparseSharedKvDecode.v4(64, 1, m1, KvIndexSet.full(128, 64, List.of(128, 128)),
                                Optional.of(KvIndexSet.full(1024, 2, List.of(1024, 156))), true),
                        "V4-Flash HCA layer at 128K: window + all 1024 compressed entries"),
                c("deepseek-v4-flash/attention/swa-fp8-empty-rows",
                        SparseSharedKvDecode.v4(64, 1, m1, KvIndexSet.full(128, 64, List.of(128, 0, 3)),
                                Optional.of(KvIndexSet.full(512, 64, List.of(700, 0, 0))), true),
                        "a row with no valid token (out 0, lse +inf whatever the sink); a three-token window"),
                c("deepseek-v4-flash/attention/swa-fp8-nosink",
                        SparseSharedKvDecode.v4(64, 2, m1, KvIndexSet.full(128, 64, List.of(128, 57)),
                                Optional.empty(), false),
                        "V4-Flash SWA-only layer (first layers): the window alone, no sink"),
                c("deepseek-v4-flash/attention/csa-ctx8k-bf16",
                        SparseSharedKvDecode.v4(64, 1, SharedKvFormat.BF16, KvIndexSet.full(128, 64, List.of(128, 90)),
                                Optional.of(KvIndexSet.full(512, 64, List.of(2048, 22))), true),
                        "BF16 caches (Cambricon and Ascend A3 run V4 this way)"),
                c("deepseek-v4-pro/attention/csa-fp8-h128-nolse",
                        SparseSharedKvDecode.v4(128, 1, m1, KvIndexSet.full(128, 64, List.of(128)),
                                Optional.of(KvIndexSet.full(1024, 64, List.of(3000))), true).withReturnLse(false),
                        "128 heads, extra top-1024 (FlashMLA's MODEL1 CONFIG2/4 shape; V4-Pro heads unconfirmed); no lse"),
                c("deepseek-v3.2/attention/sparse-sharedkv-fp8-v32",
                        new SparseSharedKvDecode(128, 1, 576, SharedKvFormat.FP8_V32,
                                KvIndexSet.full(512, 64, List.of(900, 200)), Optional.empty(), false, true,
                                AttentionSpec.defaultScale(576)),
                        "V3.2's 656-byte layout through the same operator: V is the first 512 of 576 dims"),
                c("deepseek-v3.2/attention/sparse-sharedkv-bf16-576-extra-sink",
                        new SparseSharedKvDecode(64, 2, 576, SharedKvFormat.BF16,
                                KvIndexSet.full(64, 16, List.of(64, 10)),
                                Optional.of(KvIndexSet.of(128, 4, List.of(300, 5), List.of(100, 5))), true, true,
                                AttentionSpec.defaultScale(576)),
                        "576-wide BF16 with an extra cache whose lengths cut its index rows short"),

                c("deepseek-v4-flash/cache-write/fp8-page64",
                        CacheWriteSpec.QuantInsert.of(200, m1, 512, 64),
                        "V4 window cache write: 7 UE8M0 scales per token, block-interleaved pages"),
                c("deepseek-v4-flash/cache-write/fp8-page2",
                        CacheWriteSpec.QuantInsert.of(37, m1, 512, 2),
                        "V4 HCA compressed-cache write (page block 2: 1,728-byte pages)"),
                c("deepseek-v3.2/cache-write/fp8-v32",
                        CacheWriteSpec.QuantInsert.of(100, SharedKvFormat.FP8_V32, 576, 64),
                        "V3.2 656-byte layout: power-of-two F32 scales"),
                c("deepseek-v4-flash/cache-write/bf16",
                        CacheWriteSpec.QuantInsert.of(50, SharedKvFormat.BF16, 512, 64),
                        "BF16 cache: a copy into the slots"));
    }

    /**
     * Dense GEMM at the projections of DeepSeek-V3 (hidden 7168, q_lora 1536, kv_lora 512 + rope 64, 128 heads
     * of 128 nope + 64 rope, v 128, dense FFN 18432, shared expert 2048), Qwen3-235B-A22B (hidden 4096, 64 / 4
     * heads of 128) and GLM-4.5 (hidden 5120, 96 / 8 heads of 128, dense FFN 12288, shared expert 1536, vocab
     * 151552): N and K from their config.json, decode rows 1 to 256 and prefill rows 4096. Where a whole
     * matrix would be hundreds of MB, the case takes the tensor-parallel shard a deployment runs (named in
     * the origin), so the oracle and the CPU finish in seconds.
     */
    public static List<ConformanceCase> denseGemm() {
        return List.of(
                c("deepseek-v3/gemm/q-a-fp8-decode-1", GemmSpec.fp8Block(DType.F32, 1, 1, 1536, 7168),
                        "DeepSeek-V3 q_a_proj (N = q_lora_rank 1536, K = hidden 7168), one decode row"),
                c("deepseek-v3.2/gemm/kv-a-fp8-ue8m0-decode-64", GemmSpec.fp8Block(DType.UE8M0, 1, 64, 576, 7168),
                        "DeepSeek-V3.2 kv_a_proj_with_mqa (N = 512 + 64), UE8M0 scales (scale_fmt ue8m0), 64 rows"),
                c("deepseek-v3/gemm/q-b-fp8-decode-16", GemmSpec.fp8Block(DType.F32, 1, 16, 3072, 1536),
                        "DeepSeek-V3 q_b_proj, TP8 shard (N = 16 heads x 192, K = q_lora_rank 1536), 16 rows"),
                c("deepseek-v3/gemm/mla-absorb-uk-bf16-decode", GemmSpec.batched(GemmSpec.Type.BF16, 16, 8, 512, 128),
                        "DeepSeek-V3 absorbed MLA: q_nope x W_UK per head (16 heads of a TP8 shard, N = kv_lora 512,"
                                + " K = qk_nope 128), 8 rows"),
                c("deepseek-v3/gemm/mla-absorb-uv-fp8-decode", GemmSpec.fp8Block(DType.UE8M0, 16, 3, 128, 512),
                        "DeepSeek-V3 absorbed MLA: latent out x W_UV per head (N = v_head 128, K = kv_lora 512), 3 rows"),
                c("deepseek-v3/gemm/o-proj-bf16-decode-32", GemmSpec.of(GemmSpec.Type.BF16, 32, 7168, 2048),
                        "DeepSeek-V3 o_proj, TP8 shard (N = hidden 7168, K = 16 heads x 128), 32 rows"),
                c("deepseek-v3/gemm/shared-down-int8-decode-256", GemmSpec.of(GemmSpec.Type.INT8_W8A8, 256, 7168, 2048),
                        "DeepSeek-V3 shared expert down_proj (N = 7168, K = 2048), INT8 W8A8, 256 rows"),
                c("deepseek-v3/gemm/dense-gate-up-fp8-decode-8", GemmSpec.fp8Block(DType.F32, 1, 8, 4608, 7168),
                        "DeepSeek-V3 dense FFN gate+up, TP8 shard (N = 2 x 18432 / 8), 8 rows"),
                c("deepseek-v3/gemm/kv-a-fp8-prefill-4096", GemmSpec.fp8Block(DType.F32, 1, 4096, 576, 7168),
                        "DeepSeek-V3 kv_a_proj_with_mqa, prefill of 4096 rows (the oracle checks a sample)"),
                c("qwen3-235b-a22b/gemm/qkv-bf16-decode-4", GemmSpec.of(GemmSpec.Type.BF16, 4, 2304, 4096),
                        "Qwen3-235B-A22B fused qkv, TP4 shard (N = (16 + 2 x 1) x 128, K = hidden 4096), 4 rows"),
                c("qwen3-235b-a22b/gemm/o-proj-fp8-decode-128", GemmSpec.fp8Block(DType.F32, 1, 128, 4096, 2048),
                        "Qwen3-235B-A22B-FP8 o_proj, TP4 shard (N = 4096, K = 16 heads x 128), 128 rows"),
                c("qwen3-235b-a22b/gemm/lm-head-bf16-decode-2", GemmSpec.of(GemmSpec.Type.BF16, 2, 18992, 4096),
                        "Qwen3-235B-A22B lm_head, TP8 shard (N = 151936 / 8), 2 rows"),
                c("qwen3-235b-a22b/gemm/o-proj-bf16-prefill-4096", GemmSpec.of(GemmSpec.Type.BF16, 4096, 4096, 1024),
                        "Qwen3-235B-A22B o_proj, TP8 shard (K = 8 heads x 128), prefill of 4096 rows"),
                c("glm-4.5/gemm/qkv-bf16-decode-64", GemmSpec.of(GemmSpec.Type.BF16, 64, 1792, 5120),
                        "GLM-4.5 fused qkv, TP8 shard (N = (12 + 2 x 1) x 128, K = hidden 5120), 64 rows"),
                c("glm-4.5/gemm/shared-gate-up-fp8-decode-16", GemmSpec.fp8Block(DType.UE8M0, 1, 16, 3072, 5120),
                        "GLM-4.5 shared expert gate+up (N = 2 x 1536, K = 5120), UE8M0 scales, 16 rows"),
                c("glm-4.5/gemm/dense-down-int8-decode-1", GemmSpec.of(GemmSpec.Type.INT8_W8A8, 1, 5120, 1536),
                        "GLM-4.5 dense FFN down_proj, TP8 shard (N = 5120, K = 12288 / 8), INT8 W8A8, one row"),
                c("gemm/fp8-odd-n-batched", GemmSpec.fp8Block(DType.F32, 3, 5, 200, 384),
                        "a partial last 128-row weight block, three batch entries"));
    }

    /**
     * Prefill with a value narrower than the key: DeepSeek's MLA prefill (non-absorbed, MHA over the
     * up-projected keys), Dk = qk_nope 128 + qk_rope 64 = 192, Dv = v_head 128, 16 heads of a TP8 shard.
     */
    public static List<ConformanceCase> prefillValueWidth() {
        return List.of(c("deepseek-v3/attention/prefill-mla-dk192-dv128",
                new AttentionSpec.Prefill(List.of(1, 70, 250), 16, 16, 192, 128, true, AttentionSpec.defaultScale(192)),
                "DeepSeek-V3 MLA prefill, Dk 192 / Dv 128, 16 heads (TP8)"));
    }

    private static ConformanceCase c(String id, dev.dayzero.hal.op.OpSpec spec, String origin) {
        return new ConformanceCase(id, spec, seedOf(id), origin);
    }

    /** The input seed of the case with that id. */
    static long seedOf(String id) {
        return SEED ^ id.hashCode();
    }
}
