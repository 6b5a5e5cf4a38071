package dev.dayzero.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkout launcher {@code ./dayzero} guesses whether an NVIDIA driver is here, to leave the CUDA kernels out of
 * its build where nothing could run them: its {@code nvidia_driver} function, run by {@code sh} with a stand-in
 * {@code ldconfig} first on PATH. The cases that must say "no driver" skip on a machine that has one of the driver's
 * files.
 */
class LauncherDriverGuessTest {
    private static final Path LAUNCHER = Path.of("..", "dayzero");
    private static final List<String> DRIVER_FILES = List.of("/proc/driver/nvidia/version", "/dev/nvidiactl",
            "/dev/dxg", "/usr/lib/wsl/lib/libcuda.so.1");

    @TempDir
    Path bin;

    private static String function() throws IOException {
        String script = Files.readString(LAUNCHER);
        Matcher m = Pattern.compile("(?ms)^nvidia_driver\\(\\) \\{.*?^\\}$").matcher(script);
        assertTrue(m.find(), "./dayzero defines nvidia_driver()");
        return m.group();
    }

    private String guess(String ldconfigOutput, Map<String, String> env) throws Exception {
        Path ldconfig = bin.resolve("ldconfig");
        Files.writeString(ldconfig, "#!/bin/sh\nprintf '%s\\n' '" + ldconfigOutput + "'\n");
        assertTrue(ldconfig.toFile().setExecutable(true));
        ProcessBuilder pb = new ProcessBuilder("sh", "-c",
                function() + "\nif nvidia_driver; then echo driver; else echo none; fi").redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        pb.environment().remove("DAYZERO_CUDA_HOME");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void aLibcudaTheLoaderKnowsIsADriver() throws Exception {
        assertEquals("driver", guess("\tlibcuda.so.1 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcuda.so.1",
                Map.of()));
    }

    @Test
    void dayzeroCudaHomeCountsAsADriver() throws Exception {
        assertEquals("driver", guess("\tlibc.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libc.so.6",
                Map.of("DAYZERO_CUDA_HOME", "/opt/cuda-driver")));
    }

    @Test
    void noDriverFilesAndNoLibcudaIsNoDriver() throws Exception {
        Assumptions.assumeTrue(DRIVER_FILES.stream().noneMatch(f -> Files.exists(Path.of(f))),
                "this machine has an NVIDIA driver's files");
        // the toolkit's runtime and the stub directory's libcuda.so are not the driver's libcuda.so.1
        assertEquals("none", guess("\tlibcudart.so.13 (libc6,x86-64) => /usr/local/cuda/lib/libcudart.so.13",
                Map.of()));
        assertEquals("none", guess("\tlibcuda.so (libc6,x86-64) => /usr/local/cuda/lib64/stubs/libcuda.so", Map.of()));
    }
}
