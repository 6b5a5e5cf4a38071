package dev.dayzero.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dayzero.bench.plugins.Plugins;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A vendor's first day, end to end: the reactor's parent, BOM, hal-api, hal-tck and archetype go into a private local
 * repository (never the user's), Maven generates a project from the archetype there and builds it offline — its
 * conformance kit runs and passes, with the vendor's own case named by id — and the plugin jar it produces, dropped
 * into a plugins folder, runs in {@code dayzero run --backends acme}, recorded with its SHA-256.
 *
 * <p>The private repository links every group of the user's local repository except {@code dev/dayzero}, so the
 * nested builds find the plugins the outer build used; they run offline, and online only when something is missing
 * from the user's repository (a first build on a fresh machine).
 */
class ArchetypeVendorTest {
    @TempDir
    Path tmp;

    @AfterEach
    void clear() {
        System.clearProperty(Plugins.PROPERTY);
    }

    @Test
    void aGeneratedProjectBuildsOfflinePassesTheKitAndRunsAsAPlugin() throws Exception {
        String mavenHome = System.getProperty("dayzero.test.mavenHome", "");
        String userRepo = System.getProperty("dayzero.test.localRepository", "");
        String version = System.getProperty("dayzero.test.version", "");
        Assumptions.assumeTrue(!mavenHome.isBlank() && !mavenHome.contains("${") && !userRepo.contains("${"),
                "run by Maven (Surefire passes maven.home and the local repository), not from an IDE");
        Path root = Path.of("").toAbsolutePath().getParent();
        Path archetypeClasses = root.resolve("dayzero-backend-archetype/target/classes");
        assertTrue(Files.exists(archetypeClasses.resolve("META-INF/maven/archetype-metadata.xml")),
                "the archetype module is built first (bench's test dependency orders it): " + archetypeClasses);

        Path repo = tmp.resolve("repo");
        linkUserRepository(Path.of(userRepo), repo);
        Path dz = repo.resolve("dev/dayzero");
        install(dz, "dayzero-parent", version, root.resolve("pom.xml"), null);
        install(dz, "dayzero-bom", version, root.resolve("dayzero-bom/pom.xml"), null);
        install(dz, "hal-api", version, root.resolve("hal-api/pom.xml"), root.resolve("hal-api/target/classes"));
        install(dz, "hal-tck", version, root.resolve("hal-tck/pom.xml"), root.resolve("hal-tck/target/classes"));
        install(dz, "dayzero-backend-archetype", version, root.resolve("dayzero-backend-archetype/pom.xml"),
                archetypeClasses);

        Path work = Files.createDirectories(tmp.resolve("work"));
        String mvn = Path.of(mavenHome, "bin", "mvn").toString();
        List<String> base = new ArrayList<>(List.of(mvn, "-B", "-Dmaven.repo.local=" + repo));
        List<String> generate = new ArrayList<>(base);
        generate.addAll(List.of("org.apache.maven.plugins:maven-archetype-plugin:3.4.1:generate",
                "-DinteractiveMode=false", "-DarchetypeCatalog=internal", "-DarchetypeGroupId=dev.dayzero",
                "-DarchetypeArtifactId=dayzero-backend-archetype", "-DarchetypeVersion=" + version,
                "-DgroupId=com.acme.dayzero", "-DartifactId=acme-backend", "-Dversion=1.0.0",
                "-Dpackage=com.acme.dayzero", "-DbackendId=acme", "-DvendorName=ACME", "-DclassName=Acme"));
        maven(generate, work, tmp.resolve("generate.log"));
        Path project = work.resolve("acme-backend");
        assertTrue(Files.exists(project.resolve("src/main/java/com/acme/dayzero/AcmeDevice.java")), "generated");

        List<String> verify = new ArrayList<>(base);
        verify.add("verify");
        maven(verify, project, tmp.resolve("verify.log"));
        Path jar = project.resolve("target/acme-backend-1.0.0.jar");
        assertTrue(Files.exists(jar), "the plugin jar");
        String xml = Files.readString(project.resolve(
                "target/surefire-reports/TEST-com.acme.dayzero.AcmeConformanceTest.xml"));
        assertTrue(xml.contains("failures=\"0\"") && xml.contains("errors=\"0\""), xml);
        for (String id : List.of("acme/quantize/e4m3-group64-ue8m0", "quantize/int8-per-token",
                "deepseek-v3/quantize/act-e4m3-group128-ue8m0", "spi/events", "spi/copy-from")) {
            assertTrue(xml.contains("name=\"conformance " + id + "\"") || xml.contains("name=\"spi " + id + "\""),
                    "Surefire names the case " + id + " by its id");
        }

        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        Files.copy(jar, plugins.resolve(jar.getFileName()));
        System.setProperty(Plugins.PROPERTY, plugins.toString());
        Path out = tmp.resolve("run");
        CliTestSupport r = CliTestSupport.run("run", "--backends", "acme", "--batch", "1", "--context", "64",
                "--min-time", "1ms", "--worker-heap", "1g", "--no-report", "--out", out.toString());
        assertEquals(ExitCode.OK, r.exitCode(), r.out() + r.err());
        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        JsonNode plugin = results.get("plugins").get(0);
        assertEquals("acme-backend-1.0.0.jar", plugin.get("file").asText());
        assertEquals("1.0.0", plugin.get("version").asText());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(jar))),
                plugin.get("sha256").asText());
        int passed = 0;
        for (JsonNode c : results.get("cases")) {
            assertEquals("acme", c.get("backend").asText());
            String status = c.get("status").asText();
            if (c.get("spec").get("family").asText().equals("quantize")) {
                assertEquals("passed", status, c.toString());
                passed++;
            } else {
                assertEquals("unsupported", status, c.toString());
            }
        }
        assertTrue(passed > 0, "the plugin's quantize ran in the workload: " + results.get("cases"));
    }

    /** The user's local repository, group by group, as links; {@code dev/dayzero} stays a folder of our own. */
    private static void linkUserRepository(Path user, Path repo) throws IOException {
        Files.createDirectories(repo.resolve("dev/dayzero"));
        if (!Files.isDirectory(user)) {
            return;
        }
        try (Stream<Path> groups = Files.list(user)) {
            for (Path g : groups.toList()) {
                if (g.getFileName().toString().equals("dev")) {
                    try (Stream<Path> devs = Files.list(g)) {
                        for (Path d : devs.toList()) {
                            if (!d.getFileName().toString().equals("dayzero")) {
                                Files.createSymbolicLink(repo.resolve("dev").resolve(d.getFileName()), d);
                            }
                        }
                    }
                } else if (Files.isDirectory(g)) {
                    Files.createSymbolicLink(repo.resolve(g.getFileName()), g);
                }
            }
        }
    }

    /** Installs a pom (and a jar of {@code classes}, when given) as Maven's local repository lays them out. */
    private static void install(Path groupDir, String artifact, String version, Path pom, Path classes)
            throws IOException {
        Path dir = Files.createDirectories(groupDir.resolve(artifact).resolve(version));
        Files.copy(pom, dir.resolve(artifact + "-" + version + ".pom"));
        if (classes == null) {
            return;
        }
        assertTrue(Files.isDirectory(classes), "built: " + classes);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(dir.resolve(artifact + "-" + version
                + ".jar"))); Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
    }

    /** Runs Maven offline; online once more only when the offline build says something is not in the repository. */
    private static void maven(List<String> command, Path dir, Path log) throws Exception {
        List<String> offline = new ArrayList<>(command);
        offline.add(1, "-o");
        if (run(offline, dir, log) == 0) {
            return;
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        int code = out.contains("offline mode") ? run(command, dir, log) : -1;
        out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, code, String.join(" ", command) + " in " + dir + " failed:\n"
                + out.substring(Math.max(0, out.length() - 6000)));
    }

    private static int run(List<String> command, Path dir, Path log) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return -2;
        }
        return p.exitValue();
    }
}
