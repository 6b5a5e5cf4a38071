package dev.dayzero.bench.results;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.OpSpec;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsReaderTest {
    @TempDir
    Path dir;

    @Test
    void anUnknownSchemaMajorIsRefusedInOneLineNamingTheVersions() throws Exception {
        for (String schema : List.of("dayzero.results/3", "dayzero.results/10.0", "dayzero.results/0")) {
            ObjectNode node = ResultsJson.mapper().valueToTree(ResultsStoreTest.file());
            node.put("schema", schema);
            Path p = dir.resolve("r.json");
            Files.writeString(p, node.toString());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResultsReader.read(p));
            assertTrue(e.getMessage().contains("\"" + schema + "\"") && e.getMessage().contains("dayzero.results/1")
                    && e.getMessage().contains("dayzero.results/2"), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        }
        for (String schema : List.of("dayzero.chips/1", "dayzero.results/", "dayzero.results/2x", "results/2")) {
            ObjectNode node = ResultsJson.mapper().valueToTree(ResultsStoreTest.file());
            node.put("schema", schema);
            Path p = dir.resolve("r.json");
            Files.writeString(p, node.toString());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResultsReader.read(p));
            assertTrue(e.getMessage().contains(schema) && e.getMessage().contains("reads only"), e.getMessage());
        }
    }

    @Test
    void theCurrentSchemaIsVersion2AndAMinorReadsAsItsMajor() throws Exception {
        assertEquals("dayzero.results/2", ResultsJson.SCHEMA);
        assertEquals(ResultsJson.SCHEMA, ResultsStoreTest.file().schema(), "files are written as /2");
        assertEquals(2, ResultsReader.major("dayzero.results/2.1"));
        assertEquals(1, ResultsReader.major("dayzero.results/1"));
        assertEquals(-1, ResultsReader.major("dayzero.results/2."));
        ObjectNode node = ResultsJson.mapper().valueToTree(ResultsStoreTest.file());
        node.put("schema", "dayzero.results/2.1");
        Path p = dir.resolve("r.json");
        Files.writeString(p, node.toString());
        assertEquals("dayzero.results/2.1", ResultsReader.read(p).schema());
    }

    @Test
    void aVersion1FileIsRead() throws Exception {
        // cut from a real run of the version that wrote /1 (results/reference/cpu-xeon-2core-2026-11-23)
        Path p = dir.resolve("v1.json");
        try (InputStream in = ResultsReaderTest.class.getResourceAsStream("results-v1.json")) {
            Files.write(p, in.readAllBytes());
        }
        ResultsFile f = ResultsReader.read(p);
        assertEquals("dayzero.results/1", f.schema());
        assertEquals(3, f.cases().size());
        assertEquals(List.of("attention", "quantize", "moe-gemm"),
                f.cases().stream().map(c -> c.spec().family()).toList());
        CaseRecord mla = f.cases().get(0);
        assertEquals("deepseek-v3/decode/b8/ctx4096/tp1-ep32/uniform/mla-decode-bf16", mla.caseId());
        assertTrue(mla.spec() instanceof AttentionSpec.LatentDecode);
        assertEquals(9126805504L, mla.spec().flops(), "the spec rebuilt from its fields has the flops the file says");
        assertEquals("passed", mla.status());
        assertEquals(60.656431, mla.timing().stats().median(), 1e-9);
        assertEquals("cpu", f.backends().get(0).id());
    }

    @Test
    void fieldsAddedWithinVersion2AreOptional() throws Exception {
        // a /2 writer may add fields (ignored here) and a /2 reader may miss ones added after it (absent)
        ObjectNode node = ResultsJson.mapper().valueToTree(ResultsStoreTest.file());
        ObjectNode c = (ObjectNode) node.get("cases").get(0);
        c.put("indexerRecall", 0.99);
        c.remove(List.of("notes", "workerStderr", "leakedBytes", "origin", "startedAt"));
        node.put("addedLater", "x");
        Path p = dir.resolve("r.json");
        Files.writeString(p, node.toString());
        CaseRecord r = ResultsReader.read(p).cases().get(0);
        assertEquals(List.of(), r.notes());
        assertEquals(0, r.leakedBytes());
        assertEquals("", r.origin());
    }

    @Test
    void indexerAndSparsePrefillCasesRoundTripUnderVersion2() throws Exception {
        List<OpSpec> specs = List.of(
                IndexerSpec.PagedIndexerTopK.of(List.of(300, 70), 1, 64, 128, IndexerSpec.KeyType.FP8, 1, 256),
                new IndexerSpec.IndexerTopK(List.of(40), 32, 128, IndexerSpec.KeyType.BF16, 16),
                AttentionSpec.SparsePrefill.deepseek(List.of(40), 16, 16));
        List<CaseRecord> cases = new ArrayList<>();
        for (OpSpec s : specs) {
            cases.add(CaseRecord.builder("m/prefill/" + s.describe(), s, "cpu").workload("m", "prefill", "op", "t", 1)
                    .device(0, "host", false).status(CaseRecord.NOT_CHECKED, "").build());
        }
        ResultsFile file = new ResultsFile(ResultsJson.SCHEMA, ResultsStoreTest.file().run(),
                ResultsStoreTest.file().host(), ResultsStoreTest.file().backends(), cases);
        Path p = dir.resolve("r.json");
        Files.write(p, ResultsJson.mapper().writeValueAsBytes(file));
        assertEquals(file, ResultsReader.read(p));
    }

    @Test
    void projectionsAndMemoryFitsRoundTripAndAFileWithoutThemIsUnchanged() throws Exception {
        ResultsFile plain = ResultsStoreTest.file();
        byte[] plainBytes = ResultsJson.mapper().writeValueAsBytes(plain);
        assertFalse(new String(plainBytes, java.nio.charset.StandardCharsets.UTF_8).contains("projections"));
        var projected = new dev.dayzero.bench.projection.StepProjection("m/decode/b8/ctx4096/tp1-ep8/uniform", 8, 8,
                "cuda", "H200", dev.dayzero.bench.projection.StepProjection.State.PROJECTED, 12.5,
                java.util.Map.of("gemm", 10.0, "attention", 2.5), List.of("moe-down-fp8"), List.of());
        var blocked = new dev.dayzero.bench.projection.StepProjection("m/decode/b8/ctx4096/tp1-ep8/uniform", 8, 8,
                "ascend", "Ascend910B3", dev.dayzero.bench.projection.StepProjection.State.BLOCKED, Double.NaN,
                java.util.Map.of(), List.of(), List.of("gemm-o (unsupported)"));
        var fit = new dev.dayzero.bench.projection.MemoryFit("m/decode/b8/ctx4096/tp1-ep8/uniform", "cuda", "H200",
                false, 150L << 30, 8, java.util.Map.of("routed experts", 5L << 30), java.util.Map.of("fp8-e4m3", 5L << 30),
                java.util.Map.of("kv cache", 1L << 30), "FP8 FlashMLA", List.of("a note"));
        ResultsFile file = plain.withProjections(List.of(projected, blocked), List.of(fit));
        Path p = dir.resolve("r.json");
        Files.write(p, ResultsJson.mapper().writeValueAsBytes(file));
        String text = Files.readString(p);
        // the derived figures are written for readers; a blocked step has no NaN anywhere (NaN is no JSON)
        assertTrue(text.contains("\"tokensPerSecondPerRank\"") && text.contains("\"spareBytes\"")
                && text.contains("\"leavesOut\""), text);
        assertFalse(text.substring(text.indexOf("\"projections\"")).contains("NaN"), text);
        ResultsFile back = ResultsReader.read(p);
        assertEquals(file, back);
        assertEquals(640.0, back.projections().get(0).tokensPerSecondPerRank(), 1e-9);
        assertTrue(Double.isNaN(back.projections().get(1).stepMs()));
        assertEquals((150L << 30) - (6L << 30), back.memoryFits().get(0).spareBytes());
        // a file without them reads as before and writes the same bytes
        Files.write(p, plainBytes);
        ResultsFile old = ResultsReader.read(p);
        assertTrue(old.projections().isEmpty() && old.memoryFits().isEmpty());
        assertArrayEquals(plainBytes, ResultsJson.mapper().writeValueAsBytes(old));
    }

    @Test
    void aFileWithoutSchemaOrNotJsonIsRefused() throws Exception {
        Path p = dir.resolve("r.json");
        Files.writeString(p, "{\"cases\": []}");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ResultsReader.read(p)).getMessage()
                .contains("no \"schema\""));
        Files.writeString(p, "{nope");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ResultsReader.read(p)).getMessage()
                .contains("not valid JSON"));
    }

    @Test
    void aBadSpecIsRefusedNamingTheField() throws Exception {
        ObjectNode node = ResultsJson.mapper().valueToTree(ResultsStoreTest.file());
        ((ObjectNode) node.get("cases").get(0).get("spec")).put("family", "conv2d");
        Path p = dir.resolve("r.json");
        Files.writeString(p, node.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResultsReader.read(p));
        assertTrue(e.getMessage().contains("spec.family"), e.getMessage());
    }

    @Test
    void typeIdsAreNotHonoured() throws Exception {
        // a results file is plain data: an "@class" field is an unknown field, ignored, never a type to build
        ObjectNode node = ResultsJson.mapper().valueToTree(ResultsStoreTest.file());
        ((ObjectNode) node.get("host")).put("@class", "java.lang.ProcessBuilder");
        Path p = dir.resolve("r.json");
        Files.writeString(p, node.toString());
        assertEquals(ResultsStoreTest.file(), ResultsReader.read(p));
    }
}
