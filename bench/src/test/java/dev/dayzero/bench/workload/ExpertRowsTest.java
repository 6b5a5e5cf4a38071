package dev.dayzero.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExpertRowsTest {

    private static int sum(List<Integer> xs) {
        return xs.stream().mapToInt(Integer::intValue).sum();
    }

    @Test
    void uniformIsAsEvenAsPossible() {
        assertEquals(List.of(3, 3, 2, 2), ExpertRows.uniform(10, 4));
        assertEquals(List.of(1, 1, 0, 0, 0), ExpertRows.uniform(2, 5));
        assertEquals(List.of(0, 0), ExpertRows.uniform(0, 2));
    }

    @Test
    void skewedIsConservedDeterministicAndZipfLike() {
        List<Integer> a = ExpertRows.skewed(1000, 8, 1000, 42);
        assertEquals(1000, sum(a));
        assertEquals(a, ExpertRows.skewed(1000, 8, 1000, 42));
        assertNotEquals(a, ExpertRows.skewed(1000, 8, 1000, 43));
        List<Integer> sorted = a.stream().sorted((x, y) -> y - x).toList();
        double h8 = 0;
        for (int i = 1; i <= 8; i++) {
            h8 += 1.0 / i;
        }
        for (int rank = 0; rank < 8; rank++) {
            assertEquals(1000 / h8 / (rank + 1), sorted.get(rank), 1.0, sorted.toString());
        }
    }

    @Test
    void skewedRespectsTheCap() {
        // a token goes to an expert at most once: no expert gets more rows than there are tokens
        List<Integer> rows = ExpertRows.skewed(64, 8, 10, 7);
        assertEquals(64, sum(rows));
        assertTrue(rows.stream().allMatch(r -> r <= 10), rows.toString());
        List<Integer> full = ExpertRows.skewed(80, 8, 10, 7);
        assertEquals(List.of(10, 10, 10, 10, 10, 10, 10, 10), full);
        assertThrows(IllegalArgumentException.class, () -> ExpertRows.skewed(81, 8, 10, 7));
    }

    @Test
    void nextPowerOfTwo() {
        assertEquals(1, Workloads.nextPowerOfTwo(0));
        assertEquals(1, Workloads.nextPowerOfTwo(1));
        assertEquals(8, Workloads.nextPowerOfTwo(8));
        assertEquals(16, Workloads.nextPowerOfTwo(9));
    }
}
