package dev.dayzero.bench.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The models Dayzero knows by name. Each preset is the model's released {@code config.json} (the fields
 * that matter, copied verbatim) under {@code presets/<id>.json}, read by the same parser as a user's
 * config, plus what a config does not say: a display name and the deployment its authors use.
 *
 * <p>Deployments (attention tp, expert ep; see bench/README.md, "Models and workloads"):
 * <ul>
 *   <li>DeepSeek-V3 / R1 and V3.2-Exp: tp1-ep32. DeepSeek's "V3/R1 Inference System Overview"
 *       (open-infra-index, day 6): prefill units of 32 GPUs with routed experts EP32 and MLA data-parallel;
 *       decode units EP144 over 256 + 32 redundant expert slots, MLA data-parallel. EP144 does not divide
 *       256 experts without redundancy, so both phases use the EP32 unit (8 routed experts a GPU).</li>
 *   <li>DeepSeek-V4-Flash: tp1-ep4. NVIDIA Dynamo's aggregated vLLM recipe for DeepSeek-V4-Flash runs 4 B200
 *       GPUs with data-parallel attention (DP 4, TP 1) and expert parallelism: 64 routed experts a GPU. The
 *       preset is reconstructed (its {@code _dayzero_source} names the values not confirmed).</li>
 *   <li>Kimi-K2: tp1-ep16. Moonshot's deploy guidance: the smallest unit is 16 H200 / H20 GPUs, with
 *       TP16 or data parallel + expert parallel; we take DP+EP (24 routed experts a GPU).</li>
 *   <li>Qwen3-235B-A22B: tp8-ep1. Qwen's model card serves it with vLLM / SGLang tensor parallel 8.</li>
 *   <li>Qwen3-30B-A3B: tp1-ep1. The model card serves it on one GPU.</li>
 *   <li>GLM-4.5: tp8-ep1. Z.ai's README serves the BF16 release on 8 × H200 with tensor parallel 8.</li>
 *   <li>GLM-5: tp8-ep1. Z.ai's GLM-5 README (github.com/zai-org/GLM-5, at release) serves GLM-5-FP8 with vLLM
 *       {@code --tensor-parallel-size 8} (MTP, one speculative token) and SGLang {@code --tp-size 8}. The preset
 *       carries the BF16 release's config (GLM-5-FP8's quantization_config is not copied here), so its expert
 *       GEMMs run as BF16; 2048 / 8 = 256 expert columns a device. The lightning indexer is replicated on
 *       every device (vLLM and SGLang do not split it by tp): 32 heads × 128.</li>
 *   <li>MiniMax-M2: tp4-ep1. MiniMax's vLLM / SGLang guides serve it with tensor parallel 4; pure TP8 is
 *       not supported (1536 / 8 = 192 is not a multiple of the 128 FP8 weight block).</li>
 * </ul>
 * Page sizes: 64 for MLA (FlashMLA's only page size), 16 for GQA (vLLM's default block size).
 */
public final class Presets {

    private static final String DIR = "presets/";

    private record Entry(String id, String displayName, String resource, int tp, int ep, int pageSize, String why) {
    }

    private static final List<Entry> ENTRIES = List.of(
            // https://huggingface.co/deepseek-ai/DeepSeek-V3/blob/main/config.json (DeepSeek-R1: same config)
            new Entry("deepseek-v3", "DeepSeek-V3 / R1", "deepseek-v3.json", 1, 32, ModelConfigs.MLA_PAGE_SIZE,
                    "DeepSeek's inference system overview: prefill EP32 units, decode EP144 over 288 expert slots,"
                            + " MLA data-parallel; EP32 (8 experts a GPU) stands for both phases"),
            // https://huggingface.co/deepseek-ai/DeepSeek-V3.2-Exp/blob/main/config.json
            new Entry("deepseek-v3.2-exp", "DeepSeek-V3.2-Exp", "deepseek-v3.2-exp.json", 1, 32,
                    ModelConfigs.MLA_PAGE_SIZE, "the DeepSeek-V3 deployment (same experts and MLA, plus sparse attention)"),
            // https://huggingface.co/deepseek-ai/DeepSeek-V4-Flash/blob/main/config.json, reconstructed (see the
            // preset's _dayzero_source)
            new Entry("deepseek-v4-flash", "DeepSeek-V4-Flash", "deepseek-v4-flash.json", 1, 4,
                    ModelConfigs.MLA_PAGE_SIZE, "NVIDIA Dynamo's DeepSeek-V4-Flash vLLM recipe: 4 x B200, attention"
                            + " data-parallel (DP 4, TP 1) with expert parallelism (64 routed experts a GPU)"),
            // https://huggingface.co/moonshotai/Kimi-K2-Instruct/blob/main/config.json
            new Entry("kimi-k2", "Kimi-K2", "kimi-k2.json", 1, 16, ModelConfigs.MLA_PAGE_SIZE,
                    "Moonshot's deploy guidance: smallest unit 16 H200/H20 GPUs, TP16 or DP+EP; DP+EP16 taken"),
            // https://huggingface.co/Qwen/Qwen3-235B-A22B/blob/main/config.json
            new Entry("qwen3-235b-a22b", "Qwen3-235B-A22B", "qwen3-235b-a22b.json", 8, 1, ModelConfigs.GQA_PAGE_SIZE,
                    "Qwen's model card: vLLM / SGLang with tensor parallel 8"),
            // https://huggingface.co/Qwen/Qwen3-30B-A3B/blob/main/config.json
            new Entry("qwen3-30b-a3b", "Qwen3-30B-A3B", "qwen3-30b-a3b.json", 1, 1, ModelConfigs.GQA_PAGE_SIZE,
                    "Qwen's model card: one GPU"),
            // https://huggingface.co/zai-org/GLM-4.5/blob/main/config.json
            new Entry("glm-4.5", "GLM-4.5", "glm-4.5.json", 8, 1, ModelConfigs.GQA_PAGE_SIZE,
                    "Z.ai's README: the BF16 release on 8 x H200 with tensor parallel 8"),
            // https://huggingface.co/zai-org/GLM-5/blob/main/config.json (see the preset's _dayzero_source)
            new Entry("glm-5", "GLM-5", "glm-5.json", 8, 1, ModelConfigs.MLA_PAGE_SIZE,
                    "Z.ai's GLM-5 README: GLM-5-FP8 on 8 GPUs with tensor parallel 8 (vLLM and SGLang); this preset"
                            + " has the BF16 release's config, so the experts run as BF16"),
            // https://huggingface.co/MiniMaxAI/MiniMax-M2/blob/main/config.json
            new Entry("minimax-m2", "MiniMax-M2", "minimax-m2.json", 4, 1, ModelConfigs.GQA_PAGE_SIZE,
                    "MiniMax's vLLM / SGLang guides: tensor parallel 4 (TP8 would split the 1536-wide experts"
                            + " below one 128 FP8 block)"));

    private static final Map<String, String> ALIASES = Map.of(
            "deepseek-r1", "deepseek-v3",
            "deepseek-v3.2", "deepseek-v3.2-exp",
            "deepseek-v4", "deepseek-v4-flash",
            "kimi-k2-instruct", "kimi-k2");

    private static final Map<String, ModelConfig> PRESETS = load();

    private Presets() {
    }

    private static Map<String, ModelConfig> load() {
        Map<String, ModelConfig> out = new LinkedHashMap<>();
        for (Entry e : ENTRIES) {
            String resource = DIR + e.resource();
            try (InputStream in = Presets.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("preset resource " + resource + " is missing from the class path");
                }
                String source = "preset " + e.id() + " (" + resource + ")";
                ModelConfig c = ModelConfigs.parse(ModelConfigs.read(in, source), source, e.id(), e.displayName(),
                        new Deployment(e.tp(), e.ep(), e.pageSize(), e.why()));
                out.put(e.id(), c);
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot read preset " + resource, ex);
            }
        }
        return out;
    }

    /** Every preset, in a fixed order. */
    public static List<ModelConfig> all() {
        return List.copyOf(PRESETS.values());
    }

    /** Preset ids, in the order of {@link #all()}. */
    public static List<String> ids() {
        return List.copyOf(PRESETS.keySet());
    }

    /** True when {@code id} names a preset or an alias of one. */
    public static boolean exists(String id) {
        String key = id == null ? "" : id.toLowerCase(Locale.ROOT);
        return PRESETS.containsKey(ALIASES.getOrDefault(key, key));
    }

    /**
     * The preset named {@code id} (case-insensitive; {@code deepseek-r1} and {@code deepseek-v3.2} are
     * aliases). An unknown id throws {@link ModelConfigException} listing the known ones.
     */
    public static ModelConfig get(String id) {
        String key = id == null ? "" : id.toLowerCase(Locale.ROOT);
        ModelConfig c = PRESETS.get(ALIASES.getOrDefault(key, key));
        if (c == null) {
            List<String> known = new ArrayList<>(PRESETS.keySet());
            throw new ModelConfigException("unknown model '" + id + "'; presets: " + String.join(", ", known)
                    + " (aliases: " + String.join(", ", ALIASES.keySet().stream().sorted().toList())
                    + "), or a path to a config.json");
        }
        return c;
    }
}
