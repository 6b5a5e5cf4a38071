package dev.dayzero.tck;

import dev.dayzero.hal.DType;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.IndexerSpec.KeyType;
import dev.dayzero.hal.op.KvCacheType;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import java.util.List;

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

    private static ConformanceCase c(String id, dev.dayzero.hal.op.OpSpec spec, String origin) {
        return new ConformanceCase(id, spec, seedOf(id), origin);
    }

    /** The input seed of the case with that id. */
    static long seedOf(String id) {
        return SEED ^ id.hashCode();
    }
}
