package dev.dayzero.bench.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A model as the workload layer sees it: the dimensions of its hot operators, normalized from a Hugging
 * Face {@code config.json} (a preset's or the user's), how it is usually deployed, and the operators it
 * has that Dayzero cannot run. Built by {@link ModelConfigs}; presets come from {@link Presets}.
 *
 * @param id           stable id used in case ids ({@code deepseek-v3})
 * @param displayName  human name ({@code DeepSeek-V3 / R1})
 * @param architecture {@code architectures[0]}, else {@code model_type}
 * @param modelType    {@code model_type} (empty when absent)
 * @param source       where the config came from (a file path or a preset resource)
 * @param hiddenSize   {@code hidden_size}
 * @param numLayers    {@code num_hidden_layers}
 * @param attention    the softmax attention, absent when every layer is of a kind Dayzero cannot map
 * @param moe          the routed experts, absent for a dense FFN
 * @param quant        how the checkpoint stores expert weights
 * @param deployment   the default parallelism and page size
 * @param leftOut      operators of the model that no workload will contain, with the reason
 * @param notes        assumptions made while reading the config (defaults taken, fields derived)
 * @param dims         dense-GEMM dimensions and layer counts (dense FFN, shared experts, q_lora, vocab, MTP)
 */
public record ModelConfig(String id, String displayName, String architecture, String modelType, String source,
                          int hiddenSize, int numLayers, Optional<AttentionConfig> attention,
                          Optional<MoeConfig> moe, QuantConfig quant, Deployment deployment,
                          List<LeftOut> leftOut, List<String> notes, ModelDims dims) {

    public ModelConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(attention, "attention");
        Objects.requireNonNull(moe, "moe");
        Objects.requireNonNull(quant, "quant");
        Objects.requireNonNull(deployment, "deployment");
        if (!id.matches("[a-z0-9][a-z0-9._-]*")) {
            throw new IllegalArgumentException("ModelConfig.id must be lower-case letters, digits, '.', '_' or '-', got '"
                    + id + "'");
        }
        if (hiddenSize < 1 || numLayers < 1) {
            throw new IllegalArgumentException("ModelConfig hiddenSize and numLayers must be positive");
        }
        if (attention.isEmpty() && moe.isEmpty()) {
            throw new IllegalArgumentException("ModelConfig " + id + " maps no operator");
        }
        displayName = displayName == null || displayName.isBlank() ? id : displayName;
        modelType = modelType == null ? "" : modelType;
        source = source == null ? "" : source;
        leftOut = List.copyOf(leftOut);
        notes = List.copyOf(notes);
        dims = dims == null ? ModelDims.unknown(numLayers) : dims;
    }

    /** A model without dense-GEMM dimensions (no dense GEMM cases). */
    public ModelConfig(String id, String displayName, String architecture, String modelType, String source,
                       int hiddenSize, int numLayers, Optional<AttentionConfig> attention, Optional<MoeConfig> moe,
                       QuantConfig quant, Deployment deployment, List<LeftOut> leftOut, List<String> notes) {
        this(id, displayName, architecture, modelType, source, hiddenSize, numLayers, attention, moe, quant, deployment,
                leftOut, notes, null);
    }

    /** The same model under another id, name and deployment (presets and aliases). */
    public ModelConfig withIdentity(String newId, String newDisplayName, Deployment newDeployment) {
        return new ModelConfig(newId, newDisplayName, architecture, modelType, source, hiddenSize, numLayers, attention,
                moe, quant, newDeployment, leftOut, notes, dims);
    }

    /** The same model with its checkpoint read as {@code newQuant} ({@code --expert-dtype}). */
    public ModelConfig withQuant(QuantConfig newQuant) {
        return new ModelConfig(id, displayName, architecture, modelType, source, hiddenSize, numLayers, attention,
                moe, newQuant, deployment, leftOut, notes, dims);
    }

    /**
     * One line of key dimensions for {@code dayzero models}, e.g. {@code deepseek-v3  DeepseekV3ForCausalLM:
     * MLA 128 heads (latent 512+64, qk 192, v 128); MoE 256 experts top-8, I=2048; hidden 7168, 61 layers;
     * FP8 block 128x128 (F32 scales); default tp1-ep32, page 64}.
     */
    public String summary() {
        StringBuilder s = new StringBuilder();
        s.append(id).append("  ").append(architecture).append(": ");
        s.append(attention.map(AttentionConfig::label).orElse("no mapped attention"));
        s.append("; ");
        s.append(moe.map(m -> "MoE " + m.experts() + " experts top-" + m.topk() + ", I=" + m.intermediateSize()
                + (m.sharedExperts() > 0 ? " +" + m.sharedExperts() + " shared" : "")).orElse("dense FFN"));
        s.append("; hidden ").append(hiddenSize).append(", ").append(numLayers).append(" layers; ");
        s.append(quant.label());
        s.append("; default ").append(deployment.label()).append(", page ").append(deployment.pageSize());
        if (!leftOut.isEmpty()) {
            s.append("; ").append(leftOut.size()).append(" operator").append(leftOut.size() == 1 ? "" : "s")
                    .append(" left out");
        }
        return s.toString();
    }
}
