package dev.dayzero.bench.cli;

import dev.dayzero.bench.fleet.PlanFingerprint;
import dev.dayzero.bench.fleet.Shard;
import dev.dayzero.bench.fleet.Sharding;
import dev.dayzero.bench.model.ModelConfig;
import dev.dayzero.bench.model.ModelConfigs;
import dev.dayzero.bench.model.QuantConfig;
import dev.dayzero.bench.projection.MemoryFit;
import dev.dayzero.bench.projection.StepProjection;
import dev.dayzero.bench.model.Presets;
import dev.dayzero.bench.workload.Phase;
import dev.dayzero.bench.workload.Routing;
import dev.dayzero.bench.workload.WorkloadOptions;
import dev.dayzero.bench.workload.WorkloadPlan;
import dev.dayzero.bench.workload.Workloads;
import dev.dayzero.bench.worker.RunOutcome;
import dev.dayzero.bench.chips.ChipTable;
import dev.dayzero.bench.report.LoadedRun;
import dev.dayzero.bench.report.ReportWriter;
import dev.dayzero.bench.results.PlanInfo;
import dev.dayzero.bench.results.ResultsFile;
import dev.dayzero.bench.results.ResultsReader;
import dev.dayzero.bench.results.ToolInfo;
import dev.dayzero.bench.workload.WorkloadCase;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dayzero run}: the main job. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"For a model and the available backends: derive the workload, ask each device whether it "
                + "supports each case, check conformance against the oracle, time what runs, and write "
                + "results under results/runs/<date>-<model>/.",
                "With no options: a DeepSeek-V3 decode workload on every available backend."})
final class RunCommand implements Callable<Integer> {

    @CommandLine.ArgGroup(exclusive = true)
    ModelChoice model = new ModelChoice();

    static final class ModelChoice {
        @Option(names = "--model", paramLabel = "PRESET",
                description = "Model preset (see `dayzero models`). Default: ${DEFAULT-VALUE}.",
                defaultValue = "deepseek-v3")
        String preset = "deepseek-v3";

        @Option(names = "--config", paramLabel = "PATH",
                description = "A Hugging Face config.json, or a directory holding one.")
        Path config;
    }

    @CommandLine.Mixin
    RunOnlyOptions runOnly = new RunOnlyOptions();

    @CommandLine.Mixin
    RunOptions options = new RunOptions();

    @Option(names = "--phase", split = ",", paramLabel = "PHASE",
            description = "decode, prefill or both. Default: ${DEFAULT-VALUE}.", defaultValue = "decode")
    List<String> phases;

    @Option(names = "--batch", split = ",", paramLabel = "N",
            description = "Batch sizes (sequences per attention data-parallel rank). Default: ${DEFAULT-VALUE}.",
            defaultValue = "8")
    List<Integer> batches;

    @Option(names = "--context", paramLabel = "N", description = "Cached tokens per sequence in decode. Default: ${DEFAULT-VALUE}.",
            defaultValue = "4096")
    int context;

    @Option(names = "--prefill-len", paramLabel = "N", description = "Tokens per sequence in prefill. Default: ${DEFAULT-VALUE}.",
            defaultValue = "512")
    int prefillLength;

    @Option(names = "--tp", paramLabel = "N", description = "Tensor parallelism (per-device heads and expert slices). "
            + "Default: the preset's deployment; 1 for a raw config.")
    Integer tp;

    @Option(names = "--ep", paramLabel = "N", description = "Expert parallelism (local experts = experts / ep). "
            + "Default: the preset's deployment; 1 for a raw config.")
    Integer ep;

    @Option(names = "--routing", paramLabel = "uniform|skewed",
            description = "How tokens spread over experts. Default: ${DEFAULT-VALUE}.", defaultValue = "uniform")
    String routing;

    @Option(names = "--expert-dtype", paramLabel = "bf16|fp8|fp4",
            description = "Store the routed experts as BF16, FP8 block (128x128) or MXFP4 (fp4), overriding the "
                    + "config (expert_dtype; DeepSeek-V4 defaults to MXFP4).")
    String expertDtype;

    @Option(names = "--mtp", description = "Decode with one MTP draft token a sequence (s_q = 2) and count the "
            + "model's MTP layers in the projected step.")
    boolean mtp;

    @Option(names = "--no-report", description = "Do not write the report (report.md, report.html, charts/, "
            + "summary.csv under <run dir>/report/).")
    boolean noReport;

    @Option(names = "--chips", paramLabel = "FILE",
            description = "A chips JSON file that adds or overrides chip-table entries for the report's percent of peak.")
    Path chips;

    @Option(names = "--shard", paramLabel = "i/N",
            description = "Run only shard i of N (counted from 1) of the plan: a deterministic slice, balanced by the "
                    + "cases' estimated cost, the same on every machine. The results record the shard and the plan's "
                    + "fingerprint; `dayzero report` folds the N run directories back into one column per device kind. "
                    + "See `dayzero fleet` for Slurm and Kubernetes jobs that run one shard per task.")
    String shard;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The model these options name, with {@code --expert-dtype} applied. */
    ModelConfig modelConfig() {
        ModelConfig m = model.config != null ? ModelConfigs.load(model.config) : Presets.get(model.preset);
        if (expertDtype != null) {
            QuantConfig.ExpertWeights w;
            try {
                w = QuantConfig.ExpertWeights.parse(expertDtype);
            } catch (IllegalArgumentException e) {
                throw new BadInputException("--expert-dtype: " + e.getMessage());
            }
            m = m.withQuant(m.quant().withExperts(w));
        }
        return m;
    }

    /** The whole plan (every shard's cases) these options derive for {@code m}. */
    WorkloadPlan derivePlan(ModelConfig m) {
        return Workloads.derive(m, workloadOptions());
    }

    /** The workload options these options name. */
    WorkloadOptions workloadOptions() {
        return WorkloadOptions.defaults()
                .withPhases(phases.stream().map(Phase::parse).toList())
                .withBatchSizes(batches)
                .withContextLength(context)
                .withPrefillLength(prefillLength)
                .withTp(tp)
                .withEp(ep)
                .withRouting(Routing.parse(routing))
                .withMtp(mtp);
    }

    @Override
    public Integer call() {
        runOnly.applyTo(options);
        Shard slice = shard == null ? null : parseShard(shard); // bad input fails before anything is read
        ModelConfig m = modelConfig();
        WorkloadPlan plan = derivePlan(m);
        ChipTable table = noReport ? null : ReportCommand.chipTable(chips); // a bad --chips file fails before the run
        PrintWriter out = spec.commandLine().getOut();
        String fingerprint = PlanFingerprint.of(plan.cases(), ToolInfo.version(), ToolInfo.gitCommit());
        List<WorkloadCase> cases = slice == null ? plan.cases() : Sharding.select(plan.cases(), slice);
        PlanInfo planInfo = new PlanInfo(fingerprint, plan.cases().stream().map(WorkloadCase::id).toList(), slice == null ? null
                : new PlanInfo.ShardInfo(slice.index(), slice.count(), cases.stream().map(WorkloadCase::id).toList()));
        if (options.resume != null) {
            FleetResume.check(options.resume, planInfo);
        }
        out.println("dayzero run: " + m.displayName() + " — " + plan.cases().size() + " cases"
                + (plan.leftOut().isEmpty() ? "" : ", " + plan.leftOut().size() + " operators left out"));
        if (slice != null) {
            out.println("shard " + slice + " of plan " + PlanFingerprint.shortForm(fingerprint) + ": " + cases.size()
                    + " of " + plan.cases().size() + " cases"
                    + (cases.isEmpty() ? " (more shards than this shard's share of cases: nothing to run)" : ""));
        }
        // the projected step and memory fit go into results.json in its one write (a shard's steps are partial:
        // the report folds them), and are printed below
        java.util.Map<String, MemoryFit.Need> needs = MemoryFit.needs(m, workloadOptions(), plan);
        java.util.function.UnaryOperator<ResultsFile> finish = slice != null ? null : f -> {
            List<StepProjection> s = StepProjection.project(f.cases());
            return s.isEmpty() ? f : f.withProjections(s, MemoryFit.fits(needs, s, f.backends()));
        };
        RunOutcome outcome = options.execute(cases, m.id() + (slice == null ? "" : "-shard" + slice.index() + "of"
                + slice.count()), true, true, spec.commandLine(), planInfo, finish);
        Summary.print(out, outcome, plan.leftOut());
        plan.notes().forEach(out::println);
        List<StepProjection> steps = StepProjection.project(outcome.records());
        List<MemoryFit> fits = MemoryFit.fits(needs, steps, outcome.backends());
        if (!steps.isEmpty()) {
            out.println();
            out.println("Projected decode step (" + StepProjection.LABEL + "; leaves out " + StepProjection.LEAVES_OUT + "):");
            steps.forEach(p -> out.println("  " + p.step() + " on " + p.line()));
        }
        if (!fits.isEmpty()) {
            out.println("Memory fit (" + MemoryFit.COUNTS + "):");
            fits.forEach(f -> out.println("  " + f.step() + " on " + f.line()));
        }
        out.println("Results: " + outcome.resultsFile().toAbsolutePath());
        if (!noReport) {
            try {
                Path file = outcome.resultsFile();
                ReportWriter.Written report = ReportWriter.write(List.of(new LoadedRun(file, ResultsReader.read(file))),
                        table, file.resolveSibling("report"));
                out.println("Report:  " + report.html().toAbsolutePath());
            } catch (IOException | RuntimeException e) {
                spec.commandLine().getErr().println("dayzero: the run finished but its report failed: " + e
                        + " (make it with: dayzero report " + outcome.resultsFile().getParent() + " --out DIR)");
            }
        }
        RunOptions.writeManifest(outcome.resultsFile().getParent(), spec.commandLine());
        return RunOptions.exitCode(outcome);
    }

    private static Shard parseShard(String text) {
        try {
            return Shard.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }

}
