package dev.dayzero.bench.model;

import java.util.Objects;

/**
 * How a model is usually deployed: the parallelism its authors (or the serving projects they point to)
 * use, and the KV-cache page size of the kernels that serve it. Workloads take their per-device shapes
 * from it unless the user overrides tp / ep.
 *
 * @param tp       attention tensor parallelism (query heads are split {@code tp} ways)
 * @param ep       expert parallelism (routed experts are split {@code ep} ways)
 * @param pageSize KV-cache page size in tokens (64 for FlashMLA, 16 for vLLM's paged GQA)
 * @param source   why these values, with the source
 */
public record Deployment(int tp, int ep, int pageSize, String source) {
    public Deployment {
        Objects.requireNonNull(source, "source");
        if (tp < 1 || ep < 1 || pageSize < 1) {
            throw new IllegalArgumentException("Deployment tp, ep and pageSize must be >= 1, got tp=" + tp
                    + " ep=" + ep + " pageSize=" + pageSize);
        }
    }

    /** {@code tp1-ep32}: the form case ids use. */
    public String label() {
        return "tp" + tp + "-ep" + ep;
    }
}
