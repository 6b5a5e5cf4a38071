package dev.dayzero.bench.cli;

import dev.dayzero.bench.dump.Dumper;
import dev.dayzero.bench.model.ModelConfigs;
import dev.dayzero.bench.worker.WorkerSettings;
import dev.dayzero.bench.workload.WorkloadCase;
import dev.dayzero.hal.Backends;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.Probe;
import dev.dayzero.tck.CaseResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dayzero dump}: one case's inputs and outputs as NumPy files, for a vendor's own tools. */
@Command(name = "dump", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a case's inputs, the backend's outputs and the oracle's outputs as NumPy .npy files "
                + "plus case.json (spec, seed, dtypes: BF16 as uint16 and FP8 as uint8, named so).",
                "The case runs in this process (not in a worker); a cpu case runs in a child JVM started with "
                        + "--add-modules jdk.incubator.vector when this one lacks it, as the run's cpu workers are."})
final class DumpCommand implements Callable<Integer> {

    @Option(names = "--case", required = true, paramLabel = "CASE_ID",
            description = "A case id from a results file or `dayzero conform`.")
    String caseId;

    @Option(names = "--backend", required = true, paramLabel = "ID", description = "The backend to run it on.")
    String backend;

    @Option(names = "--device", paramLabel = "N", description = "Device ordinal. Default: ${DEFAULT-VALUE}.",
            defaultValue = "0")
    int ordinal;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write the files.")
    Path out;

    @Option(names = "--config", paramLabel = "PATH",
            description = "The config.json a raw-config run used (for its case ids).")
    Path config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Set in the child JVM a cpu dump re-executes itself in, so that it never starts another. */
    static final String CHILD_PROPERTY = "dayzero.dump.child";
    /** The line every JVM with an incubator module prints first; dropped from the child's stderr. */
    static final String INCUBATOR_WARNING = "WARNING: Using incubator modules: " + WorkerSettings.VECTOR_MODULE;

    @Override
    public Integer call() throws IOException {
        WorkloadCase c = CaseCatalog.find(caseId, Optional.ofNullable(config).map(ModelConfigs::load));
        if (needsVectorChild(backend, ModuleLayer.boot().findModule(WorkerSettings.VECTOR_MODULE).isPresent(),
                WorkerSettings.vectorModuleInRuntime(), System.getProperty(CHILD_PROPERTY) != null)) {
            return runInChild(WorkerSettings.inherit(null));
        }
        var provider = dev.dayzero.bench.plugins.Plugins.backends().require(backend);
        Probe probe = provider.probe();
        if (!probe.available()) {
            throw new BadInputException("--backend " + backend + " is unavailable here: " + probe.reason());
        }
        PrintWriter o = spec.commandLine().getOut();
        try (Device device = provider.open(ordinal)) {
            CaseResult verdict = Dumper.dump(device, c, out);
            o.println("wrote " + out.toAbsolutePath() + " (case.json and .npy files)");
            o.println(verdict.summary());
            return verdict.status().isPass() ? ExitCode.OK : ExitCode.FAILED;
        }
    }

    /**
     * Whether the case must run in a child JVM: the backend's cases run with the Vector API module in a run's
     * workers ({@link WorkerSettings#VECTOR_BACKENDS}), this JVM lacks the module, the runtime has it, and this is
     * not already that child. Then the dump reproduces a run's numbers exactly.
     */
    static boolean needsVectorChild(String backend, boolean moduleLoaded, boolean moduleInRuntime, boolean inChild) {
        return WorkerSettings.VECTOR_BACKENDS.contains(backend) && !moduleLoaded && moduleInRuntime && !inChild;
    }

    /** The child's command line: this command again, with the module and {@link #CHILD_PROPERTY}. */
    List<String> childCommand(WorkerSettings settings) {
        List<String> options = new ArrayList<>(settings.moduleOptions(backend));
        options.add("-D" + CHILD_PROPERTY + "=true");
        List<String> args = new ArrayList<>(List.of("dump", "--case", caseId, "--backend", backend,
                "--device", Integer.toString(ordinal), "--out", out.toAbsolutePath().toString()));
        if (config != null) {
            args.addAll(List.of("--config", config.toAbsolutePath().toString()));
        }
        if (spec.root().userObject() instanceof Main m && m.verbose) {
            args.add("--verbose");
        }
        return settings.javaCommand(options, "hs_err_dump_pid%p.log", Main.class.getName(), args.toArray(String[]::new));
    }

    /** Runs {@link #childCommand}, copying its output here (less the incubator warning), and returns its exit code. */
    private int runInChild(WorkerSettings settings) throws IOException {
        List<String> cmd = childCommand(settings);
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter e = spec.commandLine().getErr();
        CompletableFuture<Void> err = CompletableFuture.runAsync(() -> copy(p.getErrorStream(), e));
        copy(p.getInputStream(), o);
        err.join();
        try {
            return p.waitFor();
        } catch (InterruptedException x) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the dump ran in its child JVM", x);
        }
    }

    private static void copy(InputStream in, PrintWriter to) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.equals(INCUBATOR_WARNING)) {
                    to.println(line);
                }
            }
            to.flush();
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }
}
