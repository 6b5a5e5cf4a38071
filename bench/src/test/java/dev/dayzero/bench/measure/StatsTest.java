package dev.dayzero.bench.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StatsTest {
    @Test
    void oneToTenHasTheTextbookFigures() {
        Stats s = Stats.of(10, 9, 8, 7, 6, 5, 4, 3, 2, 1);
        assertEquals(10, s.count());
        assertEquals(5.5, s.mean(), 1e-12);
        assertEquals(5.5, s.median(), 1e-12);
        assertEquals(1, s.min());
        assertEquals(10, s.max());
        assertEquals(3.0276503540974917, s.stddev(), 1e-12);
        assertEquals(s.stddev() / 5.5, s.cv(), 1e-12);
        // t(0.975, 9) = 2.2621571627
        double half = 2.2621571627 * 3.0276503540974917 / Math.sqrt(10);
        assertEquals(5.5 - half, s.ci95Low(), 1e-8);
        assertEquals(5.5 + half, s.ci95High(), 1e-8);
        assertEquals(1.1, s.p10(), 1e-12); // Commons Math's default estimator: (n + 1)·p
        assertEquals(9.9, s.p90(), 1e-12);
    }

    @Test
    void oneSampleHasNoSpread() {
        Stats s = Stats.of(2.5);
        assertEquals(0, s.stddev());
        assertEquals(2.5, s.ci95Low());
        assertEquals(2.5, s.ci95High());
        assertEquals(2.5, s.median());
    }

    @Test
    void usesOnlyTheFirstNValues() {
        assertEquals(2, Stats.of(new double[] {1, 3, 1000, 1000}, 2).mean(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Stats.of(new double[] {1}, 0));
    }
}
