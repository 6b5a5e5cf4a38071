package dev.dayzero.bench.cli;

import dev.dayzero.bench.worker.RunOutcome;
import dev.dayzero.hal.Backends;
import dev.dayzero.hal.Probe;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dayzero conform --backend ID}: the conformance kit's standard cases, crash-isolated, no timing. */
@Command(name = "conform", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the conformance kit's standard cases (every operator family at DeepSeek-V3/V3.2 and "
                + "Qwen3-235B shapes) on a backend, each in a worker JVM, and exit non-zero if any case fails.",
                "Results go under results/runs/<date>-conform-<backend>/ unless --out says otherwise."})
final class ConformCommand implements Callable<Integer> {

    @Option(names = "--backend", required = true, paramLabel = "ID", description = "The backend to check.")
    String backend;

    @Option(names = "--case", paramLabel = "CASE_ID", split = ",",
            description = "Only these standard cases (default: all).")
    List<String> only;

    @CommandLine.Mixin
    RunOptions options = new RunOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        String bare = backend.contains(":") ? backend.substring(0, backend.indexOf(':')) : backend;
        Probe probe = dev.dayzero.bench.plugins.Plugins.backends().require(bare).probe();
        if (!probe.available()) {
            throw new BadInputException("--backend " + backend + " cannot run here, so nothing can be checked: "
                    + probe.reason());
        }
        options.backends = List.of(backend);
        var cases = CaseCatalog.standard();
        if (only != null) {
            for (String id : only) {
                if (cases.stream().noneMatch(c -> c.id().equals(id))) {
                    throw new BadInputException("--case '" + id + "' is not a standard case; they are: "
                            + String.join(", ", cases.stream().map(c -> c.id()).toList()));
                }
            }
            cases = cases.stream().filter(c -> only.contains(c.id())).toList();
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("dayzero conform: " + cases.size() + " standard cases on " + backend);
        RunOutcome outcome = options.execute(cases, "conform-" + backend, true, false, spec.commandLine());
        Summary.print(out, outcome, List.of());
        out.println("Results: " + outcome.resultsFile().toAbsolutePath());
        RunOptions.writeManifest(outcome.resultsFile().getParent(), spec.commandLine());
        return RunOptions.exitCode(outcome);
    }
}
