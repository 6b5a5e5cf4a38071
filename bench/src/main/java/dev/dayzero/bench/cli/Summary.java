package dev.dayzero.bench.cli;

import dev.dayzero.bench.model.LeftOut;
import dev.dayzero.bench.report.Numbers;
import dev.dayzero.bench.results.CaseRecord;
import dev.dayzero.bench.worker.RunOutcome;
import dev.dayzero.tck.CaseStatus;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The text summary at the end of a run: the support matrix (cases × devices, each cell the status and,
 * where timed, the headline figure) and the operators the model has that the run left out.
 */
final class Summary {
    private Summary() {
    }

    static void print(PrintWriter out, RunOutcome outcome, List<LeftOut> leftOut) {
        Map<String, Map<String, CaseRecord>> byCase = new LinkedHashMap<>();
        Set<String> columns = new LinkedHashSet<>();
        for (CaseRecord r : outcome.records()) {
            String column = r.backend() + (r.deviceOrdinal() > 0 ? ":" + r.deviceOrdinal() : "")
                    + (r.emulated() ? " [emulated]" : "");
            columns.add(column);
            byCase.computeIfAbsent(r.caseId(), k -> new LinkedHashMap<>()).put(column, r);
        }
        int idWidth = Math.max(10, byCase.keySet().stream().mapToInt(String::length).max().orElse(10));
        idWidth = Math.min(idWidth, 90);
        int cellWidth = 44;
        out.println();
        out.println("Support matrix (status; median time and throughput where timed):");
        StringBuilder header = new StringBuilder(pad("case", idWidth));
        for (String c : columns) {
            header.append("  ").append(pad(c, cellWidth));
        }
        out.println(header.toString().stripTrailing());
        for (Map.Entry<String, Map<String, CaseRecord>> e : byCase.entrySet()) {
            StringBuilder line = new StringBuilder(pad(shorten(e.getKey(), idWidth), idWidth));
            for (String c : columns) {
                CaseRecord r = e.getValue().get(c);
                line.append("  ").append(pad(r == null ? "-" : cell(r), cellWidth));
            }
            out.println(line.toString().stripTrailing());
        }
        out.println();
        List<String> counts = new ArrayList<>();
        outcome.countsByStatus().forEach((status, n) -> counts.add(n + " " + status));
        out.println("Cases: " + String.join(", ", counts)
                + (outcome.skipped() > 0 ? " (" + outcome.skipped() + " finished earlier, resumed)" : ""));
        for (CaseRecord r : outcome.records()) {
            boolean bad = r.caseStatus().map(s -> !s.isPass() && s != CaseStatus.UNSUPPORTED).orElse(false);
            if (bad) {
                out.println("  " + r.backend() + " " + r.caseId() + ": " + r.status() + ": " + shorten(r.message(), 200));
            }
        }
        if (!leftOut.isEmpty()) {
            out.println("Left out (the model has these operators; this run does not map them):");
            for (LeftOut l : leftOut) {
                out.println("  " + l.operator() + ": " + l.reason());
            }
        }
    }

    private static String cell(CaseRecord r) {
        StringBuilder s = new StringBuilder(r.status());
        if (r.derived() != null) {
            s.append(' ').append(time(r.derived().medianMs())).append(' ').append(Numbers.sig3(r.derived().tflops()))
                    .append("TF/s ").append(Numbers.sig3(r.derived().gbps())).append("GB/s");
        }
        return s.toString();
    }

    private static String time(double ms) {
        return ms >= 1 ? String.format(Locale.ROOT, "%.2fms", ms) : String.format(Locale.ROOT, "%.1fus", ms * 1000);
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    private static String shorten(String s, int width) {
        return s.length() <= width ? s : "…" + s.substring(s.length() - width + 1);
    }
}
