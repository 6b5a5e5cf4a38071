package dev.dayzero.bench.workload;

import java.util.Locale;

/** How routed tokens spread over a device's local experts. */
public enum Routing {
    /** As even as possible: every local expert gets {@code floor(R/L)} rows, the first {@code R mod L} one more. */
    UNIFORM,
    /** Zipf-like: the local expert of rank {@code i} (in an order shuffled from the case id) gets rows in
     * proportion to {@code 1/(i+1)}, as real routers skew. */
    SKEWED;

    /** {@code uniform} or {@code skewed}, as case ids spell it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code uniform} / {@code skewed} (case-insensitive). */
    public static Routing parse(String s) {
        for (Routing r : values()) {
            if (r.label().equalsIgnoreCase(s == null ? "" : s.trim())) {
                return r;
            }
        }
        throw new WorkloadException("routing must be uniform or skewed, got '" + s + "'");
    }
}
