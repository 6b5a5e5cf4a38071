package dev.dayzero.bench.report;

import java.util.List;

/** Renders a {@link Doc} list as GitHub-flavoured Markdown. */
public final class MarkdownWriter {
    private MarkdownWriter() {
    }

    public static String render(List<Doc> doc) {
        StringBuilder sb = new StringBuilder();
        for (Doc d : doc) {
            if (d instanceof Doc.Heading h) {
                sb.append("#".repeat(h.level())).append(' ').append(h.text()).append("\n\n");
            } else if (d instanceof Doc.Paragraph p) {
                sb.append(p.text()).append("\n\n");
            } else if (d instanceof Doc.Bullets b) {
                b.items().forEach(i -> sb.append("- ").append(i).append('\n'));
                sb.append('\n');
            } else if (d instanceof Doc.Table t) {
                row(sb, t.headers());
                sb.append('|');
                t.headers().forEach(x -> sb.append("---|"));
                sb.append('\n');
                t.rows().forEach(r -> row(sb, r));
                sb.append('\n');
            } else if (d instanceof Doc.Chart c) {
                sb.append("![").append(c.title()).append("](").append(c.png()).append(")\n\n")
                        .append("[SVG](").append(c.svg()).append(")\n\n");
            }
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, List<String> cells) {
        sb.append('|');
        for (String c : cells) {
            sb.append(' ').append(c.replace("|", "\\|").replace("\n", " ")).append(" |");
        }
        sb.append('\n');
    }
}
