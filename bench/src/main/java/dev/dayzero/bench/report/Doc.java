package dev.dayzero.bench.report;

import java.util.List;

/**
 * The report as a format-free document: headings, paragraphs, tables and charts. One builder makes it;
 * {@link MarkdownWriter} and {@link HtmlWriter} render it, so the two formats never drift apart.
 */
public sealed interface Doc {

    /** A heading of {@code level} 1 to 3; {@code anchor} is a stable id for links. */
    record Heading(int level, String text, String anchor) implements Doc {
    }

    /** A paragraph of plain text (no markup). */
    record Paragraph(String text) implements Doc {
    }

    /** A bulleted list of plain-text items. */
    record Bullets(List<String> items) implements Doc {
        public Bullets {
            items = List.copyOf(items);
        }
    }

    /**
     * A table. {@code cellClasses}, where not empty, gives a CSS class per cell (the HTML colours support
     * statuses by it; Markdown ignores it).
     */
    record Table(List<String> headers, List<List<String>> rows, List<List<String>> cellClasses) implements Doc {
        public Table {
            headers = List.copyOf(headers);
            rows = rows.stream().map(List::copyOf).toList();
            cellClasses = cellClasses.stream().map(List::copyOf).toList();
        }

        public static Table of(List<String> headers, List<List<String>> rows) {
            return new Table(headers, rows, List.of());
        }
    }

    /** A chart: its title, and its PNG and SVG files relative to the report directory. */
    record Chart(String title, String png, String svg) implements Doc {
    }
}
