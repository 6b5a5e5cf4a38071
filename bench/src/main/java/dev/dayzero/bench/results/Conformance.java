package dev.dayzero.bench.results;

import dev.dayzero.tck.CaseResult;

/**
 * What the conformance run found.
 *
 * @param message      the kit's one line (tolerance and figures, or the failure)
 * @param floatFigures MoE GEMM and attention: the float comparison, else null
 * @param codeFigures  quantize: the code and scale comparison, else null
 * @param rowsChecked  output rows compared with the oracle
 * @param rowsTotal    valid output rows
 */
public record Conformance(String message, FloatFigures floatFigures, CodeFigures codeFigures, long rowsChecked,
                          long rowsTotal) {

    public Conformance {
        message = message == null ? "" : message;
    }

    public static Conformance of(CaseResult r) {
        return new Conformance(r.message(), r.floatMetrics().map(FloatFigures::of).orElse(null),
                r.codeMetrics().map(CodeFigures::of).orElse(null), r.rowsChecked(), r.rowsTotal());
    }
}
