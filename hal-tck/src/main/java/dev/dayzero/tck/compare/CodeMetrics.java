package dev.dayzero.tck.compare;

/**
 * How a backend's quantized output compares with the oracle's.
 *
 * @param elements            codes compared
 * @param codeMismatches      codes that differ and are not accepted boundary cases
 * @param boundaryAccepted    codes one step away where the oracle's F32 quotient lies within one F32 ulp
 *                            of the rounding boundary (accepted, counted separately)
 * @param scales              scales compared
 * @param scaleMismatches     scales outside tolerance (F32: relative 1e-6; UE8M0: exact)
 * @param maxScaleRelError    largest relative scale error
 * @param firstMismatch       flat index of the first rejected code or, if none, of the first bad scale; -1 if none
 * @param detail              what the first mismatch was, empty if none
 */
public record CodeMetrics(long elements, long codeMismatches, long boundaryAccepted, long scales,
                          long scaleMismatches, double maxScaleRelError, long firstMismatch, String detail) {

    public boolean passes() {
        return codeMismatches == 0 && scaleMismatches == 0;
    }

    public String summary() {
        return String.format(java.util.Locale.ROOT,
                "codes %d, mismatched %d, boundary-accepted %d; scales %d, mismatched %d, maxRel %.3g%s",
                elements, codeMismatches, boundaryAccepted, scales, scaleMismatches, maxScaleRelError,
                detail.isEmpty() ? "" : "; first: " + detail);
    }
}
