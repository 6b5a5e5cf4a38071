package dev.dayzero.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dayzero run --backends cuda} end to end on backend-cuda's emulator (the test double libcuda.so.1 that runs
 * the real kernels on the host, built by backend-cuda's tests into {@code backend-cuda/target/cuda-emu}): worker
 * JVM, CUDA events, graph capture and replay, cold-cache flushes through {@code cuMemsetD8Async}, conformance,
 * results marked emulated and a report that says so. Skips where the emulator was not built.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CudaEmulatorRunTest {
    private static final Path EMULATOR = Path.of("..", "backend-cuda", "target", "cuda-emu").toAbsolutePath().normalize();
    private static final String TINY = """
            {"architectures": ["Qwen3MoeForCausalLM"], "model_type": "qwen3_moe", "hidden_size": 256,
             "num_attention_heads": 8, "num_key_value_heads": 2, "head_dim": 32, "num_hidden_layers": 2,
             "num_experts": 8, "num_experts_per_tok": 2, "moe_intermediate_size": 128, "vocab_size": 1000}
            """;
    private String previousHome;

    @BeforeAll
    void pointAtTheEmulator() {
        Assumptions.assumeTrue(Files.isRegularFile(EMULATOR.resolve("libcuda.so.1")),
                "backend-cuda's emulator was not built (needs g++ and CUDA headers): " + EMULATOR);
        previousHome = System.getProperty("dayzero.cuda.home");
        System.setProperty("dayzero.cuda.home", EMULATOR.toString()); // workers inherit dayzero.* properties
    }

    @AfterAll
    void restore() {
        if (previousHome == null) {
            System.clearProperty("dayzero.cuda.home");
        } else {
            System.setProperty("dayzero.cuda.home", previousHome);
        }
    }

    /** {@code dayzero backends} in a fresh JVM whose environment (not a property) names the emulator as CUDA home. */
    private static String backendsWithEnvironment(String driverVersion) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "dev.dayzero.bench.cli.Main", "backends").redirectErrorStream(true);
        pb.environment().put("DAYZERO_CUDA_HOME", EMULATOR.toString());
        if (driverVersion != null) {
            pb.environment().put("DZ_EMU_DRIVER_VERSION", driverVersion);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    @Test
    void backendsListsTheEmulatedDeviceAndRefusesADriverTooOldForTheKernels() throws Exception {
        String ok = backendsWithEnvironment(null);
        assertTrue(ok.contains("cuda       available") && ok.contains("Dayzero CUDA emulator") && ok.contains("[EMULATED]"),
                ok);
        String old = backendsWithEnvironment("12080");
        assertTrue(old.contains("cuda       unavailable: the NVIDIA driver supports CUDA 12.8 but backend-cuda's kernels "
                + "were built with CUDA 13.0"), old);
        assertTrue(old.contains("update the NVIDIA driver"), old);
    }

    @Test
    void doctorLooksUpEveryDriverSymbolInTheEmulatorAndRunsOneCasePerFamily() {
        CliTestSupport r = CliTestSupport.run("doctor", "--backend", "cuda", "--worker-heap", "1g");
        String md = r.out();
        assertTrue(md.contains("| " + EMULATOR.resolve("libcuda.so.1") + " |"), "the file the driver was loaded from: " + md);
        assertTrue(md.matches("(?s).*\\| cuda \\| [^\n]*\\| all \\d+ resolve \\|.*"), "every symbol resolves: " + md);
        assertTrue(md.contains("[EMULATED]"), md);
        assertTrue(md.contains("| quantize | ") && md.contains("| moe-gemm | ") && md.contains("| attention | "),
                "one case per family ran: " + md);
        assertTrue(r.exitCode() != ExitCode.BAD_INPUT, r.err());
    }

    @Test
    void runsOnTheEmulatorWithGraphsAndColdCacheAndLabelsEverythingEmulated(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("config.json"), TINY);
        Path out = dir.resolve("run");
        CliTestSupport r = CliTestSupport.run("run", "--config", config.toString(), "--backends", "cuda",
                "--phase", "decode,prefill", "--batch", "2", "--context", "64", "--prefill-len", "16",
                "--min-time", "5ms", "--cold-cache", "--out", out.toString());
        assertEquals(ExitCode.OK, r.exitCode(), r.out() + r.err());

        JsonNode cases = new ObjectMapper().readTree(out.resolve("results.json").toFile()).get("cases");
        int passed = 0;
        for (JsonNode c : cases) {
            assertEquals("cuda", c.get("backend").asText());
            assertTrue(c.get("emulated").asBoolean(), "the emulator must be labelled: " + c);
            String status = c.get("status").asText();
            assertTrue(Set.of("passed", "unsupported").contains(status), "no case may fail on the emulator: " + c);
            if (status.equals("passed")) {
                passed++;
                JsonNode t = c.get("timing");
                assertEquals("device-events", t.get("method").asText(), c.toString());
                assertTrue(t.get("graphReplay").asBoolean(), "the CUDA device offers graph capture: " + t);
                assertTrue(t.get("coldCache").asBoolean(), t.toString());
                assertTrue(t.get("flushBytes").asLong() >= 2L * 4 * 1024 * 1024, "2 x the emulator's 4 MiB L2: " + t);
                assertTrue(t.get("samplesMs").size() > 0, t.toString());
            } else {
                assertTrue(!c.get("support").get("reason").asText().isBlank(), "unsupported says why: " + c);
            }
        }
        assertTrue(passed >= 2, "at least the MoE cases run on the emulator: " + cases);
        String report = Files.readString(out.resolve("report").resolve("report.md"));
        assertTrue(report.contains("emulator or test double"), report);
    }

    /**
     * A DeepSeek-V4 config cut down for the emulator (64 heads and head dim 512 stay: V4's attention fixes them; 3
     * layers, one of each type: sliding window, CSA, HCA; 8 MXFP4 experts), run on the emulated device: every V4
     * operator family runs and passes conformance (shared-KV attention per layer type, the CSA indexer, the MODEL1
     * cache write, the MXFP4 MoE and the dense GEMMs). Correctness only: emulated times are no chip's speed.
     */
    @Test
    void runsEveryDeepSeekV4OperatorOnTheEmulator(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("config.json"), """
                {"architectures": ["DeepseekV4ForCausalLM"], "model_type": "deepseek_v4", "hidden_size": 256,
                 "num_hidden_layers": 3, "num_attention_heads": 64, "num_key_value_heads": 1, "head_dim": 512,
                 "qk_rope_head_dim": 64, "q_lora_rank": 128, "o_groups": 2, "o_lora_rank": 64, "sliding_window": 128,
                 "index_n_heads": 8, "index_head_dim": 128, "index_topk": 64, "n_routed_experts": 8,
                 "n_shared_experts": 1, "num_experts_per_tok": 2, "moe_intermediate_size": 128, "vocab_size": 1000,
                 "expert_dtype": "fp4", "compress_ratios": [0, 4, 128],
                 "quantization_config": {"activation_scheme": "dynamic", "fmt": "e4m3", "quant_method": "fp8",
                  "scale_fmt": "ue8m0", "weight_block_size": [128, 128]}}
                """);
        Path out = dir.resolve("run");
        CliTestSupport r = CliTestSupport.run("run", "--config", config.toString(), "--backends", "cuda",
                "--batch", "1", "--context", "512", "--min-time", "2ms", "--no-report", "--out", out.toString());
        assertEquals(ExitCode.OK, r.exitCode(), r.out() + r.err());
        JsonNode cases = new ObjectMapper().readTree(out.resolve("results.json").toFile()).get("cases");
        Set<String> families = new java.util.TreeSet<>();
        Set<String> operators = new java.util.TreeSet<>();
        for (JsonNode c : cases) {
            assertTrue(c.get("emulated").asBoolean(), c.toString());
            assertEquals("passed", c.get("status").asText(), "every V4 case passes on the emulator: " + c);
            families.add(c.get("spec").get("family").asText());
            operators.add(c.get("operator").asText());
        }
        assertEquals(Set.of("attention", "cache-write", "gemm", "indexer", "moe-gemm", "quantize"), families, operators.toString());
        for (String op : List.of("attention-swa-fp8", "attention-csa-fp8", "attention-hca-fp8", "indexer-topk-csa",
                "cache-write-fp8", "moe-gate-up-mxfp4-fp8", "moe-down-mxfp4-fp8")) {
            assertTrue(operators.contains(op), op + " in " + operators);
        }
        assertTrue(r.out().contains("no projection (emulated device"), "no projected step from an emulator: " + r.out());
    }
}
