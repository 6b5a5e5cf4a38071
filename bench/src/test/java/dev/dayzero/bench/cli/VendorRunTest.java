package dev.dayzero.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dayzero.bench.results.HostInfo;
import dev.dayzero.bench.results.RunManifest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end, as a vendor would: {@code dayzero conform --submitted-by ... --redact-host} in a fresh JVM whose
 * hostname (from {@code HOSTNAME}) must not reach any file, then {@code dayzero report} merging that directory
 * with one of our own, and refusing it once a file changed.
 */
class VendorRunTest {
    static final String SECRET = "dayzero-secret-host-4711";
    static final String CASE = "quantize/e4m3-per-token-ue8m0";

    @TempDir
    Path tmp;

    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void aSubmittedRunIsRedactedManifestedAndLabelledBesideOurs() throws Exception {
        Path vendor = tmp.resolve("acme-run");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "conform", "--backend", "cpu", "--case", CASE, "--submitted-by", "ACME Labs",
                "--redact-host", "--worker-heap", "512m", "--out", vendor.toString()).redirectErrorStream(true);
        pb.environment().put("HOSTNAME", SECRET);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), out);
        assertEquals(ExitCode.OK, p.exitValue(), out);

        JsonNode results = new ObjectMapper().readTree(vendor.resolve("results.json").toFile());
        JsonNode origin = results.get("origin");
        assertEquals("ACME Labs", origin.get("submittedBy").asText());
        assertEquals(HostInfo.redact(SECRET), origin.get("host").asText(), "the hash of the name the JVM was given");
        assertTrue(origin.get("hostRedacted").asBoolean());
        assertEquals(HostInfo.redact(SECRET), results.get("host").get("hostname").asText());
        assertTrue(origin.get("versions").has("cpu.java"), origin.toString());
        assertFalse(origin.get("toolVersion").asText().isEmpty());
        for (Path f : files(vendor)) {
            assertFalse(Files.readString(f, StandardCharsets.ISO_8859_1).contains(SECRET), "the hostname leaks into " + f);
        }

        Path manifest = vendor.resolve(RunManifest.FILE);
        List<String> listed = new ArrayList<>();
        Files.readAllLines(manifest).forEach(l -> listed.add(l.substring(66)));
        assertTrue(listed.contains("results.json") && listed.contains("cases.jsonl"), listed.toString());
        FileTime written = Files.getLastModifiedTime(manifest);
        for (Path f : files(vendor)) {
            assertTrue(Files.getLastModifiedTime(f).compareTo(written) <= 0, f + " was written after the manifest");
        }

        Path ours = tmp.resolve("our-run");
        CliTestSupport local = CliTestSupport.run("conform", "--backend", "cpu", "--case", CASE, "--worker-heap", "512m",
                "--out", ours.toString());
        assertEquals(ExitCode.OK, local.exitCode(), local.out() + local.err());
        assertFalse(new ObjectMapper().readTree(ours.resolve("results.json").toFile()).has("origin"), "a run of our own");

        Path report = tmp.resolve("report");
        CliTestSupport r = CliTestSupport.run("report", vendor.toString(), ours.toString(), "--out", report.toString());
        assertEquals(ExitCode.OK, r.exitCode(), r.out() + r.err());
        String md = Files.readString(report.resolve("report.md"));
        assertTrue(md.contains("(vendor-submitted by ACME Labs)") && md.contains("(measured here)"), md);
        assertFalse(md.contains("unverified"), "both directories carry a manifest that matched");
        String matrix = Files.readString(report.resolve("charts").resolve("support-matrix.svg"));
        assertTrue(matrix.contains("vendor-submitted by ACME Labs") && matrix.contains("measured here"),
                "the support matrix chart labels both columns");

        CliTestSupport inside = CliTestSupport.run("report", vendor.toString(), "--out", vendor.resolve("report").toString());
        assertEquals(ExitCode.BAD_INPUT, inside.exitCode());
        assertTrue(inside.err().contains("would then no longer match"), inside.err());

        Path cases = vendor.resolve("cases.jsonl");
        Files.writeString(cases, Files.readString(cases).replace("\"passed\"", "\"failed-numerics\""));
        CliTestSupport tampered = CliTestSupport.run("report", vendor.toString(), ours.toString(), "--out",
                tmp.resolve("report2").toString());
        assertEquals(ExitCode.BAD_INPUT, tampered.exitCode(), tampered.out() + tampered.err());
        assertEquals(1, tampered.err().strip().lines().count(), "one line: " + tampered.err());
        assertTrue(tampered.err().contains(cases.toString()) && tampered.err().contains("does not match"), tampered.err());
    }
}
