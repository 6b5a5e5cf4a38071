package dev.dayzero.bench.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.DType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PresetsTest {

    private static AttentionConfig.Mla mla(String id) {
        return assertInstanceOf(AttentionConfig.Mla.class, Presets.get(id).attention().orElseThrow());
    }

    private static AttentionConfig.Gqa gqa(String id) {
        return assertInstanceOf(AttentionConfig.Gqa.class, Presets.get(id).attention().orElseThrow());
    }

    private static MoeConfig moe(String id) {
        return Presets.get(id).moe().orElseThrow();
    }

    @Test
    void everyPresetParsesWithAOneLineSummary() {
        assertEquals(List.of("deepseek-v3", "deepseek-v3.2-exp", "deepseek-v4-flash", "kimi-k2", "qwen3-235b-a22b", "qwen3-30b-a3b",
                "glm-4.5", "glm-5", "minimax-m2"), Presets.ids());
        for (ModelConfig m : Presets.all()) {
            assertTrue(m.attention().isPresent(), m.id());
            assertTrue(m.moe().isPresent(), m.id());
            String s = m.summary();
            assertTrue(s.startsWith(m.id() + "  "), s);
            assertFalse(s.contains("\n"), s);
            assertTrue(m.source().contains("presets/" + m.id() + ".json"), m.source());
            assertFalse(m.deployment().source().isBlank(), m.id());
        }
    }

    @Test
    void deepSeekV4Flash() {
        ModelConfig m = Presets.get("deepseek-v4");
        assertEquals("deepseek-v4-flash", m.id());
        AttentionConfig.V4 a = (AttentionConfig.V4) m.attention().orElseThrow();
        assertEquals(List.of(2, 21, 20), List.of(a.slidingLayers(), a.csaLayers(), a.hcaLayers()));
        assertEquals(43, m.numLayers());
        assertEquals(QuantConfig.ExpertWeights.MXFP4, m.quant().experts());
        assertEquals(1, m.deployment().tp());
        assertEquals(4, m.deployment().ep());
        assertTrue(m.summary().contains("MXFP4 experts"), m.summary());
    }

    @Test
    void deepSeekV3() {
        ModelConfig m = Presets.get("deepseek-v3");
        AttentionConfig.Mla a = mla("deepseek-v3");
        assertEquals("DeepseekV3ForCausalLM", m.architecture());
        assertEquals(128, a.numHeads());
        assertEquals(512, a.kvLoraRank());
        assertEquals(64, a.qkRopeHeadDim());
        assertEquals(128, a.qkNopeHeadDim());
        assertEquals(128, a.vHeadDim());
        assertEquals(576, a.latentDim());
        assertEquals(192, a.qkHeadDim());
        assertFalse(a.sparse());
        double mscale = 0.1 * Math.log(40) + 1;
        assertEquals(mscale * mscale / Math.sqrt(192), a.softmaxScale(), 1e-6);
        assertEquals(new MoeConfig(256, 8, 2048, 1), moe("deepseek-v3"));
        assertEquals(7168, m.hiddenSize());
        assertEquals(61, m.numLayers());
        assertTrue(m.quant().fp8Block());
        assertEquals(DType.F32, m.quant().scaleType());
        assertEquals(1, m.deployment().tp());
        assertEquals(32, m.deployment().ep());
        assertEquals(64, m.deployment().pageSize());
    }

    @Test
    void deepSeekV32IsSparseWithUe8m0Scales() {
        AttentionConfig.Mla a = mla("deepseek-v3.2-exp");
        assertEquals(2048, a.indexTopk());
        assertEquals(64, a.indexHeads());
        assertEquals(128, a.indexHeadDim());
        assertTrue(a.sparse());
        assertTrue(a.indexerRuns());
        assertEquals(576, a.latentDim());
        assertEquals(DType.UE8M0, Presets.get("deepseek-v3.2-exp").quant().scaleType());
        assertTrue(Presets.get("deepseek-v3.2-exp").leftOut().stream().noneMatch(l -> l.operator().contains("indexer")),
                "the indexer runs now: " + Presets.get("deepseek-v3.2-exp").leftOut());
        assertEquals(new MoeConfig(256, 8, 2048, 1), moe("deepseek-v3.2-exp"));
    }

    @Test
    void kimiK2() {
        AttentionConfig.Mla a = mla("kimi-k2");
        assertEquals(64, a.numHeads());
        assertEquals(512, a.kvLoraRank());
        assertEquals(new MoeConfig(384, 8, 2048, 1), moe("kimi-k2"));
        assertTrue(Presets.get("kimi-k2").quant().fp8Block());
        double mscale = 0.1 * Math.log(32) + 1;
        assertEquals(mscale * mscale / Math.sqrt(192), a.softmaxScale(), 1e-6);
        assertEquals(16, Presets.get("kimi-k2").deployment().ep());
    }

    @Test
    void qwen3() {
        assertEquals(new AttentionConfig.Gqa(64, 4, 128, 1.0), gqa("qwen3-235b-a22b"));
        assertEquals(new MoeConfig(128, 8, 1536, 0), moe("qwen3-235b-a22b"));
        assertEquals(4096, Presets.get("qwen3-235b-a22b").hiddenSize());
        assertEquals(94, Presets.get("qwen3-235b-a22b").numLayers());
        assertFalse(Presets.get("qwen3-235b-a22b").quant().fp8Block());
        assertEquals(8, Presets.get("qwen3-235b-a22b").deployment().tp());

        assertEquals(new AttentionConfig.Gqa(32, 4, 128, 1.0), gqa("qwen3-30b-a3b"));
        assertEquals(new MoeConfig(128, 8, 768, 0), moe("qwen3-30b-a3b"));
        assertEquals(2048, Presets.get("qwen3-30b-a3b").hiddenSize());
        assertEquals(48, Presets.get("qwen3-30b-a3b").numLayers());
        assertEquals(16, Presets.get("qwen3-30b-a3b").deployment().pageSize());
    }

    @Test
    void glm45() {
        assertEquals(new AttentionConfig.Gqa(96, 8, 128, 1.0), gqa("glm-4.5"));
        assertEquals(new MoeConfig(160, 8, 1536, 1), moe("glm-4.5"));
        assertEquals(5120, Presets.get("glm-4.5").hiddenSize());
        assertEquals(92, Presets.get("glm-4.5").numLayers());
        assertFalse(Presets.get("glm-4.5").quant().fp8Block());
    }

    @Test
    void glm5MapsFullyAsMlaWithDeepSeekSparseAttention() {
        ModelConfig m = Presets.get("glm-5");
        assertEquals("GlmMoeDsaForCausalLM", m.architecture());
        assertEquals("glm_moe_dsa", m.modelType());
        assertEquals(new AttentionConfig.Mla(64, 512, 192, 64, 256, 2048, 32, 128, 1.0), mla("glm-5"));
        AttentionConfig.Mla a = mla("glm-5");
        assertEquals(576, a.latentDim(), "kv_lora_rank + qk_rope_head_dim, whatever qk_nope_head_dim is");
        assertEquals(256, a.qkHeadDim());
        assertEquals(1 / 16.0, a.softmaxScale(), 1e-7, "rope_type default: no YaRN factor");
        assertTrue(a.indexerRuns());
        assertEquals(new MoeConfig(256, 8, 2048, 1), moe("glm-5"));
        assertEquals(6144, m.hiddenSize());
        assertEquals(78, m.numLayers());
        assertFalse(m.quant().fp8Block(), "the BF16 release's config");
        assertEquals(8, m.deployment().tp());
        assertEquals(1, m.deployment().ep());
        assertEquals(64, m.deployment().pageSize());
        assertTrue(m.deployment().source().contains("Z.ai"), m.deployment().source());
        assertEquals(List.of("shared-expert", "dense-ffn-layers", "dense-projections"),
                m.leftOut().stream().map(LeftOut::operator).toList(), "nothing of the attention is left out");
        assertTrue(m.summary().contains("indexer 32x128"), m.summary());
        assertSame(m, Presets.get("GLM-5"));
    }

    @Test
    void miniMaxM2() {
        assertEquals(new AttentionConfig.Gqa(48, 8, 128, 1.0), gqa("minimax-m2"));
        assertEquals(new MoeConfig(256, 8, 1536, 0), moe("minimax-m2"));
        assertEquals(3072, Presets.get("minimax-m2").hiddenSize());
        assertEquals(62, Presets.get("minimax-m2").numLayers());
        assertTrue(Presets.get("minimax-m2").quant().fp8Block());
        assertEquals(DType.F32, Presets.get("minimax-m2").quant().scaleType());
        assertEquals(4, Presets.get("minimax-m2").deployment().tp());
    }

    @Test
    void aliasesAndCase() {
        assertSame(Presets.get("deepseek-v3"), Presets.get("deepseek-r1"));
        assertSame(Presets.get("deepseek-v3.2-exp"), Presets.get("DeepSeek-V3.2"));
        assertTrue(Presets.exists("Kimi-K2"));
        assertFalse(Presets.exists("llama-3"));
    }

    @Test
    void unknownPresetNamesTheKnownOnes() {
        ModelConfigException e = assertThrows(ModelConfigException.class, () -> Presets.get("gpt-5"));
        assertTrue(e.getMessage().contains("'gpt-5'"), e.getMessage());
        for (String id : Presets.ids()) {
            assertTrue(e.getMessage().contains(id), e.getMessage());
        }
    }

    @Test
    void presetFilesLoadAsUserConfigsWithTheSameDimensions(@TempDir Path dir) throws IOException {
        for (ModelConfig preset : Presets.all()) {
            Path d = Files.createDirectories(dir.resolve(preset.id()));
            try (InputStream in = Presets.class.getResourceAsStream("presets/" + preset.id() + ".json")) {
                Files.copy(in, d.resolve("config.json"));
            }
            ModelConfig user = ModelConfigs.load(d);
            assertEquals(preset.id(), user.id());
            assertEquals(preset.attention(), user.attention());
            assertEquals(preset.moe(), user.moe());
            assertEquals(preset.quant(), user.quant());
            assertEquals(preset.hiddenSize(), user.hiddenSize());
            assertEquals(1, user.deployment().tp());
            assertEquals(1, user.deployment().ep());
            assertEquals(preset.deployment().pageSize(), user.deployment().pageSize());
        }
    }
}
