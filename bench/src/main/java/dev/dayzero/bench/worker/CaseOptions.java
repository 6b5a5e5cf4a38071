package dev.dayzero.bench.worker;

import dev.dayzero.bench.measure.MeasureOptions;
import java.util.Objects;

/**
 * What to do with each case.
 *
 * @param conform        run the case through conformance (the oracle comparison)
 * @param measure        time it (see {@link CaseExecutor} for when a case is timed)
 * @param measureOptions how to time it
 */
public record CaseOptions(boolean conform, boolean measure, MeasureOptions measureOptions) {
    public CaseOptions {
        Objects.requireNonNull(measureOptions, "measureOptions");
        if (!conform && !measure) {
            throw new IllegalArgumentException("a run must check conformance, time, or both");
        }
    }
}
