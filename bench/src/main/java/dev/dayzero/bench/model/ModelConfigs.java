package dev.dayzero.bench.model;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dayzero.hal.DType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Reads a Hugging Face {@code config.json} as released into a {@link ModelConfig}. The same parser reads
 * the presets' configs and the user's.
 *
 * <h2>What it reads</h2>
 * <ul>
 *   <li>a nested {@code text_config} (multimodal wrappers) before the top level; unknown fields are ignored;</li>
 *   <li>attention: MLA when {@code kv_lora_rank} is present ({@code num_attention_heads},
 *       {@code qk_nope_head_dim}, {@code qk_rope_head_dim}, {@code v_head_dim}; {@code index_topk} makes it
 *       DeepSeek sparse attention as in DeepSeek-V3.2 ({@code deepseek_v32}) and GLM-5 ({@code glm_moe_dsa}),
 *       with the lightning indexer's {@code index_n_heads} and {@code index_head_dim}; an indexer hal-api's
 *       spec cannot take (more than 64 heads, a width other than 32, 64 or 128, a field absent) is listed as
 *       left out, not refused); otherwise GQA from {@code num_attention_heads},
 *       {@code num_key_value_heads} (absent: equal to the heads, as transformers defaults) and
 *       {@code head_dim} (absent: {@code hidden_size / num_attention_heads}). YaRN's {@code mscale_all_dim}
 *       multiplies an MLA softmax scale by {@code (0.1·mscale_all_dim·ln(factor) + 1)²}, as transformers
 *       and vLLM do;</li>
 *   <li>hybrid layers: {@code layer_types} ({@code linear_attention}, {@code sliding_attention}),
 *       {@code attn_type_list} (MiniMax: 0 = lightning linear attention) and {@code full_attention_interval}
 *       (Qwen3-Next) — the softmax layers are mapped, the rest listed as left out;</li>
 *   <li>experts: {@code n_routed_experts} / {@code num_experts} / {@code num_local_experts},
 *       {@code num_experts_per_tok}, {@code moe_intermediate_size} (for {@code num_local_experts} configs
 *       without it — Mixtral, MiniMax — {@code intermediate_size} is the expert width);</li>
 *   <li>{@code quantization_config}: {@code quant_method fp8} with {@code fmt e4m3} (or {@code float8_e4m3fn})
 *       and {@code weight_block_size [128, 128]} is FP8 block quantization; {@code scale_fmt ue8m0} gives
 *       UE8M0 activation scales, otherwise F32.</li>
 * </ul>
 * A config that maps neither attention nor experts fails closed, naming its architecture and the fields
 * Dayzero would need. Bad values throw {@link ModelConfigException} naming the file and the field.
 */
public final class ModelConfigs {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Page size of FlashMLA's paged latent cache (it supports only 64). */
    public static final int MLA_PAGE_SIZE = 64;
    /** vLLM's default KV block size for paged GQA. */
    public static final int GQA_PAGE_SIZE = 16;

    private static final String NEEDED = "Dayzero maps softmax attention (num_attention_heads with num_key_value_heads"
            + " and head_dim, or MLA's kv_lora_rank, qk_nope_head_dim, qk_rope_head_dim, v_head_dim) and routed"
            + " experts (n_routed_experts | num_experts | num_local_experts with num_experts_per_tok and"
            + " moe_intermediate_size)";

    private ModelConfigs() {
    }

    /**
     * Loads a {@code config.json}, or the {@code config.json} in a directory. The model's id is the
     * directory's name (or the file's, without {@code .json}) in lower case; its deployment is one device.
     */
    public static ModelConfig load(Path configJsonOrDir) {
        Path file = Files.isDirectory(configJsonOrDir) ? configJsonOrDir.resolve("config.json") : configJsonOrDir;
        if (!Files.isRegularFile(file)) {
            throw new ModelConfigException(file + ": no such file; expected a config.json or a directory holding one");
        }
        JsonNode root;
        try (InputStream in = Files.newInputStream(file)) {
            root = read(in, file.toString());
        } catch (IOException e) {
            throw new ModelConfigException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        String name = nameOf(file);
        return parse(root, file.toString(), idOf(name, root), name, null);
    }

    /** Reads JSON, turning a syntax error into one line naming the file, line and column. */
    static JsonNode read(InputStream in, String file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new ModelConfigException(file + ": malformed JSON" + where + ": " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelConfigException(file + ": expected a JSON object (a config.json), got "
                    + (root == null || root.isMissingNode() ? "an empty file" : root.getNodeType().toString().toLowerCase(Locale.ROOT)));
        }
        return root;
    }

    private static String nameOf(Path file) {
        String fileName = file.getFileName().toString();
        if (fileName.equals("config.json") && file.toAbsolutePath().getParent() != null
                && file.toAbsolutePath().getParent().getFileName() != null) {
            return file.toAbsolutePath().getParent().getFileName().toString();
        }
        return fileName.endsWith(".json") ? fileName.substring(0, fileName.length() - 5) : fileName;
    }

    private static String idOf(String name, JsonNode root) {
        String id = sanitize(name);
        if (id.isEmpty()) {
            JsonNode mt = root.get("model_type");
            id = mt != null && mt.isTextual() ? sanitize(mt.textValue()) : "";
        }
        return id.isEmpty() ? "model" : id;
    }

    static String sanitize(String s) {
        String id = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-");
        return id.replaceAll("^[^a-z0-9]+", "").replaceAll("-+$", "");
    }

    /**
     * Maps a parsed {@code config.json}.
     *
     * @param root        the JSON object
     * @param file        its name for messages
     * @param id          the model id
     * @param displayName the human name
     * @param deployment  the default deployment, or null for one device with the attention's page size
     */
    static ModelConfig parse(JsonNode root, String file, String id, String displayName, Deployment deployment) {
        ConfigFields f = new ConfigFields(file, root);
        List<LeftOut> leftOut = new ArrayList<>();
        List<String> notes = new ArrayList<>();

        String modelType = f.string("model_type").orElse("");
        String architecture = archOf(root, f, modelType);

        Optional<AttentionConfig> attention = Optional.empty();
        boolean v4 = f.has("compress_ratios");
        // Layers: which are softmax attention and which are not (DeepSeek-V4 types its layers by compress ratio).
        Layers layers = v4 ? new Layers(0, 0, 0, 0, 0) : layers(f, leftOut);
        boolean attentionFields = f.has("kv_lora_rank") || f.has("num_attention_heads");
        Optional<String> unknownAttention = v4 ? Optional.empty() : unknownAttentionMarker(f);
        if (v4) {
            attention = Optional.of(v4Attention(f, notes, leftOut));
        } else if (unknownAttention.isPresent()) {
            leftOut.add(new LeftOut("attention", unknownAttention.get()));
        } else if (layers.softmax == 0 && layers.total > 0) {
            leftOut.add(new LeftOut("attention", "no layer uses softmax attention (" + layers.describe() + ")"));
        } else if (attentionFields) {
            int hidden = f.requirePositive("the model", "hidden_size");
            attention = Optional.of(attention(f, hidden, notes, leftOut));
        }

        Optional<MoeConfig> moe = moe(f, leftOut, notes);

        if (attention.isEmpty() && moe.isEmpty()) {
            String why = leftOut.isEmpty() ? "this config has none of them"
                    : "here: " + String.join("; ", leftOut.stream().map(LeftOut::toString).toList());
            throw new ModelConfigException(file + ": cannot map architecture " + architecture
                    + (modelType.isEmpty() || modelType.equals(architecture) ? "" : " (model_type " + modelType + ")")
                    + "; " + NEEDED + "; " + why);
        }

        int hidden = f.requirePositive("the model", "hidden_size");
        int numLayers = f.requirePositive("the model", "num_hidden_layers", "n_layers", "num_layers");
        QuantConfig quant = expertWeights(f, quant(f, moe.isPresent(), leftOut), v4, moe.isPresent(), notes);

        if (moe.isEmpty()) {
            OptionalInt inter = f.positiveInt("intermediate_size", "ffn_hidden_size");
            leftOut.add(new LeftOut("dense-ffn", "the FFN is dense" + (inter.isPresent() ? " (intermediate_size "
                    + inter.getAsInt() + ")" : "") + ": a plain GEMM, run as the workload's dense GEMM cases (gemm-*)"));
        }
        leftOut.add(new LeftOut("dense-projections", "attention projections"
                + (attention.orElse(null) instanceof AttentionConfig.Mla m ? " (MLA's q_a, q_b, kv_a, kv_b / absorbed, o"
                + (m.sparse() ? "; the indexer's wq_b, wk and weights_proj" : "") + ")"
                : attention.orElse(null) instanceof AttentionConfig.V4 ? " (DeepSeek-V4's wq_a, wq_b, wkv, wo_b; the"
                + " indexer's and the compressors' projections)"
                : " (q, k, v, o)") + ", the router and lm_head are plain GEMMs, run as the workload's dense GEMM cases (gemm-*)"));

        Deployment dep = deployment != null ? deployment : new Deployment(1, 1,
                attention.orElse(null) instanceof AttentionConfig.Gqa || attention.isEmpty() ? GQA_PAGE_SIZE : MLA_PAGE_SIZE,
                "a config.json without preset: one device (tp1, ep1); pass tp / ep for a deployment");
        return new ModelConfig(id, displayName, architecture, modelType, file, hidden, numLayers, attention, moe, quant,
                dep, leftOut, notes, dims(f, attention, moe, layers, numLayers));
    }

    /**
     * The dense-GEMM dimensions: attention layers (the softmax layers of a hybrid), dense-FFN layers
     * ({@code first_k_dense_replace}; else {@code mlp_only_layers} and layers off {@code decoder_sparse_step},
     * a layer {@code i} being sparse when {@code (i + 1) % step == 0}; every layer of a dense model),
     * {@code intermediate_size}, the shared experts' total width, {@code q_lora_rank}, {@code vocab_size},
     * {@code num_nextn_predict_layers}.
     */
    private static ModelDims dims(ConfigFields f, Optional<AttentionConfig> attention, Optional<MoeConfig> moe,
                                  Layers layers, int numLayers) {
        int attn = attention.isEmpty() ? 0 : layers.total > 0 ? Math.min(layers.softmax, numLayers) : numLayers;
        int dense;
        if (moe.isEmpty()) {
            dense = numLayers;
        } else {
            int first = f.nonNegativeInt("first_k_dense_replace").orElse(0);
            List<Integer> mlpOnly = f.ints("mlp_only_layers").orElse(List.of());
            int step = f.positiveInt("decoder_sparse_step").orElse(1);
            if (first > 0) {
                dense = Math.min(first, numLayers);
            } else {
                dense = 0;
                for (int i = 0; i < numLayers; i++) {
                    if (mlpOnly.contains(i) || (step > 1 && (i + 1) % step != 0)) {
                        dense++;
                    }
                }
            }
        }
        int inter = f.positiveInt("intermediate_size", "ffn_hidden_size").orElse(0);
        int shared = moe.map(MoeConfig::sharedExperts).orElse(0);
        int sharedInter = shared == 0 ? 0 : f.positiveInt("shared_expert_intermediate_size")
                .orElse(shared * moe.get().intermediateSize());
        return new ModelDims(attn, dense, inter, sharedInter, f.positiveInt("q_lora_rank").orElse(0),
                f.positiveInt("vocab_size").orElse(0), f.nonNegativeInt("num_nextn_predict_layers").orElse(0),
                f.bool("tie_word_embeddings").orElse(false));
    }

    private static String archOf(JsonNode root, ConfigFields f, String modelType) {
        JsonNode a = root.get("architectures");
        if (a != null && a.isArray() && a.size() > 0 && a.get(0).isTextual()) {
            return a.get(0).textValue();
        }
        Optional<String> nested = f.firstString("architectures");
        if (nested.isPresent()) {
            return nested.get();
        }
        return modelType.isEmpty() ? "unknown architecture" : modelType;
    }

    /** Counts of layer kinds. */
    private record Layers(int total, int softmax, int linear, int sliding, int other) {
        String describe() {
            List<String> parts = new ArrayList<>();
            if (softmax > 0) {
                parts.add(softmax + " softmax");
            }
            if (linear > 0) {
                parts.add(linear + " linear-attention");
            }
            if (sliding > 0) {
                parts.add(sliding + " sliding-window");
            }
            if (other > 0) {
                parts.add(other + " other");
            }
            return String.join(", ", parts) + " of " + total + " layers";
        }
    }

    private static Layers layers(ConfigFields f, List<LeftOut> leftOut) {
        int total = f.positiveInt("num_hidden_layers", "n_layers", "num_layers").orElse(0);
        Optional<List<String>> types = f.strings("layer_types");
        Optional<List<Integer>> attnTypes = f.ints("attn_type_list");
        Optional<List<String>> blockTypes = f.strings("layers_block_type");
        OptionalInt interval = f.positiveInt("full_attention_interval");
        int softmax = total;
        int linear = 0;
        int sliding = 0;
        int other = 0;
        String linearKind = "linear attention";
        if (types.isPresent()) {
            softmax = 0;
            for (String t : types.get()) {
                switch (t) {
                    case "full_attention", "attention" -> softmax++;
                    case "linear_attention" -> linear++;
                    case "sliding_attention" -> sliding++;
                    default -> other++;
                }
            }
            total = types.get().size();
            linearKind = "linear attention (e.g. Qwen3-Next's gated delta net)";
        } else if (attnTypes.isPresent()) {
            softmax = 0;
            for (int t : attnTypes.get()) {
                if (t == 1) {
                    softmax++;
                } else if (t == 0) {
                    linear++;
                } else {
                    other++;
                }
            }
            total = attnTypes.get().size();
            linearKind = "MiniMax lightning attention (attn_type_list 0)";
        } else if (blockTypes.isPresent()) {
            softmax = 0;
            for (String t : blockTypes.get()) {
                if (t.equals("attention")) {
                    softmax++;
                } else {
                    other++;
                }
            }
            total = blockTypes.get().size();
        } else if (interval.isPresent() && total > 0) {
            softmax = total / interval.getAsInt();
            linear = total - softmax;
            linearKind = "linear attention (full_attention_interval " + interval.getAsInt() + "; Qwen3-Next's gated delta net)";
        }
        if (linear > 0) {
            leftOut.add(new LeftOut("linear-attention", linear + " of " + total + " layers use " + linearKind
                    + ", a recurrent state update with no hal-api spec; only the softmax-attention layers are run"));
        }
        if (sliding > 0) {
            leftOut.add(new LeftOut("sliding-window-attention", sliding + " of " + total
                    + " layers use sliding-window attention; hal-api's attention specs have no window, so only the"
                    + " full-attention layers are run"));
        }
        if (other > 0) {
            leftOut.add(new LeftOut("other-layers", other + " of " + total
                    + " layers are of a kind Dayzero does not know (not softmax attention); they are not run"));
        }
        return new Layers(total, softmax, linear, sliding, other);
    }

    /** Attention variants Dayzero would silently mis-map as MLA or GQA. */
    private static Optional<String> unknownAttentionMarker(ConfigFields f) {
        List<String> markers = new ArrayList<>();
        for (String name : List.of("compress_ratios", "o_lora_rank", "hc_mult")) {
            if (f.has(name)) {
                markers.add(name);
            }
        }
        if (markers.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("this attention has fields no mapped variant has (" + String.join(", ", markers)
                + "; compressed / grouped-output attention as in DeepSeek-V4): no hal-api spec, not guessed as MLA or GQA");
    }

    private static AttentionConfig attention(ConfigFields f, int hidden, List<String> notes, List<LeftOut> leftOut) {
        if (f.has("kv_lora_rank")) {
            String why = "MLA (kv_lora_rank is set)";
            int heads = f.requirePositive(why, "num_attention_heads");
            int rank = f.requirePositive(why, "kv_lora_rank");
            int nope = f.requirePositive(why, "qk_nope_head_dim");
            int rope = f.requirePositive(why, "qk_rope_head_dim");
            int v = f.requirePositive(why, "v_head_dim");
            // DeepSeek sparse attention (DeepSeek-V3.2, GLM-5): each field, when present, must be positive
            int topk = f.positiveInt("index_topk").orElse(0);
            int indexHeads = f.positiveInt("index_n_heads").orElse(0);
            int indexDim = f.positiveInt("index_head_dim").orElse(0);
            double factor = yarnMscaleSquared(f, notes);
            AttentionConfig.Mla mla = new AttentionConfig.Mla(heads, rank, nope, rope, v, topk, indexHeads, indexDim,
                    factor);
            mla.indexerUnsupported().ifPresent(reason -> leftOut.add(new LeftOut("indexer-topk", "the lightning indexer"
                    + " of DeepSeek sparse attention is not run: " + reason + "; the sparse attention runs on top-"
                    + topk + " indices the kit draws")));
            return mla;
        }
        String why = "attention (num_attention_heads is set)";
        int heads = f.requirePositive(why, "num_attention_heads");
        OptionalInt kv = f.positiveInt("num_key_value_heads", "num_kv_heads", "multi_query_group_num");
        int kvHeads;
        if (kv.isPresent()) {
            kvHeads = kv.getAsInt();
        } else {
            kvHeads = heads;
            notes.add("num_key_value_heads absent: multi-head attention (" + heads + " KV heads), as transformers defaults");
        }
        if (heads % kvHeads != 0) {
            throw new ModelConfigException(f.file() + ": num_key_value_heads = " + kvHeads
                    + " must divide num_attention_heads = " + heads);
        }
        OptionalInt hd = f.positiveInt("head_dim");
        int headDim;
        if (hd.isPresent()) {
            headDim = hd.getAsInt();
        } else {
            if (hidden % heads != 0) {
                throw new ModelConfigException(f.file() + ": head_dim is missing and hidden_size = " + hidden
                        + " is not a multiple of num_attention_heads = " + heads + "; set head_dim");
            }
            headDim = hidden / heads;
            notes.add("head_dim absent: hidden_size / num_attention_heads = " + headDim);
        }
        return new AttentionConfig.Gqa(heads, kvHeads, headDim, 1.0);
    }

    /**
     * DeepSeek-V4 ({@code compress_ratios} present): layer types from the first {@code num_hidden_layers}
     * entries of {@code compress_ratios} (later entries are the MTP layers' placeholders), 0 = sliding window,
     * 4 = CSA, 128 = HCA; the operators no spec covers are listed as left out with their reasons.
     */
    private static AttentionConfig v4Attention(ConfigFields f, List<String> notes, List<LeftOut> leftOut) {
        String why = "DeepSeek-V4 attention (compress_ratios is set)";
        int layers = f.requirePositive(why, "num_hidden_layers");
        List<Integer> ratios = f.ints("compress_ratios").orElseThrow();
        if (ratios.size() < layers) {
            throw new ModelConfigException(f.file() + ": compress_ratios has " + ratios.size() + " entries, fewer than"
                    + " the " + layers + " layers of num_hidden_layers");
        }
        if (ratios.size() > layers) {
            notes.add("compress_ratios has " + ratios.size() + " entries for " + layers + " layers: the last "
                    + (ratios.size() - layers) + " (the MTP layers') are not run");
        }
        int sliding = 0;
        int csa = 0;
        int hca = 0;
        List<String> unknown = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            int r = ratios.get(i);
            if (r == 0) {
                sliding++;
            } else if (r == AttentionConfig.V4.CSA_RATIO) {
                csa++;
            } else if (r == AttentionConfig.V4.HCA_RATIO) {
                hca++;
            } else {
                unknown.add("layer " + i + ": " + r);
            }
        }
        if (!unknown.isEmpty()) {
            leftOut.add(new LeftOut("other-compress-ratios", unknown.size() + " of " + layers + " layers have a"
                    + " compress ratio other than 0 (sliding window), 4 (CSA) or 128 (HCA) (" + String.join(", ",
                    unknown.subList(0, Math.min(4, unknown.size()))) + (unknown.size() > 4 ? ", ..." : "")
                    + "); Dayzero knows no attention for them, they are not run"));
        }
        if (sliding + csa + hca == 0) {
            throw new ModelConfigException(f.file() + ": no layer of compress_ratios is 0, 4 or 128; " + why
                    + " needs at least one layer Dayzero can map");
        }
        int heads = f.requirePositive(why, "num_attention_heads");
        int kvHeads = f.positiveInt("num_key_value_heads").orElse(1);
        if (kvHeads != 1) {
            throw new ModelConfigException(f.file() + ": num_key_value_heads = " + kvHeads + "; " + why
                    + " shares one KV head between K and V");
        }
        int headDim = f.requirePositive(why, "head_dim");
        int rope = f.requirePositive(why, "qk_rope_head_dim");
        int window = f.requirePositive(why, "sliding_window");
        int topk = csa > 0 ? f.requirePositive(why + " with CSA layers", "index_topk") : f.positiveInt("index_topk").orElse(0);
        int indexHeads = f.positiveInt("index_n_heads").orElse(0);
        int indexDim = f.positiveInt("index_head_dim").orElse(0);
        int qLora = f.positiveInt("q_lora_rank").orElse(0);
        int oGroups = f.positiveInt("o_groups").orElse(0);
        int oLora = f.positiveInt("o_lora_rank").orElse(0);
        AttentionConfig.V4 a = new AttentionConfig.V4(heads, headDim, rope, window, indexHeads, indexDim, topk, qLora,
                oGroups, oLora, sliding, csa, hca, yarnMscaleSquared(f, notes));
        a.indexerUnsupported().ifPresent(reason -> leftOut.add(new LeftOut("indexer-topk", "the CSA layers' lightning"
                + " indexer is not run: " + reason + "; their attention runs on top-" + topk + " indices the kit draws")));
        if (csa + hca > 0) {
            leftOut.add(new LeftOut("kv-compressor", "the compressors of the " + (csa + hca) + " CSA / HCA layers"
                    + " (a gated softmax pooling of every 4 or 128 tokens' projected keys, with its own RMS norm and RoPE,"
                    + " writing one compressed entry) have no hal-api spec"));
        }
        f.positiveInt("hc_mult").ifPresent(hc -> leftOut.add(new LeftOut("hyper-connections", "the manifold-constrained"
                + " hyper-connections (hc_mult " + hc + ": " + hc + " residual streams mixed by a Sinkhorn-normalised"
                + " matrix before and after attention and MoE) have no hal-api spec")));
        if (oGroups > 0) {
            leftOut.add(new LeftOut("grouped-output-lora", "the grouped output LoRA (o_groups " + oGroups
                    + ", o_lora_rank " + oLora + ": a batched GEMM per group) runs as the workload's batched dense GEMM"
                    + " case (gemm-wo-a-grouped)"));
        }
        f.string("scoring_func").filter(s -> s.equals("sqrtsoftplus")).ifPresent(s -> leftOut.add(new LeftOut(
                "router-sqrt-softplus", "the router (a GEMM to the expert logits, sqrt(softplus) scores, bias-corrected"
                + " top-k) has no hal-api spec; the MoE GEMMs run on the routing Dayzero draws")));
        f.positiveInt("num_hash_layers").ifPresent(n -> notes.add("the first " + n + " MoE layers route by a hash of"
                + " the token id (num_hash_layers): the same expert GEMMs, another routing"));
        return a;
    }

    /**
     * The routed experts' weight format: {@code expert_dtype} (top level or under {@code quantization_config};
     * {@code fp4} = MXFP4, {@code fp8} = the checkpoint's FP8 block recipe, {@code bf16}); for DeepSeek-V4
     * ({@code compress_ratios}) without it, MXFP4, as the DeepSeek-V4-Flash release stores its experts.
     */
    private static QuantConfig expertWeights(ConfigFields f, QuantConfig q, boolean v4, boolean hasMoe,
                                             List<String> notes) {
        Optional<String> declared = f.string("expert_dtype");
        if (declared.isEmpty()) {
            declared = f.object("quantization_config").map(ConfigFields.Field::node)
                    .flatMap(n -> text(n, "expert_dtype"));
        }
        if (declared.isPresent()) {
            try {
                return q.withExperts(QuantConfig.ExpertWeights.parse(declared.get()));
            } catch (IllegalArgumentException e) {
                throw new ModelConfigException(f.file() + ": expert_dtype: " + e.getMessage());
            }
        }
        if (v4 && hasMoe) {
            notes.add("expert_dtype absent: MXFP4 experts, as the DeepSeek-V4-Flash release stores them"
                    + " (--expert-dtype fp8 for V4-Flash-Base's FP8 experts)");
            return q.withExperts(QuantConfig.ExpertWeights.MXFP4);
        }
        return q;
    }

    /** YaRN's softmax correction for MLA: {@code mscale(factor, mscale_all_dim)²}, 1 without YaRN. */
    private static double yarnMscaleSquared(ConfigFields f, List<String> notes) {
        Optional<ConfigFields.Field> rs = f.object("rope_scaling", "rope_parameters");
        if (rs.isEmpty()) {
            return 1.0;
        }
        JsonNode n = rs.get().node();
        String type = text(n, "type").orElse(text(n, "rope_type").orElse(""));
        if (!type.equals("yarn")) {
            return 1.0;
        }
        double factor = n.path("factor").asDouble(1.0);
        double all = n.path("mscale_all_dim").asDouble(0.0);
        if (factor <= 1.0 || all <= 0.0) {
            return 1.0;
        }
        double m = 0.1 * all * Math.log(factor) + 1.0;
        notes.add(String.format(Locale.ROOT, "softmax scale x %.4f: YaRN mscale(factor %s, mscale_all_dim %s)^2",
                m * m, trim(factor), trim(all)));
        return m * m;
    }

    private static Optional<String> text(JsonNode n, String name) {
        JsonNode v = n.get(name);
        return v != null && v.isTextual() ? Optional.of(v.textValue()) : Optional.empty();
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static Optional<MoeConfig> moe(ConfigFields f, List<LeftOut> leftOut, List<String> notes) {
        Optional<ConfigFields.Field> expertsField = f.find("n_routed_experts", "num_experts", "num_local_experts");
        if (expertsField.isEmpty()) {
            return Optional.empty();
        }
        int experts = f.positive(expertsField.get());
        if (experts == 1) {
            notes.add(expertsField.get().path() + " = 1: a dense FFN");
            return Optional.empty();
        }
        String why = "a mixture of experts (" + expertsField.get().path() + " = " + experts + ")";
        int topk = f.requirePositive(why, "num_experts_per_tok", "moe_topk", "top_k");
        if (topk > experts) {
            throw new ModelConfigException(f.file() + ": num_experts_per_tok = " + topk + " exceeds the " + experts
                    + " experts of " + expertsField.get().path());
        }
        OptionalInt moeInter = f.positiveInt("moe_intermediate_size", "expert_intermediate_size");
        int inter;
        if (moeInter.isPresent()) {
            inter = moeInter.getAsInt();
        } else if (expertsField.get().path().endsWith("num_local_experts")) {
            inter = f.requirePositive(why, "intermediate_size");
            notes.add("expert width from intermediate_size (" + inter + "), as num_local_experts configs (Mixtral, MiniMax) use it");
        } else {
            throw f.missing(why, "moe_intermediate_size");
        }
        int shared = f.nonNegativeInt("n_shared_experts", "num_shared_experts").orElse(0);
        OptionalInt sharedInter = f.positiveInt("shared_expert_intermediate_size");
        if (shared == 0 && sharedInter.isPresent()) {
            shared = 1;
        }
        if (shared > 0) {
            int width = sharedInter.orElse(inter * shared);
            leftOut.add(new LeftOut("shared-expert", shared + " shared expert" + (shared == 1 ? "" : "s")
                    + " (intermediate " + width + ") run on every token: a plain GEMM, run as the workload's dense GEMM cases (gemm-*)"));
        }
        int denseLayers = f.nonNegativeInt("first_k_dense_replace").orElse(0);
        Optional<List<Integer>> mlpOnly = f.ints("mlp_only_layers");
        int step = f.positiveInt("decoder_sparse_step").orElse(1);
        if (denseLayers > 0 || (mlpOnly.isPresent() && !mlpOnly.get().isEmpty()) || step > 1) {
            String which = denseLayers > 0 ? "the first " + denseLayers + " layers (first_k_dense_replace)"
                    : step > 1 ? "layers off decoder_sparse_step " + step : "mlp_only_layers " + mlpOnly.get();
            leftOut.add(new LeftOut("dense-ffn-layers", which + " use a dense FFN"
                    + f.positiveInt("intermediate_size").stream().mapToObj(i -> " (intermediate_size " + i + ")").findFirst().orElse("")
                    + ": a plain GEMM, run as the workload's dense GEMM cases (gemm-*)"));
        }
        return Optional.of(new MoeConfig(experts, topk, inter, shared));
    }

    private static QuantConfig quant(ConfigFields f, boolean hasMoe, List<LeftOut> leftOut) {
        Optional<ConfigFields.Field> qc = f.object("quantization_config");
        if (qc.isEmpty()) {
            return QuantConfig.none();
        }
        JsonNode q = qc.get().node();
        String path = qc.get().path();
        String method = text(q, "quant_method").orElse("unknown");
        if (!method.equals("fp8")) {
            if (hasMoe) {
                leftOut.add(new LeftOut("moe-gemm-" + sanitize(method), "the checkpoint's experts are quantized with "
                        + path + ".quant_method " + method + ", which hal-api has no type for; the MoE GEMMs run as BF16"));
            }
            return new QuantConfig(method, false, DType.F32);
        }
        String fmt = text(q, "fmt").orElse("e4m3");
        JsonNode block = q.get("weight_block_size");
        boolean e4m3 = fmt.equals("e4m3") || fmt.equals("float8_e4m3fn");
        boolean block128 = block != null && block.isArray() && block.size() == 2
                && block.get(0).asInt() == 128 && block.get(1).asInt() == 128;
        if (!e4m3 || !block128) {
            if (hasMoe) {
                leftOut.add(new LeftOut("moe-gemm-fp8", "the checkpoint's FP8 (" + path + ".fmt " + fmt
                        + ", weight_block_size " + (block == null ? "absent" : block.toString())
                        + ") is not DeepSeek's E4M3 128x128 block recipe, the only FP8 MoE type hal-api has;"
                        + " the MoE GEMMs run as BF16"));
            }
            return new QuantConfig(method, false, DType.F32);
        }
        Optional<String> scaleFmt = text(q, "scale_fmt");
        DType scale = DType.F32;
        if (scaleFmt.isPresent()) {
            if (scaleFmt.get().equals("ue8m0")) {
                scale = DType.UE8M0;
            } else if (!scaleFmt.get().equals("fp32") && !scaleFmt.get().equals("float32")) {
                throw new ModelConfigException(f.file() + ": " + path + ".scale_fmt must be ue8m0 or absent (F32 scales), got \""
                        + scaleFmt.get() + "\"");
            }
        }
        return new QuantConfig(method, true, scale);
    }
}
