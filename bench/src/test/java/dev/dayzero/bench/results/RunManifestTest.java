package dev.dayzero.bench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunManifestTest {
    @TempDir
    Path dir;

    private void runDirectory() throws Exception {
        Files.writeString(dir.resolve("results.json"), "{\"schema\": \"dayzero.results/1\"}\n");
        Files.writeString(dir.resolve("cases.jsonl"), "{}\n");
        Files.createDirectories(dir.resolve("report/charts"));
        Files.writeString(dir.resolve("report/report.md"), "# report\n");
        Files.write(dir.resolve("report/charts/a.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2});
        Files.writeString(dir.resolve("results.json.tmp"), "half a file"); // temporaries are left out
    }

    @Test
    void listsEveryFileSortedInSha256sumFormatAndVerifies() throws Exception {
        runDirectory();
        Path m = RunManifest.write(dir);
        assertEquals(dir.resolve(RunManifest.FILE), m);
        List<String> lines = Files.readAllLines(m);
        assertEquals(4, lines.size(), lines.toString());
        assertEquals(List.of("cases.jsonl", "report/charts/a.png", "report/report.md", "results.json"),
                lines.stream().map(l -> l.substring(66)).toList());
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest("{}\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected + "  cases.jsonl", lines.get(0));
        assertEquals(RunManifest.Check.VERIFIED, RunManifest.verify(dir));
    }

    @Test
    void sha256sumChecksItToo() throws Exception {
        runDirectory();
        RunManifest.write(dir);
        Process p;
        try {
            p = new ProcessBuilder("sha256sum", "-c", RunManifest.FILE).directory(dir.toFile()).redirectErrorStream(true)
                    .start();
        } catch (java.io.IOException e) {
            Assumptions.abort("no sha256sum on this machine: " + e.getMessage());
            return;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("results.json: OK"), out);
    }

    @Test
    void aChangedFileFailsNamingIt() throws Exception {
        runDirectory();
        RunManifest.write(dir);
        Files.writeString(dir.resolve("report/report.md"), "# a better report\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunManifest.verify(dir));
        assertTrue(e.getMessage().contains("report.md") && e.getMessage().contains("does not match"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    @Test
    void aMissingFileFailsNamingIt() throws Exception {
        runDirectory();
        RunManifest.write(dir);
        Files.delete(dir.resolve("report/charts/a.png"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunManifest.verify(dir));
        assertTrue(e.getMessage().contains("a.png") && e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void noManifestIsNotAnErrorButSaysSo() throws Exception {
        runDirectory();
        assertEquals(RunManifest.Check.NO_MANIFEST, RunManifest.verify(dir));
    }

    @Test
    void aManifestMustCoverTheResultsAndStayInsideTheDirectory() throws Exception {
        runDirectory();
        Files.writeString(dir.resolve(RunManifest.FILE), RunManifest.sha256(dir.resolve("cases.jsonl")) + "  cases.jsonl\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RunManifest.verify(dir)).getMessage()
                .contains("does not list results.json"));
        Files.writeString(dir.resolve(RunManifest.FILE), "0".repeat(64) + "  ../elsewhere/results.json\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RunManifest.verify(dir)).getMessage()
                .contains("not a file inside"));
        Files.writeString(dir.resolve(RunManifest.FILE), "not a manifest line\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RunManifest.verify(dir)).getMessage()
                .contains("line 1"));
    }

    @Test
    void awkwardNamesAreEscapedAsSha256sumDoes() throws Exception {
        runDirectory();
        Files.writeString(dir.resolve("back\\slash.txt"), "x");
        RunManifest.write(dir);
        String manifest = Files.readString(dir.resolve(RunManifest.FILE));
        assertTrue(manifest.lines().toList().contains("\\" + RunManifest.sha256(dir.resolve("back\\slash.txt"))
                + "  back\\\\slash.txt"), manifest);
        assertEquals(RunManifest.Check.VERIFIED, RunManifest.verify(dir));
        Files.writeString(dir.resolve("back\\slash.txt"), "y");
        assertThrows(IllegalArgumentException.class, () -> RunManifest.verify(dir));
    }
}
