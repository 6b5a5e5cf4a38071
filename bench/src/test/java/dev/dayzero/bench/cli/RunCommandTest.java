package dev.dayzero.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The main job end to end on a tiny model: workers, conformance, timing, results, summary, resume. */
class RunCommandTest {
    static final String TINY = """
            {"architectures": ["Qwen3MoeForCausalLM"], "model_type": "qwen3_moe", "hidden_size": 256,
             "num_attention_heads": 8, "num_key_value_heads": 2, "head_dim": 32, "num_hidden_layers": 2,
             "num_experts": 8, "num_experts_per_tok": 2, "moe_intermediate_size": 128, "vocab_size": 1000,
             "some_future_field": {"ignored": true}}
            """;

    @Test
    void runsTheWorkloadWritesResultsAndResumes(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("config.json"), TINY);
        Path out = dir.resolve("run");
        CliTestSupport r = CliTestSupport.run("run", "--config", config.toString(), "--backends", "cpu",
                "--phase", "decode,prefill", "--batch", "2", "--context", "64", "--prefill-len", "16",
                "--min-time", "5ms", "--out", out.toString());
        assertEquals(ExitCode.OK, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("Support matrix"), r.out());
        assertTrue(r.out().contains("paged-decode"), r.out());

        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertEquals("dayzero.results/2", results.get("schema").asText());
        JsonNode cases = results.get("cases");
        assertTrue(cases.size() >= 4, "decode and prefill attention and MoE cases: " + cases.size());
        for (JsonNode c : cases) {
            assertEquals("passed", c.get("status").asText(), c.toString());
            assertTrue(c.get("timing").get("samplesMs").size() > 0, c.toString());
            assertTrue(c.get("derived").get("tflops").asDouble() > 0, c.toString());
        }
        long lines = Files.readAllLines(out.resolve("cases.jsonl")).stream().filter(l -> !l.isBlank()).count();
        assertEquals(cases.size(), lines);

        CliTestSupport again = CliTestSupport.run("run", "--config", config.toString(), "--backends", "cpu",
                "--phase", "decode,prefill", "--batch", "2", "--context", "64", "--prefill-len", "16",
                "--min-time", "5ms", "--resume", out.toString());
        assertEquals(ExitCode.OK, again.exitCode(), again.out() + again.err());
        assertTrue(again.out().contains("finished earlier, resumed"), again.out());
        assertEquals(lines, Files.readAllLines(out.resolve("cases.jsonl")).stream().filter(l -> !l.isBlank()).count(),
                "nothing ran twice");
    }

    @Test
    void conformRunsTheStandardCasesWithoutTiming(@TempDir Path dir) throws Exception {
        CliTestSupport r = CliTestSupport.run("conform", "--backend", "cpu", "--case",
                "quantize/int8-per-token,attention/prefill-mha-full", "--out", dir.toString());
        assertEquals(ExitCode.OK, r.exitCode(), r.out() + r.err());
        JsonNode cases = new ObjectMapper().readTree(dir.resolve("results.json").toFile()).get("cases");
        assertEquals(2, cases.size());
        for (JsonNode c : cases) {
            assertEquals("passed", c.get("status").asText());
            assertTrue(c.get("timing") == null || c.get("timing").isNull(), "conform does not time: " + c);
        }
    }
}
