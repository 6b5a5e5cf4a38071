package dev.dayzero.bench.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.bench.fault.FaultBackendProvider;
import dev.dayzero.bench.results.CaseKey;
import dev.dayzero.bench.results.CaseRecord;
import dev.dayzero.bench.results.ResultsStore;
import dev.dayzero.bench.workload.WorkloadCase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGKILL of the coordinator loses no finished case, leaves no worker behind, and the run resumes. */
class CoordinatorKillTest {
    @TempDir
    Path dir;

    @Test
    void sigkillLosesNoFinishedCase() throws Exception {
        int count = 4;
        WorkerSettings s = FaultCases.worker();
        List<String> cmd = new ArrayList<>();
        cmd.add(s.javaExecutable());
        cmd.addAll(s.jvmOptions());
        cmd.addAll(List.of("-cp", s.classPath(), KillableRunMain.class.getName(), dir.toString(), String.valueOf(count)));
        Process coordinator = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> finished = new ArrayList<>();
        List<ProcessHandle> workers;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(coordinator.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while (finished.size() < 2 && (line = out.readLine()) != null) {
                if (line.startsWith("FINISHED ")) {
                    finished.add(line.substring("FINISHED ".length()));
                }
            }
            assertEquals(2, finished.size(), "the coordinator finished two cases before the kill");
            workers = coordinator.descendants().toList();
            coordinator.destroyForcibly(); // SIGKILL
            assertTrue(coordinator.waitFor(10, TimeUnit.SECONDS));
        }
        assertEquals(137, coordinator.exitValue(), "killed by SIGKILL");
        assertFalse(workers.isEmpty(), "a worker was running; cases.jsonl: "
                + (java.nio.file.Files.exists(dir.resolve("cases.jsonl"))
                ? java.nio.file.Files.readString(dir.resolve("cases.jsonl")) : "none"));
        for (ProcessHandle w : workers) {
            w.onExit().get(10, TimeUnit.SECONDS); // the worker notices its coordinator is gone
            assertFalse(w.isAlive());
        }

        Set<String> onDisk;
        try (ResultsStore store = ResultsStore.resume(dir)) {
            onDisk = store.finishedIds().stream().map(CaseKey::caseId).collect(Collectors.toSet());
        }
        assertTrue(onDisk.containsAll(finished), "every case reported finished is on disk: " + finished + " vs " + onDisk);

        List<WorkloadCase> cases = KillableRunMain.cases(count);
        List<String> rerun = new ArrayList<>();
        Progress p = new Progress() {
            @Override
            public void caseStarted(String backend, WorkloadCase c, int done, int total) {
                rerun.add(c.id());
            }

            @Override
            public void caseFinished(CaseRecord record, int done, int total, Duration eta) {
            }
        };
        RunOutcome o = RunEngine.run(new RunRequest(cases, List.of(FaultBackendProvider.ID), dir, true,
                Duration.ofSeconds(60), FaultCases.QUICK, true, false, p, "resume", FaultCases.worker()));
        assertTrue(rerun.stream().noneMatch(onDisk::contains), "finished cases are not rerun: " + rerun);
        assertEquals(count, o.records().size());
        assertEquals(count, o.count("passed"), o.countsByStatus().toString());
    }
}
