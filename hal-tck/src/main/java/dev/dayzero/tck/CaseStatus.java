package dev.dayzero.tck;

import java.util.Locale;

/** How one case ended on one device: docs/design.md's statuses, one per case × chip. */
public enum CaseStatus {
    PASSED,
    FAILED_NUMERICS,
    FAILED_SHAPE,
    FAILED_DTYPE,
    COMPILE_ERROR,
    RUNTIME_ERROR,
    UNSUPPORTED,
    ALTERNATIVE_ONLY,
    UNAVAILABLE,
    CRASHED,
    TIMEOUT,
    OUT_OF_MEMORY;

    /** The status as results files write it: {@code failed-numerics}, {@code alternative-only}, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses {@link #label()}. */
    public static CaseStatus fromLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /** True for the statuses that mean the operator ran correctly (exactly, or as the offered alternative). */
    public boolean isPass() {
        return this == PASSED || this == ALTERNATIVE_ONLY;
    }
}
