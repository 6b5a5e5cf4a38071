package dev.dayzero.bench.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.bench.fault.AbsentBackendProvider;
import dev.dayzero.bench.fault.FaultBackendProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The doctor against the fault backend: a failing case is a failure, a segfaulting one a crash, never thrown. */
class DoctorTest {

    private static DoctorResult doctor(List<String> backends, List<dev.dayzero.bench.workload.WorkloadCase> cases,
                                       List<String> log) {
        return Doctor.run(new Doctor.Request(backends, cases, Duration.ofSeconds(30), FaultCases.worker(), log::add));
    }

    @Test
    void aWrongAnswerFailsAndAnUnavailableBackendDoesNot() {
        List<String> log = new ArrayList<>();
        DoctorResult r = doctor(List.of(FaultBackendProvider.ID, AbsentBackendProvider.ID),
                List.of(FaultCases.of("fine", 8), FaultCases.of("nan", FaultBackendProvider.NAN)), log);
        assertEquals(1, r.exitCode());
        DoctorResult.BackendCheck fault = r.backends().get(0);
        assertEquals(DoctorResult.Verdict.FAILED, fault.verdict());
        assertEquals("1 of 2 cases failed", fault.detail());
        assertEquals(List.of("passed", "failed-numerics"), fault.cases().stream().map(c -> c.status()).toList());
        assertTrue(fault.bindings().checked() && fault.bindings().libraries().isEmpty());
        DoctorResult.BackendCheck absent = r.backends().get(1);
        assertEquals(DoctorResult.Verdict.UNAVAILABLE, absent.verdict());
        assertEquals(AbsentBackendProvider.REASON, absent.detail());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("fault: fault/nan -> failed-numerics")), log.toString());
    }

    @Test
    void aCaseThatKillsItsWorkerIsACrashAndTheNextCaseStillRuns() {
        DoctorResult r = doctor(List.of(FaultBackendProvider.ID),
                List.of(FaultCases.of("segfault", FaultBackendProvider.SEGFAULT), FaultCases.of("after", 8)),
                new ArrayList<>());
        assertEquals(3, r.exitCode());
        DoctorResult.BackendCheck fault = r.backends().get(0);
        assertEquals(DoctorResult.Verdict.CRASHED, fault.verdict());
        assertTrue(fault.detail().startsWith("fault/segfault crashed: "), fault.detail());
        assertEquals(List.of("crashed", "passed"), fault.cases().stream().map(c -> c.status()).toList());
    }
}
