package dev.dayzero.bench.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.backend.cpu.CpuBackendProvider;
import dev.dayzero.bench.fault.FaultBackendProvider;
import dev.dayzero.bench.results.CaseRecord;
import dev.dayzero.bench.workload.WorkloadCase;
import dev.dayzero.hal.DeviceInfo;
import dev.dayzero.hal.op.MoeGemmSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A device that sets {@link DeviceInfo#ISOLATE_CASES} (the CPU) has each timed case in a fresh worker JVM. */
class CaseIsolationTest {
    private static WorkloadCase gemm(String name) {
        return WorkloadCase.of("iso/" + name, "iso-model", "decode", name,
                MoeGemmSpec.contiguous(MoeGemmSpec.Type.BF16, 16, 128, List.of(3, 5)), "test");
    }

    private static int workersFor(String backend, boolean measure) {
        return workersFor(backend, measure, FaultCases.worker());
    }

    private static int workersFor(String backend, boolean measure, WorkerSettings settings) {
        CaseOptions options = new CaseOptions(true, measure, FaultCases.QUICK);
        try (Coordinator co = new Coordinator(backend, 0, settings)) {
            assertTrue(co.start().available(), backend + ": " + co.start().reason());
            for (String name : List.of("a", "b", "c")) {
                CaseRecord r = co.run(gemm(name), options, Duration.ofMinutes(2));
                assertEquals("passed", r.status(), r.message());
            }
            return co.workersStarted();
        }
    }

    @Test
    void theCpuTimesEachCaseInAFreshWorker() {
        assertEquals(3, workersFor(CpuBackendProvider.ID, true), "one worker per timed case");
    }

    @Test
    void theCpuKeepsOneWorkerWhenIsolationIsTurnedOff() {
        WorkerSettings base = FaultCases.worker();
        List<String> options = new java.util.ArrayList<>(base.jvmOptions());
        options.add("-D" + dev.dayzero.backend.cpu.CpuConfig.ISOLATE_PROPERTY + "=false");
        WorkerSettings shared = new WorkerSettings(base.javaExecutable(), base.classPath(), options,
                base.startupTimeout(), base.stderrTailLines(), base.crashDir());
        assertEquals(1, workersFor(CpuBackendProvider.ID, true, shared), "dayzero.cpu.isolate=false: one worker");
    }

    @Test
    void conformanceAloneKeepsOneWorker() {
        assertEquals(1, workersFor(CpuBackendProvider.ID, false), "nothing timed: no JIT profile to keep apart");
    }

    @Test
    void aDeviceThatDoesNotAskKeepsOneWorker() {
        assertEquals(1, workersFor(FaultBackendProvider.ID, true));
    }
}
