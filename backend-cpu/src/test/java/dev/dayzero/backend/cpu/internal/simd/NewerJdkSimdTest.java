package dev.dayzero.backend.cpu.internal.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Vector API path on every newer JDK of this machine ({@code /usr/lib/jvm/*}, and {@code DAYZERO_EXTRA_JDKS},
 * a path-separated list of JDK homes): {@link SimdSmoke} in a child JVM of each. The build runs on JDK 17, but the
 * incubating API is linked at run time, and methods disappear between releases (JDK 20 removed
 * {@code ShortVector.fromByteArray}, which every BF16 load used: a NoSuchMethodError only a newer JDK shows).
 */
class NewerJdkSimdTest {
    private static final Pattern VERSION = Pattern.compile("JAVA_VERSION=\"(\\d+)");

    @Test
    void theVectorPathRunsOnEveryNewerJdkHere() throws Exception {
        List<Path> jdks = newerJdks();
        Assumptions.assumeFalse(jdks.isEmpty(), "no JDK newer than " + Runtime.version().feature() + " on this machine");
        for (Path home : jdks) {
            Path log = Files.createTempFile("simd-smoke", ".txt");
            Process p = new ProcessBuilder(home.resolve("bin/java").toString(), "--add-modules", "jdk.incubator.vector",
                    "-cp", System.getProperty("java.class.path"), SimdSmoke.class.getName())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean exited = p.waitFor(120, TimeUnit.SECONDS);
            if (!exited) {
                p.destroyForcibly().waitFor();
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            Files.delete(log);
            assertTrue(exited, home + ": SimdSmoke still running after 120 s:\n" + out);
            assertEquals(0, p.exitValue(), home + ":\n" + out);
        }
    }

    private static List<Path> newerJdks() throws IOException {
        List<Path> homes = new ArrayList<>();
        Path jvm = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvm)) {
            try (Stream<Path> s = Files.list(jvm)) {
                s.sorted().forEach(homes::add);
            }
        }
        String extra = System.getenv("DAYZERO_EXTRA_JDKS");
        if (extra != null) {
            for (String h : extra.split(java.io.File.pathSeparator)) {
                if (!h.isBlank()) {
                    homes.add(Path.of(h));
                }
            }
        }
        List<Path> newer = new ArrayList<>();
        for (Path h : homes) {
            Path release = h.resolve("release");
            if (Files.isSymbolicLink(h) || !Files.isRegularFile(release) || !Files.isExecutable(h.resolve("bin/java"))) {
                continue;
            }
            Matcher m = VERSION.matcher(Files.readString(release));
            if (m.find() && Integer.parseInt(m.group(1)) > Runtime.version().feature()) {
                newer.add(h);
            }
        }
        return newer;
    }
}
