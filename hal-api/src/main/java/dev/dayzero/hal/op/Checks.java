package dev.dayzero.hal.op;

import java.util.List;

/** Spec validation that names the spec, the field and what was expected. */
final class Checks {
    private Checks() {
    }

    static void positive(String spec, String field, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(spec + "." + field + " must be > 0, got " + value);
        }
    }

    static void require(boolean ok, String spec, String field, String why) {
        if (!ok) {
            throw new IllegalArgumentException(spec + "." + field + " " + why);
        }
    }

    static List<Integer> lengths(String spec, String field, List<Integer> values, int min) {
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException(spec + "." + field + " must list at least one value");
        }
        List<Integer> copy = List.copyOf(values);
        for (int i = 0; i < copy.size(); i++) {
            if (copy.get(i) < min) {
                throw new IllegalArgumentException(spec + "." + field + "[" + i + "] must be >= " + min
                        + ", got " + copy.get(i));
            }
        }
        return copy;
    }

    static long sum(List<Integer> values) {
        long s = 0;
        for (int v : values) {
            s += v;
        }
        return s;
    }

    static int max(List<Integer> values) {
        int m = 0;
        for (int v : values) {
            m = Math.max(m, v);
        }
        return m;
    }

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
