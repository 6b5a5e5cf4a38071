package dev.dayzero.bench.workload;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * How many rows (routed token copies) each of a device's local experts receives. Both distributions are
 * deterministic and conserve the total exactly.
 *
 * <ul>
 *   <li>{@link #uniform}: {@code floor(R/L)} rows each, the first {@code R mod L} experts one more;</li>
 *   <li>{@link #skewed}: Zipf with exponent 1. The experts are put in an order shuffled by
 *       {@code java.util.Random(seed)} (its algorithm is fixed by its Javadoc, so every JVM agrees); the
 *       expert of rank {@code i} gets the share {@code (1/(i+1)) / Σ_j 1/(j+1)} of {@code R}, rounded by
 *       largest remainder (ties to the better rank). No expert gets more than {@code cap} rows — a token
 *       is routed to an expert at most once — and what a capped expert cannot take is shared out again
 *       among the others by the same weights.</li>
 * </ul>
 */
public final class ExpertRows {
    private ExpertRows() {
    }

    /** {@code total} rows over {@code experts} experts, as even as possible. */
    public static List<Integer> uniform(int total, int experts) {
        check(total, experts, Integer.MAX_VALUE);
        List<Integer> rows = new ArrayList<>(experts);
        int base = total / experts;
        int extra = total % experts;
        for (int e = 0; e < experts; e++) {
            rows.add(base + (e < extra ? 1 : 0));
        }
        return List.copyOf(rows);
    }

    /** {@code total} rows over {@code experts} experts, Zipf-skewed in an order drawn from {@code seed}. */
    public static List<Integer> skewed(int total, int experts, int cap, long seed) {
        check(total, experts, cap);
        List<Integer> order = new ArrayList<>(experts);
        for (int e = 0; e < experts; e++) {
            order.add(e);
        }
        Collections.shuffle(order, new Random(seed));
        double[] weight = new double[experts];
        for (int rank = 0; rank < experts; rank++) {
            weight[order.get(rank)] = 1.0 / (rank + 1);
        }
        int[] rows = new int[experts];
        boolean[] capped = new boolean[experts];
        int remaining = total;
        while (true) {
            double sum = 0;
            for (int e = 0; e < experts; e++) {
                if (!capped[e]) {
                    sum += weight[e];
                }
            }
            boolean newlyCapped = false;
            for (int e = 0; e < experts; e++) {
                if (!capped[e] && remaining * weight[e] / sum > cap) {
                    capped[e] = true;
                    rows[e] = cap;
                    newlyCapped = true;
                }
            }
            if (newlyCapped) {
                remaining = total;
                for (int e = 0; e < experts; e++) {
                    if (capped[e]) {
                        remaining -= rows[e];
                    }
                }
                continue;
            }
            // largest remainder among the uncapped experts, in rank order for ties
            int given = 0;
            double[] frac = new double[experts];
            for (int e = 0; e < experts; e++) {
                if (!capped[e]) {
                    double q = remaining * weight[e] / sum;
                    rows[e] = (int) Math.floor(q);
                    frac[e] = q - rows[e];
                    given += rows[e];
                }
            }
            List<Integer> byFraction = new ArrayList<>();
            for (int rank = 0; rank < experts; rank++) {
                if (!capped[order.get(rank)]) {
                    byFraction.add(order.get(rank));
                }
            }
            byFraction.sort((a, b) -> Double.compare(frac[b], frac[a]));
            int left = remaining - given;
            for (int i = 0; left > 0; i = (i + 1) % byFraction.size()) {
                int e = byFraction.get(i);
                if (rows[e] < cap) {
                    rows[e]++;
                    left--;
                }
            }
            break;
        }
        List<Integer> out = new ArrayList<>(experts);
        for (int r : rows) {
            out.add(r);
        }
        return List.copyOf(out);
    }

    private static void check(int total, int experts, int cap) {
        if (experts < 1 || total < 0 || cap < 1) {
            throw new IllegalArgumentException("ExpertRows: need experts >= 1, total >= 0, cap >= 1; got " + experts
                    + ", " + total + ", " + cap);
        }
        if ((long) cap * experts < total) {
            throw new IllegalArgumentException("ExpertRows: " + total + " rows do not fit " + experts + " experts of at most "
                    + cap + " rows");
        }
    }
}
