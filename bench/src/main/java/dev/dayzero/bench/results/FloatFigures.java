package dev.dayzero.bench.results;

import dev.dayzero.tck.compare.Metrics;
import java.util.List;

/**
 * The float comparison of a MoE GEMM or attention output with the oracle (the kit's {@link Metrics}),
 * field for field. Non-finite figures are written as the strings {@code "NaN"}, {@code "Infinity"}.
 *
 * @param elements       elements compared
 * @param maxAbsError    largest absolute error
 * @param maxRelError    largest relative error where the oracle is non-zero
 * @param cosine         cosine similarity
 * @param diff           DeepGEMM's {@code 1 − 2·Σxy / Σ(x²+y²)}, worst row
 * @param nonFinite      elements whose NaN/Inf does not match the oracle
 * @param outOfTolerance elements outside the element-wise bound
 * @param worstIndex     {@code [row, column]} of the largest absolute error
 * @param worstActual    the backend's value there
 * @param worstExpected  the oracle's value there
 */
public record FloatFigures(long elements, double maxAbsError, double maxRelError, double cosine, double diff,
                           long nonFinite, long outOfTolerance, List<Long> worstIndex, double worstActual,
                           double worstExpected) {

    public FloatFigures {
        worstIndex = worstIndex == null ? List.of() : List.copyOf(worstIndex);
    }

    public static FloatFigures of(Metrics m) {
        long[] w = m.worstIndex();
        return new FloatFigures(m.elements(), m.maxAbsError(), m.maxRelError(), m.cosine(), m.diff(), m.nonFinite(),
                m.outOfTolerance(), java.util.Arrays.stream(w).boxed().toList(), m.worstActual(), m.worstExpected());
    }
}
