package dev.dayzero.bench.cli;

import dev.dayzero.bench.model.ModelConfig;
import dev.dayzero.bench.model.Presets;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code dayzero models}: the presets with their key dimensions. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List the model presets with their key dimensions and default parallelism.")
final class ModelsCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (ModelConfig m : Presets.all()) {
            out.printf("%-20s %s%n", m.id(), m.displayName());
            out.printf("%-20s %s%n", "", m.summary());
        }
        out.println();
        out.println("Any Hugging Face config.json works too: dayzero run --config path/to/config.json");
        return ExitCode.OK;
    }
}
