package dev.dayzero.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad input: one line naming the field or value, exit code 2, no stack trace. */
class BadInputTest {
    @TempDir
    Path dir;

    private static void assertOneLine(CliTestSupport r, String... mentions) {
        assertEquals(ExitCode.BAD_INPUT, r.exitCode(), "stdout: " + r.out() + "\nstderr: " + r.err());
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.startsWith("dayzero: "), r.err());
        for (String m : mentions) {
            assertTrue(first.contains(m), "'" + m + "' missing from: " + first);
        }
        assertFalse(r.err().contains("\tat "), "no stack trace without --verbose: " + r.err());
    }

    @Test
    void malformedJson() throws Exception {
        Path config = Files.writeString(dir.resolve("config.json"), "{ \"hidden_size\": 7168, ");
        assertOneLine(CliTestSupport.run("run", "--config", config.toString(), "--out", dir.resolve("o").toString()),
                "config.json");
    }

    @Test
    void missingDimension() throws Exception {
        Path config = Files.writeString(dir.resolve("config.json"), """
                {"architectures": ["Qwen3MoeForCausalLM"], "model_type": "qwen3_moe", "num_attention_heads": 32,
                 "num_key_value_heads": 4, "head_dim": 128, "num_hidden_layers": 48, "num_experts": 128,
                 "num_experts_per_tok": 8, "moe_intermediate_size": 768}
                """);
        assertOneLine(CliTestSupport.run("run", "--config", config.toString(), "--out", dir.resolve("o").toString()),
                "hidden_size");
    }

    @Test
    void nonPositiveDimension() throws Exception {
        Path config = Files.writeString(dir.resolve("config.json"), """
                {"architectures": ["Qwen3MoeForCausalLM"], "model_type": "qwen3_moe", "hidden_size": 2048,
                 "num_attention_heads": 0, "num_key_value_heads": 4, "head_dim": 128, "num_hidden_layers": 48,
                 "num_experts": 128, "num_experts_per_tok": 8, "moe_intermediate_size": 768}
                """);
        assertOneLine(CliTestSupport.run("run", "--config", config.toString(), "--out", dir.resolve("o").toString()),
                "num_attention_heads");
    }

    @Test
    void nonPositiveIndexerFields() throws Exception {
        for (String field : new String[] {"index_topk", "index_n_heads", "index_head_dim"}) {
            for (String value : new String[] {"0", "-1"}) {
                String json = """
                        {"architectures": ["GlmMoeDsaForCausalLM"], "model_type": "glm_moe_dsa", "hidden_size": 6144,
                         "num_hidden_layers": 78, "num_attention_heads": 64, "kv_lora_rank": 512,
                         "qk_nope_head_dim": 192, "qk_rope_head_dim": 64, "v_head_dim": 256, "n_routed_experts": 256,
                         "num_experts_per_tok": 8, "moe_intermediate_size": 2048,
                         "index_topk": 2048, "index_n_heads": 32, "index_head_dim": 128}
                        """.replaceAll("\"" + field + "\": \\d+", "\"" + field + "\": " + value);
                Path config = Files.writeString(dir.resolve(field + value + ".json"), json);
                assertOneLine(CliTestSupport.run("run", "--config", config.toString(), "--out",
                        dir.resolve("o").toString()), field, "got " + value);
            }
        }
    }

    @Test
    void unknownPreset() {
        assertOneLine(CliTestSupport.run("run", "--model", "gpt-17", "--out", dir.resolve("o").toString()),
                "gpt-17", "deepseek-v3");
    }

    @Test
    void unknownBackend() {
        assertOneLine(CliTestSupport.run("run", "--backends", "tpu", "--out", dir.resolve("o").toString()),
                "'tpu'", "cpu");
    }

    @Test
    void unknownCaseId() {
        assertOneLine(CliTestSupport.run("dump", "--case", "no/such/case", "--backend", "cpu", "--out",
                dir.resolve("d").toString()), "no/such/case");
        assertOneLine(CliTestSupport.run("dump", "--case", "deepseek-v3/decode/b8/ctx4096/tp1-ep32/uniform/nothing",
                "--backend", "cpu", "--out", dir.resolve("d").toString()), "nothing", "mla-decode-bf16");
    }

    @Test
    void conformOnABackendThatCannotRunHere() {
        assertOneLine(CliTestSupport.run("conform", "--backend", "absent", "--out", dir.resolve("o").toString()),
                "absent", "cannot run here", "libabsent.so");
    }

    @Test
    void unwritableOut() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertOneLine(CliTestSupport.run("run", "--backends", "cpu", "--out", file.resolve("sub").toString()),
                "--out", "a-file");
    }

    @Test
    void impossibleParallelism() {
        assertOneLine(CliTestSupport.run("run", "--tp", "3", "--out", dir.resolve("o").toString()), "tp");
    }

    @Test
    void badOptionValues() {
        assertOneLine(CliTestSupport.run("run", "--batch", "eight"), "--batch");
        assertOneLine(CliTestSupport.run("run", "--case-timeout", "soon"), "soon");
        assertOneLine(CliTestSupport.run("run", "--routing", "zipf", "--out", dir.resolve("o").toString()), "zipf");
        assertOneLine(CliTestSupport.run("run", "--model", "deepseek-v3", "--config", "x.json"), "--model", "--config");
    }

    @Test
    void verbosePrintsTheStackTrace() {
        CliTestSupport r = CliTestSupport.run("--verbose", "run", "--model", "gpt-17", "--out",
                dir.resolve("o").toString());
        assertEquals(ExitCode.BAD_INPUT, r.exitCode());
        assertTrue(r.err().contains("\tat "), r.err());
    }
}
