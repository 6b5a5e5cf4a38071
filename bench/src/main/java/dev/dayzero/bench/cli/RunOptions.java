package dev.dayzero.bench.cli;

import dev.dayzero.bench.measure.MeasureOptions;
import dev.dayzero.bench.results.CaseRecord;
import dev.dayzero.bench.results.PlanInfo;
import dev.dayzero.bench.results.RunManifest;
import dev.dayzero.bench.worker.ChildProbe;
import dev.dayzero.bench.worker.Progress;
import dev.dayzero.bench.worker.RunEngine;
import dev.dayzero.bench.worker.RunOutcome;
import dev.dayzero.bench.results.ResultsFile;
import dev.dayzero.bench.worker.RunRequest;
import dev.dayzero.bench.worker.Submission;
import dev.dayzero.bench.worker.WorkerSettings;
import dev.dayzero.bench.workload.WorkloadCase;
import dev.dayzero.hal.Backends;
import dev.dayzero.tck.CaseStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Options every running command shares: where results go, timeouts, worker heap, submission. The options only
 * {@code run} takes (which backends, timing) are {@link RunOnlyOptions}, which fill the plain fields here.
 */
final class RunOptions {

    /** Backends to run on: {@code run}'s {@code --backends} ({@link RunOnlyOptions}) or {@code conform}'s one. */
    List<String> backends;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Run directory. Default: results/runs/<date>-<model>/ for run, "
                    + "results/runs/<date>-conform-<backend>/ for conform (a new one each run).")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "Continue the run in DIR, skipping every case it already finished.")
    Path resume;

    @Option(names = "--case-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Longest one case may take on a backend (conformance and timing) before its worker is "
                    + "killed and the case recorded as timeout. Default: ${DEFAULT-VALUE}.", defaultValue = "10m")
    Duration caseTimeout;

    /** Least sampling time per case ({@link RunOnlyOptions}; {@code conform} does not time). */
    Duration minTime = Duration.ofMillis(100);

    /** Flush the device cache before each sample ({@link RunOnlyOptions}). */
    boolean coldCache;

    @Option(names = "--worker-heap", paramLabel = "SIZE",
            description = "Java heap of each backend's worker JVM (the CPU backend's device memory lives there). "
                    + "Default: ${DEFAULT-VALUE}.", defaultValue = "8g")
    String workerHeap;

    @Option(names = "--submitted-by", paramLabel = "NAME",
            description = "Make the results to send to the Dayzero project: record NAME (a company, team or person) "
                    + "as who ran it, with the host, driver, runtime and Dayzero versions, in results.json. Reports "
                    + "label its columns \"vendor-submitted by NAME\".")
    String submittedBy;

    @Option(names = "--redact-host",
            description = "Write a stable hash of the hostname (redacted-<16 hex digits of its SHA-256>) instead of the "
                    + "name.")
    boolean redactHost;

    /** The submission these options ask for. */
    Submission submission() {
        try {
            return new Submission(submittedBy, redactHost);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }

    /**
     * Writes the run directory's {@code MANIFEST.sha256}, last: after the results and the report. A failure is
     * printed, not thrown (the run itself finished).
     */
    static void writeManifest(java.nio.file.Path dir, CommandLine commandLine) {
        try {
            java.nio.file.Path m = RunManifest.write(dir);
            commandLine.getOut().println("Manifest: " + m.toAbsolutePath());
        } catch (RuntimeException e) {
            commandLine.getErr().println("dayzero: the run finished but its manifest failed: " + e.getMessage());
        }
    }

    /** Runs {@code cases} and returns the outcome; {@code name} names the default run directory. */
    RunOutcome execute(List<WorkloadCase> cases, String name, boolean conform, boolean measure,
                       CommandLine commandLine) {
        return execute(cases, name, conform, measure, commandLine, null, null);
    }

    /**
     * Runs {@code cases} of {@code plan} (null: none recorded) and returns the outcome; {@code finish} (null:
     * nothing) adds to the results file before its one write.
     */
    RunOutcome execute(List<WorkloadCase> cases, String name, boolean conform, boolean measure,
                       CommandLine commandLine, PlanInfo plan, java.util.function.UnaryOperator<ResultsFile> finish) {
        WorkerSettings workers = WorkerSettings.inherit(workerHeap);
        // probing loads vendor libraries: done in a child JVM, never in this coordinator
        Submission submission = submission(); // a bad name fails before anything runs
        List<String> ids = backends != null ? backends : ChildProbe.availableBackends(workers);
        if (ids.isEmpty()) {
            throw new BadInputException("no backend is available here (see `dayzero backends`)");
        }
        Backends known = dev.dayzero.bench.plugins.Plugins.backends();
        for (String id : ids) {
            String bare = id.contains(":") ? id.substring(0, id.indexOf(':')) : id;
            known.require(bare); // unknown id: names the known ones
        }
        Path dir = runDirectory(name);
        MeasureOptions measureOptions = MeasureOptions.defaults().withMinTime(minTime).withColdCache(coldCache);
        RunRequest request = new RunRequest(cases, ids, dir, resume != null, caseTimeout, measureOptions, conform,
                measure, Progress.auto(), String.join(" ", commandLine.getParseResult().originalArgs()), workers,
                submission, plan, finish);
        return RunEngine.run(request);
    }

    private Path runDirectory(String name) {
        if (resume != null) {
            if (out != null) {
                throw new BadInputException("--out and --resume both name a run directory: give one");
            }
            if (!Files.isDirectory(resume)) {
                throw new BadInputException("--resume " + resume + ": no such run directory");
            }
            RunManifest.remove(resume); // the files it vouched for are about to change; a new one is written at the end
            return resume;
        }
        Path dir = out;
        if (dir == null) {
            String base = LocalDate.now() + "-" + name.replaceAll("[^A-Za-z0-9._-]", "_");
            Path root = Path.of("results", "runs");
            dir = root.resolve(base);
            for (int i = 2; Files.exists(dir); i++) {
                dir = root.resolve(base + "-" + i);
            }
        }
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-check", "");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new BadInputException("--out " + dir + ": cannot write there (" + e.getMessage() + ")");
        }
        return dir;
    }

    /** 3 when a backend crashed or timed out, 1 when a case failed conformance, else 0. */
    static int exitCode(RunOutcome outcome) {
        boolean crashed = false;
        boolean failed = false;
        for (CaseRecord r : outcome.records()) {
            Optional<CaseStatus> s = r.caseStatus();
            if (s.isEmpty()) {
                continue;
            }
            switch (s.get()) {
                case CRASHED, TIMEOUT -> crashed = true;
                case FAILED_NUMERICS, FAILED_SHAPE, FAILED_DTYPE, COMPILE_ERROR, RUNTIME_ERROR -> failed = true;
                default -> {
                }
            }
        }
        return crashed ? ExitCode.CRASHED : failed ? ExitCode.FAILED : ExitCode.OK;
    }
}
