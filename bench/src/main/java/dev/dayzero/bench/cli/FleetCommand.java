package dev.dayzero.bench.cli;

import dev.dayzero.bench.fleet.K8sJob;
import dev.dayzero.bench.fleet.ShardJob;
import dev.dayzero.bench.fleet.Sharding;
import dev.dayzero.bench.fleet.SlurmScript;
import dev.dayzero.bench.model.ModelConfig;
import dev.dayzero.bench.results.ToolInfo;
import dev.dayzero.bench.workload.WorkloadPlan;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dayzero fleet}: job definitions that run one shard of a plan per task on the schedulers people have. */
@Command(name = "fleet", mixinStandardHelpOptions = true,
        description = {"Write the job that runs a plan as N shards (dayzero run --shard i/N) on many machines, one "
                + "shard per task, each into RESULTS/shard-i on a shared directory; then fold them with "
                + "`dayzero report RESULTS/shard-* --out DIR`.",
                "Dayzero does not schedule anything itself: submit what these commands write."},
        subcommands = {FleetCommand.Slurm.class, FleetCommand.K8s.class})
final class FleetCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a scheduler: slurm or k8s (see --help)");
    }

    /** What both schedulers take: shards, where results go, the launcher, and the run options after {@code --}. */
    static final class Common {
        @Option(names = "--shards", required = true, paramLabel = "N", description = "How many shards (tasks).")
        int shards;

        @Option(names = "--out", paramLabel = "FILE", description = "Where to write the job. Default: standard output.")
        Path out;

        @Parameters(paramLabel = "RUN_OPTION", arity = "0..*",
                description = "After --: the options of `dayzero run` every shard gets (--model or --config, --phase, "
                        + "--batch, --backends, ...); not --out, --resume or --shard, which each task sets. "
                        + "--no-report is added (fold the shards with `dayzero report` instead).")
        List<String> runArgs = new ArrayList<>();

        /** The run options parsed as `dayzero run` would, and the plan they derive (the same on every machine). */
        RunCommand parsedRun() {
            RunCommand run = new RunCommand();
            CommandLine cl = new CommandLine(run);
            try {
                cl.parseArgs(runArgs.toArray(String[]::new));
            } catch (CommandLine.ParameterException e) {
                throw new BadInputException("the run options after --: " + e.getMessage().lines().findFirst().orElse(""));
            }
            if (cl.isUsageHelpRequested() || cl.isVersionHelpRequested()) {
                throw new BadInputException("the run options after -- ask for help: see dayzero run --help");
            }
            run.runOnly.applyTo(run.options); // --backends, --min-time, --cold-cache, as `run` itself does
            return run;
        }

        ShardJob job(String dayzero, String results) {
            try {
                return new ShardJob(dayzero, results, shards, runArgs);
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage());
            }
        }

        /** The plan's size and each shard's share, for the header and the terminal. */
        List<String> planLines(RunCommand run) {
            ModelConfig m = run.modelConfig();
            WorkloadPlan plan = run.derivePlan(m);
            int[] sizes = Sharding.sizes(plan.cases(), shards);
            double[] loads = Sharding.loads(plan.cases(), shards);
            double min = Arrays.stream(loads).min().orElse(0);
            double max = Arrays.stream(loads).max().orElse(0);
            List<String> l = new ArrayList<>();
            l.add("plan: " + m.displayName() + ", " + plan.cases().size() + " cases in " + shards + " shards of "
                    + Arrays.stream(sizes).min().orElse(0) + " to " + Arrays.stream(sizes).max().orElse(0)
                    + " cases (estimated cost per shard " + String.format(java.util.Locale.ROOT, "%.1f to %.1f", min, max)
                    + ")");
            if (plan.cases().size() < shards) {
                l.add("note: more shards than cases: " + (shards - plan.cases().size()) + " shards have nothing to run");
            }
            return l;
        }

        /** Writes {@code text} to {@code --out} (then says so on stdout) or to stdout; {@code info} goes beside it. */
        void write(CommandLine cl, String text, List<String> info, String next) {
            PrintWriter o = cl.getOut();
            if (out == null) {
                o.print(text);
                o.flush();
                info.forEach(cl.getErr()::println);
                return;
            }
            try {
                Path parent = out.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.writeString(out, text, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new BadInputException("--out " + out + ": cannot write there (" + e.getMessage() + ")");
            }
            o.println("wrote " + out.toAbsolutePath());
            info.forEach(o::println);
            o.println(next.replace("FILE", out.toString()));
        }

        static List<String> header(String what, ShardJob job) {
            List<String> h = new ArrayList<>();
            h.add("Written by dayzero fleet " + what + " (dayzero " + ToolInfo.version() + "): " + job.shards()
                    + " shards of one plan, one task each.");
            h.add("Each task runs: dayzero run --shard i/" + job.shards() + " --out " + job.results() + "/shard-i "
                    + String.join(" ", job.shardRunArgs().stream().map(ShardJob::quote).toList()));
            h.add("(--resume instead of --out when an earlier attempt left cases there). Then fold the shards:");
            h.add("  dayzero report " + job.results() + "/shard-* --out report");
            return h;
        }
    }

    static String defaultLauncher() {
        String home = System.getProperty("dayzero.home");
        return home == null || home.isBlank() ? "dayzero" : Path.of(home, "bin", "dayzero").toString();
    }

    /** {@code dayzero fleet slurm}. */
    @Command(name = "slurm", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Write an sbatch array script: array task i runs shard i of N into RESULTS/shard-i "
                    + "(a shared file system every node sees), resuming it when a requeued task finds cases there.",
                    "A task whose run finished exits 0 even when cases failed (they are results); bad input or an "
                            + "unfinished run keeps its exit code. --backends cuda asks for --gpus 1 unless --gpus or "
                            + "--gres says otherwise; Ascend and Cambricon clusters name their own generic resource "
                            + "(--gres npu:1, --gres mlu:1)."},
            footer = {"", "Example: 8 shards of a DeepSeek-V3 sweep on H100 nodes, 4 at a time, then one report:",
                    "  dayzero fleet slurm --shards 8 --results /shared/dz/v3-h100 --partition gpu --time 04:00:00 \\",
                    "      --gres gpu:h100:1 --exclusive --throttle 4 --out v3-h100.sbatch \\",
                    "      -- --model deepseek-v3 --phase decode,prefill --batch 1,8,32 --backends cuda",
                    "  sbatch v3-h100.sbatch",
                    "  dayzero report /shared/dz/v3-h100/shard-* --out v3-h100-report",
                    "On one machine, --throttle 1 runs one shard at a time, so shards never time each other."})
    static final class Slurm implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @Option(names = "--results", required = true, paramLabel = "DIR",
                description = "The shared directory the shards write into (RESULTS/shard-i), as the nodes see it.")
        String results;

        @Option(names = "--dayzero", paramLabel = "PATH",
                description = "The dayzero launcher on the nodes. Default: this distribution's bin/dayzero.")
        String dayzero;

        @Option(names = "--job-name", paramLabel = "NAME", description = "Default: ${DEFAULT-VALUE}.",
                defaultValue = "dayzero")
        String jobName;

        @Option(names = "--partition", paramLabel = "NAME", description = "The partition (queue).")
        String partition;

        @Option(names = "--time", paramLabel = "LIMIT", description = "Time limit per shard, such as 02:00:00.")
        String time;

        @Option(names = "--gpus", paramLabel = "N", description = "GPUs per task (--gpus=N).")
        Integer gpus;

        @Option(names = "--gres", paramLabel = "SPEC", description = "Generic resources per task, such as gpu:h100:1, "
                + "npu:1 or mlu:1.")
        String gres;

        @Option(names = "--throttle", paramLabel = "M", description = "At most M shards at once (array %%M).")
        Integer throttle;

        @Option(names = "--exclusive", description = "Nothing else runs on a node while a shard times there.")
        boolean exclusive;

        @Option(names = "--cpus-per-task", paramLabel = "N", description = "CPUs per task.")
        Integer cpus;

        @Option(names = "--mem", paramLabel = "SIZE", description = "Memory per task, such as 64G.")
        String mem;

        @Option(names = "--output", paramLabel = "PATTERN",
                description = "Each task's log, relative to where sbatch runs (%%A job, %%a task). "
                        + "Default: dayzero-%%A-shard-%%a.out.")
        String output;

        @Option(names = "--sbatch", paramLabel = "OPTION", description = "Another #SBATCH option, as sbatch takes it "
                + "(--account=NAME, --qos=NAME); repeatable.")
        List<String> extra = new ArrayList<>();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            RunCommand run = common.parsedRun();
            ShardJob job = common.job(dayzero != null ? dayzero : defaultLauncher(), results);
            List<String> backends = run.options.backends == null ? List.of() : run.options.backends;
            Integer g = gpus;
            List<String> info = new ArrayList<>(common.planLines(run));
            if (g == null && gres == null && backends.stream().anyMatch(b -> b.startsWith("cuda"))) {
                g = 1;
            }
            if (g == null && gres == null && backends.stream().anyMatch(b -> b.startsWith("ascend")
                    || b.startsWith("cambricon"))) {
                info.add("note: no --gres: name your cluster's generic resource for the accelerator (such as npu:1 or "
                        + "mlu:1), or give --exclusive");
            }
            SlurmScript script;
            try {
                script = new SlurmScript(job, jobName, partition, time, g, gres, throttle, exclusive, cpus, mem, output,
                        extra, Common.header("slurm", job));
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage());
            }
            common.write(spec.commandLine(), script.render(), info, "submit it: sbatch FILE");
            return ExitCode.OK;
        }
    }

    /** {@code dayzero fleet k8s}. */
    @Command(name = "k8s", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Write a Kubernetes Indexed Job: pod i (completion index i-1) runs shard i of N into "
                    + "RESULTS/shard-i on a PersistentVolumeClaim mounted at RESULTS; each pod asks the vendor's "
                    + "device plugin for its accelerator (nvidia.com/gpu, huawei.com/Ascend910, cambricon.com/mlu; none "
                    + "for cpu); a failed pod is replaced by one that resumes the shard's directory.",
                    "The image must hold the distribution (see the Containerfile in the source tree)."},
            footer = {"", "Example: 8 shards on NVIDIA nodes, results on a ReadWriteMany claim, then one report:",
                    "  dayzero fleet k8s --shards 8 --image registry.example.com/dayzero:0.1.0 --claim dayzero-results \\",
                    "      --name v3-h100 --node-selector nvidia.com/gpu.product=NVIDIA-H100-80GB-HBM3 --out v3-h100.yaml \\",
                    "      -- --model deepseek-v3 --phase decode,prefill --batch 1,8,32 --backends cuda",
                    "  kubectl apply -f v3-h100.yaml && kubectl wait --for=condition=complete job/v3-h100 --timeout=6h",
                    "  # copy the claim's shard-* directories out (any pod that mounts it), then:",
                    "  dayzero report results/shard-* --out v3-h100-report"})
    static final class K8s implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @Option(names = "--image", required = true, paramLabel = "IMAGE",
                description = "The container image holding the distribution.")
        String image;

        @Option(names = "--claim", required = true, paramLabel = "NAME",
                description = "The PersistentVolumeClaim the shards write into (ReadWriteMany when pods share it "
                        + "across nodes).")
        String claim;

        @Option(names = "--results", paramLabel = "PATH", description = "Where the claim is mounted in the pod. "
                + "Default: ${DEFAULT-VALUE}.", defaultValue = "/results")
        String results;

        @Option(names = "--dayzero", paramLabel = "PATH", description = "The launcher in the image. "
                + "Default: ${DEFAULT-VALUE} (the Containerfile's).", defaultValue = "/opt/dayzero/bin/dayzero")
        String dayzero;

        @Option(names = "--name", paramLabel = "NAME", description = "The Job's name. Default: ${DEFAULT-VALUE}.",
                defaultValue = "dayzero")
        String name;

        @Option(names = "--namespace", paramLabel = "NAME", description = "The Job's namespace. Default: the current.")
        String namespace;

        @Option(names = "--accelerator", paramLabel = "KIND", description = "none, nvidia, ascend or cambricon. "
                + "Default: from --backends after -- (cuda, ascend, cambricon; cpu alone: none).")
        String accelerator;

        @Option(names = "--resource", paramLabel = "NAME", description = "The device plugin's resource name, "
                + "overriding the accelerator's usual one (such as huawei.com/Ascend310P).")
        String resource;

        @Option(names = "--accelerators", paramLabel = "N", description = "Accelerators per pod. "
                + "Default: ${DEFAULT-VALUE}.", defaultValue = "1")
        int count;

        @Option(names = "--parallelism", paramLabel = "N", description = "Shards running at once. Default: all.")
        Integer parallelism;

        @Option(names = "--backoff-limit", paramLabel = "N", description = "Failed pods the Job tolerates. "
                + "Default: the number of shards.")
        Integer backoffLimit;

        @Option(names = "--cpu", paramLabel = "N", description = "CPU request and limit per pod, such as 8.")
        String cpu;

        @Option(names = "--memory", paramLabel = "SIZE", description = "Memory request and limit per pod, such as 32Gi "
                + "(the coordinator's 4 GiB heap, a worker's --worker-heap, and the backend's own).")
        String memory;

        @Option(names = "--node-selector", paramLabel = "KEY=VALUE", description = "A node label the pods must have; "
                + "repeatable.")
        Map<String, String> nodeSelector = new LinkedHashMap<>();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            RunCommand run = common.parsedRun();
            ShardJob job = common.job(dayzero, results);
            List<String> backends = run.options.backends == null ? List.of() : run.options.backends;
            K8sJob.Accelerator kind;
            try {
                kind = accelerator != null ? K8sJob.Accelerator.parse(accelerator) : inferred(backends);
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage());
            }
            List<String> info = new ArrayList<>(common.planLines(run));
            K8sJob k;
            try {
                requireModelJars();
                k = new K8sJob(job, name, namespace, image, claim, kind, resource, count,
                        parallelism == null ? job.shards() : parallelism,
                        backoffLimit == null ? job.shards() : backoffLimit, cpu, memory, nodeSelector,
                        Common.header("k8s", job));
                k.build(); // a malformed quantity fails here, named
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage());
            }
            common.write(spec.commandLine(), k.render(), info, "apply it: kubectl apply -f FILE");
            return ExitCode.OK;
        }

        /** The GPU kit leaves the Kubernetes model jars out: say so in one line rather than fail on a missing class. */
        private static void requireModelJars() {
            try {
                Class.forName("io.fabric8.kubernetes.api.model.batch.v1.JobBuilder", false,
                        FleetCommand.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                throw new BadInputException("this distribution has no Kubernetes model jars (a device kit leaves them "
                        + "out): write the job with a full distribution");
            }
        }

        private static K8sJob.Accelerator inferred(List<String> backends) {
            if (backends.isEmpty()) {
                throw new IllegalArgumentException("name the backend the pods run with --backends after -- (such as "
                        + "-- --backends cuda), or the device plugin with --accelerator");
            }
            List<K8sJob.Accelerator> kinds = backends.stream()
                    .map(b -> K8sJob.Accelerator.ofBackend(b.contains(":") ? b.substring(0, b.indexOf(':')) : b))
                    .filter(a -> a != K8sJob.Accelerator.NONE).distinct().toList();
            if (kinds.size() > 1) {
                throw new IllegalArgumentException("--backends " + String.join(",", backends) + " needs more than one "
                        + "kind of accelerator in one pod: write one job per kind, or give --accelerator");
            }
            return kinds.isEmpty() ? K8sJob.Accelerator.NONE : kinds.get(0);
        }
    }
}
