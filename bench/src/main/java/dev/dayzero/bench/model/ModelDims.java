package dev.dayzero.bench.model;

/**
 * The dimensions of a model's dense GEMMs and layer counts, from {@code config.json}: what the workload needs
 * beyond the attention and the routed experts to list every GEMM of a decode step and to size the weights.
 *
 * @param attentionLayers    layers whose attention Dayzero maps (softmax layers; every layer for MLA and V4)
 * @param denseLayers        layers with a dense FFN instead of experts ({@code first_k_dense_replace},
 *                           {@code mlp_only_layers}, off {@code decoder_sparse_step}; every layer of a dense model)
 * @param denseIntermediate  {@code intermediate_size} of a dense FFN, 0 when absent
 * @param sharedIntermediate total width of the shared experts ({@code shared_expert_intermediate_size}, or
 *                           {@code n_shared_experts × moe_intermediate_size}), 0 when none
 * @param qLoraRank          MLA's {@code q_lora_rank}, 0 when the query is projected directly ({@code q_proj})
 * @param vocabSize          {@code vocab_size}, 0 when absent (no lm_head case)
 * @param mtpLayers          {@code num_nextn_predict_layers}, 0 when none
 * @param tiedEmbeddings     {@code tie_word_embeddings}: the lm_head is the embedding matrix (held once)
 */
public record ModelDims(int attentionLayers, int denseLayers, int denseIntermediate, int sharedIntermediate,
                        int qLoraRank, int vocabSize, int mtpLayers, boolean tiedEmbeddings) {

    /** Dimensions with untied embeddings. */
    public ModelDims(int attentionLayers, int denseLayers, int denseIntermediate, int sharedIntermediate,
                     int qLoraRank, int vocabSize, int mtpLayers) {
        this(attentionLayers, denseLayers, denseIntermediate, sharedIntermediate, qLoraRank, vocabSize, mtpLayers,
                false);
    }

    public ModelDims {
        if (attentionLayers < 0 || denseLayers < 0 || denseIntermediate < 0 || sharedIntermediate < 0 || qLoraRank < 0
                || vocabSize < 0 || mtpLayers < 0) {
            throw new IllegalArgumentException("ModelDims must not be negative");
        }
    }

    /** Dimensions unknown beyond the layer count (models built without them). */
    public static ModelDims unknown(int numLayers) {
        return new ModelDims(numLayers, 0, 0, 0, 0, 0, 0);
    }
}
