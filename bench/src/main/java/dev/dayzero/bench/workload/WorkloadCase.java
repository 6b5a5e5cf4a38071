package dev.dayzero.bench.workload;

import dev.dayzero.hal.op.OpSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * One case of a workload: a spec with a stable id that encodes everything that changes its inputs
 * (e.g. {@code deepseek-v3/decode/b8/ctx4096/tp1-ep32/uniform/mla-decode-bf16}), the seed derived from
 * that id, and the device memory it is planned to need.
 *
 * @param id          stable case id
 * @param model       the model's id ({@code deepseek-v3}) or {@code standard} for the kit's cases
 * @param phase       {@code decode}, {@code prefill} or {@code conformance}
 * @param operator    the operator's short name within the model ({@code mla-decode-bf16}, {@code moe-gate-up-fp8}, ...)
 * @param spec        what runs
 * @param seed        input seed: {@link #seedOf(String)} of the id, so {@code dump --case} rebuilds the same bytes
 * @param memoryBytes planned device memory: every operand's bytes (inputs and outputs)
 * @param origin      where the shape comes from, for readers
 * @param runsPerStep how many times one decode step of the model runs this case on a device (layers of its type
 *                    x runs a layer, MTP layers with {@code --mtp}); 0 when it is not part of the projected step
 *                    (prefill, the kit's cases, the other cache format of an attention)
 */
public record WorkloadCase(String id, String model, String phase, String operator, OpSpec spec, long seed,
                           long memoryBytes, String origin, int runsPerStep) {

    public WorkloadCase {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(spec, "spec");
        model = model == null ? "" : model;
        phase = phase == null ? "" : phase;
        operator = operator == null ? "" : operator;
        origin = origin == null ? "" : origin;
        if (runsPerStep < 0) {
            throw new IllegalArgumentException("WorkloadCase.runsPerStep must be >= 0, got " + runsPerStep);
        }
    }

    /** A case outside any projected step. */
    public WorkloadCase(String id, String model, String phase, String operator, OpSpec spec, long seed,
                        long memoryBytes, String origin) {
        this(id, model, phase, operator, spec, seed, memoryBytes, origin, 0);
    }

    /** A case whose seed comes from its id, memory from its operands, run {@code runsPerStep} times a decode step. */
    public static WorkloadCase of(String id, String model, String phase, String operator, OpSpec spec, String origin,
                                  int runsPerStep) {
        return new WorkloadCase(id, model, phase, operator, spec, seedOf(id), memoryOf(spec), origin, runsPerStep);
    }

    /** A case whose seed is derived from its id and whose memory is the spec's operands. */
    public static WorkloadCase of(String id, String model, String phase, String operator, OpSpec spec, String origin) {
        return new WorkloadCase(id, model, phase, operator, spec, seedOf(id), memoryOf(spec), origin);
    }

    /** The seed of a case id: the first 8 bytes of its SHA-256, big-endian. Same id, same seed, everywhere. */
    public static long seedOf(String id) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            long seed = 0;
            for (int i = 0; i < 8; i++) {
                seed = (seed << 8) | (h[i] & 0xff);
            }
            return seed;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Device memory a spec's operands take: the plan for a case, before it runs. */
    public static long memoryOf(OpSpec spec) {
        return spec.operands().stream().mapToLong(t -> t.bytes()).sum();
    }
}
