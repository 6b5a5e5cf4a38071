package dev.dayzero.bench.worker;

import dev.dayzero.bench.results.BackendEntry;
import dev.dayzero.bench.results.CaseRecord;
import dev.dayzero.bench.workload.WorkloadCase;
import dev.dayzero.hal.DeviceInfo;
import dev.dayzero.tck.CaseStatus;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs one backend's cases in a worker JVM, one case at a time (so one measurement per device at a time).
 * A worker that crashes (native fault, exit without a result), hangs past the case timeout (killed with
 * SIGKILL) or dies of memory exhaustion costs only the case in flight: that case is recorded as
 * {@code crashed}, {@code timeout} or {@code out-of-memory} with the worker's last stderr lines, and the next
 * case gets a fresh worker. A backend whose device info sets {@link DeviceInfo#ISOLATE_CASES} gets a fresh worker
 * after every timed case too. Owns at most one worker process at a time; {@link #close()} ends it.
 */
public final class Coordinator implements AutoCloseable {
    private static final Map<Integer, String> SIGNALS = Map.of(4, "SIGILL", 6, "SIGABRT", 7, "SIGBUS", 8, "SIGFPE",
            9, "SIGKILL", 11, "SIGSEGV", 15, "SIGTERM");

    private final String backendId;
    private final int ordinal;
    private final WorkerSettings settings;
    private volatile WorkerProcess worker;
    private BackendEntry entry;
    private List<String> startupTail = List.of();
    private int workersStarted;
    private volatile boolean closed;

    public Coordinator(String backendId, int ordinal, WorkerSettings settings) {
        this.backendId = Objects.requireNonNull(backendId, "backendId");
        this.ordinal = ordinal;
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Starts the first worker and returns its probe answer (cached): unavailable with the reason when the
     * backend cannot run here, its device does not open, or the worker dies or stays silent while starting.
     */
    public synchronized BackendEntry start() {
        checkOpen();
        if (entry == null) {
            Launched l = launch();
            entry = l.entry;
            worker = l.worker;
            startupTail = l.tail;
        }
        return entry;
    }

    /** Worker JVMs started so far. */
    public synchronized int workersStarted() {
        return workersStarted;
    }

    /** The live worker's process id, if one is running. */
    public synchronized Optional<Long> workerPid() {
        return worker != null && worker.isAlive() ? Optional.of(worker.pid()) : Optional.empty();
    }

    /** Runs {@code c} in the worker (starting a fresh one if the last died) and returns its record. */
    public synchronized CaseRecord run(WorkloadCase c, CaseOptions options, Duration timeout) {
        Objects.requireNonNull(c, "case");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(timeout, "timeout");
        BackendEntry e = start();
        Instant startedAt = Instant.now();
        long t0 = System.nanoTime();
        if (!e.available()) {
            return base(c, startedAt, t0).status(CaseStatus.UNAVAILABLE, e.reason()).workerStderr(startupTail).build();
        }
        if (worker == null) {
            Launched l = launch();
            if (l.worker == null) {
                return base(c, startedAt, t0).status(CaseStatus.CRASHED, "a fresh worker for this case did not start: "
                        + l.entry.reason()).workerStderr(l.tail).build();
            }
            worker = l.worker;
        }
        WorkerProcess w = worker;
        try {
            try {
                w.send(WorkerProtocol.Request.runCase(c, options));
            } catch (IOException ex) {
                return lost(c, w, startedAt, t0, "its stdin closed (" + ex.getMessage() + ")");
            }
            long deadline = System.nanoTime() + timeout.toNanos(); // a fresh worker's start-up is not the case's time
            while (true) {
                long left = deadline - System.nanoTime();
                WorkerProcess.Incoming in = left > 0 ? w.poll(Duration.ofNanos(left)) : null;
                if (in == null) {
                    w.kill();
                    worker = null;
                    return base(c, startedAt, t0).status(CaseStatus.TIMEOUT, "no result within " + timeout
                            + "; the worker (pid " + w.pid() + ") was killed").workerStderr(w.tail()).build();
                }
                if (in instanceof WorkerProcess.Incoming.Message m) {
                    CaseRecord r = m.reply().record();
                    if ("result".equals(m.reply().type()) && r != null && r.caseId().equals(c.id())) {
                        if (options.measure() && isolates(e)) {
                            w.close(); // the next timed case starts in a fresh JVM (DeviceInfo.ISOLATE_CASES)
                            worker = null;
                        }
                        return r;
                    }
                    continue; // not this case's answer; keep waiting
                }
                if (in instanceof WorkerProcess.Incoming.Malformed bad) {
                    w.kill();
                    worker = null;
                    return base(c, startedAt, t0).status(CaseStatus.RUNTIME_ERROR, "the worker answered with a "
                            + "malformed result: " + bad.problem()).workerStderr(w.tail()).build();
                }
                return lost(c, w, startedAt, t0, "it closed its stdout");
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            killQuietly(w);
            worker = null;
            return base(c, startedAt, t0).status(CaseStatus.CRASHED, "interrupted while waiting for the worker")
                    .workerStderr(w.tail()).build();
        }
    }

    /** Whether the probed device asks for each timed case in a fresh worker ({@link DeviceInfo#ISOLATE_CASES}). */
    private boolean isolates(BackendEntry e) {
        return e.device().map(d -> "true".equals(d.properties().get(DeviceInfo.ISOLATE_CASES))).orElse(false);
    }

    /** The worker went away without a result: crashed, or out of memory when its last words say so. */
    private CaseRecord lost(WorkloadCase c, WorkerProcess w, Instant startedAt, long t0, String how)
            throws InterruptedException {
        Integer code = w.awaitExit(Duration.ofSeconds(10));
        if (code == null) {
            w.kill();
        }
        worker = null;
        List<String> tail = w.tail();
        boolean oom = tail.stream().anyMatch(l -> l.contains("OutOfMemoryError") || l.contains("insufficient memory")
                || l.contains("Cannot allocate memory") || l.contains("out of memory"));
        StringBuilder msg = new StringBuilder("the worker (pid ").append(w.pid()).append(") died running this case: ")
                .append(how).append(", ").append(describeExit(code));
        if (w.crashSignal() != null) {
            msg.append("; ").append(w.crashSignal());
        }
        CaseRecord.Builder b = base(c, startedAt, t0).status(oom ? CaseStatus.OUT_OF_MEMORY : CaseStatus.CRASHED,
                msg.toString()).workerStderr(tail);
        if (w.crashLog() != null) {
            b.note("JVM crash log: " + w.crashLog());
        }
        return b.build();
    }

    /**
     * "exit code 137 (128+9: SIGKILL, or a process that exited with 137)", "exit code 1", or "and did not exit
     * (killed)" for null. Java reports a process killed by signal N as exit code 128+N, the same number a process that
     * calls {@code exit(128+N)} (or {@code Runtime.halt}) gives, so a code past 128 names the signal it may stand for
     * and says it may not be one; the JVM's crash banner, when there is one, says which signal it caught.
     */
    static String describeExit(Integer code) {
        if (code == null) {
            return "and did not exit (killed)";
        }
        if (code > 128 && code < 160) {
            int sig = code - 128;
            String name = SIGNALS.entrySet().stream().filter(e -> e.getKey() == sig).map(Map.Entry::getValue)
                    .findFirst().orElse("signal " + sig);
            return "exit code " + code + " (128+" + sig + ": " + name + ", or a process that exited with " + code + ")";
        }
        return "exit code " + code;
    }

    private CaseRecord.Builder base(WorkloadCase c, Instant startedAt, long t0) {
        Optional<DeviceInfo> device = entry == null ? Optional.empty() : entry.device();
        return CaseRecord.builder(c.id(), c.spec(), backendId)
                .workload(c.model(), c.phase(), c.operator(), c.origin(), c.seed())
                .device(ordinal, device.map(DeviceInfo::name).orElse(""), device.map(DeviceInfo::emulated).orElse(false))
                .memoryBytes(c.memoryBytes())
                .runsPerStep(c.runsPerStep())
                .timeWindow(startedAt.toString(), (System.nanoTime() - t0) / 1e6);
    }

    private record Launched(WorkerProcess worker, BackendEntry entry, List<String> tail) {
    }

    private Launched launch() {
        WorkerProcess w;
        try {
            w = WorkerProcess.start(settings.command(backendId, ordinal), settings.stderrTailLines());
        } catch (IOException e) {
            return new Launched(null, unavailable("cannot start a worker JVM (" + settings.javaExecutable() + "): "
                    + e.getMessage()), List.of());
        }
        workersStarted++;
        try {
            WorkerProcess.Incoming in = w.poll(settings.startupTimeout());
            if (in instanceof WorkerProcess.Incoming.Message m && "hello".equals(m.reply().type())
                    && m.reply().backend() != null) {
                BackendEntry e = m.reply().backend();
                if (e.available()) {
                    return new Launched(w, e, List.of());
                }
                w.close();
                return new Launched(null, e, w.tail());
            }
            String why;
            if (in == null) {
                w.kill();
                why = "the worker said nothing within " + settings.startupTimeout() + " of starting and was killed";
            } else if (in instanceof WorkerProcess.Incoming.Eof) {
                Integer code = w.awaitExit(Duration.ofSeconds(10));
                if (code == null) {
                    w.kill();
                }
                why = "the worker died while starting (" + describeExit(code) + ")"
                        + (w.crashSignal() != null ? "; " + w.crashSignal() : "");
            } else {
                w.kill();
                why = "the worker's first message was not a hello: " + in;
            }
            List<String> tail = w.tail();
            return new Launched(null, unavailable(why + (tail.isEmpty() ? "" : "; last line: " + tail.get(tail.size() - 1))),
                    tail);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killQuietly(w);
            return new Launched(null, unavailable("interrupted while starting the worker"), w.tail());
        }
    }

    private BackendEntry unavailable(String reason) {
        return new BackendEntry(backendId, ordinal, false, reason, Map.of(), List.of());
    }

    private static void killQuietly(WorkerProcess w) {
        try {
            w.kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the coordinator of backend " + backendId + " is closed");
        }
    }

    /**
     * Ends the worker: asks it to exit, kills it if it does not within a few seconds. Idempotent, and safe
     * from another thread (a shutdown hook) while a case is in flight: that case then ends as crashed.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        WorkerProcess w = worker;
        if (w != null) {
            w.close();
        }
    }
}
