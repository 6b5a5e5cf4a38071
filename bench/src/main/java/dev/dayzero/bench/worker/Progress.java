package dev.dayzero.bench.worker;

import dev.dayzero.bench.results.BackendEntry;
import dev.dayzero.bench.results.CaseRecord;
import dev.dayzero.bench.workload.WorkloadCase;
import java.io.PrintStream;
import java.time.Duration;

/**
 * Told what a run is doing; the CLI implements it or picks one of the printers here. Called from the
 * thread that runs {@link RunEngine#run}; {@code done} counts cases finished by this invocation.
 */
public interface Progress {

    /** The run is about to start: {@code pending} cases to run, {@code alreadyFinished} skipped (resume). */
    default void runStarted(int pending, int alreadyFinished) {
    }

    /** A backend's worker answered its probe. */
    default void backendReady(BackendEntry backend) {
    }

    /** A case is about to run on {@code backend}. */
    default void caseStarted(String backend, WorkloadCase workloadCase, int done, int total) {
    }

    /** A case finished and is on disk; {@code eta} is the estimated time left (zero when done). */
    void caseFinished(CaseRecord record, int done, int total, Duration eta);

    /** The run ended and {@code results.json} is written. */
    default void runFinished(RunOutcome outcome) {
    }

    /** Says nothing. */
    static Progress silent() {
        return (record, done, total, eta) -> {
        };
    }

    /** One plain line per event, for logs and pipes. */
    static Progress plain(PrintStream out) {
        return new ProgressPrinter(out, false);
    }

    /** One progress line rewritten with a carriage return; a full line for each case that did not pass. */
    static Progress terminal(PrintStream out) {
        return new ProgressPrinter(out, true);
    }

    /** {@link #terminal} on stderr when a console is attached, else {@link #plain} on stderr. */
    static Progress auto() {
        return System.console() != null ? terminal(System.err) : plain(System.err);
    }
}
