package dev.dayzero.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bench/scripts/torch_compare.py parses, and its dump mode reads `dayzero dump` outputs of the indexer and
 * sparse prefill in their own layout: without torch it recomputes the sampled rows in pure Python and must
 * match the oracle's scores and rows the dump wrote; the torch candidates themselves need torch (and a GPU
 * for timing), which this machine may lack.
 */
class TorchCompareScriptTest {
    private static final Path SCRIPT = Path.of("scripts", "torch_compare.py");

    @TempDir
    Path dir;

    private static boolean hasPython() {
        for (String p : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(p, "python3"))) {
                return true;
            }
        }
        return false;
    }

    private static String python(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("python3"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python3 " + String.join(" ", args) + " timed out");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void theScriptParsesAndReadsIndexerAndSparsePrefillDumps() throws Exception {
        Assumptions.assumeTrue(hasPython(), "python3 is not on PATH");
        Assumptions.assumeTrue(Files.isRegularFile(SCRIPT), "run from the bench module directory (" + SCRIPT + ")");
        python("-m", "py_compile", SCRIPT.toString());
        List<String> dumps = new ArrayList<>();
        for (String id : List.of("deepseek-v3.2-exp/decode/b2/ctx300/tp1-ep32/uniform/indexer-topk",
                "glm-5/prefill/b1/len40/tp8-ep1/uniform/indexer-topk",
                "glm-5/prefill/b1/len24/tp8-ep1/uniform/sparse-prefill")) {
            Path out = dir.resolve(id.replace('/', '_'));
            CliTestSupport r = CliTestSupport.run("dump", "--case", id, "--backend", "cpu", "--out", out.toString());
            assertTrue(Files.isRegularFile(out.resolve("case.json")), r.err());
            dumps.add(out.toString());
        }
        List<String> args = new ArrayList<>(List.of(SCRIPT.toString(), "--no-torch", "--max-rows", "3", "--dump"));
        args.addAll(dumps);
        String out = python(args.toArray(String[]::new));
        assertTrue(out.contains("indexer paged-topk B=2") && out.contains("indexer topk B=1 T=40")
                && out.contains("attention sparse-prefill B=1 T=24"), out);
        for (String line : out.lines().toList()) {
            if (line.contains("max |score - oracle| / max|oracle| = ")) {
                double rel = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                assertTrue(rel < 1e-9, line);
            }
            if (line.contains("max |diff| ")) {
                String v = line.substring(line.indexOf("max |diff| ") + 11).split(",")[0];
                assertTrue(Double.parseDouble(v) < 1e-9, line);
            }
        }
        assertEquals(2, out.lines().filter(l -> l.contains("max |score - oracle|")).count(), out);
        assertEquals(1, out.lines().filter(l -> l.contains("max |diff| ")).count(), out);
        assertTrue(out.contains("judged valid on 2 of 2 rows") && out.contains("judged valid on 40 of 40 rows"), out);
    }
}
