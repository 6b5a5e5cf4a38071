package dev.dayzero.bench.report;

import java.util.Locale;

/** How reports and summaries print figures: three significant digits, no exponent, an en dash for none. */
public final class Numbers {
    private Numbers() {
    }

    /** {@code 0.0123}, {@code 1.23}, {@code 12.3}, {@code 123}, {@code 1235}; NaN as {@code –}. */
    public static String sig3(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        double a = Math.abs(v);
        if (a >= 100 || v == 0) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3g", v);
    }
}
