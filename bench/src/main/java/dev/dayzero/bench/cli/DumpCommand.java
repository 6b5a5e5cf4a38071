package dev.dayzero.bench.cli;

import dev.dayzero.bench.dump.Dumper;
import dev.dayzero.bench.model.ModelConfigs;
import dev.dayzero.bench.workload.WorkloadCase;
import dev.dayzero.hal.Backends;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.Probe;
import dev.dayzero.tck.CaseResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dayzero dump}: one case's inputs and outputs as NumPy files, for a vendor's own tools. */
@Command(name = "dump", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a case's inputs, the backend's outputs and the oracle's outputs as NumPy .npy files "
                + "plus case.json (spec, seed, dtypes: BF16 as uint16 and FP8 as uint8, named so).",
                "The case runs in this process (not in a worker)."})
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

    @Override
    public Integer call() throws IOException {
        WorkloadCase c = CaseCatalog.find(caseId, Optional.ofNullable(config).map(ModelConfigs::load));
        var provider = Backends.discover().require(backend);
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
}
