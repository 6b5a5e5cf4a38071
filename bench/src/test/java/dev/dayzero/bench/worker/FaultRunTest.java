package dev.dayzero.bench.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.bench.fault.AbsentBackendProvider;
import dev.dayzero.bench.fault.FaultBackendProvider;
import dev.dayzero.bench.measure.Timing;
import dev.dayzero.bench.results.BackendEntry;
import dev.dayzero.bench.results.CaseRecord;
import dev.dayzero.bench.results.ResultsFile;
import dev.dayzero.bench.results.ResultsJson;
import dev.dayzero.bench.results.ResultsReader;
import dev.dayzero.bench.results.SupportAnswer;
import dev.dayzero.bench.workload.WorkloadCase;
import dev.dayzero.hal.op.MoeGemmSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One run of every fault on the fault backend (each in a worker JVM) plus an unavailable backend; the
 * tests below each check one promise against that run.
 */
class FaultRunTest {
    @TempDir
    static Path dir;

    static RunOutcome outcome;
    static Map<String, CaseRecord> fault;
    static List<String> started = new ArrayList<>();
    static List<String> finished = new ArrayList<>();

    static final List<WorkloadCase> CASES = List.of(
            FaultCases.of("segfault", FaultBackendProvider.SEGFAULT),
            FaultCases.of("after-segfault", 8),
            FaultCases.of("hang", FaultBackendProvider.HANG),
            FaultCases.of("after-hang", 9),
            FaultCases.of("throw", FaultBackendProvider.THROW),
            FaultCases.of("nan", FaultBackendProvider.NAN),
            FaultCases.of("leak", FaultBackendProvider.LEAK),
            FaultCases.of("unsupported", FaultBackendProvider.UNSUPPORTED),
            FaultCases.fp8("fp8"),
            FaultCases.tooBig("too-big"));

    @BeforeAll
    static void run() {
        Progress progress = new Progress() {
            @Override
            public void caseStarted(String backend, WorkloadCase c, int done, int total) {
                started.add(backend + ":" + c.id());
            }

            @Override
            public void caseFinished(CaseRecord r, int done, int total, Duration eta) {
                finished.add(r.backend() + ":" + r.caseId());
            }
        };
        outcome = RunEngine.run(new RunRequest(CASES, List.of(FaultBackendProvider.ID, "cpu", AbsentBackendProvider.ID),
                dir.resolve("run"), false, Duration.ofSeconds(3), FaultCases.QUICK, true, true, progress,
                "dayzero run --test", FaultCases.worker()));
        fault = outcome.records().stream().filter(r -> r.backend().equals(FaultBackendProvider.ID))
                .collect(Collectors.toMap(r -> r.operator(), Function.identity()));
    }

    private static CaseRecord rec(String name) {
        CaseRecord r = fault.get(name);
        assertNotNull(r, "no record for " + name + " in " + fault.keySet());
        return r;
    }

    @Test
    void segfaultIsCrashedWithTheWorkersLastStderrLines() {
        CaseRecord r = rec("segfault");
        assertEquals("crashed", r.status(), r.message());
        assertFalse(r.workerStderr().isEmpty(), "the stderr tail is kept");
        String all = r.message() + "\n" + String.join("\n", r.workerStderr());
        assertTrue(all.contains("SIGSEGV"), all);
        assertTrue(r.workerStderr().size() <= 20, "at most 20 lines: " + r.workerStderr().size());
        assertEquals("fault test double", r.deviceName());
    }

    @Test
    void theCaseAfterACrashPassesOnAFreshWorker() {
        CaseRecord r = rec("after-segfault");
        assertEquals("passed", r.status(), r.message());
        assertNotNull(r.timing(), "passed cases are timed");
        assertTrue(r.workerStderr().isEmpty());
    }

    @Test
    void hangIsATimeoutAndTheNextCasePasses() {
        CaseRecord r = rec("hang");
        assertEquals("timeout", r.status(), r.message());
        assertTrue(r.message().contains("killed"), r.message());
        assertTrue(r.elapsedMs() >= 2900 && r.elapsedMs() < 20_000, "timed out after ~3 s: " + r.elapsedMs());
        assertEquals("passed", rec("after-hang").status(), rec("after-hang").message());
    }

    @Test
    void throwIsARuntimeError() {
        CaseRecord r = rec("throw");
        assertEquals("runtime-error", r.status());
        assertTrue(r.message().contains("injected failure"), r.message());
        assertNull(r.timing(), "a runtime error is not timed");
    }

    @Test
    void nanIsFailedNumericsWithFigures() {
        CaseRecord r = rec("nan");
        assertEquals("failed-numerics", r.status(), r.message());
        assertNotNull(r.conformance().floatFigures());
        assertTrue(r.conformance().floatFigures().nonFinite() > 0, r.message());
        assertNotNull(r.timing(), "numeric failures are still timed (documented)");
    }

    @Test
    void leakIsRecordedAndTheStatusKept() {
        CaseRecord r = rec("leak");
        assertEquals("passed", r.status(), r.message());
        assertEquals(FaultBackendProvider.LEAK_BYTES * 2, r.leakedBytes(),
                "one leak per launch: conformance and timing each bind once");
        assertTrue(r.notes().stream().anyMatch(n -> n.startsWith("leaked ")), r.notes().toString());
        assertEquals(0, rec("nan").leakedBytes());
    }

    @Test
    void unsupportedCarriesTheReasonAndRunsNothing() {
        CaseRecord r = rec("unsupported");
        assertEquals("unsupported", r.status());
        assertEquals(SupportAnswer.UNSUPPORTED, r.support().answer());
        assertTrue(r.message().contains("n = 6"), r.message());
        assertNull(r.ran());
        assertNull(r.conformance());
    }

    @Test
    void alternativeIsCheckedTimedAndRecordedAlternativeOnly() {
        CaseRecord r = rec("fp8");
        assertEquals("alternative-only", r.status(), r.message());
        assertEquals(SupportAnswer.ALTERNATIVE, r.support().answer());
        MoeGemmSpec ran = (MoeGemmSpec) r.ran();
        assertEquals(MoeGemmSpec.Type.INT8_W8A8, ran.type());
        assertEquals(MoeGemmSpec.Type.FP8_BLOCK, ((MoeGemmSpec) r.spec()).type());
        assertNotNull(r.timing());
        assertEquals(ran.flops(), r.derived().flops(), "derived figures use the spec that ran");
        assertTrue(r.derived().tflops() > 0 && r.derived().gbps() > 0);
    }

    @Test
    void aCaseOverTheDeviceMemoryIsOutOfMemoryWithoutTrying() {
        CaseRecord r = rec("too-big");
        assertEquals("out-of-memory", r.status());
        assertTrue(r.message().contains(String.valueOf(2 * FaultBackendProvider.MEMORY_BYTES)), r.message());
        assertTrue(r.message().contains("not run"), r.message());
        assertNull(r.conformance());
        assertNull(r.timing());
        assertEquals(2 * FaultBackendProvider.MEMORY_BYTES, r.memoryBytes());
    }

    @Test
    void anUnavailableBackendHasItsProbeAndItsCasesRecordedUnavailable() {
        BackendEntry absent = outcome.backends().stream().filter(b -> b.id().equals(AbsentBackendProvider.ID))
                .findFirst().orElseThrow();
        assertFalse(absent.available());
        assertEquals(AbsentBackendProvider.REASON, absent.reason());
        List<CaseRecord> cases = outcome.records().stream().filter(r -> r.backend().equals(AbsentBackendProvider.ID))
                .toList();
        assertEquals(CASES.size(), cases.size());
        cases.forEach(r -> {
            assertEquals("unavailable", r.status());
            assertEquals(AbsentBackendProvider.REASON, r.message());
        });
        BackendEntry f = outcome.backends().get(0);
        assertTrue(f.available());
        assertTrue(f.device().orElseThrow().emulated());
    }

    @Test
    void everyFinishedCaseIsInCasesJsonlInOrder() throws Exception {
        List<String> lines = Files.readAllLines(outcome.casesFile());
        assertEquals(3 * CASES.size(), lines.size());
        List<String> keys = new ArrayList<>();
        for (String line : lines) {
            CaseRecord r = ResultsJson.mapper().readValue(line, CaseRecord.class);
            keys.add(r.backend() + ":" + r.caseId());
        }
        assertEquals(finished, keys, "appended as each case finished");
        assertEquals(started, finished);
        assertEquals(3 * CASES.size(), outcome.ran());
        assertEquals(0, outcome.skipped());
        assertEquals(CASES.size(), outcome.count("unavailable"));
        assertEquals(3 + CASES.size() - 1, outcome.count("passed"), "fault: 3; cpu: all but the too-big case");
    }

    @Test
    void theCpuBackendRunsEveryCaseCorrectlyInItsWorker() {
        List<CaseRecord> cpu = outcome.records().stream().filter(r -> r.backend().equals("cpu")).toList();
        assertEquals(CASES.size(), cpu.size());
        for (CaseRecord r : cpu) {
            if (r.operator().equals("too-big")) {
                assertEquals("out-of-memory", r.status(), "2 GiB planned on a 512 MiB worker heap");
            } else {
                assertEquals("passed", r.status(), r.caseId() + ": " + r.message());
                assertEquals(Timing.DEVICE_EVENTS, r.timing().method());
                assertFalse(r.emulated());
            }
        }
    }

    @Test
    void resultsJsonRoundTripsThroughTheReader() {
        ResultsFile read = ResultsReader.read(outcome.resultsFile());
        assertEquals(ResultsJson.SCHEMA, read.schema());
        assertEquals(outcome.records(), read.cases());
        assertEquals(outcome.backends(), read.backends());
        assertEquals("dayzero run --test", read.run().commandLine());
        assertEquals(FaultCases.QUICK, read.run().measureOptions());
        assertTrue(read.host().cores() > 0);
        assertFalse(Files.exists(outcome.resultsFile().resolveSibling("results.json.tmp")));
    }

    @Test
    void anUnknownBackendIsRefusedBeforeAnythingStarts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunEngine.run(new RunRequest(
                CASES, List.of("nosuch"), dir.resolve("never"), false, Duration.ofSeconds(3), FaultCases.QUICK, true,
                true, null, "", FaultCases.worker())));
        assertTrue(e.getMessage().contains("nosuch") && e.getMessage().contains("fault"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("never")));
    }
}
