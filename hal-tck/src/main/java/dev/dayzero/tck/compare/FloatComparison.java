package dev.dayzero.tck.compare;

/**
 * Compares a backend's float output with the oracle's, row by row, and computes {@link Metrics}.
 * Sums are in F64. DeepGEMM's diff and the element-wise absolute tolerance are taken per output row
 * (a token's or query's whole output), so a row of large values (a one-token sequence returns its V)
 * cannot hide a badly computed row of small ones.
 */
public final class FloatComparison {
    private FloatComparison() {
    }

    /**
     * @param actual    the backend's values of the checked rows, {@code [rows][cols]}
     * @param expected  the oracle's values of the same rows
     * @param rowIndex  the index of each checked row in the full output, for the worst-element report
     * @param tolerance the bound the element-wise count uses
     */
    public static Metrics compare(double[][] actual, double[][] expected, int[] rowIndex, Tolerance tolerance) {
        if (actual.length != expected.length || rowIndex.length != expected.length) {
            throw new IllegalArgumentException("row counts differ: actual " + actual.length + ", expected "
                    + expected.length + ", indices " + rowIndex.length);
        }
        long elements = 0;
        long nonFinite = 0;
        long outOfTol = 0;
        double maxAbs = 0;
        double maxRel = 0;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        double maxRowDiff = 0;
        long[] worst = {-1, -1};
        double worstActual = 0;
        double worstExpected = 0;
        for (int r = 0; r < actual.length; r++) {
            double[] a = actual[r];
            double[] e = expected[r];
            double atol = tolerance.atolOfRms() * rms(e);
            double rxy = 0;
            double rxx = 0;
            double ryy = 0;
            if (a.length != e.length) {
                throw new IllegalArgumentException("row " + rowIndex[r] + " has " + a.length + " values, expected "
                        + e.length);
            }
            for (int c = 0; c < a.length; c++) {
                elements++;
                double x = a[c];
                double y = e[c];
                if (!Double.isFinite(x) || !Double.isFinite(y)) {
                    boolean same = Double.isNaN(x) ? Double.isNaN(y) : x == y;
                    if (!same) {
                        nonFinite++;
                        if (maxAbs != Double.POSITIVE_INFINITY) {
                            maxAbs = Double.POSITIVE_INFINITY;
                            worst = new long[] {rowIndex[r], c};
                            worstActual = x;
                            worstExpected = y;
                        }
                    }
                    continue;
                }
                double err = Math.abs(x - y);
                if (worst[0] < 0 || err > maxAbs) {
                    maxAbs = err;
                    worst = new long[] {rowIndex[r], c};
                    worstActual = x;
                    worstExpected = y;
                }
                if (y != 0) {
                    maxRel = Math.max(maxRel, err / Math.abs(y));
                }
                if (err > atol + tolerance.rtol() * Math.abs(y)) {
                    outOfTol++;
                }
                rxy += x * y;
                rxx += x * x;
                ryy += y * y;
            }
            if (rxx + ryy > 0) {
                maxRowDiff = Math.max(maxRowDiff, 1 - 2 * rxy / (rxx + ryy));
            }
            sxy += rxy;
            sxx += rxx;
            syy += ryy;
        }
        double cosine = (sxx == 0 || syy == 0) ? (sxx == syy ? 1 : 0) : sxy / Math.sqrt(sxx * syy);
        if (worst[0] < 0) {
            worst = new long[] {0, 0};
        }
        return new Metrics(elements, maxAbs, maxRel, cosine, maxRowDiff, nonFinite, outOfTol, worst, worstActual,
                worstExpected);
    }

    private static double rms(double[] row) {
        double sum = 0;
        int n = 0;
        for (double v : row) {
            if (Double.isFinite(v)) {
                sum += v * v;
                n++;
            }
        }
        return n == 0 ? 0 : Math.sqrt(sum / n);
    }

    /** True when the metrics meet the tolerance: no NaN/Inf mismatch, global diff and element-wise bound. */
    public static boolean passes(Metrics m, Tolerance t) {
        return m.nonFinite() == 0 && m.outOfTolerance() == 0 && m.diff() <= t.maxDiff();
    }
}
