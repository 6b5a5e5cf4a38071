package dev.dayzero.bench.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An {@code sbatch} array script: one array task per shard ({@code --array=1-N}, the task id is the shard index),
 * with the accelerator request ({@code --gpus} or {@code --gres}), partition, time limit, an optional {@code %M}
 * throttle (at most M shards at once: 1 on a single machine, so shards never time each other), and the shard body
 * of {@link ShardJob}.
 *
 * @param job        what each task runs
 * @param jobName    {@code --job-name}
 * @param partition  {@code --partition}, or null
 * @param time       {@code --time} (Slurm's format, such as {@code 02:00:00}), or null
 * @param gpus       {@code --gpus} per task, or null
 * @param gres       {@code --gres} (such as {@code gpu:h100:1}, {@code npu:1}), or null
 * @param throttle   at most this many tasks at once ({@code %M}), or null for no limit
 * @param exclusive  {@code --exclusive}: nothing else on the machine while a shard runs
 * @param cpus       {@code --cpus-per-task}, or null
 * @param mem        {@code --mem} (such as {@code 32G}), or null
 * @param output     {@code --output} ({@code %A} job id, {@code %a} task id; relative to where sbatch runs)
 * @param extra      more {@code #SBATCH} options, as given ({@code --account=x}, {@code --qos=y})
 * @param header     comment lines that say what generated the script
 */
public record SlurmScript(ShardJob job, String jobName, String partition, String time, Integer gpus, String gres,
                          Integer throttle, boolean exclusive, Integer cpus, String mem, String output,
                          List<String> extra, List<String> header) {

    public SlurmScript {
        Objects.requireNonNull(job, "job");
        jobName = jobName == null || jobName.isBlank() ? "dayzero" : jobName;
        output = output == null || output.isBlank() ? "dayzero-%A-shard-%a.out" : output;
        extra = extra == null ? List.of() : List.copyOf(extra);
        header = header == null ? List.of() : List.copyOf(header);
        if (throttle != null && throttle < 1) {
            throw new IllegalArgumentException("--throttle must be at least 1, got " + throttle);
        }
        if (gpus != null && gpus < 1) {
            throw new IllegalArgumentException("--gpus must be at least 1, got " + gpus);
        }
        if (cpus != null && cpus < 1) {
            throw new IllegalArgumentException("--cpus-per-task must be at least 1, got " + cpus);
        }
        for (String e : extra) {
            if (!e.startsWith("--") || e.contains("\n")) {
                throw new IllegalArgumentException("--sbatch '" + e + "': expected one sbatch option such as "
                        + "--account=NAME");
            }
        }
    }

    /** The script's text. */
    public String render() {
        List<String> l = new ArrayList<>();
        l.add("#!/bin/bash");
        header.forEach(h -> l.add("# " + h));
        l.add("#SBATCH --job-name=" + jobName);
        l.add("#SBATCH --array=1-" + job.shards() + (throttle == null ? "" : "%" + throttle));
        l.add("#SBATCH --ntasks=1");
        if (partition != null) {
            l.add("#SBATCH --partition=" + partition);
        }
        if (time != null) {
            l.add("#SBATCH --time=" + time);
        }
        if (gpus != null) {
            l.add("#SBATCH --gpus=" + gpus);
        }
        if (gres != null) {
            l.add("#SBATCH --gres=" + gres);
        }
        if (cpus != null) {
            l.add("#SBATCH --cpus-per-task=" + cpus);
        }
        if (mem != null) {
            l.add("#SBATCH --mem=" + mem);
        }
        if (exclusive) {
            l.add("#SBATCH --exclusive");
        }
        l.add("#SBATCH --output=" + output);
        extra.forEach(e -> l.add("#SBATCH " + e));
        l.add("set -euo pipefail");
        l.add("export DAYZERO=" + ShardJob.quote(job.dayzero()));
        l.add("export RESULTS=" + ShardJob.quote(job.results()));
        l.add("export SHARDS=" + job.shards());
        List<String> args = job.shardRunArgs().stream().map(ShardJob::quote).toList();
        l.add("set -- " + String.join(" ", args));
        l.add(ShardJob.body("\"${SLURM_ARRAY_TASK_ID:-}\"").stripTrailing());
        return String.join("\n", l) + "\n";
    }
}
