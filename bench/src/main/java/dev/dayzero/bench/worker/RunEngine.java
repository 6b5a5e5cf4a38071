package dev.dayzero.bench.worker;

import dev.dayzero.bench.results.BackendEntry;
import dev.dayzero.bench.results.CaseKey;
import dev.dayzero.bench.results.CaseRecord;
import dev.dayzero.bench.results.HostInfo;
import dev.dayzero.bench.results.Origin;
import dev.dayzero.bench.results.ResultsFile;
import dev.dayzero.bench.results.ResultsStore;
import dev.dayzero.bench.results.RunInfo;
import dev.dayzero.bench.results.ToolInfo;
import dev.dayzero.bench.workload.WorkloadCase;
import dev.dayzero.hal.Backends;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The one entry point of a run: every case on every requested backend, each backend in its own worker JVM
 * ({@link Coordinator}), backends one after another and cases one at a time (one measurement per device at
 * a time, and no two backends competing for the host's cores). Each finished case is appended to
 * {@code cases.jsonl} at once; {@code results.json} is written at the end (temporary file, then rename).
 *
 * <p>An unknown backend id is refused before anything starts; a known backend that cannot run here gets its
 * probe answer in the results and its cases recorded {@code unavailable} with the probe's reason.
 *
 * <p>A request with a {@link Submission} that records an origin writes it into the results file; with
 * {@code redactHost} the hostname is replaced by its hash before anything is written.
 */
public final class RunEngine {
    private RunEngine() {
    }

    /** A requested backend: {@code id} or {@code id:ordinal}. */
    record Target(String id, int ordinal) {
        static Target parse(String text) {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                return new Target(text, 0);
            }
            try {
                int ordinal = Integer.parseInt(text.substring(colon + 1));
                if (ordinal < 0) {
                    throw new NumberFormatException();
                }
                return new Target(text.substring(0, colon), ordinal);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("backend '" + text + "': expected id or id:ordinal with a device "
                        + "ordinal >= 0");
            }
        }
    }

    /**
     * Runs {@code request}.
     *
     * @throws IllegalArgumentException for a request that cannot start (unknown backend, an existing run
     *                                  directory without resume), naming what is wrong
     */
    public static RunOutcome run(RunRequest request) {
        Backends known = dev.dayzero.bench.plugins.Plugins.backends();
        List<Target> targets = new ArrayList<>();
        for (String b : request.backendIds()) {
            Target t = Target.parse(b);
            known.require(t.id());
            targets.add(t);
        }
        Instant startedAt = Instant.now();
        HostInfo host = request.submission().redactHost() ? HostInfo.current().redacted() : HostInfo.current();
        CaseOptions options = new CaseOptions(request.conform(), request.measure(), request.measureOptions());
        Progress progress = request.progress();
        try (ResultsStore store = request.resume() ? ResultsStore.resume(request.outDir())
                : ResultsStore.create(request.outDir())) {
            Set<CaseKey> finished = store.finishedIds();
            int total = 0;
            int skipped = 0;
            for (Target t : targets) {
                for (WorkloadCase c : request.cases()) {
                    if (finished.contains(new CaseKey(t.id(), c.id()))) {
                        skipped++;
                    } else {
                        total++;
                    }
                }
            }
            progress.runStarted(total, skipped);
            WorkerSettings settings = request.worker().crashDir() == null
                    ? request.worker().withCrashDir(request.outDir()) : request.worker();
            List<BackendEntry> entries = new ArrayList<>();
            int done = 0;
            long spentNanos = 0;
            for (Target t : targets) {
                Coordinator co = new Coordinator(t.id(), t.ordinal(), settings);
                Thread hook = new Thread(co::close, "dayzero-worker-cleanup");
                Runtime.getRuntime().addShutdownHook(hook);
                try {
                    BackendEntry entry = co.start();
                    entries.add(entry);
                    progress.backendReady(entry);
                    for (WorkloadCase c : request.cases()) {
                        if (finished.contains(new CaseKey(t.id(), c.id()))) {
                            continue;
                        }
                        progress.caseStarted(t.id(), c, done, total);
                        long c0 = System.nanoTime();
                        CaseRecord record = co.run(c, options, request.caseTimeout());
                        store.append(record);
                        spentNanos += System.nanoTime() - c0;
                        done++;
                        Duration eta = Duration.ofNanos(done == 0 ? 0 : spentNanos / done * (total - done));
                        progress.caseFinished(record, done, total, eta);
                    }
                } finally {
                    co.close();
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException e) {
                        // the JVM is shutting down; the hook runs anyway
                    }
                }
            }
            List<CaseRecord> records = order(store.records(), targets, request.cases());
            RunInfo run = new RunInfo(ToolInfo.version(), ToolInfo.gitCommit(), request.commandLine(),
                    startedAt.toString(), Instant.now().toString(), request.resume() && skipped > 0,
                    request.caseTimeout(), request.conform(), request.measure(), request.measureOptions());
            Submission submission = request.submission();
            store.writeResults(request.finish().apply(ResultsFile.of(run, host, entries, records)
                    .withOrigin(submission.recordsOrigin()
                            ? Origin.of(submission.submittedBy(), host, submission.redactHost(), run, entries) : null)
                    .withPlan(request.plan()).withPlugins(dev.dayzero.bench.plugins.Plugins.jars())
                    .withCalibrations(dev.dayzero.bench.calibrate.CalibrationCache.standard(null)
                            .forRun(entries, dev.dayzero.bench.results.HostInfo.current().hostname(), host.hostname()))));
            Map<String, Integer> counts = new TreeMap<>();
            records.forEach(r -> counts.merge(r.status(), 1, Integer::sum));
            RunOutcome outcome = new RunOutcome(records, new TreeMap<>(counts), entries, store.casesFile(),
                    store.resultsFile(), done, skipped);
            progress.runFinished(outcome);
            return outcome;
        }
    }

    /** Request order (backend, then case); records the request does not name follow in file order. */
    private static List<CaseRecord> order(List<CaseRecord> records, List<Target> targets, List<WorkloadCase> cases) {
        Map<String, Integer> backendRank = new HashMap<>();
        for (int i = 0; i < targets.size(); i++) {
            backendRank.putIfAbsent(targets.get(i).id(), i);
        }
        Map<String, Integer> caseRank = new HashMap<>();
        for (int i = 0; i < cases.size(); i++) {
            caseRank.put(cases.get(i).id(), i);
        }
        Map<CaseKey, CaseRecord> latest = new LinkedHashMap<>();
        records.forEach(r -> latest.put(r.key(), r)); // a case finished twice keeps its last record
        List<CaseRecord> out = new ArrayList<>(latest.values());
        out.sort(Comparator.comparingInt((CaseRecord r) -> backendRank.getOrDefault(r.backend(), Integer.MAX_VALUE))
                .thenComparingInt(r -> caseRank.getOrDefault(r.caseId(), Integer.MAX_VALUE)));
        return out;
    }
}
