package dev.dayzero.bench.worker;

import dev.dayzero.bench.measure.MeasureOptions;
import dev.dayzero.bench.results.BackendEntry;
import dev.dayzero.bench.results.CaseRecord;
import dev.dayzero.bench.workload.WorkloadCase;
import dev.dayzero.hal.Backends;
import dev.dayzero.hal.BindingReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The first thing to run on new hardware ({@code dayzero doctor}). For each backend: a child JVM
 * ({@link DoctorChild}) probes it and looks up every native function its bindings declare; where it is available,
 * a worker JVM ({@link Coordinator}) runs the given cases — conformance only, no timing — on device 0. Nothing
 * native is loaded in this JVM, and a child that dies or hangs is reported as crashed, never thrown.
 */
public final class Doctor {
    private Doctor() {
    }

    /**
     * What to check.
     *
     * @param backendIds  backends, in order (each must be known: see {@link Backends#require})
     * @param cases       the cases to run on each available backend
     * @param caseTimeout the longest one case may take
     * @param worker      how child and worker JVMs start ({@code crashDir} null: a temporary directory, removed
     *                    when no JVM crashed into it)
     * @param log         told one line as each step starts and ends
     */
    public record Request(List<String> backendIds, List<WorkloadCase> cases, Duration caseTimeout,
                         WorkerSettings worker, Consumer<String> log) {
        public Request {
            backendIds = List.copyOf(backendIds);
            cases = List.copyOf(cases);
            Objects.requireNonNull(caseTimeout, "caseTimeout");
            Objects.requireNonNull(worker, "worker");
            log = log == null ? line -> { } : log;
        }
    }

    /**
     * Checks every backend of {@code request}.
     *
     * @throws IllegalArgumentException for an unknown backend id (before anything starts)
     */
    public static DoctorResult run(Request request) {
        Backends known = dev.dayzero.bench.plugins.Plugins.backends();
        List<String> vendors = new ArrayList<>();
        for (String id : request.backendIds()) {
            vendors.add(known.require(id).vendor());
        }
        Path tempCrashDir = null;
        WorkerSettings settings = request.worker();
        if (settings.crashDir() == null) {
            try {
                tempCrashDir = Files.createTempDirectory("dayzero-doctor");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a directory for crash logs: " + e.getMessage(), e);
            }
            settings = settings.withCrashDir(tempCrashDir);
        }
        List<DoctorResult.BackendCheck> checks = new ArrayList<>();
        try {
            for (int i = 0; i < request.backendIds().size(); i++) {
                checks.add(check(request.backendIds().get(i), vendors.get(i), request, settings));
            }
        } finally {
            removeIfEmpty(tempCrashDir);
        }
        return new DoctorResult(checks);
    }

    private static DoctorResult.BackendCheck check(String id, String vendor, Request request, WorkerSettings settings) {
        Consumer<String> log = request.log();
        log.accept(id + ": probing and resolving its native symbols in a child JVM");
        ChildAnswer a = askChild(id, settings);
        if (a.crash != null) {
            log.accept(id + ": CRASHED: " + a.crash);
            return new DoctorResult.BackendCheck(id, vendor, DoctorResult.Verdict.CRASHED, a.crash, a.probe, a.bindings,
                    List.of(), a.tail);
        }
        if (!a.probe.available()) {
            log.accept(id + ": unavailable: " + a.probe.reason());
            return new DoctorResult.BackendCheck(id, vendor, DoctorResult.Verdict.UNAVAILABLE, a.probe.reason(), a.probe,
                    a.bindings, List.of(), List.of());
        }
        log.accept(id + ": available; " + (a.bindings.missing().isEmpty() ? "every bound symbol resolves"
                : a.bindings.missing().size() + " bound symbols missing"));
        List<CaseRecord> records = new ArrayList<>();
        CaseOptions options = new CaseOptions(true, false, MeasureOptions.defaults());
        try (Coordinator co = new Coordinator(id, 0, settings)) {
            BackendEntry entry = co.start();
            if (!entry.available()) {
                boolean didNotOpen = entry.reason().contains(WorkerMain.DEVICE_DID_NOT_OPEN);
                String why = (didNotOpen ? "" : "the worker JVM did not start: ") + entry.reason();
                log.accept(id + ": " + (didNotOpen ? "FAILED: " : "CRASHED: ") + why);
                return new DoctorResult.BackendCheck(id, vendor, didNotOpen ? DoctorResult.Verdict.FAILED
                        : DoctorResult.Verdict.CRASHED, why, a.probe, a.bindings, List.of(), List.of());
            }
            for (WorkloadCase c : request.cases()) {
                log.accept(id + ": " + c.id() + " ...");
                CaseRecord r = co.run(c, options, request.caseTimeout());
                records.add(r);
                log.accept(id + ": " + c.id() + " -> " + r.status()
                        + String.format(java.util.Locale.ROOT, " (%.1f s)", r.elapsedMs() / 1000));
            }
        }
        DoctorResult.Verdict verdict = DoctorResult.verdictOf(records, a.bindings);
        String detail = switch (verdict) {
            case CRASHED -> records.stream().filter(r -> DoctorResult.verdictOf(List.of(r), null)
                    == DoctorResult.Verdict.CRASHED).findFirst().map(r -> r.caseId() + " " + r.status() + ": "
                    + r.message()).orElse("a worker died or hung running a case");
            case FAILED -> failure(records, a.bindings);
            default -> "";
        };
        return new DoctorResult.BackendCheck(id, vendor, verdict, detail, a.probe, a.bindings, records, List.of());
    }

    private static String failure(List<CaseRecord> records, BindingReport bindings) {
        List<String> parts = new ArrayList<>();
        if (!bindings.missing().isEmpty()) {
            parts.add(bindings.missing().size() + " bound symbols missing");
        }
        long failed = records.stream().filter(r -> DoctorResult.verdictOf(List.of(r), null) != DoctorResult.Verdict.PASSED)
                .count();
        if (failed > 0) {
            parts.add(failed + " of " + records.size() + " cases failed");
        }
        return String.join("; ", parts);
    }

    /** What the child said: a probe and a binding report, or why it said nothing. */
    private record ChildAnswer(BackendEntry probe, BindingReport bindings, String crash, List<String> tail) {
    }

    private static ChildAnswer askChild(String id, WorkerSettings settings) {
        WorkerProcess w;
        try {
            w = WorkerProcess.start(settings.javaCommand("hs_err_doctor_" + id + "_pid%p.log",
                    DoctorChild.class.getName(), id), settings.stderrTailLines());
        } catch (IOException e) {
            return new ChildAnswer(null, null, "cannot start a child JVM (" + settings.javaExecutable() + "): "
                    + e.getMessage(), List.of());
        }
        BackendEntry probe = null;
        BindingReport bindings = null;
        try {
            while (probe == null || bindings == null) {
                WorkerProcess.Incoming in = w.poll(settings.startupTimeout());
                if (in instanceof WorkerProcess.Incoming.Message m) {
                    if ("hello".equals(m.reply().type())) {
                        probe = m.reply().backend();
                    } else if ("bindings".equals(m.reply().type())) {
                        bindings = m.reply().bindings();
                    }
                    continue;
                }
                String step = probe == null ? "while probing" : "while resolving the bound symbols";
                String why;
                if (in == null) {
                    w.kill();
                    why = "the child JVM (pid " + w.pid() + ") said nothing for " + settings.startupTimeout() + " "
                            + step + " and was killed";
                } else if (in instanceof WorkerProcess.Incoming.Eof) {
                    Integer code = w.awaitExit(Duration.ofSeconds(10));
                    if (code == null) {
                        w.kill();
                    }
                    why = "the child JVM (pid " + w.pid() + ") died " + step + ": " + Coordinator.describeExit(code)
                            + (w.crashSignal() != null ? "; " + w.crashSignal() : "")
                            + (w.crashLog() != null ? "; crash log " + w.crashLog() : "");
                } else {
                    w.kill();
                    why = "the child JVM answered with a malformed message " + step + ": "
                            + ((WorkerProcess.Incoming.Malformed) in).problem();
                }
                return new ChildAnswer(probe, bindings, why, w.tail());
            }
            w.awaitExit(Duration.ofSeconds(10));
            return new ChildAnswer(probe, bindings, null, List.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ChildAnswer(probe, bindings, "interrupted while waiting for the child JVM", w.tail());
        } finally {
            w.close();
        }
    }

    private static void removeIfEmpty(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            if (s.findAny().isEmpty()) {
                Files.delete(dir);
            }
        } catch (IOException e) {
            // a crash log stays where the report says it is
        }
    }
}
