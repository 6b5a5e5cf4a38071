package dev.dayzero.bench.chips;

import java.math.BigDecimal;
import java.math.MathContext;

/** Number formatting for notes and formulas: up to 6 significant digits, no exponent, no trailing zeros. */
final class Fmt {
    private Fmt() {
    }

    static String number(double v) {
        if (!Double.isFinite(v)) {
            return String.valueOf(v);
        }
        return BigDecimal.valueOf(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }
}
