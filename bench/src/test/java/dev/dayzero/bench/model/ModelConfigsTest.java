package dev.dayzero.bench.model;

import dev.dayzero.hal.DType;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelConfigsTest {

    @TempDir
    Path dir;

    private Path write(String name, String json) throws IOException {
        Path d = Files.createDirectories(dir.resolve(name));
        return Files.writeString(d.resolve("config.json"), json, StandardCharsets.UTF_8);
    }

    private Path resource(String name) throws IOException {
        Path d = Files.createDirectories(dir.resolve(name.replace(".json", "")));
        try (InputStream in = ModelConfigsTest.class.getResourceAsStream(name)) {
            Files.copy(in, d.resolve("config.json"));
        }
        return d;
    }

    private static String gqaMoe(String expertsField, String extra) {
        return "{\"architectures\": [\"TestMoeForCausalLM\"], \"hidden_size\": 1024, \"num_hidden_layers\": 4,"
                + " \"num_attention_heads\": 16, \"num_key_value_heads\": 4, \"head_dim\": 64,"
                + " \"" + expertsField + "\": 64, \"num_experts_per_tok\": 4, \"intermediate_size\": 512" + extra + "}";
    }

    private static void oneLine(String message) {
        assertFalse(message.contains("\n") || message.contains("\r"), message);
    }

    @Test
    void expertCountFieldVariantsAgree() throws IOException {
        MoeConfig routed = ModelConfigs.load(write("a", gqaMoe("n_routed_experts", ", \"moe_intermediate_size\": 512")))
                .moe().orElseThrow();
        MoeConfig num = ModelConfigs.load(write("b", gqaMoe("num_experts", ", \"moe_intermediate_size\": 512")))
                .moe().orElseThrow();
        // num_local_experts (Mixtral, MiniMax): the expert width is intermediate_size
        ModelConfig local = ModelConfigs.load(write("c", gqaMoe("num_local_experts", "")));
        assertEquals(new MoeConfig(64, 4, 512, 0), routed);
        assertEquals(routed, num);
        assertEquals(routed, local.moe().orElseThrow());
        assertTrue(local.notes().stream().anyMatch(n -> n.contains("intermediate_size")), local.notes().toString());
    }

    @Test
    void numExpertsWithoutMoeIntermediateSizeNamesTheField() throws IOException {
        Path p = write("d", gqaMoe("num_experts", ""));
        ModelConfigException e = assertThrows(ModelConfigException.class, () -> ModelConfigs.load(p));
        assertTrue(e.getMessage().contains("moe_intermediate_size"), e.getMessage());
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        oneLine(e.getMessage());
    }

    @Test
    void nestedTextConfigIsRead() throws IOException {
        ModelConfig m = ModelConfigs.load(resource("kimi-k25-wrapped.json"));
        assertEquals("KimiK25ForConditionalGeneration", m.architecture());
        assertEquals("kimi_k2", m.modelType());
        AttentionConfig.Mla a = assertInstanceOf(AttentionConfig.Mla.class, m.attention().orElseThrow());
        assertEquals(64, a.numHeads());
        assertEquals(new MoeConfig(384, 8, 2048, 1), m.moe().orElseThrow());
        assertEquals(7168, m.hiddenSize());
        // INT4 compressed-tensors experts: not a hal-api type, run as BF16 and said so
        assertFalse(m.quant().fp8Block());
        assertTrue(m.leftOut().stream().anyMatch(l -> l.operator().equals("moe-gemm-compressed-tensors")
                && l.reason().contains("BF16")), m.leftOut().toString());
    }

    @Test
    void headDimAbsentIsHiddenOverHeads() throws IOException {
        ModelConfig m = ModelConfigs.load(resource("llama-dense.json"));
        AttentionConfig.Gqa g = assertInstanceOf(AttentionConfig.Gqa.class, m.attention().orElseThrow());
        assertEquals(128, g.headDim());
        assertEquals(8, g.numKvHeads());
        assertTrue(m.notes().stream().anyMatch(n -> n.contains("head_dim absent")), m.notes().toString());
        assertEquals(1 / Math.sqrt(128), g.softmaxScale(), 1e-7);
    }

    @Test
    void kvHeadsAbsentIsMultiHead() throws IOException {
        ModelConfig m = ModelConfigs.load(write("mha", "{\"model_type\": \"gpt_neox\", \"hidden_size\": 2048,"
                + " \"num_hidden_layers\": 2, \"num_attention_heads\": 16}"));
        AttentionConfig.Gqa g = assertInstanceOf(AttentionConfig.Gqa.class, m.attention().orElseThrow());
        assertEquals(16, g.numKvHeads());
        assertEquals("gpt_neox", m.architecture());
    }

    @Test
    void unknownFieldsAreIgnored() throws IOException {
        String plain = gqaMoe("num_experts", ", \"moe_intermediate_size\": 256");
        String noisy = gqaMoe("num_experts", ", \"moe_intermediate_size\": 256, \"future_field\": {\"a\": [1, null]},"
                + " \"auto_map\": {\"AutoConfig\": \"x.Y\"}, \"some_flag\": true, \"rope_theta\": 1e6, \"weird\": null");
        ModelConfig a = ModelConfigs.load(write("plain", plain));
        ModelConfig b = ModelConfigs.load(write("noisy", noisy));
        assertEquals(a.attention(), b.attention());
        assertEquals(a.moe(), b.moe());
        assertEquals(a.leftOut(), b.leftOut());
    }

    @Test
    void denseModelMapsAttentionAndListsTheFfn() throws IOException {
        ModelConfig m = ModelConfigs.load(resource("llama-dense.json"));
        assertEquals(Optional.empty(), m.moe());
        LeftOut ffn = m.leftOut().stream().filter(l -> l.operator().equals("dense-ffn")).findFirst().orElseThrow();
        assertTrue(ffn.reason().contains("14336"), ffn.reason());
    }

    @Test
    void linearAttentionLayersAreLeftOutWithReasons() throws IOException {
        ModelConfig next = ModelConfigs.load(resource("qwen3-next-80b-a3b.json"));
        assertEquals(new AttentionConfig.Gqa(16, 2, 256, 1.0), next.attention().orElseThrow());
        assertEquals(new MoeConfig(512, 10, 512, 1), next.moe().orElseThrow());
        LeftOut linear = next.leftOut().stream().filter(l -> l.operator().equals("linear-attention")).findFirst()
                .orElseThrow();
        assertTrue(linear.reason().contains("36 of 48"), linear.reason());
        assertTrue(next.leftOut().stream().anyMatch(l -> l.operator().equals("shared-expert")));

        ModelConfig lightning = ModelConfigs.load(resource("minimax-text-01.json"));
        assertTrue(lightning.leftOut().stream().anyMatch(l -> l.operator().equals("linear-attention")
                && l.reason().contains("7 of 8") && l.reason().contains("lightning")), lightning.leftOut().toString());
        assertEquals(new MoeConfig(32, 2, 9216, 0), lightning.moe().orElseThrow());
    }

    @Test
    void unmappableArchitectureFailsClosed() throws IOException {
        Path p = resource("mamba2.json");
        ModelConfigException e = assertThrows(ModelConfigException.class, () -> ModelConfigs.load(p));
        String msg = e.getMessage();
        oneLine(msg);
        for (String s : List.of("Mamba2ForCausalLM", "mamba2", "num_attention_heads", "kv_lora_rank",
                "n_routed_experts", "num_experts_per_tok", "config.json")) {
            assertTrue(msg.contains(s), "missing '" + s + "' in: " + msg);
        }
    }

    @Test
    void onlyLinearAttentionAndNoExpertsFailsClosed() throws IOException {
        Path p = write("lin", "{\"architectures\": [\"LinearOnlyForCausalLM\"], \"hidden_size\": 1024,"
                + " \"num_hidden_layers\": 2, \"num_attention_heads\": 8, \"layer_types\": [\"linear_attention\","
                + " \"linear_attention\"]}");
        ModelConfigException e = assertThrows(ModelConfigException.class, () -> ModelConfigs.load(p));
        assertTrue(e.getMessage().contains("LinearOnlyForCausalLM"), e.getMessage());
        assertTrue(e.getMessage().contains("linear-attention"), e.getMessage());
    }

    @Test
    void unknownAttentionVariantIsNotGuessed() throws IOException {
        ModelConfig m = ModelConfigs.load(write("grouped-out", "{\"architectures\": [\"FutureForCausalLM\"], \"hidden_size\": 4096,"
                + " \"num_hidden_layers\": 4, \"num_attention_heads\": 64, \"num_key_value_heads\": 1, \"head_dim\": 512,"
                + " \"o_lora_rank\": 1024, \"hc_mult\": 4, \"n_routed_experts\": 256,"
                + " \"num_experts_per_tok\": 6, \"moe_intermediate_size\": 2048}"));
        assertEquals(Optional.empty(), m.attention());
        assertTrue(m.moe().isPresent());
        assertTrue(m.leftOut().stream().anyMatch(l -> l.operator().equals("attention")
                && l.reason().contains("o_lora_rank")), m.leftOut().toString());
    }

    @Test
    void deepSeekV4ConfigMapsLayerTypesAndMxfp4Experts() throws IOException {
        ModelConfig m = ModelConfigs.load(resource("deepseek-v4-flash/config.json"));
        AttentionConfig.V4 a = assertInstanceOf(AttentionConfig.V4.class, m.attention().orElseThrow());
        // compress_ratios: [0, 0] + [4, 128] x 20 + [4] for the 43 layers, then the MTP layer's 0
        assertEquals(new AttentionConfig.V4(64, 512, 64, 128, 64, 128, 512, 1024, 8, 1024, 2, 21, 20, 1.0), a);
        assertEquals("2 sliding-window, 21 CSA, 20 HCA", a.layerCounts());
        assertEquals(QuantConfig.ExpertWeights.MXFP4, m.quant().experts());
        assertTrue(m.quant().fp8Block());
        assertEquals(DType.UE8M0, m.quant().scaleType());
        assertEquals(new MoeConfig(256, 6, 2048, 1), m.moe().orElseThrow());
        List<String> out = m.leftOut().stream().map(LeftOut::operator).toList();
        for (String op : List.of("kv-compressor", "hyper-connections", "grouped-output-lora", "router-sqrt-softplus",
                "shared-expert", "dense-projections")) {
            assertTrue(out.contains(op), op + " in " + out);
        }
        assertFalse(out.contains("attention"), out.toString());
        assertFalse(out.contains("sliding-window-attention"), out.toString());
        assertTrue(m.notes().stream().anyMatch(n -> n.contains("MTP")), m.notes().toString());
    }

    @Test
    void deepSeekV4ExpertDtypeAndBadRatios() throws IOException {
        String base = "{\"architectures\": [\"DeepseekV4ForCausalLM\"], \"model_type\": \"deepseek_v4\", \"hidden_size\": 4096,"
                + " \"num_hidden_layers\": 4, \"num_attention_heads\": 64, \"num_key_value_heads\": 1, \"head_dim\": 512,"
                + " \"qk_rope_head_dim\": 64, \"sliding_window\": 128, \"index_n_heads\": 64, \"index_head_dim\": 128,"
                + " \"index_topk\": 512, \"n_routed_experts\": 256, \"num_experts_per_tok\": 6,"
                + " \"moe_intermediate_size\": 2048";
        // no expert_dtype: MXFP4 by default, with a note; no quantization_config: BF16 activations
        ModelConfig dflt = ModelConfigs.load(write("v4-default", base + ", \"compress_ratios\": [0, 4, 128, 4]}"));
        assertEquals(QuantConfig.ExpertWeights.MXFP4, dflt.quant().experts());
        assertFalse(dflt.quant().fp8Block());
        assertTrue(dflt.notes().stream().anyMatch(n -> n.contains("expert_dtype absent")), dflt.notes().toString());
        AttentionConfig.V4 a = assertInstanceOf(AttentionConfig.V4.class, dflt.attention().orElseThrow());
        assertEquals(List.of(1, 2, 1), List.of(a.slidingLayers(), a.csaLayers(), a.hcaLayers()));
        // expert_dtype under quantization_config, fp8: FP8 block experts
        ModelConfig fp8 = ModelConfigs.load(write("v4-fp8", base + ", \"compress_ratios\": [0, 4, 128, 4],"
                + " \"quantization_config\": {\"quant_method\": \"fp8\", \"fmt\": \"e4m3\", \"scale_fmt\": \"ue8m0\","
                + " \"weight_block_size\": [128, 128], \"expert_dtype\": \"fp8\"}}"));
        assertEquals(QuantConfig.ExpertWeights.FP8_BLOCK, fp8.quant().experts());
        // an unknown ratio is left out, not guessed
        ModelConfig odd = ModelConfigs.load(write("v4-odd", base + ", \"compress_ratios\": [0, 4, 16, 4]}"));
        assertTrue(odd.leftOut().stream().anyMatch(l -> l.operator().equals("other-compress-ratios")
                && l.reason().contains("layer 2: 16")), odd.leftOut().toString());
        // too few ratios, a bad expert_dtype, CSA without index_topk: one line naming the field
        for (String bad : List.of(base + ", \"compress_ratios\": [0, 4]}",
                base + ", \"compress_ratios\": [0, 4, 128, 4], \"expert_dtype\": \"fp3\"}",
                base.replace(" \"index_topk\": 512,", "") + ", \"compress_ratios\": [0, 4, 128, 4]}")) {
            ModelConfigException e = assertThrows(ModelConfigException.class, () -> ModelConfigs.load(write("v4-bad", bad)));
            oneLine(e.getMessage());
            assertTrue(e.getMessage().contains("compress_ratios") || e.getMessage().contains("expert_dtype")
                    || e.getMessage().contains("index_topk"), e.getMessage());
        }
    }

    @Test
    void malformedJsonNamesFileAndPlace() throws IOException {
        Path p = write("bad", "{\n  \"hidden_size\": 7168,\n  \"num_attention_heads\": ,\n}");
        ModelConfigException e = assertThrows(ModelConfigException.class, () -> ModelConfigs.load(p));
        oneLine(e.getMessage());
        assertTrue(e.getMessage().startsWith(p.toString() + ": malformed JSON at line 3"), e.getMessage());
    }

    @Test
    void notAnObjectIsRejected() throws IOException {
        Path p = write("arr", "[1, 2]");
        ModelConfigException e = assertThrows(ModelConfigException.class, () -> ModelConfigs.load(p));
        assertTrue(e.getMessage().contains("expected a JSON object"), e.getMessage());
    }

    @Test
    void missingMlaFieldIsNamed() throws IOException {
        Path p = write("mla", "{\"architectures\": [\"DeepseekV3ForCausalLM\"], \"hidden_size\": 7168,"
                + " \"num_hidden_layers\": 61, \"num_attention_heads\": 128, \"kv_lora_rank\": 512,"
                + " \"qk_nope_head_dim\": 128, \"qk_rope_head_dim\": 64}");
        ModelConfigException e = assertThrows(ModelConfigException.class, () -> ModelConfigs.load(p));
        oneLine(e.getMessage());
        assertTrue(e.getMessage().contains(p + ": v_head_dim is missing"), e.getMessage());
        assertTrue(e.getMessage().contains("MLA"), e.getMessage());
    }

    @Test
    void nonPositiveAndNonIntegerFieldsAreNamed() throws IOException {
        Path neg = write("neg", gqaMoe("num_experts", ", \"moe_intermediate_size\": 512").replace("\"hidden_size\": 1024",
                "\"hidden_size\": -5"));
        ModelConfigException e1 = assertThrows(ModelConfigException.class, () -> ModelConfigs.load(neg));
        assertEquals(neg + ": hidden_size must be a positive integer, got -5", e1.getMessage());

        Path zero = write("zero", gqaMoe("num_experts", ", \"moe_intermediate_size\": 0"));
        ModelConfigException e2 = assertThrows(ModelConfigException.class, () -> ModelConfigs.load(zero));
        assertEquals(zero + ": moe_intermediate_size must be a positive integer, got 0", e2.getMessage());

        Path str = write("str", gqaMoe("num_experts", ", \"moe_intermediate_size\": 512").replace("\"num_attention_heads\": 16",
                "\"num_attention_heads\": \"16\""));
        ModelConfigException e3 = assertThrows(ModelConfigException.class, () -> ModelConfigs.load(str));
        assertEquals(str + ": num_attention_heads must be a positive integer, got \"16\"", e3.getMessage());

        Path nested = write("nested", "{\"text_config\": {\"hidden_size\": 0, \"num_hidden_layers\": 2,"
                + " \"num_attention_heads\": 4}}");
        ModelConfigException e4 = assertThrows(ModelConfigException.class, () -> ModelConfigs.load(nested));
        assertTrue(e4.getMessage().contains("text_config.hidden_size must be a positive integer, got 0"), e4.getMessage());
    }

    @Test
    void glm5ConfigMapsFully() throws IOException {
        // GLM-5's config.json as released (all fields, model_type glm_moe_dsa)
        ModelConfig m = ModelConfigs.load(resource("glm-5.json"));
        assertEquals("glm-5", m.id());
        assertEquals("glm_moe_dsa", m.modelType());
        AttentionConfig.Mla a = assertInstanceOf(AttentionConfig.Mla.class, m.attention().orElseThrow());
        assertEquals(new AttentionConfig.Mla(64, 512, 192, 64, 256, 2048, 32, 128, 1.0), a);
        assertEquals(Presets.get("glm-5").attention(), m.attention());
        assertEquals(Presets.get("glm-5").moe(), m.moe());
        assertEquals(Presets.get("glm-5").quant(), m.quant());
        assertEquals(List.of("shared-expert", "dense-ffn-layers", "dense-projections"),
                m.leftOut().stream().map(LeftOut::operator).toList());
        assertTrue(m.leftOut().get(2).reason().contains("indexer's wq_b"), m.leftOut().get(2).reason());
    }

    private static String dsa(String indexFields) {
        return "{\"architectures\": [\"GlmMoeDsaForCausalLM\"], \"model_type\": \"glm_moe_dsa\", \"hidden_size\": 6144,"
                + " \"num_hidden_layers\": 78, \"num_attention_heads\": 64, \"kv_lora_rank\": 512,"
                + " \"qk_nope_head_dim\": 192, \"qk_rope_head_dim\": 64, \"v_head_dim\": 256, \"n_routed_experts\": 256,"
                + " \"num_experts_per_tok\": 8, \"moe_intermediate_size\": 2048" + indexFields + "}";
    }

    @Test
    void nonPositiveIndexerFieldsAreBadInputNamingTheField() throws IOException {
        String ok = ", \"index_topk\": 2048, \"index_n_heads\": 32, \"index_head_dim\": 128";
        for (String field : List.of("index_topk", "index_n_heads", "index_head_dim")) {
            for (String v : List.of("0", "-4")) {
                Path p = write(field + v, dsa(ok.replaceAll("\"" + field + "\": \\d+", "\"" + field + "\": " + v)));
                ModelConfigException e = assertThrows(ModelConfigException.class, () -> ModelConfigs.load(p));
                oneLine(e.getMessage());
                assertEquals(p + ": " + field + " must be a positive integer, got " + v, e.getMessage());
            }
        }
    }

    @Test
    void anIndexerBeyondTheSpecIsLeftOutWithTheReason() throws IOException {
        ModelConfig heads = ModelConfigs.load(write("h", dsa(", \"index_topk\": 2048, \"index_n_heads\": 96,"
                + " \"index_head_dim\": 128")));
        AttentionConfig.Mla a = (AttentionConfig.Mla) heads.attention().orElseThrow();
        assertTrue(a.sparse() && !a.indexerRuns());
        LeftOut l = heads.leftOut().stream().filter(x -> x.operator().equals("indexer-topk")).findFirst().orElseThrow();
        assertTrue(l.reason().contains("index_n_heads 96") && l.reason().contains("64"), l.reason());
        assertTrue(l.reason().contains("top-2048 indices the kit draws"), l.reason());

        ModelConfig width = ModelConfigs.load(write("w", dsa(", \"index_topk\": 512, \"index_n_heads\": 64,"
                + " \"index_head_dim\": 96")));
        assertTrue(width.leftOut().stream().anyMatch(x -> x.operator().equals("indexer-topk")
                && x.reason().contains("index_head_dim 96")), width.leftOut().toString());

        ModelConfig absent = ModelConfigs.load(write("a", dsa(", \"index_topk\": 512")));
        assertTrue(absent.leftOut().stream().anyMatch(x -> x.operator().equals("indexer-topk")
                && x.reason().contains("index_n_heads is absent")), absent.leftOut().toString());

        ModelConfig dense = ModelConfigs.load(write("d", dsa(", \"index_n_heads\": 96")));
        assertFalse(((AttentionConfig.Mla) dense.attention().orElseThrow()).sparse());
        assertTrue(dense.leftOut().stream().noneMatch(x -> x.operator().contains("indexer")),
                "no index_topk: dense MLA, nothing to leave out");
    }

    @Test
    void missingHiddenSizeIsNamed() throws IOException {
        Path p = write("nohidden", "{\"num_hidden_layers\": 2, \"num_attention_heads\": 4, \"head_dim\": 64}");
        ModelConfigException e = assertThrows(ModelConfigException.class, () -> ModelConfigs.load(p));
        assertTrue(e.getMessage().contains("hidden_size is missing"), e.getMessage());
    }

    @Test
    void fileOrDirectoryAndIdFromTheName() throws IOException {
        Path file = write("My-Model_v2", gqaMoe("num_experts", ", \"moe_intermediate_size\": 512"));
        ModelConfig viaFile = ModelConfigs.load(file);
        ModelConfig viaDir = ModelConfigs.load(file.getParent());
        assertEquals("my-model_v2", viaFile.id());
        assertEquals(viaFile, viaDir);
        Path missing = dir.resolve("nowhere");
        ModelConfigException e = assertThrows(ModelConfigException.class, () -> ModelConfigs.load(missing));
        assertTrue(e.getMessage().contains("config.json"), e.getMessage());
    }

    @Test
    void quantizationVariants() throws IOException {
        String base = gqaMoe("num_experts", ", \"moe_intermediate_size\": 512, \"quantization_config\": %s");
        ModelConfig ue8m0 = ModelConfigs.load(write("q1", String.format(base,
                "{\"quant_method\": \"fp8\", \"fmt\": \"e4m3\", \"weight_block_size\": [128, 128], \"scale_fmt\": \"ue8m0\"}")));
        assertTrue(ue8m0.quant().fp8Block());
        assertEquals(dev.dayzero.hal.DType.UE8M0, ue8m0.quant().scaleType());

        ModelConfig perTensor = ModelConfigs.load(write("q2", String.format(base,
                "{\"quant_method\": \"fp8\", \"activation_scheme\": \"static\"}")));
        assertFalse(perTensor.quant().fp8Block());
        assertTrue(perTensor.leftOut().stream().anyMatch(l -> l.operator().equals("moe-gemm-fp8")));

        Path bad = write("q3", String.format(base,
                "{\"quant_method\": \"fp8\", \"weight_block_size\": [128, 128], \"scale_fmt\": \"e5m2\"}"));
        ModelConfigException e = assertThrows(ModelConfigException.class, () -> ModelConfigs.load(bad));
        assertTrue(e.getMessage().contains("quantization_config.scale_fmt must be ue8m0"), e.getMessage());
    }
}
