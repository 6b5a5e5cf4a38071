package dev.dayzero.bench.worker;

import dev.dayzero.bench.results.ResultsFile;
import dev.dayzero.bench.measure.MeasureOptions;
import dev.dayzero.bench.results.PlanInfo;
import dev.dayzero.bench.workload.WorkloadCase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * One run: which cases on which backends, where the results go, and how.
 *
 * @param cases          the workload cases, in order; ids must be unique
 * @param backendIds     backends to run them on, in order: {@code id} (device 0) or {@code id:ordinal}
 * @param outDir         the run directory ({@code cases.jsonl}, {@code results.json})
 * @param resume         continue the run in {@code outDir}, skipping every case already finished there
 * @param caseTimeout    how long one case (conformance and timing together) may take before its worker is killed
 * @param measureOptions how to time each case
 * @param conform        run conformance
 * @param measure        time the cases
 * @param progress       told as cases start and finish
 * @param commandLine    the command as typed, for the results file
 * @param worker         how worker JVMs start
 * @param submission     whether the results are made to be sent to us (who, redacted host); null: a run of our own
 * @param plan           the plan (and shard) the cases belong to, written into the results file; null: none
 * @param finish         what the caller adds to the results file before it is written (the projected step, say),
 *                       so it is written once; null: nothing
 */
public record RunRequest(List<WorkloadCase> cases, List<String> backendIds, Path outDir, boolean resume,
                         Duration caseTimeout, MeasureOptions measureOptions, boolean conform, boolean measure,
                         Progress progress, String commandLine, WorkerSettings worker, Submission submission,
                         PlanInfo plan, UnaryOperator<ResultsFile> finish) {

    public RunRequest {
        finish = finish == null ? UnaryOperator.identity() : finish;
        cases = List.copyOf(cases);
        backendIds = List.copyOf(backendIds);
        Objects.requireNonNull(outDir, "outDir");
        Objects.requireNonNull(caseTimeout, "caseTimeout");
        Objects.requireNonNull(measureOptions, "measureOptions");
        progress = progress == null ? Progress.silent() : progress;
        commandLine = commandLine == null ? "" : commandLine;
        worker = worker == null ? WorkerSettings.inherit(null) : worker;
        submission = submission == null ? Submission.LOCAL : submission;
        if (backendIds.isEmpty()) {
            throw new IllegalArgumentException("name at least one backend");
        }
        if (caseTimeout.isNegative() || caseTimeout.isZero()) {
            throw new IllegalArgumentException("the case timeout must be positive, got " + caseTimeout);
        }
        if (!conform && !measure) {
            throw new IllegalArgumentException("a run must check conformance, time, or both");
        }
        Set<String> ids = new HashSet<>();
        for (WorkloadCase c : cases) {
            if (!ids.add(c.id())) {
                throw new IllegalArgumentException("two cases share the id '" + c.id() + "'");
            }
        }
        if (new HashSet<>(backendIds).size() != backendIds.size()) {
            throw new IllegalArgumentException("a backend is named twice: " + backendIds);
        }
    }

    /** A request without a plan. */
    public RunRequest(List<WorkloadCase> cases, List<String> backendIds, Path outDir, boolean resume,
                      Duration caseTimeout, MeasureOptions measureOptions, boolean conform, boolean measure,
                      Progress progress, String commandLine, WorkerSettings worker, Submission submission) {
        this(cases, backendIds, outDir, resume, caseTimeout, measureOptions, conform, measure, progress, commandLine,
                worker, submission, null, null);
    }

    /** A run of our own. */
    public RunRequest(List<WorkloadCase> cases, List<String> backendIds, Path outDir, boolean resume,
                      Duration caseTimeout, MeasureOptions measureOptions, boolean conform, boolean measure,
                      Progress progress, String commandLine, WorkerSettings worker) {
        this(cases, backendIds, outDir, resume, caseTimeout, measureOptions, conform, measure, progress, commandLine,
                worker, (Submission) null);
    }

    /** A request whose workers inherit this JVM's settings. */
    public RunRequest(List<WorkloadCase> cases, List<String> backendIds, Path outDir, boolean resume,
                      Duration caseTimeout, MeasureOptions measureOptions, boolean conform, boolean measure,
                      Progress progress, String commandLine) {
        this(cases, backendIds, outDir, resume, caseTimeout, measureOptions, conform, measure, progress, commandLine,
                null, (Submission) null);
    }
}
