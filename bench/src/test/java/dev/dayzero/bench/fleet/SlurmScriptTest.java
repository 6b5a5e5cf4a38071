package dev.dayzero.bench.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The array script's directives, and its body run by bash against a stand-in launcher. */
class SlurmScriptTest {
    @TempDir
    Path tmp;

    private SlurmScript script(Path launcher, Path results) {
        ShardJob job = new ShardJob(launcher.toString(), results.toString(), 3,
                List.of("--model", "deepseek-v3", "--batch", "1,8", "--backends", "cuda", "--submitted-by", "ACME Labs"));
        return new SlurmScript(job, "dz", "gpu", "02:00:00", 1, null, 1, true, 16, "64G", null,
                List.of("--account=lab"), List.of("written by a test"));
    }

    @Test
    void directivesComeFirstAndSayWhatWasAsked() {
        String text = script(Path.of("/opt/dayzero/bin/dayzero"), Path.of("/shared/dz")).render();
        List<String> lines = text.lines().toList();
        assertEquals("#!/bin/bash", lines.get(0));
        int lastDirective = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("#SBATCH")) {
                lastDirective = i;
            }
        }
        for (int i = 1; i <= lastDirective; i++) {
            assertTrue(lines.get(i).startsWith("#"), "sbatch reads directives only before the first command: "
                    + lines.get(i));
        }
        for (String d : List.of("#SBATCH --array=1-3%1", "#SBATCH --job-name=dz", "#SBATCH --partition=gpu",
                "#SBATCH --time=02:00:00", "#SBATCH --gpus=1", "#SBATCH --exclusive", "#SBATCH --cpus-per-task=16",
                "#SBATCH --mem=64G", "#SBATCH --account=lab", "#SBATCH --output=dayzero-%A-shard-%a.out")) {
            assertTrue(lines.contains(d), d + " in\n" + text);
        }
        assertTrue(text.contains("'ACME Labs'"), "arguments are quoted for the shell");
        assertTrue(text.contains("--no-report"));
    }

    @Test
    void theBodyRunsItsShardAndResumesIt() throws Exception {
        Path log = tmp.resolve("calls.txt");
        Path launcher = tmp.resolve("fake-dayzero");
        // a stand-in launcher: records its arguments, makes the run directory, and finishes or not as asked
        Files.writeString(launcher, """
                #!/bin/sh
                echo "$*" >> '%s'
                while [ $# -gt 0 ]; do case "$1" in --out|--resume) dir=$2;; esac; shift; done
                mkdir -p "$dir"; : > "$dir/cases.jsonl"
                if [ -n "${FAKE_FINISH:-}" ]; then : > "$dir/MANIFEST.sha256"; fi
                exit "${FAKE_RC:-0}"
                """.formatted(log));
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path results = tmp.resolve("results dir");
        Path file = Files.writeString(tmp.resolve("job.sbatch"), script(launcher, results).render());

        assertEquals(3, bash(file, "2", "3", null), "a run that did not finish keeps its exit code");
        assertEquals(0, bash(file, "2", "3", "1"), "a finished run with crashed cases is a finished task");
        assertEquals(2, bash(file, "2", "2", "1"), "bad input stays bad input");
        assertEquals(2, bash(file, null, "0", "1"), "no array task id: refused");
        List<String> calls = Files.readAllLines(log);
        assertEquals(3, calls.size(), calls.toString());
        assertEquals("run --shard 2/3 --out " + results.resolve("shard-2") + " --model deepseek-v3 --batch 1,8 "
                + "--backends cuda --submitted-by ACME Labs --no-report", calls.get(0));
        assertTrue(calls.get(1).startsWith("run --shard 2/3 --resume " + results.resolve("shard-2") + " "),
                "the second attempt resumes: " + calls.get(1));
    }

    private int bash(Path file, String task, String rc, String finish) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", file.toString()).redirectErrorStream(true);
        pb.environment().remove("SLURM_ARRAY_TASK_ID");
        if (task != null) {
            pb.environment().put("SLURM_ARRAY_TASK_ID", task);
        }
        pb.environment().put("FAKE_RC", rc);
        if (finish != null) {
            pb.environment().put("FAKE_FINISH", finish);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), out);
        return p.exitValue();
    }

    @Test
    void refusesWhatFleetSetsItselfAndNonsense() {
        for (String reserved : List.of("--out", "--resume", "--shard", "--out=x")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new ShardJob("dayzero", "/r", 2, List.of("--model", "kimi-k2", reserved, "x")));
            assertTrue(e.getMessage().contains(reserved.replace("=x", "")), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new ShardJob("dayzero", "/r", 0, List.of()));
        ShardJob job = new ShardJob("dayzero", "/r", 2, List.of());
        assertThrows(IllegalArgumentException.class, () -> new SlurmScript(job, null, null, null, null, null, 0, false,
                null, null, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new SlurmScript(job, null, null, null, null, null, null,
                false, null, null, null, List.of("account=x"), null));
        String plain = new SlurmScript(job, null, null, null, null, null, null, false, null, null, null, null, null)
                .render();
        assertTrue(plain.contains("#SBATCH --array=1-2\n"), "no throttle: " + plain);
        assertFalse(plain.contains("--gpus") || plain.contains("--gres") || plain.contains("--partition"), plain);
    }
}
