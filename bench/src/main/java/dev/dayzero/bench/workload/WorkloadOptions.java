package dev.dayzero.bench.workload;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * What to derive from a model. Defaults ({@link #defaults()}) keep the CPU backend's run of a preset
 * within minutes while every shape stays a real per-device shape.
 *
 * @param phases        phases to derive (default decode)
 * @param batchSizes    sequences a device's attention holds in one step — its data-parallel rank's
 *                      batch (default 8)
 * @param contextLength cached tokens of each decode sequence (default 4096)
 * @param prefillLength prompt tokens of each prefill sequence (default 512)
 * @param tp            attention tensor parallelism, null for the model's default deployment
 * @param ep            expert parallelism, null for the model's default deployment
 * @param routing       how rows spread over local experts (default uniform)
 * @param mtp           decode with one MTP draft token a sequence ({@code s_q = 2}) and the MTP layers in the step
 */
public record WorkloadOptions(List<Phase> phases, List<Integer> batchSizes, int contextLength, int prefillLength,
                              Integer tp, Integer ep, Routing routing, boolean mtp) {

    /** Options without MTP. */
    public WorkloadOptions(List<Phase> phases, List<Integer> batchSizes, int contextLength, int prefillLength,
                           Integer tp, Integer ep, Routing routing) {
        this(phases, batchSizes, contextLength, prefillLength, tp, ep, routing, false);
    }

    /** With or without an MTP draft token ({@code --mtp}). */
    public WorkloadOptions withMtp(boolean newMtp) {
        return new WorkloadOptions(phases, batchSizes, contextLength, prefillLength, tp, ep, routing, newMtp);
    }

    public static final List<Integer> DEFAULT_BATCH_SIZES = List.of(8);
    public static final int DEFAULT_CONTEXT_LENGTH = 4096;
    public static final int DEFAULT_PREFILL_LENGTH = 512;
    /** Upper bound on batch, context and prefill length: beyond it no single device case makes sense. */
    public static final int MAX_LENGTH = 1 << 20;

    public WorkloadOptions {
        Objects.requireNonNull(routing, "routing");
        if (phases == null || phases.isEmpty()) {
            throw new WorkloadException("phases must name decode, prefill or both");
        }
        phases = List.copyOf(new LinkedHashSet<>(phases));
        if (batchSizes == null || batchSizes.isEmpty()) {
            throw new WorkloadException("batch sizes must list at least one positive integer");
        }
        List<Integer> batches = new ArrayList<>(new LinkedHashSet<>(batchSizes));
        for (Integer b : batches) {
            range("batch size", b);
        }
        batchSizes = List.copyOf(batches);
        range("context length", contextLength);
        range("prefill length", prefillLength);
        if (tp != null) {
            range("tp", tp);
        }
        if (ep != null) {
            range("ep", ep);
        }
    }

    private static void range(String what, Integer v) {
        if (v == null || v < 1 || v > MAX_LENGTH) {
            throw new WorkloadException(what + " must be an integer in [1, " + MAX_LENGTH + "], got " + v);
        }
    }

    /** Decode, batch 8, context 4096, prefill 512, the model's deployment, uniform routing. */
    public static WorkloadOptions defaults() {
        return new WorkloadOptions(List.of(Phase.DECODE), DEFAULT_BATCH_SIZES, DEFAULT_CONTEXT_LENGTH,
                DEFAULT_PREFILL_LENGTH, null, null, Routing.UNIFORM);
    }

    public WorkloadOptions withPhases(List<Phase> newPhases) {
        return new WorkloadOptions(newPhases, batchSizes, contextLength, prefillLength, tp, ep, routing, mtp);
    }

    public WorkloadOptions withBatchSizes(List<Integer> newBatchSizes) {
        return new WorkloadOptions(phases, newBatchSizes, contextLength, prefillLength, tp, ep, routing, mtp);
    }

    public WorkloadOptions withContextLength(int newContextLength) {
        return new WorkloadOptions(phases, batchSizes, newContextLength, prefillLength, tp, ep, routing, mtp);
    }

    public WorkloadOptions withPrefillLength(int newPrefillLength) {
        return new WorkloadOptions(phases, batchSizes, contextLength, newPrefillLength, tp, ep, routing, mtp);
    }

    /** Attention tp; null restores the model's default. */
    public WorkloadOptions withTp(Integer newTp) {
        return new WorkloadOptions(phases, batchSizes, contextLength, prefillLength, newTp, ep, routing, mtp);
    }

    /** Expert ep; null restores the model's default. */
    public WorkloadOptions withEp(Integer newEp) {
        return new WorkloadOptions(phases, batchSizes, contextLength, prefillLength, tp, newEp, routing, mtp);
    }

    public WorkloadOptions withRouting(Routing newRouting) {
        return new WorkloadOptions(phases, batchSizes, contextLength, prefillLength, tp, ep, newRouting, mtp);
    }
}
