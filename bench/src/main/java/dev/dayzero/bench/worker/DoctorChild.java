package dev.dayzero.bench.worker;

import dev.dayzero.bench.results.BackendEntry;
import dev.dayzero.hal.BackendProvider;
import dev.dayzero.hal.Backends;
import dev.dayzero.hal.BindingReport;
import dev.dayzero.hal.Probe;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The doctor's child JVM: {@code DoctorChild <backend-id>}. Probes the backend and says hello (as a worker does,
 * for device 0), then looks up every function its bindings declare ({@link BackendProvider#bindings()}) and
 * answers with a {@code bindings} message ({@link WorkerProtocol}), then exits. Both steps load vendor
 * libraries, so they happen here and never in the coordinator; {@code System.out} is pointed at stderr first,
 * as in {@link WorkerMain}.
 */
public final class DoctorChild {
    private DoctorChild() {
    }

    public static void main(String[] args) {
        PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        System.setOut(System.err);
        if (args.length != 1) {
            System.err.println("usage: DoctorChild <backend-id>");
            System.exit(2);
        }
        WorkerMain.watchParent();
        String id = args[0];
        long pid = ProcessHandle.current().pid();
        Optional<BackendProvider> provider = dev.dayzero.bench.plugins.Plugins.backends().find(id);
        if (provider.isEmpty()) {
            send(protocol, WorkerProtocol.Reply.hello(pid, BackendEntry.of(
                    Probe.unavailable(id, "no backend '" + id + "' on the class path"), 0)));
            send(protocol, WorkerProtocol.Reply.bindings(pid, BindingReport.unavailable(id, "no such backend")));
            System.exit(0);
        }
        System.err.println("[doctor " + id + " pid " + pid + "] probing");
        send(protocol, WorkerProtocol.Reply.hello(pid, BackendEntry.of(provider.get().probe(), 0)));
        System.err.println("[doctor " + id + " pid " + pid + "] resolving the bound symbols");
        send(protocol, WorkerProtocol.Reply.bindings(pid, provider.get().bindings()));
        System.exit(0);
    }

    private static void send(PrintStream protocol, Object message) {
        protocol.print(WorkerProtocol.encode(message));
        protocol.print('\n');
        protocol.flush();
    }
}
