package dev.dayzero.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.bench.fleet.K8sJob;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dayzero fleet slurm|k8s} as a user types them: files written, examples in --help, bad input in one line. */
class FleetCommandTest {
    @TempDir
    Path tmp;

    private static void assertOneLine(CliTestSupport r, String mention) {
        assertEquals(ExitCode.BAD_INPUT, r.exitCode(), r.out() + r.err());
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.startsWith("dayzero: ") && first.contains(mention), r.err());
        assertTrue(!r.err().contains("\tat "), r.err());
    }

    @Test
    void writesTheSlurmScriptAndSaysHowToSubmitIt() throws Exception {
        Path out = tmp.resolve("jobs").resolve("v3.sbatch");
        CliTestSupport r = CliTestSupport.run("fleet", "slurm", "--shards", "8", "--results", "/shared/dz/v3",
                "--partition", "gpu", "--time", "04:00:00", "--throttle", "4", "--out", out.toString(), "--",
                "--model", "deepseek-v3", "--batch", "1,8", "--backends", "cuda");
        assertEquals(ExitCode.OK, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("sbatch " + out), r.out());
        assertTrue(r.out().contains("cases in 8 shards"), r.out());
        String script = Files.readString(out);
        assertTrue(script.contains("#SBATCH --array=1-8%4") && script.contains("#SBATCH --gpus=1")
                && script.contains("#SBATCH --partition=gpu"), "cuda asks for a GPU by default: " + script);
        assertTrue(script.contains("dayzero report /shared/dz/v3/shard-* --out report"), script);
    }

    @Test
    void writesTheIndexedJobToStandardOutput() throws Exception {
        CliTestSupport r = CliTestSupport.run("fleet", "k8s", "--shards", "4", "--image", "reg.example/dayzero:0.1",
                "--claim", "dz", "--name", "glm5", "--", "--model", "glm-5", "--backends", "ascend", "--batch", "1");
        assertEquals(ExitCode.OK, r.exitCode(), r.out() + r.err());
        Job job = K8sJob.yaml().readValue(r.out(), Job.class);
        assertEquals("glm5", job.getMetadata().getName());
        assertEquals(4, job.getSpec().getCompletions());
        assertEquals(new Quantity("1"), job.getSpec().getTemplate().getSpec().getContainers().get(0).getResources()
                .getLimits().get("huawei.com/Ascend910"), "--backends ascend asks Huawei's device plugin");
        assertTrue(r.err().contains("cases in 4 shards"), "the plan's summary goes beside, not into, the YAML");
    }

    @Test
    void helpShowsACompleteExample() {
        for (String scheduler : List.of("slurm", "k8s")) {
            CliTestSupport r = CliTestSupport.run("fleet", scheduler, "--help");
            assertEquals(ExitCode.OK, r.exitCode());
            String help = r.out();
            assertTrue(help.contains("Example:") && help.contains("dayzero fleet " + scheduler + " --shards 8")
                    && help.contains("dayzero report"), help);
        }
    }

    @Test
    void badInputIsOneLine() {
        assertOneLine(CliTestSupport.run("fleet", "slurm", "--shards", "2", "--results", "/r", "--", "--model", "gpt-17"),
                "gpt-17");
        assertOneLine(CliTestSupport.run("fleet", "slurm", "--shards", "2", "--results", "/r", "--", "--bogus"),
                "the run options after --");
        assertOneLine(CliTestSupport.run("fleet", "slurm", "--shards", "2", "--results", "/r", "--", "--out", "x"),
                "--out");
        assertOneLine(CliTestSupport.run("fleet", "slurm", "--shards", "0", "--results", "/r"), "--shards");
        assertOneLine(CliTestSupport.run("fleet", "k8s", "--shards", "2", "--image", "i", "--claim", "c", "--",
                "--model", "kimi-k2"), "--backends");
        assertOneLine(CliTestSupport.run("fleet", "k8s", "--shards", "2", "--image", "i", "--claim", "Not_A_Name", "--",
                "--backends", "cpu"), "--claim");
        assertOneLine(CliTestSupport.run("fleet", "k8s", "--shards", "2", "--image", "i", "--claim", "c",
                "--memory", "lots", "--", "--backends", "cpu"), "lots");
        assertOneLine(CliTestSupport.run("fleet", "k8s", "--shards", "2", "--image", "i", "--claim", "c",
                "--", "--backends", "cuda,ascend"), "more than one kind");
    }
}
