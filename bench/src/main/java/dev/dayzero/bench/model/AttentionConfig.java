package dev.dayzero.bench.model;

/**
 * The softmax attention of a model, normalized from {@code config.json}: DeepSeek's multi-head latent
 * attention or grouped-query attention. Head counts are the whole model's; a workload divides them by tp.
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
     * Multi-head latent attention (DeepSeek-V2/V3, Kimi-K2). Decode runs absorbed: one latent KV head of
     * {@code kvLoraRank + qkRopeHeadDim} values, the value its first {@code kvLoraRank} columns. Prefill
     * runs un-absorbed: per head {@code q·k} over {@code qkNopeHeadDim + qkRopeHeadDim}, value {@code vHeadDim}.
     *
     * @param indexTopk tokens each query attends in DeepSeek-V3.2's sparse attention ({@code index_topk}),
     *                  0 for dense MLA
     */
    record Mla(int numHeads, int kvLoraRank, int qkNopeHeadDim, int qkRopeHeadDim, int vHeadDim, int indexTopk,
               double scaleFactor) implements AttentionConfig {
        public Mla {
            if (numHeads < 1 || kvLoraRank < 1 || qkNopeHeadDim < 1 || qkRopeHeadDim < 1 || vHeadDim < 1
                    || indexTopk < 0 || !(scaleFactor > 0)) {
                throw new IllegalArgumentException("Mla dimensions must be positive");
            }
        }

        @Override
        public int qkHeadDim() {
            return qkNopeHeadDim + qkRopeHeadDim;
        }

        /** Width of one cached latent token: {@code kv_lora_rank + qk_rope_head_dim} (576 for DeepSeek-V3). */
        public int latentDim() {
            return kvLoraRank + qkRopeHeadDim;
        }

        /** True for DeepSeek-V3.2's sparse attention. */
        public boolean sparse() {
            return indexTopk > 0;
        }

        @Override
        public String label() {
            return (sparse() ? "sparse MLA top-" + indexTopk + " " : "MLA ") + numHeads + " heads (latent "
                    + kvLoraRank + "+" + qkRopeHeadDim + ", qk " + qkHeadDim() + ", v " + vHeadDim + ")";
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
