package dev.dayzero.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dayzero.bench.worker.WorkerSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code dump --backend cpu} runs its case with the Vector API module, as a run's cpu worker does. */
class DumpChildTest {
    private static final String CASE = "quantize/int8-per-token";

    @Test
    void onlyACpuDumpInAJvmWithoutTheModuleNeedsAChild() {
        assertTrue(DumpCommand.needsVectorChild("cpu", false, true, false));
        assertFalse(DumpCommand.needsVectorChild("cpu", true, true, false), "this JVM has it");
        assertFalse(DumpCommand.needsVectorChild("cpu", false, false, false), "the runtime lacks it: run here");
        assertFalse(DumpCommand.needsVectorChild("cpu", false, true, true), "already the child");
        assertFalse(DumpCommand.needsVectorChild("cuda", false, true, false));
        assertFalse(DumpCommand.needsVectorChild("ascend", false, true, false));
    }

    @Test
    void theChildRepeatsTheCommandWithTheModule(@TempDir Path dir) {
        CommandLine cl = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        cl.parseArgs("--verbose", "dump", "--case", CASE, "--backend", "cpu", "--device", "0", "--out", "rel-out",
                "--config", "model.json");
        DumpCommand dump = cl.getSubcommands().get("dump").getCommand();
        List<String> cmd = dump.childCommand(WorkerSettings.inherit("512m"));
        assertTrue(Collections.indexOfSubList(cmd, List.of("--add-modules", WorkerSettings.VECTOR_MODULE)) > 0, cmd.toString());
        assertTrue(cmd.contains("-D" + DumpCommand.CHILD_PROPERTY + "=true"), cmd.toString());
        int main = cmd.indexOf(Main.class.getName());
        assertTrue(main > cmd.indexOf("-cp"), cmd.toString());
        assertEquals(List.of("dump", "--case", CASE, "--backend", "cpu", "--device", "0", "--out",
                        Path.of("rel-out").toAbsolutePath().toString(), "--config",
                        Path.of("model.json").toAbsolutePath().toString(), "--verbose"),
                cmd.subList(main + 1, cmd.size()));
    }

    /** A JVM started without the module (as the launcher starts it) dumps a cpu case through its child. */
    @Test
    void aCpuDumpFromAJvmWithoutTheModuleRunsTheVectorKernels(@TempDir Path dir) throws Exception {
        WorkerSettings s = WorkerSettings.inherit("512m");
        Path out = dir.resolve("dump");
        List<String> cmd = new ArrayList<>(s.javaCommand("hs_err_test_pid%p.log", Main.class.getName(), "dump",
                "--case", CASE, "--backend", "cpu", "--out", out.toString()));
        assertFalse(cmd.contains(WorkerSettings.VECTOR_MODULE));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        String stdout = read(p.getInputStream());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "dump finished");
        String stderr = err.join();
        assertEquals(ExitCode.OK, p.exitValue(), stdout + stderr);
        assertTrue(stdout.contains("wrote " + out.toAbsolutePath()), stdout);
        assertFalse(stderr.contains("Using incubator modules"), "no incubator warning reaches the user: " + stderr);
        JsonNode json = new ObjectMapper().readTree(out.resolve("case.json").toFile());
        assertEquals("true", json.at("/device/properties/vectorApi").asText(), "the child ran the Vector API kernels: "
                + json.get("device"));
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
