package dev.dayzero.bench.worker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One live worker JVM: its stdin for requests, a reader thread turning stdout lines into
 * {@link Incoming} items, and a reader thread keeping the last stderr lines (and stray stdout lines) in a
 * ring. Owns the process: {@link #close()} kills it if it is still running.
 */
final class WorkerProcess implements AutoCloseable {

    /** What a reader thread saw. */
    sealed interface Incoming {
        record Message(WorkerProtocol.Reply reply) implements Incoming {
        }

        record Malformed(String problem) implements Incoming {
        }

        record Eof() implements Incoming {
        }
    }

    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<Incoming> incoming = new LinkedBlockingQueue<>();
    private final ArrayDeque<String> tail = new ArrayDeque<>();
    private final int tailLines;
    private volatile String crashSignal;
    private volatile String crashLog;
    private boolean nextIsCrashLog;
    private final Thread outReader;
    private final Thread errReader;

    private WorkerProcess(Process process, int tailLines) {
        this.process = process;
        this.tailLines = tailLines;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.outReader = daemon("dayzero-worker-out-" + process.pid(), () -> readOut(process.getInputStream()));
        this.errReader = daemon("dayzero-worker-err-" + process.pid(), () -> readErr(process.getErrorStream()));
    }

    static WorkerProcess start(List<String> command, int tailLines) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        return new WorkerProcess(pb.start(), tailLines);
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void readOut(InputStream out) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(out, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                try {
                    var reply = WorkerProtocol.decodeReply(line);
                    if (reply.isPresent()) {
                        incoming.add(new Incoming.Message(reply.get()));
                    } else if (!line.isBlank()) {
                        remember("stdout: " + line);
                    }
                } catch (IllegalArgumentException e) {
                    incoming.add(new Incoming.Malformed(e.getMessage()));
                }
            }
        } catch (IOException e) {
            remember("(reading the worker's stdout failed: " + e.getMessage() + ")");
        } finally {
            incoming.add(new Incoming.Eof());
        }
    }

    private void readErr(InputStream err) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(err, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                remember(line);
            }
        } catch (IOException e) {
            remember("(reading the worker's stderr failed: " + e.getMessage() + ")");
        }
    }

    private void remember(String line) {
        synchronized (tail) {
            String t = line.startsWith("stdout: ") ? line.substring(8) : line;
            if (nextIsCrashLog) {
                crashLog = t.replaceFirst("^#\\s*", "").trim();
                nextIsCrashLog = false;
            }
            if (t.matches("^#\\s+SIG[A-Z]+ \\(.*") || t.matches("^#\\s+Internal Error.*")) {
                crashSignal = t.replaceFirst("^#\\s*", "").trim();
            }
            if (t.contains("An error report file with more information is saved as")) {
                nextIsCrashLog = true;
            }
            tail.addLast(line);
            while (tail.size() > tailLines) {
                tail.removeFirst();
            }
        }
    }

    /** The JVM crash banner's signal line ({@code SIGSEGV (0xb) at pc=...}), if one was seen. */
    String crashSignal() {
        return crashSignal;
    }

    /** Where the crashed JVM wrote its {@code hs_err} log, if it said. */
    String crashLog() {
        return crashLog;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Sends one message line. */
    void send(Object message) throws IOException {
        stdin.write(WorkerProtocol.encode(message));
        stdin.write('\n');
        stdin.flush();
    }

    /** The next item, or null when none came within {@code timeout}. */
    Incoming poll(Duration timeout) throws InterruptedException {
        return incoming.poll(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
    }

    /** Waits (up to {@code timeout}) for the process to end and its output to be read; the exit code or null. */
    Integer awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return null;
        }
        errReader.join(2000);
        outReader.join(2000);
        return process.exitValue();
    }

    /** Kills the process (SIGKILL) and waits for it and its readers. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        errReader.join(2000);
        outReader.join(2000);
    }

    /** The last stderr lines (stray stdout lines included, marked). */
    List<String> tail() {
        synchronized (tail) {
            return List.copyOf(tail);
        }
    }

    /** Asks the worker to exit, gives it a moment, then kills it if needed. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                try {
                    send(WorkerProtocol.Request.exit());
                    stdin.close();
                } catch (IOException e) {
                    // the worker is going or gone; it is killed below if not
                }
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    kill();
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
