package dev.dayzero.bench.results;

import dev.dayzero.tck.compare.CodeMetrics;

/**
 * The comparison of quantized codes and scales with the oracle (the kit's {@link CodeMetrics}), field for field.
 *
 * @param elements         codes compared
 * @param codeMismatches   rejected code differences
 * @param boundaryAccepted codes one step away at an F32 rounding boundary (accepted, counted)
 * @param scales           scales compared
 * @param scaleMismatches  scales outside tolerance
 * @param maxScaleRelError largest relative scale error
 * @param firstMismatch    flat index of the first rejected element, -1 if none
 * @param detail           what the first mismatch was, empty if none
 */
public record CodeFigures(long elements, long codeMismatches, long boundaryAccepted, long scales,
                          long scaleMismatches, double maxScaleRelError, long firstMismatch, String detail) {

    public static CodeFigures of(CodeMetrics m) {
        return new CodeFigures(m.elements(), m.codeMismatches(), m.boundaryAccepted(), m.scales(),
                m.scaleMismatches(), m.maxScaleRelError(), m.firstMismatch(), m.detail());
    }
}
