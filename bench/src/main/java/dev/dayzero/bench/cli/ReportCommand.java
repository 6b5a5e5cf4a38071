package dev.dayzero.bench.cli;

import dev.dayzero.bench.chips.ChipTable;
import dev.dayzero.bench.report.LoadedRun;
import dev.dayzero.bench.report.ReportWriter;
import dev.dayzero.bench.results.RunManifest;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dayzero report RESULTS... --out DIR}: merge results files into a publishable report. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Merge results.json files or run directories (from one machine or many) into report.md, "
                + "a self-contained report.html, charts/ (PNG and SVG) and summary.csv.",
                "The same case on different devices sits side by side; the same device in two runs gets two "
                        + "columns labelled by host and date, never averaged.",
                "A run directory holding a MANIFEST.sha256 is checked against it first: a missing or changed file "
                        + "stops the report (exit 2). Results sent with --submitted-by are labelled \"vendor-submitted "
                        + "by NAME\" beside \"measured here\"; a directory without a manifest is labelled unverified.",
                "Shards (dayzero run --shard i/N) of one plan on one kind of device (backend and device name) fold into "
                        + "one column, whatever host each ran on; a missing shard or case, a shard given twice, and "
                        + "shards of different plans (never folded together) are named, one line each."})
final class ReportCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "RESULTS", description = "results.json files or run directories.")
    List<Path> inputs;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write the report.")
    Path out;

    @Option(names = "--chips", paramLabel = "FILE",
            description = "A chips JSON file that adds or overrides chip-table entries (peaks, bandwidth, matching).")
    Path chips;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        ChipTable table = chipTable(chips);
        refuseOutInsideAVerifiedRun();
        ReportWriter.Written w = ReportWriter.write(LoadedRun.load(inputs), table, out);
        PrintWriter o = spec.commandLine().getOut();
        o.println("report of " + w.rows() + " case results: " + w.html().toAbsolutePath());
        o.println("  " + w.markdown().getFileName() + ", " + w.csv().getFileName() + ", charts/ (" + w.charts().size()
                + " charts, PNG and SVG)");
        w.shardNotes().forEach(n -> spec.commandLine().getErr().println("dayzero report: " + n));
        return ExitCode.OK;
    }

    /** A report written into a run directory with a manifest would change the files the manifest vouches for. */
    private void refuseOutInsideAVerifiedRun() {
        Path target = out.toAbsolutePath().normalize();
        for (Path in : inputs) {
            Path dir = (Files.isDirectory(in) ? in : in.toAbsolutePath().getParent()).toAbsolutePath().normalize();
            if (Files.exists(dir.resolve(RunManifest.FILE)) && target.startsWith(dir)) {
                throw new BadInputException("--out " + out + " is inside " + in + ", whose " + RunManifest.FILE
                        + " would then no longer match its files: write the report elsewhere");
            }
        }
    }

    static ChipTable chipTable(Path chips) {
        return chips == null ? ChipTable.defaults() : ChipTable.defaults().withOverrides(chips);
    }
}
