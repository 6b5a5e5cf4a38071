package dev.dayzero.bench.worker;

import dev.dayzero.bench.fault.FaultBackendProvider;
import dev.dayzero.bench.results.CaseRecord;
import dev.dayzero.bench.workload.WorkloadCase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A coordinator in its own JVM, for the SIGKILL test: runs {@code count} slow fault cases into {@code dir}
 * and prints {@code FINISHED <case id>} on stdout after each case is on disk.
 */
public final class KillableRunMain {
    private KillableRunMain() {
    }

    static List<WorkloadCase> cases(int count) {
        List<WorkloadCase> cases = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            cases.add(FaultCases.of("slow-" + i, FaultBackendProvider.SLOW));
        }
        return cases;
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        Progress p = (CaseRecord record, int done, int total, Duration eta) -> {
            System.out.println("FINISHED " + record.caseId());
            System.out.flush();
        };
        RunEngine.run(new RunRequest(cases(count), List.of(FaultBackendProvider.ID), dir, false,
                Duration.ofSeconds(60), FaultCases.QUICK, true, true, p, "killable", FaultCases.worker()));
        System.out.println("DONE");
    }
}
