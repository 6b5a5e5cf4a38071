package dev.dayzero.bench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.DeviceInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OriginTest {
    static final String SECRET = "gpu-node-17.lab.example.com";

    @Test
    void redactionIsAStablePrefixedSha256AndKeepsNoPartOfTheName() throws Exception {
        String r = HostInfo.redact(SECRET);
        assertEquals(r, HostInfo.redact(SECRET), "stable");
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(SECRET.getBytes(StandardCharsets.UTF_8)));
        assertEquals("redacted-" + sha.substring(0, 16), r);
        assertNotEquals(r, HostInfo.redact("gpu-node-18.lab.example.com"));
        for (String part : SECRET.split("[.-]")) {
            assertFalse(r.contains(part), part + " leaks into " + r);
        }
        assertEquals("", HostInfo.redact(""), "nothing to hide");
    }

    @Test
    void aSubmittedFileCarriesItsOriginRightAfterTheSchemaAndReadsBack(@TempDir Path dir) throws Exception {
        ResultsFile plain = ResultsStoreTest.file();
        DeviceInfo h200 = new DeviceInfo("cuda", 0, "NVIDIA", "NVIDIA H200", "sm_90", 141L << 30, 132, "13.0", "13.0",
                50L << 20, false, Map.of("cublasLtVersion", "12.9.1", "smCount", "132"));
        List<BackendEntry> entries = List.of(new BackendEntry("cuda", 0, true, "",
                Map.of("driver", "13.0 (13000)", "libcuda", "/usr/lib/libcuda.so.1"), List.of(h200)));
        HostInfo host = new HostInfo("Linux", "6", "amd64", "Xeon", 2, 1L << 34, "v", "17", "vm", SECRET).redacted();
        Origin origin = Origin.of("ACME Labs", host, true, plain.run(), entries);
        assertEquals(Map.of("cuda.driver", "13.0 (13000)", "cuda.libcuda", "/usr/lib/libcuda.so.1",
                "cuda:0.driverVersion", "13.0", "cuda:0.runtimeVersion", "13.0", "cuda:0.cublasLtVersion", "12.9.1"),
                origin.versions());
        assertEquals("vendor-submitted by ACME Labs", origin.label());

        ResultsFile sent = new ResultsFile(plain.schema(), plain.run(), host, entries, plain.cases(), origin);
        ResultsStore store = ResultsStore.create(dir);
        Path file = store.writeResults(sent);
        store.close();
        String json = Files.readString(file);
        assertFalse(json.contains(SECRET), "the hostname never reaches the file");
        assertTrue(json.indexOf("\"origin\"") < json.indexOf("\"run\""), "origin right after the schema: " + json);
        ResultsFile back = ResultsReader.read(file);
        assertEquals(sent, back);
        assertEquals(HostInfo.redact(SECRET), back.host().hostname());
        assertTrue(back.origin().hostRedacted());
    }

    @Test
    void aFileOfOurOwnHasNoOriginFieldAndReadsAsMeasuredHere(@TempDir Path dir) throws Exception {
        ResultsStore store = ResultsStore.create(dir);
        Path file = store.writeResults(ResultsStoreTest.file());
        store.close();
        assertFalse(ResultsJson.mapper().readTree(file.toFile()).has("origin"), "an optional field: absent, not null");
        assertNull(ResultsReader.read(file).origin());
        assertEquals("measured here", Origin.labelOf(null));
        assertEquals("measured here", new Origin(null, "box", false, "", "", Map.of()).label(),
                "--redact-host alone names no sender");
    }
}
