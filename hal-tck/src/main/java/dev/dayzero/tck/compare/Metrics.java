package dev.dayzero.tck.compare;

/**
 * How far a backend's output is from the oracle's, over the elements checked.
 *
 * @param elements          elements compared
 * @param maxAbsError       largest {@code |actual - expected|}
 * @param maxRelError       largest {@code |actual - expected| / |expected|} over elements with {@code expected != 0}
 * @param cosine            cosine similarity of the two vectors (1 for identical directions)
 * @param diff              DeepGEMM's {@code 1 - 2·Σxy / Σ(x² + y²)} in F64, per output row, the largest (0 for identical)
 * @param nonFinite         elements where NaN/Inf in the output does not match the oracle's exactly
 * @param outOfTolerance    elements outside the element-wise bound {@code atol + rtol·|expected|}, atol a fraction of the row's RMS
 * @param worstIndex        where the largest absolute error is: {@code [row, column]} of the 2-D view
 * @param worstActual       the backend's value there
 * @param worstExpected     the oracle's value there
 */
public record Metrics(long elements, double maxAbsError, double maxRelError, double cosine, double diff,
                      long nonFinite, long outOfTolerance, long[] worstIndex, double worstActual,
                      double worstExpected) {

    public Metrics {
        worstIndex = worstIndex.clone();
    }

    @Override
    public long[] worstIndex() {
        return worstIndex.clone();
    }

    /** One line: the figures and the worst element. */
    public String summary() {
        return String.format(java.util.Locale.ROOT,
                "diff=%.3g cos=%.9f maxAbs=%.3g maxRel=%.3g nonFinite=%d outOfTol=%d worst[%d,%d] got %.6g want %.6g over %d elements",
                diff, cosine, maxAbsError, maxRelError, nonFinite, outOfTolerance, worstIndex[0], worstIndex[1],
                worstActual, worstExpected, elements);
    }
}
