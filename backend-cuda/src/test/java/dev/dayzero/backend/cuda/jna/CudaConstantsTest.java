package dev.dayzero.backend.cuda.jna;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the bindings' constants matched to the toolkit. Every {@code int}/{@code long} constant the Java interfaces
 * declare is read by reflection and compared with the C headers:
 * <ul>
 *   <li>{@link CudaDriver} (all of it) and {@link CublasLt}'s {@code cudaDataType} values: a small C program is
 *       generated, compiled with gcc against the {@code cuda.h} and {@code library_types.h} of the CUDA toolkit
 *       found here (the one nvcc uses), run, and its output compared; skipped with the reason where gcc or the
 *       headers are absent;</li>
 *   <li>{@link CublasLt} (all of it): {@code cublasLt.h} is not installed on the build machines, so against the
 *       checked-in table {@code cublaslt-13.1.1.constants} (values printed from cuBLAS 13.1.1's headers; its header
 *       comment names the source). Always runs.</li>
 * </ul>
 * A constant that neither check covers must be listed in {@link #NOT_HEADER_CONSTANTS} with the reason, so that a
 * new constant cannot slip in unchecked. No GPU needed.
 */
class CudaConstantsTest {
    /** Constants that are not values of a header, with where they come from instead. */
    static final Map<String, String> NOT_HEADER_CONSTANTS = Map.of(
            "VERSION_BLOCK_SCALING", "a cublasLtGetVersion() value (12.9.0, the first with block scaling), from the"
                    + " cuBLAS release notes, not a header constant");
    /** The checked-in cuBLASLt table (test resource beside this class). */
    static final String CUBLASLT_TABLE = "cublaslt-13.1.1.constants";
    private static final Pattern LINE = Pattern.compile("^([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*(-?\\d+)\\s*(#.*)?$");

    /** Every public static int/long constant of {@code type}, by name, in declaration order. */
    static Map<String, Long> javaConstants(Class<?> type) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Field f : type.getDeclaredFields()) {
            int m = f.getModifiers();
            if (!Modifier.isStatic(m) || !Modifier.isFinal(m) || !Modifier.isPublic(m)) {
                continue;
            }
            try {
                if (f.getType() == int.class) {
                    out.put(f.getName(), (long) f.getInt(null));
                } else if (f.getType() == long.class) {
                    out.put(f.getName(), f.getLong(null));
                }
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        return out;
    }

    /** The checked-in table: {@code NAME = value} lines, {@code #} comments. */
    static Map<String, Long> table() throws IOException {
        Map<String, Long> out = new LinkedHashMap<>();
        try (InputStream in = CudaConstantsTest.class.getResourceAsStream(CUBLASLT_TABLE)) {
            assertTrue(in != null, "test resource " + CUBLASLT_TABLE + " is missing");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                Matcher m = LINE.matcher(t);
                if (!m.matches()) {
                    fail(CUBLASLT_TABLE + ":" + n + ": not 'NAME = value': " + line);
                }
                if (out.put(m.group(1), Long.parseLong(m.group(2))) != null) {
                    fail(CUBLASLT_TABLE + ":" + n + ": " + m.group(1) + " twice");
                }
            }
        }
        return out;
    }

    /** Where each constant is checked: every one must be covered. */
    @Test
    void everyConstantIsCoveredByACheck() throws IOException {
        Map<String, Long> tbl = table();
        List<String> uncovered = new ArrayList<>();
        for (String name : javaConstants(CublasLt.class).keySet()) {
            if (!tbl.containsKey(name) && !NOT_HEADER_CONSTANTS.containsKey(name)) {
                uncovered.add("CublasLt." + name);
            }
        }
        // CudaDriver: all compiled against cuda.h (an unknown name fails the compilation there).
        for (String name : javaConstants(CudaDriver.class).keySet()) {
            if (NOT_HEADER_CONSTANTS.containsKey(name)) {
                uncovered.add("CudaDriver." + name + " (listed as not a header constant, but CudaDriver has only header values)");
            }
        }
        assertEquals(List.of(), uncovered, "constants no check covers: add them to " + CUBLASLT_TABLE
                + " (with the header value) or to NOT_HEADER_CONSTANTS (with the reason)");
        assertTrue(javaConstants(CudaDriver.class).size() >= 50, "reflection found too few CudaDriver constants");
    }

    /** CublasLt's constants against the table of cuBLAS 13.1.1's header values. Runs everywhere. */
    @Test
    void cublasLtConstantsMatchTheCheckedInHeaderTable() throws IOException {
        Map<String, Long> tbl = table();
        Map<String, Long> java = javaConstants(CublasLt.class);
        Map<String, String> mismatches = new TreeMap<>();
        for (Map.Entry<String, Long> e : java.entrySet()) {
            Long header = tbl.get(e.getKey());
            if (header != null && !header.equals(e.getValue())) {
                mismatches.put(e.getKey(), "java " + e.getValue() + ", header " + header);
            }
        }
        for (String name : tbl.keySet()) {
            if (!java.containsKey(name)) {
                mismatches.put(name, "in " + CUBLASLT_TABLE + " but not declared by CublasLt (stale table entry)");
            }
        }
        assertEquals(Map.of(), mismatches, "CublasLt constants differ from cuBLAS 13.1.1's headers");
    }

    /** CudaDriver's constants and CublasLt's cudaDataType values against the headers of the toolkit found here. */
    @Test
    void driverConstantsMatchTheInstalledCudaHeaders(@TempDir Path dir) throws Exception {
        Optional<Path> include = cudaInclude();
        Assumptions.assumeTrue(include.isPresent(), "CUDA headers not found (cuda.h under dayzero.cuda.include, CUDA_HOME,"
                + " CUDA_PATH, nvcc's include path or /usr/local/cuda/include): the header comparison needs the toolkit");
        Assumptions.assumeTrue(onPath("gcc"), "gcc not available: the header comparison compiles a C program");
        Map<String, Long> expected = new LinkedHashMap<>(javaConstants(CudaDriver.class));
        javaConstants(CublasLt.class).forEach((name, value) -> {
            if (name.startsWith("CUDA_R_")) {
                expected.put(name, value);
            }
        });
        StringBuilder c = new StringBuilder("#include <stdio.h>\n#include <cuda.h>\n#include <library_types.h>\n"
                + "int main(void) {\n");
        for (String name : expected.keySet()) {
            c.append("    printf(\"%s %lld\\n\", \"").append(name).append("\", (long long) (").append(name).append("));\n");
        }
        c.append("    return 0;\n}\n");
        Path src = dir.resolve("cuda_constants.c");
        Path exe = dir.resolve("cuda_constants");
        Files.writeString(src, c);
        run(List.of("gcc", "-std=c11", "-Wall", "-Werror", "-I" + include.get(), "-o", exe.toString(), src.toString()),
                "compiling the constants program against " + include.get());
        String out = run(List.of(exe.toString()), "running the constants program");
        Map<String, Long> header = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String[] p = line.strip().split(" ");
            if (p.length == 2) {
                header.put(p[0], Long.parseLong(p[1]));
            }
        }
        Map<String, String> mismatches = new TreeMap<>();
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            Long h = header.get(e.getKey());
            if (h == null) {
                mismatches.put(e.getKey(), "not printed by the program");
            } else if (!h.equals(e.getValue())) {
                mismatches.put(e.getKey(), "java " + e.getValue() + ", header " + h);
            }
        }
        assertEquals(Map.of(), mismatches, "constants differ from the CUDA headers in " + include.get()
                + " (" + version(include.get()) + ")");
        assertEquals(expected.size(), header.size(), "one line per constant");
    }

    /** The include directory holding cuda.h: a system property, CUDA_HOME / CUDA_PATH, what nvcc uses, /usr/local/cuda. */
    static Optional<Path> cudaInclude() {
        List<Path> candidates = new ArrayList<>();
        String prop = System.getProperty("dayzero.cuda.include");
        if (prop != null && !prop.isBlank()) {
            candidates.add(Path.of(prop));
        }
        for (String env : List.of("CUDA_HOME", "CUDA_PATH")) {
            String v = System.getenv(env);
            if (v != null && !v.isBlank()) {
                candidates.add(Path.of(v, "include"));
            }
        }
        nvccInclude().ifPresent(candidates::add);
        candidates.add(Path.of("/usr/local/cuda/include"));
        return candidates.stream().filter(d -> Files.isRegularFile(d.resolve("cuda.h"))
                && Files.isRegularFile(d.resolve("library_types.h"))).findFirst();
    }

    /** The {@code -I} directory nvcc passes to its host compiler ({@code nvcc --dryrun}'s INCLUDES line). */
    private static Optional<Path> nvccInclude() {
        if (!onPath("nvcc")) {
            return Optional.empty();
        }
        try {
            Process p = new ProcessBuilder("nvcc", "--dryrun", "-c", "-x", "cu", "/dev/null", "-o", "/dev/null")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(60, TimeUnit.SECONDS);
            Matcher m = Pattern.compile("INCLUDES=\"-I([^\"]+)\"").matcher(out);
            return m.find() ? Optional.of(Path.of(m.group(1).strip()).normalize()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static String version(Path include) {
        try {
            Matcher m = Pattern.compile("#define CUDA_VERSION (\\d+)").matcher(Files.readString(include.resolve("cuda.h")));
            return m.find() ? "CUDA_VERSION " + m.group(1) : "CUDA_VERSION unknown";
        } catch (IOException e) {
            return "cuda.h unreadable";
        }
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(java.io.File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    private static String run(List<String> command, String what) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(what + " timed out");
        }
        if (p.exitValue() != 0) {
            fail(what + " failed (exit " + p.exitValue() + "): a constant the Java side declares may be missing from"
                    + " the header\n" + out);
        }
        return out;
    }
}
