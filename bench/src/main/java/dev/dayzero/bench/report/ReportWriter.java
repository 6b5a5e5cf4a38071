package dev.dayzero.bench.report;

import dev.dayzero.bench.chips.ChipTable;
import dev.dayzero.bench.report.chart.ChartFile;
import dev.dayzero.bench.report.chart.Charts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a report for one or more results files: {@code report.md}, {@code report.html} (self-contained),
 * {@code charts/} (PNG and SVG) and {@code summary.csv}. Each file is written to a temporary name and
 * renamed, so a reader never sees half a report.
 */
public final class ReportWriter {
    private ReportWriter() {
    }

    /**
     * What was written; {@code shardNotes} are {@link ShardFold}'s lines (missing shards and cases, shards of different
     * plans), each also in the report.
     */
    public record Written(Path dir, Path markdown, Path html, Path csv, List<ChartFile> charts, int rows,
                          List<String> shardNotes) {
        public Written {
            shardNotes = shardNotes == null ? List.of() : List.copyOf(shardNotes);
        }

        public Written(Path dir, Path markdown, Path html, Path csv, List<ChartFile> charts, int rows) {
            this(dir, markdown, html, csv, charts, rows, List.of());
        }
    }

    /** Writes the report of {@code runs}, the shards among them folded first ({@link ShardFold}). */
    public static Written write(List<LoadedRun> runs, ChipTable chips, Path dir) throws IOException {
        Files.createDirectories(dir);
        ShardFold.Result folded = ShardFold.fold(runs);
        ReportData data = ReportBuilder.build(folded.runs(), chips);
        List<ChartFile> charts = Charts.render(data, dir.resolve("charts"));
        List<Doc> doc = new ArrayList<>(ReportDocument.build(data, runs, charts, dir));
        int at = 0;
        while (at < doc.size() && !(doc.get(at) instanceof Doc.Heading h && h.level() == 2)) {
            at++;
        }
        doc.addAll(at, ShardFold.section(folded)); // before the support matrix
        ProjectionSection.Result steps = ProjectionSection.build(data, folded.runs(), dir.resolve("charts"));
        if (!steps.docs().isEmpty()) {
            int after = indexOfHeading(doc, "headline");
            int next = after + 1;
            while (next < doc.size() && !(doc.get(next) instanceof Doc.Heading h && h.level() <= 2)) {
                next++;
            }
            doc.addAll(after < 0 ? doc.size() : next, steps.docs()); // after the headline figures
            charts = new ArrayList<>(charts);
            charts.addAll(steps.charts());
        }
        Path md = atomically(dir.resolve("report.md"), MarkdownWriter.render(doc));
        String title = doc.get(0) instanceof Doc.Heading h ? h.text() : "Dayzero report";
        Path html = atomically(dir.resolve("report.html"), HtmlWriter.render(title, doc, dir));
        Path csv = atomically(dir.resolve("summary.csv"), CsvWriter.render(data.rows()));
        return new Written(dir, md, html, csv, charts, data.rows().size(), folded.notes());
    }

    private static int indexOfHeading(List<Doc> doc, String anchor) {
        for (int i = 0; i < doc.size(); i++) {
            if (doc.get(i) instanceof Doc.Heading h && h.anchor().equals(anchor)) {
                return i;
            }
        }
        return -1;
    }

    private static Path atomically(Path target, String content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        return Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
