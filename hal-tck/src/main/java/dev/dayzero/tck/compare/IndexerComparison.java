package dev.dayzero.tck.compare;

import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.IndexerSpec.KeyType;
import dev.dayzero.tck.data.HostTensor;
import dev.dayzero.tck.oracle.IndexerScores;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Judges an indexer's output by what matters and robustly to rounding, never by matching one particular
 * top-k list (ties and near-ties may be broken either way).
 *
 * <p><b>The score tolerance</b> of key {@code j} for a row is {@code a · m_j}, with {@code m_j} the score's
 * magnitude {@code |k_scale_j| · Σ_h |w_h| · Σ_d |q_hd · k_jd|} (the oracle's) and {@code a} the relative
 * allowance of the key type:
 * <ul>
 *   <li>{@link KeyType#FP8}: {@code a = 2^-9}. FP8 codes are exact in BF16 and F32, so an F32 accumulation
 *       in any order is within {@code (D + H + 2) · 2^-24 · m} (for D = 128, H = 64: below {@code 2^-16 · m});
 *       the allowance is wider because FP8 tensor cores accumulate with fewer bits (about 13 on Hopper,
 *       DeepGEMM's note): {@code √D · 2^-13 ≈ 2^-9.5} for D = 128, rounded up;</li>
 *   <li>{@link KeyType#BF16}: {@code a = 2^-8}: a backend may round the scores to BF16 (8 significant bits)
 *       before ranking them (Ascend's fused operator returns BF16 values).</li>
 * </ul>
 *
 * <p><b>Top-k</b>, per checked row with {@code n} visible keys: exactly {@code min(k, n)} valid indices come
 * first, then only {@code -1}; every valid index is a key the row sees and appears once; and when
 * {@code n > k}, every returned key's exact score {@code S_j} satisfies {@code S_j + a·m_j ≥ S_(k) − a·max m},
 * {@code S_(k)} the oracle's k-th largest score of the row. A kernel that drops the ReLU, a key's scale, the
 * causal range or the padding fails this; one that rounds like F32 (or the hardware above) passes.
 *
 * <p><b>Logits</b>: each visible key's value within {@code a · m_j} of the oracle's (NaN fails); every column
 * at and past the row's length exactly {@code -inf}.
 */
public final class IndexerComparison {
    private IndexerComparison() {
    }

    /** The relative allowance {@code a} of a key type. */
    public static double allowance(KeyType type) {
        return type == KeyType.FP8 ? 0x1p-9 : 0x1p-8;
    }

    /**
     * The figures of a top-k comparison.
     *
     * @param rows           rows checked
     * @param indices        valid indices checked
     * @param wrongCount     rows whose count of valid indices is not {@code min(k, n)}
     * @param misplaced      rows with a valid index after a {@code -1}
     * @param outOfRange     indices that are neither {@code -1} nor a key the row sees
     * @param duplicates     indices repeated within a row
     * @param belowThreshold indices whose exact score is below the row's k-th score by more than the tolerance
     * @param worstMargin    the smallest {@code (S_j − S_(k)) / (a·m_j + a·max m)} over rows with {@code n > k}
     *                       (≥ −1 passes; +inf when no row had to choose)
     * @param worst          the first problem found, or empty
     */
    public record TopKMetrics(long rows, long indices, long wrongCount, long misplaced, long outOfRange, long duplicates,
                              long belowThreshold, double worstMargin, String worst) {
        public boolean passes() {
            return wrongCount == 0 && misplaced == 0 && outOfRange == 0 && duplicates == 0 && belowThreshold == 0;
        }

        public String summary() {
            return String.format(Locale.ROOT,
                    "topk: rows=%d indices=%d wrongCount=%d misplaced=%d outOfRange=%d duplicates=%d belowThreshold=%d"
                            + " worstMargin=%.3g%s",
                    rows, indices, wrongCount, misplaced, outOfRange, duplicates, belowThreshold, worstMargin,
                    worst.isEmpty() ? "" : "; first problem: " + worst);
        }
    }

    /**
     * Checks the top-k rows {@code rows} of {@code out} ({@code [queries, k]} I32).
     *
     * @param firstKey per checked row, the index of its first visible key (prefill: {@code ks}; decode: 0)
     */
    public static TopKMetrics topk(IndexerSpec spec, int k, HostTensor out, int[] rows, long[] firstKey,
                                   IndexerScores ref) {
        double a = allowance(spec.keyType());
        long indices = 0;
        long wrongCount = 0;
        long misplaced = 0;
        long outOfRange = 0;
        long duplicates = 0;
        long below = 0;
        double worstMargin = Double.POSITIVE_INFINITY;
        String worst = "";
        for (int r = 0; r < rows.length; r++) {
            double[] s = ref.scores()[r];
            double[] m = ref.magnitudes()[r];
            int n = s.length;
            long base = (long) rows[r] * k;
            int count = 0;
            boolean padded = false;
            boolean rowMisplaced = false;
            Set<Integer> seen = new HashSet<>();
            double kth = Double.NEGATIVE_INFINITY;
            double maxTol = 0;
            if (n > k) {
                double[] sorted = s.clone();
                Arrays.sort(sorted);
                kth = sorted[n - k];
                for (double v : m) {
                    maxTol = Math.max(maxTol, a * v);
                }
            }
            for (int i = 0; i < k; i++) {
                int idx = out.getInt(base + i);
                if (idx == -1) {
                    padded = true;
                    continue;
                }
                if (padded && !rowMisplaced) {
                    rowMisplaced = true;
                    misplaced++;
                    worst = worst.isEmpty() ? "row " + rows[r] + ": index " + idx + " at slot " + i + " after a -1" : worst;
                }
                count++;
                indices++;
                long j = idx - firstKey[r];
                if (j < 0 || j >= n) {
                    outOfRange++;
                    worst = worst.isEmpty() ? "row " + rows[r] + ": index " + idx + " is not one of its " + n
                            + " keys [" + firstKey[r] + ", " + (firstKey[r] + n) + ")" : worst;
                    continue;
                }
                if (!seen.add(idx)) {
                    duplicates++;
                    worst = worst.isEmpty() ? "row " + rows[r] + ": index " + idx + " repeated" : worst;
                    continue;
                }
                if (n > k) {
                    double tol = a * m[(int) j] + maxTol;
                    double margin = tol > 0 ? (s[(int) j] - kth) / tol : (s[(int) j] >= kth ? 0 : -2);
                    worstMargin = Math.min(worstMargin, margin);
                    if (margin < -1) {
                        below++;
                        worst = worst.isEmpty() ? String.format(Locale.ROOT,
                                "row %d: key %d scores %.6g, below the k-th score %.6g by more than %.3g",
                                rows[r], idx, s[(int) j], kth, tol) : worst;
                    }
                }
            }
            if (count != Math.min(k, n)) {
                wrongCount++;
                worst = worst.isEmpty() ? "row " + rows[r] + ": " + count + " valid indices, want min(" + k + ", " + n
                        + ") = " + Math.min(k, n) : worst;
            }
        }
        return new TopKMetrics(rows.length, indices, wrongCount, misplaced, outOfRange, duplicates, below, worstMargin,
                worst);
    }

    /**
     * Compares logits rows ({@code out [queries, width]} F32) with the oracle's scores (−inf past each row):
     * {@link FloatComparison#compare}'s figures, with the element-wise count taken against each key's own bound
     * {@code a · m_j} instead of a row-RMS one.
     */
    public static Metrics logits(IndexerSpec spec, HostTensor out, int[] rows, IndexerScores ref) {
        double a = allowance(spec.keyType());
        int width = Math.toIntExact(out.spec().dim(1));
        double[][] actual = new double[rows.length][width];
        double[][] expected = ref.logits(width);
        long outOfTol = 0;
        for (int r = 0; r < rows.length; r++) {
            double[] s = ref.scores()[r];
            for (int c = 0; c < width; c++) {
                actual[r][c] = out.getFloat((long) rows[r] * width + c);
                if (c < s.length && Double.isFinite(actual[r][c])
                        && Math.abs(actual[r][c] - s[c]) > a * ref.magnitudes()[r][c]) {
                    outOfTol++;
                }
            }
        }
        Metrics m = FloatComparison.compare(actual, expected, rows, new Tolerance("indexer-logits", 0, 0, 0));
        return new Metrics(m.elements(), m.maxAbsError(), m.maxRelError(), m.cosine(), m.diff(), m.nonFinite(),
                outOfTol, m.worstIndex(), m.worstActual(), m.worstExpected());
    }

    /** True when a logits comparison passes: nothing non-finite out of place, every value within tolerance. */
    public static boolean passes(Metrics logits) {
        return logits.nonFinite() == 0 && logits.outOfTolerance() == 0;
    }
}
