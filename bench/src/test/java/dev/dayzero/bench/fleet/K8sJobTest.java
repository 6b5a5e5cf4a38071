package dev.dayzero.bench.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Indexed Job written as YAML, read back through fabric8's model and checked field by field. */
class K8sJobTest {
    @TempDir
    Path tmp;

    private static final List<String> RUN = List.of("--model", "deepseek-v3", "--batch", "1,8", "--backends", "cuda",
            "--context", "4096");

    private static K8sJob job(K8sJob.Accelerator a, String resource, Map<String, String> nodes) {
        return new K8sJob(new ShardJob("/opt/dayzero/bin/dayzero", "/results", 8, RUN), "v3-h100", "bench",
                "registry.example.com/dayzero:0.1.0", "dayzero-results", a, resource, 1, 4, 8, "8", "32Gi", nodes,
                List.of("a header"));
    }

    private static Job roundTrip(K8sJob k) throws Exception {
        String yaml = k.render();
        assertTrue(yaml.startsWith("# a header\n"), yaml);
        return K8sJob.yaml().readValue(yaml, Job.class);
    }

    @Test
    void roundTripsFieldByField() throws Exception {
        Job j = roundTrip(job(K8sJob.Accelerator.NVIDIA, null, Map.of("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3")));
        assertEquals("batch/v1", j.getApiVersion());
        assertEquals("Job", j.getKind());
        assertEquals("v3-h100", j.getMetadata().getName());
        assertEquals("bench", j.getMetadata().getNamespace());
        assertEquals("Indexed", j.getSpec().getCompletionMode());
        assertEquals(8, j.getSpec().getCompletions());
        assertEquals(4, j.getSpec().getParallelism());
        assertEquals(8, j.getSpec().getBackoffLimit());
        PodSpec pod = j.getSpec().getTemplate().getSpec();
        assertEquals("Never", pod.getRestartPolicy());
        assertEquals(Map.of("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3"), pod.getNodeSelector());
        assertEquals(1, pod.getContainers().size());
        Container c = pod.getContainers().get(0);
        assertEquals("registry.example.com/dayzero:0.1.0", c.getImage());
        assertEquals(List.of("/bin/sh", "-c"), c.getCommand().subList(0, 2));
        String body = c.getCommand().get(2);
        assertTrue(body.contains("i=$(( ${JOB_COMPLETION_INDEX:?not a pod of an Indexed Job} + 1 ))"), body);
        assertEquals("dayzero-shard", c.getArgs().get(0), "the shell's $0");
        assertEquals(RUN, c.getArgs().subList(1, RUN.size() + 1), "the run options, strings all (1,8 and 4096 too)");
        assertEquals("--no-report", c.getArgs().get(c.getArgs().size() - 1));
        Map<String, String> env = new java.util.TreeMap<>();
        c.getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
        assertEquals(Map.of("DAYZERO", "/opt/dayzero/bin/dayzero", "RESULTS", "/results", "SHARDS", "8"), env);
        assertEquals(new Quantity("1"), c.getResources().getLimits().get("nvidia.com/gpu"));
        assertEquals(new Quantity("8"), c.getResources().getLimits().get("cpu"));
        assertEquals(new Quantity("32Gi"), c.getResources().getLimits().get("memory"));
        assertEquals(new Quantity("32Gi"), c.getResources().getRequests().get("memory"));
        assertNull(c.getResources().getRequests().get("nvidia.com/gpu"), "extended resources go in limits");
        assertEquals(1, c.getVolumeMounts().size());
        assertEquals("/results", c.getVolumeMounts().get(0).getMountPath());
        assertEquals(K8sJob.VOLUME, c.getVolumeMounts().get(0).getName());
        assertEquals(K8sJob.VOLUME, pod.getVolumes().get(0).getName());
        assertEquals("dayzero-results", pod.getVolumes().get(0).getPersistentVolumeClaim().getClaimName());
        assertEquals(j, K8sJob.yaml().readValue(K8sJob.yaml().writeValueAsString(j), Job.class), "stable round trip");
    }

    @Test
    void eachVendorsDevicePluginAndNoneForCpu() throws Exception {
        Map<K8sJob.Accelerator, String> expected = Map.of(K8sJob.Accelerator.NVIDIA, "nvidia.com/gpu",
                K8sJob.Accelerator.ASCEND, "huawei.com/Ascend910", K8sJob.Accelerator.CAMBRICON, "cambricon.com/mlu");
        for (Map.Entry<K8sJob.Accelerator, String> e : expected.entrySet()) {
            Map<String, Quantity> limits = roundTrip(job(e.getKey(), null, Map.of())).getSpec().getTemplate().getSpec()
                    .getContainers().get(0).getResources().getLimits();
            assertEquals(new Quantity("1"), limits.get(e.getValue()), e.getKey() + ": " + limits);
            assertEquals(3, limits.size(), "cpu, memory and the accelerator: " + limits);
        }
        Map<String, Quantity> cpu = roundTrip(job(K8sJob.Accelerator.NONE, null, Map.of())).getSpec().getTemplate()
                .getSpec().getContainers().get(0).getResources().getLimits();
        assertEquals(Map.of("cpu", new Quantity("8"), "memory", new Quantity("32Gi")), cpu);
        Map<String, Quantity> own = roundTrip(job(K8sJob.Accelerator.ASCEND, "huawei.com/Ascend310P", Map.of()))
                .getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits();
        assertEquals(new Quantity("1"), own.get("huawei.com/Ascend310P"));
        K8sJob bare = new K8sJob(new ShardJob("/d", "/results", 2, List.of()), "cpu-only", null, "img", "c",
                K8sJob.Accelerator.NONE, null, 1, 2, 2, null, null, null, null);
        assertNull(K8sJob.yaml().readValue(bare.render(), Job.class).getSpec().getTemplate().getSpec().getContainers().get(0).getResources(),
                "cpu without --cpu or --memory: no resources at all");
        assertTrue(!bare.render().contains("resources"), bare.render());
        assertEquals(K8sJob.Accelerator.NVIDIA, K8sJob.Accelerator.ofBackend("cuda"));
        assertEquals(K8sJob.Accelerator.NONE, K8sJob.Accelerator.ofBackend("cpu"));
        assertEquals(K8sJob.Accelerator.CAMBRICON, K8sJob.Accelerator.parse("Cambricon"));
    }

    @Test
    void refusesBadNamesAndImages() {
        ShardJob s = new ShardJob("/d", "/results", 2, List.of());
        assertThrows(IllegalArgumentException.class, () -> new K8sJob(s, "Bad_Name", null, "img", "c",
                K8sJob.Accelerator.NONE, null, 1, 1, 1, null, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new K8sJob(s, "ok", null, "has space", "c",
                K8sJob.Accelerator.NONE, null, 1, 1, 1, null, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new K8sJob(s, "ok", null, "img", "c",
                K8sJob.Accelerator.NONE, null, 0, 1, 1, null, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> K8sJob.Accelerator.parse("tpu"));
    }

    /** The pod's command, run by sh as the kubelet would, with the completion index Kubernetes sets. */
    @Test
    void theCompletionIndexIsTheShardMinusOne() throws Exception {
        Path log = tmp.resolve("calls.txt");
        Path launcher = tmp.resolve("fake-dayzero");
        Files.writeString(launcher, "#!/bin/sh\necho \"$*\" >> '" + log + "'\nexit 0\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        K8sJob k = new K8sJob(new ShardJob(launcher.toString(), tmp.resolve("results").toString(), 8, RUN), "v3",
                null, "img", "claim", K8sJob.Accelerator.NVIDIA, null, 1, 8, 8, null, null, null, null);
        Container c = k.build().getSpec().getTemplate().getSpec().getContainers().get(0);
        List<String> cmd = new java.util.ArrayList<>(c.getCommand());
        cmd.addAll(c.getArgs());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        c.getEnv().forEach(e -> pb.environment().put(e.getName(), e.getValue()));
        pb.environment().put("JOB_COMPLETION_INDEX", "2");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        assertEquals("run --shard 3/8 --out " + tmp.resolve("results").resolve("shard-3") + " "
                + String.join(" ", RUN) + " --no-report", Files.readString(log).strip());
    }
}
