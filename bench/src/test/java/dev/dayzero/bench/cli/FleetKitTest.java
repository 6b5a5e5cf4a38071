package dev.dayzero.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU kit ({@code bench/scripts/pack-device.sh}) leaves out the jars only {@code fleet k8s} needs: without them
 * the command still starts and {@code fleet slurm} works (it derives the plan), and {@code fleet k8s} says in one
 * line why it cannot.
 */
class FleetKitTest {
    /** The jars pack-device.sh removes, as it names them. */
    static final Pattern LEFT_OUT = Pattern.compile(
            "(kubernetes-model-[^" + Pattern.quote(File.separator) + "]*|jackson-dataformat-yaml-.*|snakeyaml-.*"
                    + "|slf4j-api-.*|jfreechart-.*|org\\.jfree\\.svg-.*)\\.jar");

    @TempDir
    Path tmp;

    @Test
    void theKitWithoutTheKubernetesJarsStillRunsAndSaysWhyK8sCannot() throws Exception {
        List<String> cp = new ArrayList<>(Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator)));
        int before = cp.size();
        cp.removeIf(p -> LEFT_OUT.matcher(Path.of(p).getFileName().toString()).matches());
        assertTrue(before - cp.size() >= 4, "the class path held the jars the kit leaves out: " + before + " → "
                + cp.size());
        Path config = Files.writeString(tmp.resolve("config.json"), FleetShardsTest.TINY);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String script = run(java, cp, 0, "fleet", "slurm", "--shards", "2", "--results", "/shared/r", "--", "--config",
                config.toString(), "--backends", "cpu");
        assertTrue(script.contains("#SBATCH --array=1-2"), script);
        String k8s = run(java, cp, ExitCode.BAD_INPUT, "fleet", "k8s", "--shards", "2", "--image", "img", "--claim", "c",
                "--", "--config", config.toString(), "--backends", "cpu");
        assertEquals(1, k8s.strip().lines().count(), k8s);
        assertTrue(k8s.contains("no Kubernetes model jars"), k8s);
    }

    private static String run(String java, List<String> cp, int expected, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-Djava.awt.headless=true", "-cp",
                String.join(File.pathSeparator, cp), Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), out);
        assertEquals(expected, p.exitValue(), out);
        return out;
    }
}
