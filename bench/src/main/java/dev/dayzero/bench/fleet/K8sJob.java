package dev.dayzero.bench.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A Kubernetes Indexed Job, built with fabric8's model classes and written as YAML: {@code completions} = shards,
 * the pod's completion index + 1 is the shard index, each pod asks the device plugin for its accelerator
 * ({@link Accelerator}), the shards write into a volume (a PersistentVolumeClaim) mounted at the results path, and
 * a failed pod is replaced ({@code restartPolicy: Never}) by one that resumes the shard's directory on the volume.
 *
 * @param job           what each pod runs
 * @param name          the Job's name
 * @param namespace     its namespace, or null for the current one
 * @param image         the container image holding the distribution (see the Containerfile)
 * @param claim         the PersistentVolumeClaim the results go to
 * @param accelerator   which device plugin resource each pod requests
 * @param resourceName  the extended resource name, overriding the accelerator's usual one (or null)
 * @param count         how many accelerators each pod requests
 * @param parallelism   how many shards run at once
 * @param backoffLimit  how many failed pods the Job tolerates before it fails
 * @param cpu           CPU request and limit (such as {@code 8}), or null
 * @param memory        memory request and limit (such as {@code 32Gi}), or null
 * @param nodeSelector  node labels the pods must land on (such as a GPU model label), sorted by key
 * @param header        comment lines that say what generated the manifest
 */
public record K8sJob(ShardJob job, String name, String namespace, String image, String claim,
                     Accelerator accelerator, String resourceName, int count, int parallelism, int backoffLimit,
                     String cpu, String memory, Map<String, String> nodeSelector, List<String> header) {

    /** The volume and container names inside the pod. */
    public static final String VOLUME = "results";
    public static final String CONTAINER = "dayzero";

    /** The accelerators whose device plugins Dayzero's backends run on. */
    public enum Accelerator {
        /** The CPU backend: no device plugin resource. */
        NONE(null),
        /** NVIDIA's device plugin. */
        NVIDIA("nvidia.com/gpu"),
        /** Huawei's Ascend device plugin (Ascend 910 series; 310 parts use their own name). */
        ASCEND("huawei.com/Ascend910"),
        /** Cambricon's device plugin. */
        CAMBRICON("cambricon.com/mlu");

        private final String resource;

        Accelerator(String resource) {
            this.resource = resource;
        }

        /** The extended resource name, or null for none. */
        public String resource() {
            return resource;
        }

        /** The accelerator a backend id runs on ({@code cuda} → NVIDIA). */
        public static Accelerator ofBackend(String backend) {
            return switch (backend) {
                case "cuda" -> NVIDIA;
                case "ascend" -> ASCEND;
                case "cambricon" -> CAMBRICON;
                default -> NONE;
            };
        }

        /** {@code none}, {@code nvidia}, {@code ascend} or {@code cambricon}. */
        public static Accelerator parse(String text) {
            try {
                return valueOf(text.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--accelerator '" + text + "': expected none, nvidia, ascend or "
                        + "cambricon");
            }
        }
    }

    public K8sJob {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(accelerator, "accelerator");
        requireName("--name", name);
        if (namespace != null) {
            requireName("--namespace", namespace);
        }
        requireName("--claim", claim);
        if (image == null || image.isBlank() || image.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("--image '" + image + "': name the container image that holds the "
                    + "distribution, such as registry.example.com/dayzero:0.1.0");
        }
        if (count < 1) {
            throw new IllegalArgumentException("--accelerators must be at least 1, got " + count);
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("--parallelism must be at least 1, got " + parallelism);
        }
        if (backoffLimit < 0) {
            throw new IllegalArgumentException("--backoff-limit must be 0 or more, got " + backoffLimit);
        }
        requireQuantity("--cpu", cpu, "8 or 7500m");
        requireQuantity("--memory", memory, "32Gi");
        nodeSelector = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(nodeSelector == null ? Map.of()
                : nodeSelector));
        header = header == null ? List.of() : List.copyOf(header);
    }

    private static void requireName(String option, String value) {
        if (value == null || !value.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
            throw new IllegalArgumentException(option + " '" + value + "': expected a Kubernetes name (lower-case "
                    + "letters, digits and '-', at most 63, starting and ending with a letter or digit)");
        }
    }

    private static void requireQuantity(String option, String value, String example) {
        if (value == null) {
            return;
        }
        try {
            if (Quantity.getAmountInBytes(new Quantity(value)).signum() <= 0) {
                throw new IllegalArgumentException("not positive");
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(option + " '" + value + "': expected a positive Kubernetes quantity such as "
                    + example);
        }
    }

    /** The extended resource each pod requests, or null for none. */
    public String resource() {
        return resourceName != null ? resourceName : accelerator.resource();
    }

    /** The Job object. */
    public Job build() {
        Map<String, Quantity> limits = new LinkedHashMap<>();
        Map<String, Quantity> requests = new LinkedHashMap<>();
        if (cpu != null) {
            limits.put("cpu", new Quantity(cpu));
            requests.put("cpu", new Quantity(cpu));
        }
        if (memory != null) {
            limits.put("memory", new Quantity(memory));
            requests.put("memory", new Quantity(memory));
        }
        if (resource() != null) {
            limits.put(resource(), new Quantity(String.valueOf(count))); // extended resources: limits only
        }
        List<EnvVar> env = List.of(new EnvVar("DAYZERO", job.dayzero(), null),
                new EnvVar("RESULTS", job.results(), null),
                new EnvVar("SHARDS", String.valueOf(job.shards()), null));
        List<String> args = new ArrayList<>();
        args.add("dayzero-shard"); // $0 of the shell
        args.addAll(job.shardRunArgs());
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", "dayzero");
        labels.put("app.kubernetes.io/component", "shard");
        labels.put("dayzero.dev/job", name);
        return new JobBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).endMetadata()
                .withNewSpec()
                    .withCompletionMode("Indexed")
                    .withCompletions(job.shards())
                    .withParallelism(Math.min(parallelism, job.shards()))
                    .withBackoffLimit(backoffLimit)
                    .withNewTemplate()
                        .withNewMetadata().withLabels(labels).endMetadata()
                        .withNewSpec()
                            .withRestartPolicy("Never")
                            .withNodeSelector(nodeSelector.isEmpty() ? null : new LinkedHashMap<>(nodeSelector))
                            .withContainers(new ContainerBuilder()
                                    .withName(CONTAINER)
                                    .withImage(image)
                                    .withCommand("/bin/sh", "-c", ShardJob.body(
                                            "$(( ${JOB_COMPLETION_INDEX:?not a pod of an Indexed Job} + 1 ))"))
                                    .withArgs(args)
                                    .withEnv(env)
                                    .withResources(limits.isEmpty() ? null : new ResourceRequirementsBuilder()
                                            .withLimits(limits)
                                            .withRequests(requests.isEmpty() ? null : requests)
                                            .build())
                                    .withVolumeMounts(new VolumeMountBuilder().withName(VOLUME)
                                            .withMountPath(job.results()).build())
                                    .build())
                            .withVolumes(new VolumeBuilder().withName(VOLUME)
                                    .withNewPersistentVolumeClaim().withClaimName(claim).endPersistentVolumeClaim()
                                    .build())
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }

    /** The manifest: the header as comments, then the Job as YAML. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        header.forEach(h -> sb.append("# ").append(h).append('\n'));
        try {
            sb.append(yaml().writeValueAsString(build()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the Job as YAML: " + e.getMessage(), e);
        }
        return sb.toString();
    }

    /** The YAML mapper manifests are written and read back with. */
    public static ObjectMapper yaml() {
        return YAMLMapper.builder(YAMLFactory.builder()
                        .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                        .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS) // "2" stays a string
                        .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
                        .build())
                .disable(SerializationFeature.WRITE_EMPTY_JSON_ARRAYS)
                .build();
    }
}
