package dev.dayzero.bench.report;

import java.util.Objects;

/**
 * One case on one device as a report shows it: a row of {@code summary.csv}, a cell of the support
 * matrix, a bar or point in the charts. Figures are NaN where the case was not timed (or, for
 * {@code percentOfRoofline}, where the device has no chip-table entry).
 *
 * @param caseId            the case's stable id
 * @param model             model id ({@code deepseek-v3}, {@code standard})
 * @param phase             {@code decode}, {@code prefill}, {@code conformance}
 * @param operator          operator name within the model ({@code mla-decode-bf16})
 * @param family            {@code attention}, {@code indexer}, {@code moe-gemm} or {@code quantize}
 * @param batch             the workload batch size, or -1 where the case has none
 * @param device            column label: backend, ordinal and device name, plus host and date when the same
 *                          device appears in several runs (never averaged), plus its origin in parentheses when
 *                          the report holds results sent to us ({@code (vendor-submitted by NAME)},
 *                          {@code (measured here)}, with {@code , unverified} where no manifest vouched for them)
 * @param host              the host the run came from
 * @param date              the run's start date (ISO-8601 day)
 * @param emulated          true for emulators and test doubles: never drawn beside real devices
 * @param status            the status label ({@code passed}, {@code failed-numerics}, ...)
 * @param message           the status's one-line reason or figures
 * @param precision         the compute precision whose peak applies: {@code bf16}, {@code fp8}, {@code int8}, {@code f32}
 * @param medianMs          median time of one launch, in milliseconds
 * @param tflops            achieved TFLOP/s (spec flops / median)
 * @param gbps              achieved GB/s (spec bytes / median)
 * @param intensity         arithmetic intensity, FLOP per byte
 * @param percentOfRoofline achieved ÷ min(compute peak, bandwidth × intensity), in percent
 * @param boundBy           {@code compute} or {@code memory} (which roof is lower at this intensity), or empty
 * @param origin            {@code measured here}, or {@code vendor-submitted by NAME} for results sent to us
 * @param manifest          {@code verified} or {@code unverified} by the run directory's {@code MANIFEST.sha256};
 *                          empty where not checked (a run's own report)
 */
public record ReportRow(String caseId, String model, String phase, String operator, String family, int batch,
                        String device, String host, String date, boolean emulated, String status, String message,
                        String precision, double medianMs, double tflops, double gbps, double intensity,
                        double percentOfRoofline, String boundBy, String origin, String manifest) {

    public ReportRow {
        Objects.requireNonNull(caseId, "caseId");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(status, "status");
        model = model == null ? "" : model;
        phase = phase == null ? "" : phase;
        operator = operator == null ? "" : operator;
        family = family == null ? "" : family;
        host = host == null ? "" : host;
        date = date == null ? "" : date;
        message = message == null ? "" : message;
        precision = precision == null ? "" : precision;
        boundBy = boundBy == null ? "" : boundBy;
        origin = origin == null || origin.isEmpty() ? dev.dayzero.bench.results.Origin.MEASURED_HERE : origin;
        manifest = manifest == null ? "" : manifest;
    }

    /** A row measured here, not checked against a manifest. */
    public ReportRow(String caseId, String model, String phase, String operator, String family, int batch,
                     String device, String host, String date, boolean emulated, String status, String message,
                     String precision, double medianMs, double tflops, double gbps, double intensity,
                     double percentOfRoofline, String boundBy) {
        this(caseId, model, phase, operator, family, batch, device, host, date, emulated, status, message, precision,
                medianMs, tflops, gbps, intensity, percentOfRoofline, boundBy, null, null);
    }

    /** True when the case was timed. */
    public boolean timed() {
        return !Double.isNaN(medianMs);
    }
}
