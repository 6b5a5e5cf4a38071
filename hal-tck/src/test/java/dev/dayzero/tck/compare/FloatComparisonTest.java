package dev.dayzero.tck.compare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FloatComparisonTest {
    private static final Tolerance T = Tolerances.BF16_FROM_BF16;

    @Test
    void identicalOutputsPass() {
        double[][] a = {{1, -2, 3}, {0.5, 0, -0.25}};
        Metrics m = FloatComparison.compare(a, a, new int[] {0, 1}, T);
        assertEquals(0, m.diff(), 0);
        assertEquals(1, m.cosine(), 1e-15);
        assertEquals(0, m.maxAbsError());
        assertTrue(FloatComparison.passes(m, T));
    }

    @Test
    void deepGemmDiffAndWorstElement() {
        double[][] want = {{1, 2}, {3, 4}};
        double[][] got = {{1, 2}, {3, 4.5}};
        Metrics m = FloatComparison.compare(got, want, new int[] {7, 9}, T);
        // per row: the first is exact, the second has diff 1 - 2·(9 + 18) / ((9 + 20.25) + (9 + 16))
        assertEquals(1 - 54 / 54.25, m.diff(), 1e-15);
        assertArrayEquals(new long[] {9, 1}, m.worstIndex());
        assertEquals(0.5, m.maxAbsError());
        assertEquals(0.125, m.maxRelError());
        assertEquals(1, m.outOfTolerance());
        assertFalse(FloatComparison.passes(m, T));
    }

    @Test
    void oneWildElementFailsEvenWhenTheGlobalDiffIsSmall() {
        int n = 100_000;
        double[][] want = new double[1][n];
        double[][] got = new double[1][n];
        for (int i = 0; i < n; i++) {
            want[0][i] = got[0][i] = Math.sin(i);
        }
        got[0][123] = want[0][123] + 0.2;
        Metrics m = FloatComparison.compare(got, want, new int[] {0}, T);
        assertTrue(m.diff() < T.maxDiff(), "global diff " + m.diff());
        assertEquals(1, m.outOfTolerance());
        assertFalse(FloatComparison.passes(m, T));
    }

    @Test
    void aRowOfLargeValuesDoesNotHideABadRowOfSmallOnes() {
        // a one-token sequence returns its V (large, exact); an averaged row is small and 10% off
        double[][] want = new double[2][1000];
        double[][] got = new double[2][1000];
        for (int i = 0; i < 1000; i++) {
            want[0][i] = got[0][i] = Math.sin(i);
            want[1][i] = 0.01 * Math.cos(i);
            got[1][i] = want[1][i] * 1.1;
        }
        Metrics m = FloatComparison.compare(got, want, new int[] {0, 1}, T);
        assertTrue(m.diff() > T.maxDiff(), "row diff " + m.diff());
        assertTrue(m.outOfTolerance() > 0);
        assertFalse(FloatComparison.passes(m, T));
    }

    @Test
    void nanWhereTheOracleHasNoneFails() {
        double[][] want = {{1, 2}};
        double[][] got = {{1, Double.NaN}};
        Metrics m = FloatComparison.compare(got, want, new int[] {0}, T);
        assertEquals(1, m.nonFinite());
        assertArrayEquals(new long[] {0, 1}, m.worstIndex());
        assertFalse(FloatComparison.passes(m, T));
    }
}
