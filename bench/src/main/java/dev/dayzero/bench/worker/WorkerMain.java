package dev.dayzero.bench.worker;

import dev.dayzero.bench.results.BackendEntry;
import dev.dayzero.bench.results.CaseRecord;
import dev.dayzero.hal.BackendProvider;
import dev.dayzero.hal.Backends;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.Probe;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The worker JVM: {@code WorkerMain <backend-id> <device-ordinal>}. It probes the backend, opens the device,
 * says hello, then runs one case per request line on stdin and answers one result line on stdout
 * ({@link WorkerProtocol}). Everything else it prints goes to stderr: {@code System.out} is pointed at
 * stderr before any backend code runs, so a chatty library cannot corrupt the protocol. It exits when stdin
 * closes, on an {@code exit} request, or when its parent process (the coordinator) is gone.
 */
public final class WorkerMain {
    /** The words of a hello's reason when the backend was available but its device did not open. */
    static final String DEVICE_DID_NOT_OPEN = " did not open: ";

    private WorkerMain() {
    }

    public static void main(String[] args) {
        PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        System.setOut(System.err);
        if (args.length != 2) {
            System.err.println("usage: WorkerMain <backend-id> <device-ordinal>");
            System.exit(2);
        }
        watchParent();
        int code = run(args[0], Integer.parseInt(args[1]), protocol);
        System.exit(code);
    }

    private static int run(String backendId, int ordinal, PrintStream protocol) {
        long pid = ProcessHandle.current().pid();
        String tag = "[worker " + backendId + ":" + ordinal + " pid " + pid + "] ";
        Optional<BackendProvider> provider = dev.dayzero.bench.plugins.Plugins.backends().find(backendId);
        if (provider.isEmpty()) {
            send(protocol, WorkerProtocol.Reply.hello(pid, BackendEntry.of(
                    Probe.unavailable(backendId, "no backend '" + backendId + "' on the worker's class path"), ordinal)));
            return 0;
        }
        Probe probe = provider.get().probe();
        BackendEntry entry = BackendEntry.of(probe, ordinal);
        Device device = null;
        if (probe.available()) {
            try {
                device = provider.get().open(ordinal);
            } catch (RuntimeException e) {
                entry = entry.unavailable("device " + ordinal + " of backend " + backendId + DEVICE_DID_NOT_OPEN
                        + e.getMessage());
            }
        }
        send(protocol, WorkerProtocol.Reply.hello(pid, entry));
        if (device == null) {
            return 0;
        }
        System.err.println(tag + "ready: " + device.info().name());
        CaseExecutor executor = new CaseExecutor(device, backendId);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                WorkerProtocol.Request request = WorkerProtocol.decodeRequest(line);
                if ("exit".equals(request.type())) {
                    break;
                }
                if (!"case".equals(request.type()) || request.workloadCase() == null || request.options() == null) {
                    throw new IllegalArgumentException("unknown request: " + line);
                }
                System.err.println(tag + "case " + request.workloadCase().id());
                CaseRecord record = executor.run(request.workloadCase(), request.options());
                System.err.println(tag + "case " + record.caseId() + " -> " + record.status());
                send(protocol, WorkerProtocol.Reply.result(pid, record));
            }
        } catch (IOException e) {
            System.err.println(tag + "stdin failed: " + e);
            return 1;
        } finally {
            try {
                device.close();
            } catch (RuntimeException e) {
                System.err.println(tag + "closing the device failed: " + e);
            }
        }
        return 0;
    }

    private static void send(PrintStream protocol, Object message) {
        protocol.print(WorkerProtocol.encode(message));
        protocol.print('\n');
        protocol.flush();
    }

    /** Halts this JVM soon after its parent dies (the coordinator killed with SIGKILL leaves no worker behind). */
    static void watchParent() {
        Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        if (parent.isEmpty()) {
            return;
        }
        ProcessHandle p = parent.get();
        Thread t = new Thread(() -> {
            while (true) {
                if (!p.isAlive()) {
                    System.err.println("[worker] the coordinator (pid " + p.pid() + ") is gone; exiting");
                    Runtime.getRuntime().halt(3);
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "dayzero-parent-watch");
        t.setDaemon(true);
        t.start();
    }
}
