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
            if (!sparse()) {
                return Optional.empty();
            }
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
}
