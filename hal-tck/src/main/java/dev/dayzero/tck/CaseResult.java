package dev.dayzero.tck;

import dev.dayzero.hal.Support;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.tck.compare.CodeMetrics;
import dev.dayzero.tck.compare.Metrics;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one case on one device.
 *
 * @param caseId        the case's id
 * @param spec          the spec asked for
 * @param ran           the spec that ran: the same, or the device's alternative; empty if nothing ran
 * @param support       the device's answer to {@code supports(spec)}
 * @param status        how it ended
 * @param message       one line: the failure, the reason, or the figures of a pass
 * @param floatMetrics  the float comparison (MoE, attention)
 * @param codeMetrics   the code and scale comparison (quantize)
 * @param rowsChecked   output rows compared with the oracle
 * @param rowsTotal     valid output rows
 * @param notes         the prepared operator's notes (layout conversions, native calls used)
 * @param seed          the input seed
 */
public record CaseResult(String caseId, OpSpec spec, Optional<OpSpec> ran, Support support, CaseStatus status,
                         String message, Optional<Metrics> floatMetrics, Optional<CodeMetrics> codeMetrics,
                         long rowsChecked, long rowsTotal, List<String> notes, long seed) {

    public CaseResult {
        Objects.requireNonNull(caseId, "caseId");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(status, "status");
        message = message == null ? "" : message;
        notes = List.copyOf(notes);
    }

    /** The same result with the prepared operator's notes. */
    public CaseResult withNotes(List<String> newNotes) {
        return new CaseResult(caseId, spec, ran, support, status, message, floatMetrics, codeMetrics, rowsChecked,
                rowsTotal, newNotes, seed);
    }

    /** One line for logs and assertion messages. */
    public String summary() {
        return caseId + " [" + status.label() + "] " + message
                + (rowsTotal > 0 ? " (rows checked " + rowsChecked + "/" + rowsTotal + ")" : "");
    }
}
