package dev.dayzero.bench.report;

import java.util.List;
import java.util.Locale;

/** {@code summary.csv}: one row per case × device with the headline numbers (RFC 4180 quoting). */
public final class CsvWriter {
    static final List<String> HEADER = List.of("case_id", "model", "phase", "operator", "family", "batch", "device",
            "host", "date", "origin", "manifest", "emulated", "status", "precision", "median_ms", "tflops", "gbps", "flop_per_byte",
            "percent_of_roofline", "bound_by", "message");

    private CsvWriter() {
    }

    public static String render(List<ReportRow> rows) {
        StringBuilder sb = new StringBuilder();
        line(sb, HEADER);
        for (ReportRow r : rows) {
            line(sb, List.of(r.caseId(), r.model(), r.phase(), r.operator(), r.family(),
                    r.batch() < 0 ? "" : String.valueOf(r.batch()), r.device(), r.host(), r.date(),
                    r.origin(), r.manifest(), String.valueOf(r.emulated()), r.status(), r.precision(), num(r.medianMs()), num(r.tflops()),
                    num(r.gbps()), num(r.intensity()), num(r.percentOfRoofline()), r.boundBy(), r.message()));
        }
        return sb.toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }

    private static void line(StringBuilder sb, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            String c = cells.get(i);
            if (c.indexOf(',') >= 0 || c.indexOf('"') >= 0 || c.indexOf('\n') >= 0 || c.indexOf('\r') >= 0) {
                sb.append('"').append(c.replace("\"", "\"\"")).append('"');
            } else {
                sb.append(c);
            }
        }
        sb.append("\r\n");
    }
}
