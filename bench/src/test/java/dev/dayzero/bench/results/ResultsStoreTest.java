package dev.dayzero.bench.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.bench.measure.MeasureOptions;
import dev.dayzero.bench.measure.Stats;
import dev.dayzero.bench.measure.Timing;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import dev.dayzero.tck.CaseStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsStoreTest {
    @TempDir
    Path dir;

    static CaseRecord record(String id, String status) {
        MoeGemmSpec spec = MoeGemmSpec.contiguous(MoeGemmSpec.Type.BF16, 8, 128, List.of(3, 5));
        Timing t = new Timing(Timing.DEVICE_EVENTS, false, 0, false, 2, 1.5, List.of(1.0, 2.0, Double.NaN),
                Stats.of(1.0, 2.0), "max-time", 3.0, List.of());
        return CaseRecord.builder(id, spec, "cpu").workload("m", "decode", "op", "test", 42).device(0, "host", false)
                .support(SupportAnswer.of(dev.dayzero.hal.Support.supported())).ran(spec).status(status, "msg")
                .conformance(new Conformance("c", new FloatFigures(3, Double.NaN, Double.POSITIVE_INFINITY, 1, 0, 1, 0,
                        List.of(0L, 1L), Double.NaN, -0.5), null, 3, 8))
                .timing(t, Derived.of(spec, t)).memoryBytes(1234).note("n1").timeWindow("2026-01-01T00:00:00Z", 5)
                .build();
    }

    @Test
    void appendsOneLinePerCaseAndReadsThemBack() throws Exception {
        try (ResultsStore s = ResultsStore.create(dir)) {
            s.append(record("a", "passed"));
            s.append(record("b", "failed-numerics"));
        }
        List<String> lines = Files.readAllLines(dir.resolve(ResultsStore.CASES_FILE));
        assertEquals(2, lines.size());
        try (ResultsStore s = ResultsStore.resume(dir)) {
            assertEquals(List.of(record("a", "passed"), record("b", "failed-numerics")), s.records(),
                    "records round-trip, NaN and Infinity included");
            assertEquals(Set.of(new CaseKey("cpu", "a"), new CaseKey("cpu", "b")), s.finishedIds());
            assertEquals(2, s.recoveredCount());
        }
    }

    @Test
    void aCutOffLastLineIsDroppedAndTruncated() throws Exception {
        try (ResultsStore s = ResultsStore.create(dir)) {
            s.append(record("a", "passed"));
        }
        Path cases = dir.resolve(ResultsStore.CASES_FILE);
        long good = Files.size(cases);
        Files.writeString(cases, "{\"caseId\":\"b\",\"mod", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        try (ResultsStore s = ResultsStore.resume(dir)) {
            assertEquals(1, s.records().size());
            assertTrue(s.droppedTail().orElseThrow().startsWith("{\"caseId\":\"b\""));
            assertEquals(good, Files.size(cases), "truncated to the last whole line");
            s.append(record("b", "passed"));
        }
        try (ResultsStore s = ResultsStore.resume(dir)) {
            assertEquals(List.of("a", "b"), s.records().stream().map(CaseRecord::caseId).toList());
        }
    }

    @Test
    void aBadLineInTheMiddleIsAnErrorNamingTheLine() throws Exception {
        Path cases = dir.resolve(ResultsStore.CASES_FILE);
        String good = ResultsJson.mapper().writeValueAsString(record("a", "passed"));
        Files.writeString(cases, good + "\nnot json\n" + good + "\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResultsStore.resume(dir));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void aFreshRunRefusesADirectoryThatHoldsOne() throws Exception {
        try (ResultsStore s = ResultsStore.create(dir)) {
            s.append(record("a", "passed"));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResultsStore.create(dir));
        assertTrue(e.getMessage().contains("--resume"), e.getMessage());
    }

    static ResultsFile file() {
        RunInfo run = new RunInfo("0.1.0", "abc", "dayzero run", "2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z", false,
                Duration.ofMinutes(2), true, true, MeasureOptions.defaults());
        HostInfo host = new HostInfo("Linux", "6", "amd64", "cpu", 2, 1L << 30, "v", "17", "vm", "box-1");
        BackendEntry cpu = new BackendEntry("cpu", 0, true, "", java.util.Map.of("java", "17"), List.of(
                new dev.dayzero.hal.DeviceInfo("cpu", 0, "Intel", "host", "amd64", 1L << 30, 2, "", "17", 1 << 20, false,
                        java.util.Map.of("b", "2", "a", "1"))));
        QuantizeSpec q = new QuantizeSpec(4, 256, DType.BF16, DType.F8_E4M3FN, QuantizeSpec.perGroup(128), DType.F32);
        CaseRecord qr = CaseRecord.builder("q", q, "cpu").status(CaseStatus.PASSED, "ok")
                .conformance(new Conformance("ok", null, new CodeFigures(1024, 0, 1, 8, 0, 0, -1, ""), 4, 4)).build();
        return ResultsFile.of(run, host, List.of(cpu), List.of(record("a", "passed"), qr,
                CaseRecord.builder("n", q, "cpu").status(CaseRecord.NOT_CHECKED, "").build()));
    }

    @Test
    void resultsFileIsWrittenByRenameAndReadsBackEqual() throws Exception {
        ResultsFile f = file();
        try (ResultsStore s = ResultsStore.create(dir)) {
            Path p = s.writeResults(f);
            assertEquals(dir.resolve(ResultsStore.RESULTS_FILE), p);
            assertEquals(f, ResultsReader.read(p));
            s.writeResults(f); // replaces
        }
        assertTrue(Files.notExists(dir.resolve("results.json.tmp")));
        assertEquals(f, ResultsReader.read(dir.resolve(ResultsStore.RESULTS_FILE)));
    }

    @Test
    void fieldsAreInADeterministicDocumentedOrder() throws Exception {
        var node = ResultsJson.mapper().valueToTree(file());
        assertEquals(List.of("schema", "run", "host", "backends", "cases"), names(node.fieldNames()));
        assertEquals(List.of("caseId", "model", "phase", "operator", "origin", "seed", "spec", "backend",
                "deviceOrdinal", "deviceName", "emulated", "support", "ran", "status", "message", "conformance", "timing",
                "derived", "memoryBytes", "leakedBytes", "notes", "workerStderr", "startedAt", "elapsedMs"),
                names(node.get("cases").get(0).fieldNames()));
        assertEquals(List.of("a", "b"), names(node.get("backends").get(0).get("devices").get(0).get("properties")
                .fieldNames()));
        assertEquals("PT2M", node.get("run").get("caseTimeout").asText());
        assertEquals("moe-gemm", node.get("cases").get(0).get("spec").get("family").asText());
    }

    private static List<String> names(Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
