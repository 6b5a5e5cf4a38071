package dev.dayzero.bench.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.bench.fault.FaultBackendProvider;
import dev.dayzero.bench.results.CaseRecord;
import dev.dayzero.bench.results.ResultsReader;
import dev.dayzero.bench.workload.WorkloadCase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --resume}: finished cases are skipped, a cut-off last line is dropped, nothing is lost or doubled. */
class ResumeTest {
    @TempDir
    Path dir;

    private RunOutcome run(List<WorkloadCase> cases, boolean resume, List<String> started) {
        Progress p = new Progress() {
            @Override
            public void caseStarted(String backend, WorkloadCase c, int done, int total) {
                started.add(c.id());
            }

            @Override
            public void caseFinished(CaseRecord record, int done, int total, Duration eta) {
            }
        };
        return RunEngine.run(new RunRequest(cases, List.of(FaultBackendProvider.ID), dir, resume,
                Duration.ofSeconds(30), FaultCases.QUICK, true, false, p, "test", FaultCases.worker()));
    }

    @Test
    void resumeSkipsFinishedCasesAndToleratesACutOffLastLine() throws Exception {
        WorkloadCase a = FaultCases.of("a", 8);
        WorkloadCase b = FaultCases.of("b", 9);
        WorkloadCase c = FaultCases.of("c", 10);
        List<String> first = new ArrayList<>();
        RunOutcome o1 = run(List.of(a, b), false, first);
        assertEquals(List.of(a.id(), b.id()), first);
        assertEquals(2, o1.count("passed"));

        // a kill in the middle of an append leaves half a line behind
        Files.writeString(o1.casesFile(), "{\"caseId\":\"fault/c\",\"model\":\"fau", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> run(List.of(a, b, c), false, new ArrayList<>()));
        assertTrue(refused.getMessage().contains("--resume"), refused.getMessage());

        List<String> second = new ArrayList<>();
        RunOutcome o2 = run(List.of(a, b, c), true, second);
        assertEquals(List.of(c.id()), second, "only the unfinished case runs");
        assertEquals(1, o2.ran());
        assertEquals(2, o2.skipped());
        assertEquals(List.of(a.id(), b.id(), c.id()), o2.records().stream().map(CaseRecord::caseId).toList());
        assertEquals(3, o2.count("passed"));

        List<String> lines = Files.readAllLines(o2.casesFile());
        assertEquals(3, lines.size(), "the cut-off line is gone and nothing is doubled: " + lines);
        assertTrue(lines.stream().allMatch(l -> l.startsWith("{") && l.endsWith("}")));
        assertTrue(ResultsReader.read(o2.resultsFile()).run().resumed());
        assertEquals(3, ResultsReader.read(o2.resultsFile()).cases().size());

        List<String> third = new ArrayList<>();
        RunOutcome o3 = run(List.of(a, b, c), true, third);
        assertTrue(third.isEmpty(), "a finished run resumes to nothing");
        assertEquals(3, o3.records().size());
    }
}
