package dev.dayzero.tck.oracle;

import dev.dayzero.hal.op.TensorSpec;
import dev.dayzero.tck.data.HostTensor;
import java.util.List;
import java.util.Objects;

/** Checks on the tensors handed to the oracle, and the one arithmetic kernel it shares: a dot product. */
final class Operands {
    private Operands() {
    }

    /** Requires {@code actual} to match {@code expected} one for one in dtype and shape. */
    static void check(String what, List<TensorSpec> expected, List<HostTensor> actual) {
        Objects.requireNonNull(actual, "inputs");
        if (actual.size() != expected.size()) {
            throw new IllegalArgumentException(what + " takes " + expected.size() + " inputs " + expected + ", got "
                    + actual.size());
        }
        for (int i = 0; i < expected.size(); i++) {
            check(what, expected.get(i), actual.get(i));
        }
    }

    /** Requires {@code tensor} to have the dtype and shape of {@code expected}. */
    static void check(String what, TensorSpec expected, HostTensor tensor) {
        Objects.requireNonNull(tensor, expected.name());
        TensorSpec got = tensor.spec();
        if (got.dtype() != expected.dtype() || !got.shape().equals(expected.shape())) {
            throw new IllegalArgumentException(what + ": input '" + expected.name() + "' must be " + expected
                    + ", got " + got);
        }
    }

    /** Requires every row index to lie in {@code [0, limit)}. */
    static void checkRows(String what, int[] rows, long limit) {
        Objects.requireNonNull(rows, "rows");
        for (int r : rows) {
            if (r < 0 || r >= limit) {
                throw new IllegalArgumentException(what + ": row " + r + " is outside [0, " + limit + ")");
            }
        }
    }

    /** Requires the I32 tensor {@code tensor} to hold exactly {@code values}. */
    static void checkInts(String what, HostTensor tensor, long[] values) {
        for (int i = 0; i < values.length; i++) {
            if (tensor.getInt(i) != values[i]) {
                throw new IllegalArgumentException(what + ": " + tensor.name() + "[" + i + "] = " + tensor.getInt(i)
                        + " but the spec says " + values[i]);
            }
        }
    }

    /**
     * {@code Σ a[i]·b[i]} over {@code i < n} in F64. Four running sums (over i mod 4) only to let the CPU
     * overlap the additions; every product is exact or correctly rounded and the order is fixed.
     */
    static double dot(double[] a, double[] b, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
            s2 += a[i + 2] * b[i + 2];
            s3 += a[i + 3] * b[i + 3];
        }
        for (; i < n; i++) {
            s0 += a[i] * b[i];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
