package dev.dayzero.backend.cuda.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code src/build/nvcc-kernels.sh} with {@code DAYZERO_CUDA_KERNELS=skip}, what {@code ./dayzero} sets on a machine
 * without an NVIDIA driver: kernels that are up to date stay, anything else is removed and {@code skipped.txt} says
 * why (nothing is compiled, so these run in seconds). Needs nvcc on PATH, as the script does before anything else.
 */
class KernelBuildScriptTest {
    @TempDir
    Path tmp;

    private static Path script;
    private static Path sources;
    private static Path built;
    private static String flags;

    @BeforeAll
    static void paths() {
        String s = System.getProperty("dayzero.cuda.kernelScript");
        Assumptions.assumeTrue(s != null, "run by Maven, which names the kernel build script");
        script = Path.of(s);
        sources = Path.of(System.getProperty("dayzero.cuda.kernelSources"));
        built = Path.of(System.getProperty("dayzero.cuda.kernelDir"));
        flags = System.getProperty("dayzero.cuda.nvccFlags");
        Assumptions.assumeTrue(KernelImages.allPresent(), "the build compiled no kernels (no nvcc on PATH)");
    }

    private record Result(int exit, String output) {
    }

    private Result run(Path out, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), sources.toString(), out.toString(), flags)
                .redirectErrorStream(true);
        pb.environment().put("DAYZERO_CACHE_DIR", tmp.resolve("cache").toString()); // empty: nothing to copy
        pb.environment().remove("DAYZERO_CUDA_KERNELS_WHY");
        pb.environment().putAll(env);
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the script finished");
        return new Result(p.exitValue(), text);
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void skipRemovesStaleKernelsAndSaysWhy() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.write(out.resolve("quantize.fatbin"), new byte[] {1, 2, 3}); // from other sources: stale
        Files.writeString(out.resolve("kernels.stamp"), "an older hash\n");
        Files.writeString(out.resolve("nvcc-version.txt"), "release 12.0\n");
        Result r = run(out, Map.of("DAYZERO_CUDA_KERNELS", "skip", "DAYZERO_CUDA_KERNELS_WHY", "no driver here"));
        assertEquals(0, r.exit(), r.output());
        assertEquals(List.of("skipped.txt"), names(out), r.output());
        assertEquals("no driver here", Files.readString(out.resolve("skipped.txt")).strip());
        assertTrue(r.output().contains("left out (no driver here)"), r.output());
    }

    @Test
    void skipKeepsKernelsThatAreUpToDate() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out"));
        for (String f : names(built)) {
            Files.copy(built.resolve(f), out.resolve(f));
        }
        Files.writeString(out.resolve("skipped.txt"), "an earlier skip\n");
        Result r = run(out, Map.of("DAYZERO_CUDA_KERNELS", "skip"));
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("up to date"), r.output());
        assertFalse(Files.exists(out.resolve("skipped.txt")), "an up-to-date build is not a skipped one");
        for (String k : KernelImages.ALL) {
            assertArrayEquals(Files.readAllBytes(built.resolve(k + ".fatbin")),
                    Files.readAllBytes(out.resolve(k + ".fatbin")), k);
        }
    }

    @Test
    void anUnknownModeIsRefused() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Result r = run(out, Map.of("DAYZERO_CUDA_KERNELS", "later"));
        assertEquals(2, r.exit(), r.output());
        assertTrue(r.output().contains("must be build or skip, not 'later'"), r.output());
        assertEquals(List.of(), names(out));
    }
}
