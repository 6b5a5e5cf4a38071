package dev.dayzero.bench.model;

import dev.dayzero.hal.op.IndexerSpec;
import java.util.Optional;

/**
 * The softmax attention of a model, normalized from {@code config.json}: DeepSeek's multi-head latent
 * attention (with DeepSeek sparse attention's indexer where the model has one) or grouped-query attention. Head counts are the whole model's; a workload divides them by tp.
 */
public sealed interface AttentionConfig {

    /** Query heads of the whole model. */
    int numHeads();

    /** Width of {@code q·k} per head: the softmax scale's denominator. */
    int qkHeadDim();

    /** Extra factor on the softmax scale (YaRN's mscale², 1 when none). */
    double scaleFactor();

    /** {@code scaleFactor / sqrt(qkHeadDim)}: the scale applied to {@code q·k}. */
    default float softmaxScale() {
        return (float) (scaleFactor() / Math.sqrt(qkHeadDim()));
    }

    /** A short label for summaries. */
    String label();

    /**
     * Why hal-api's indexer spec cannot take an indexer of this shape, or empty when it can: it needs
     * {@code index_n_heads} and {@code index_head_dim}, at most {@link IndexerSpec#MAX_HEADS} heads, and a
     * head width of 32, 64 or 128.
     */
    static Optional<String> indexerLimits(int indexHeads, int indexHeadDim) {
        if (indexHeads == 0 || indexHeadDim == 0) {
            return Optional.of("index_topk is set but " + (indexHeads == 0 ? "index_n_heads" : "index_head_dim")
                    + " is absent, so the indexer's shape is unknown");
        }
        if (indexHeads > IndexerSpec.MAX_HEADS) {
            return Optional.of("index_n_heads " + indexHeads + " exceeds the " + IndexerSpec.MAX_HEADS
                    + " query heads hal-api's indexer spec takes");
        }
        if (indexHeadDim != 32 && indexHeadDim != 64 && indexHeadDim != 128) {
            return Optional.of("index_head_dim " + indexHeadDim + " is not one of the widths hal-api's indexer"
                    + " spec takes (32, 64, 128)");
        }
        return Optional.empty();
    }

    /**
     * Multi-head latent attention (DeepSeek-V2/V3, Kimi-K2, GLM-5). Decode runs absorbed: one latent KV head of
     * {@code kvLoraRank + qkRopeHeadDim} values, the value its first {@code kvLoraRank} columns. Prefill
     * runs un-absorbed: per head {@code q·k} over {@code qkNopeHeadDim + qkRopeHeadDim}, value {@code vHeadDim}
     * (DeepSeek sparse attention prefill runs absorbed too, as FlashMLA's sparse kernel does).
     *
     * <p>DeepSeek sparse attention (DSA: DeepSeek-V3.2, GLM-5) adds the lightning indexer: {@code indexHeads}
     * query heads of {@code indexHeadDim} over one key head, choosing the {@code indexTopk} tokens each
     * query attends.
     *
     * @param indexTopk    tokens each query attends in DeepSeek sparse attention ({@code index_topk}),
     *                     0 for dense MLA
     * @param indexHeads   the indexer's query heads ({@code index_n_heads}), 0 when the config has none
     * @param indexHeadDim the width of an indexer head and key ({@code index_head_dim}), 0 when absent
     */
    record Mla(int numHeads, int kvLoraRank, int qkNopeHeadDim, int qkRopeHeadDim, int vHeadDim, int indexTopk,
               int indexHeads, int indexHeadDim, double scaleFactor) implements AttentionConfig {
        public Mla {
            if (numHeads < 1 || kvLoraRank < 1 || qkNopeHeadDim < 1 || qkRopeHeadDim < 1 || vHeadDim < 1
                    || indexTopk < 0 || indexHeads < 0 || indexHeadDim < 0 || !(scaleFactor > 0)) {
                throw new IllegalArgumentException("Mla dimensions must be positive");
            }
        }

        /** Dense MLA (no sparse attention, no indexer). */
        public static Mla dense(int numHeads, int kvLoraRank, int qkNopeHeadDim, int qkRopeHeadDim, int vHeadDim,
                                double scaleFactor) {
            return new Mla(numHeads, kvLoraRank, qkNopeHeadDim, qkRopeHeadDim, vHeadDim, 0, 0, 0, scaleFactor);
        }

        @Override
        public int qkHeadDim() {
            return qkNopeHeadDim + qkRopeHeadDim;
        }

        /**
         * Width of one cached latent token: {@code kv_lora_rank + qk_rope_head_dim} (576 for DeepSeek-V3 and
         * GLM-5). Absorbed attention (decode, and DSA's sparse prefill) multiplies the query into this latent
         * space, so it is the key width whatever {@code qk_nope_head_dim} is, and {@code kv_lora_rank} is the
         * value width whatever {@code v_head_dim} is.
         */
        public int latentDim() {
            return kvLoraRank + qkRopeHeadDim;
        }

        /** True for DeepSeek sparse attention (DeepSeek-V3.2, GLM-5). */
        public boolean sparse() {
            return indexTopk > 0;
        }

        /**
         * Why hal-api's indexer spec cannot take this model's indexer, or empty when it can: it needs
         * {@code index_n_heads} and {@code index_head_dim}, at most {@link IndexerSpec#MAX_HEADS} heads, and a
         * head width of 32, 64 or 128. Empty for dense MLA too (there is no indexer to leave out).
         */
        public Optional<String> indexerUnsupported() {
            return sparse() ? indexerLimits(indexHeads, indexHeadDim) : Optional.empty();
        }

        /** True when the model has an indexer that hal-api's indexer spec takes. */
        public boolean indexerRuns() {
            return sparse() && indexerUnsupported().isEmpty();
        }

        @Override
        public String label() {
            return (sparse() ? "sparse MLA top-" + indexTopk + " " : "MLA ") + numHeads + " heads (latent "
                    + kvLoraRank + "+" + qkRopeHeadDim + ", qk " + qkHeadDim() + ", v " + vHeadDim
                    + (sparse() && indexHeads > 0 ? ", indexer " + indexHeads + "x" + indexHeadDim : "") + ")";
        }
    }

    /** Grouped-query (or multi-head, when the counts are equal) attention. */
    record Gqa(int numHeads, int numKvHeads, int headDim, double scaleFactor) implements AttentionConfig {
        public Gqa {
            if (numHeads < 1 || numKvHeads < 1 || headDim < 1 || !(scaleFactor > 0)) {
                throw new IllegalArgumentException("Gqa dimensions must be positive");
            }
            if (numHeads % numKvHeads != 0) {
                throw new IllegalArgumentException("Gqa: num_key_value_heads = " + numKvHeads
                        + " must divide num_attention_heads = " + numHeads);
            }
        }

        @Override
        public int qkHeadDim() {
            return headDim;
        }

        @Override
        public String label() {
            return "GQA " + numHeads + "/" + numKvHeads + " heads, head " + headDim;
        }
    }

    /**
     * DeepSeek-V4's attention ({@code model_type deepseek_v4}): one KV head shared by K and V, {@code headDim}
     * wide (448 NoPE + 64 RoPE, rope last; the value is all of it), an attention sink per head, and per layer a
     * compress ratio from {@code compress_ratios}: 0 = sliding window only ({@code sliding_window} tokens),
     * 4 = CSA (the window plus the indexer's top-{@code index_topk} of the context / 4 compressed keys), 128 = HCA
     * (the window plus every one of the context / 128 compressed entries). The query comes from a LoRA
     * ({@code q_lora_rank}); the output goes through {@code o_groups} grouped LoRAs of rank {@code o_lora_rank}.
     *
     * @param numHeads       query heads ({@code num_attention_heads})
     * @param headDim        {@code head_dim} (512)
     * @param ropeDim        {@code qk_rope_head_dim} (64), the last dims of each head
     * @param window         {@code sliding_window} (128)
     * @param indexHeads     the indexer's heads ({@code index_n_heads})
     * @param indexHeadDim   the indexer's width ({@code index_head_dim})
     * @param indexTopk      compressed keys a CSA query keeps ({@code index_topk})
     * @param qLoraRank      {@code q_lora_rank}
     * @param oGroups        {@code o_groups}
     * @param oLoraRank      {@code o_lora_rank}
     * @param slidingLayers  layers with compress ratio 0
     * @param csaLayers      layers with compress ratio 4
     * @param hcaLayers      layers with compress ratio 128
     * @param scaleFactor    extra factor on the softmax scale (1: the config has no mscale_all_dim)
     */
    record V4(int numHeads, int headDim, int ropeDim, int window, int indexHeads, int indexHeadDim, int indexTopk,
              int qLoraRank, int oGroups, int oLoraRank, int slidingLayers, int csaLayers, int hcaLayers,
              double scaleFactor) implements AttentionConfig {
        /** Compress ratio of CSA layers. */
        public static final int CSA_RATIO = 4;
        /** Compress ratio of HCA layers. */
        public static final int HCA_RATIO = 128;

        public V4 {
            if (numHeads < 1 || headDim < 1 || ropeDim < 1 || ropeDim >= headDim || window < 1 || indexTopk < 0
                    || indexHeads < 0 || indexHeadDim < 0 || qLoraRank < 0 || oGroups < 0 || oLoraRank < 0
                    || slidingLayers < 0 || csaLayers < 0 || hcaLayers < 0 || !(scaleFactor > 0)) {
                throw new IllegalArgumentException("V4 attention dimensions must be positive");
            }
            if (slidingLayers + csaLayers + hcaLayers == 0) {
                throw new IllegalArgumentException("V4 attention needs at least one layer");
            }
            if (csaLayers > 0 && indexTopk == 0) {
                throw new IllegalArgumentException("V4 CSA layers need index_topk");
            }
        }

        @Override
        public int qkHeadDim() {
            return headDim;
        }

        /** Layers of each type, in the order sliding, CSA, HCA, as {@code "2 sliding-window, 21 CSA, 20 HCA"}. */
        public String layerCounts() {
            return slidingLayers + " sliding-window, " + csaLayers + " CSA, " + hcaLayers + " HCA";
        }

        /**
         * Why hal-api's indexer spec cannot take this model's CSA indexer, or empty when it can (the same
         * limits as {@link Mla#indexerUnsupported()}); empty without CSA layers.
         */
        public Optional<String> indexerUnsupported() {
            if (csaLayers == 0) {
                return Optional.empty();
            }
            return indexerLimits(indexHeads, indexHeadDim);
        }

        @Override
        public String label() {
            return "V4 shared-KV attention " + numHeads + " heads, head " + headDim + " (rope " + ropeDim + "), window "
                    + window + ", " + layerCounts() + " layers" + (csaLayers > 0 ? ", CSA top-" + indexTopk
                    + " indexer " + indexHeads + "x" + indexHeadDim : "");
        }
    }
}
