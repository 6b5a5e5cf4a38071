package dev.dayzero.tck.oracle;

/**
 * The oracle's indexer scores for some output rows.
 *
 * @param scores     per row, the score of each key the row may see, in key order (prefill: from the row's
 *                   first key {@code ks}), unrounded F64
 * @param magnitudes per row and key, {@code |k_scale| · Σ_h |w_h| · Σ_d |q_hd · k_d|}: a rounding-error
 *                   bound of any accumulation order is a multiple of it
 */
public record IndexerScores(double[][] scores, double[][] magnitudes) {

    /** The rows as {@code IndexerLogits} writes them: each row's scores, then {@code -inf} up to {@code width}. */
    public double[][] logits(int width) {
        double[][] out = new double[scores.length][width];
        for (int r = 0; r < scores.length; r++) {
            java.util.Arrays.fill(out[r], Double.NEGATIVE_INFINITY);
            System.arraycopy(scores[r], 0, out[r], 0, scores[r].length);
        }
        return out;
    }
}
