package dev.dayzero.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dayzero.bench.fault.PluginBackendProvider;
import dev.dayzero.bench.fault.ThrowingBackendProvider;
import dev.dayzero.bench.plugins.Plugins;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin loader through the command line: a jar with a broken service file and a jar whose provider throws in its
 * constructor become unavailable backends named after the jar (the other backends still run), two versions of one
 * backend id are refused naming both jars, and results and the report list every plugin jar with its SHA-256.
 */
class PluginLoaderTest {
    static final String CASE = "quantize/e4m3-per-token-ue8m0";

    @TempDir
    Path plugins;

    @AfterEach
    void clear() {
        System.clearProperty(Plugins.PROPERTY);
    }

    /** A plugin jar: a manifest with {@code version}, a service file of {@code serviceLines}, and the class of {@code withClass}. */
    static Path jar(Path dir, String name, String version, String serviceLines, Class<?> withClass) throws Exception {
        Path jar = dir.resolve(name);
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf)) {
            out.putNextEntry(new JarEntry("META-INF/services/dev.dayzero.hal.BackendProvider"));
            out.write(serviceLines.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
            if (withClass != null) {
                String path = withClass.getName().replace('.', '/') + ".class";
                out.putNextEntry(new JarEntry(path));
                try (var in = withClass.getClassLoader().getResourceAsStream(path)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return jar;
    }

    static String sha256(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }

    @Test
    void aBrokenServiceFileAndAThrowingConstructorMakeOnlyTheirBackendsUnavailable() throws Exception {
        Path good = jar(plugins, "acme-backend-1.2.0.jar", "1.2.0", PluginBackendProvider.class.getName() + "\n",
                PluginBackendProvider.class);
        jar(plugins, "typo-backend-0.1.jar", "0.1", "# a vendor's typo\ncom.acme.Acme Provider\n", null);
        jar(plugins, "throwing-backend-0.3.jar", "0.3", ThrowingBackendProvider.class.getName() + "\n", null);
        System.setProperty(Plugins.PROPERTY, plugins.toString());

        CliTestSupport b = CliTestSupport.run("backends");
        assertEquals(ExitCode.OK, b.exitCode(), b.out() + b.err());
        assertTrue(b.out().contains("typo-backend-0.1 unavailable: plugin jar typo-backend-0.1.jar is broken: "
                + "META-INF/services/dev.dayzero.hal.BackendProvider: line 2 'com.acme.Acme Provider' is not a class "
                + "name"), b.out());
        assertTrue(b.out().contains("throwing-backend-0.3 unavailable: plugin jar throwing-backend-0.3.jar is broken: "
                + "provider " + ThrowingBackendProvider.class.getName() + ": java.lang.IllegalStateException: its "
                + "constructor threw java.lang.IllegalStateException: " + ThrowingBackendProvider.MESSAGE), b.out());
        assertTrue(b.out().contains("acme-test  available"), b.out());
        assertTrue(b.out().contains("cpu        available"), b.out());
        assertTrue(b.out().contains("plugin acme-backend-1.2.0.jar 1.2.0 (sha256 " + sha256(good).substring(0, 12)
                + "): acme-test"), b.out());
        assertFalse(b.out().contains("ServiceConfigurationError") || b.err().contains("Exception in"), b.err());

        Path out = plugins.resolveSibling(plugins.getFileName() + "-run");
        CliTestSupport r = CliTestSupport.run("run", "--config", tinyModel(plugins.getParent()).toString(),
                "--backends", "acme-test,typo-backend-0.1", "--batch", "2", "--context", "64", "--min-time", "1ms",
                "--worker-heap", "512m",
                "--out", out.toString());
        assertEquals(ExitCode.OK, r.exitCode(), r.out() + r.err());
        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        JsonNode jars = results.get("plugins");
        assertEquals(3, jars.size(), jars.toString());
        JsonNode acme = jars.get(0);
        assertEquals("acme-backend-1.2.0.jar", acme.get("file").asText());
        assertEquals("1.2.0", acme.get("version").asText());
        assertEquals(sha256(good), acme.get("sha256").asText());
        assertEquals("acme-test", acme.get("backends").get(0).asText());
        assertTrue(jars.get(2).get("error").asText().contains("is not a class name"), jars.toString());
        boolean sawPassed = false;
        boolean sawUnavailable = false;
        for (JsonNode c : results.get("cases")) {
            if (c.get("backend").asText().equals("acme-test")) {
                sawPassed |= c.get("status").asText().equals("passed");
            } else {
                assertEquals("unavailable", c.get("status").asText(), c.toString());
                assertTrue(c.get("message").asText().contains("is not a class name"), c.toString());
                sawUnavailable = true;
            }
        }
        assertTrue(sawPassed && sawUnavailable, results.get("cases").toString());
        for (JsonNode e : results.get("backends")) {
            if (e.get("id").asText().equals("typo-backend-0.1")) {
                assertFalse(e.get("available").asBoolean());
            }
        }
        String report = Files.readString(out.resolve("report").resolve("report.md"));
        assertTrue(report.contains("Backend plugin jars") && report.contains(sha256(good)), report);
    }

    @Test
    void twoVersionsOfOneBackendAreRefusedNamingBothJars() throws Exception {
        Path old = jar(plugins, "acme-backend-1.0.0.jar", "1.0.0", PluginBackendProvider.class.getName(), null);
        Path neu = jar(plugins, "acme-backend-1.1.0.jar", "1.1.0", PluginBackendProvider.class.getName(), null);
        System.setProperty(Plugins.PROPERTY, plugins.toString());
        for (String[] args : new String[][] {{"backends"}, {"conform", "--backend", "cpu", "--case", CASE}}) {
            CliTestSupport r = CliTestSupport.run(args);
            assertEquals(ExitCode.BAD_INPUT, r.exitCode(), r.out() + r.err());
            String line = r.err().strip();
            assertEquals(1, line.lines().count(), line);
            assertTrue(line.contains("two jars provide backend 'acme-test'") && line.contains(old.toString())
                    && line.contains(neu.toString()), line);
        }
    }

    @Test
    void aPluginThatRepeatsABuiltInIdIsRefused() throws Exception {
        jar(plugins, "my-cpu.jar", "9", dev.dayzero.backend.cpu.CpuBackendProvider.class.getName(), null);
        System.setProperty(Plugins.PROPERTY, plugins.toString());
        CliTestSupport r = CliTestSupport.run("backends");
        assertEquals(ExitCode.BAD_INPUT, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().contains("two jars provide backend 'cpu'") && r.err().contains("my-cpu.jar"), r.err());
    }

    /** A small MoE model config with only the quantize and GEMM operators cheap enough for a test. */
    static Path tinyModel(Path dir) throws Exception {
        Path cfg = dir.resolve("tiny-config.json");
        try (OutputStream o = Files.newOutputStream(cfg)) {
            o.write(RunCommandTest.TINY.getBytes(StandardCharsets.UTF_8));
        }
        return cfg;
    }
}
