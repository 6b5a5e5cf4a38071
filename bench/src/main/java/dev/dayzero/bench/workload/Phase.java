package dev.dayzero.bench.workload;

import java.util.Locale;

/** Inference phase a case belongs to. */
public enum Phase {
    /** One new token a sequence against a cached context: paged / latent decode, masked MoE layout. */
    DECODE,
    /** A whole prompt at once: causal prefill attention, contiguous MoE layout. */
    PREFILL;

    /** {@code decode} or {@code prefill}, as case ids spell it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code decode} / {@code prefill} (case-insensitive). */
    public static Phase parse(String s) {
        for (Phase p : values()) {
            if (p.label().equalsIgnoreCase(s == null ? "" : s.trim())) {
                return p;
            }
        }
        throw new WorkloadException("phase must be decode or prefill, got '" + s + "'");
    }
}
