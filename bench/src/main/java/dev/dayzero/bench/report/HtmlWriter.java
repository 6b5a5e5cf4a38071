package dev.dayzero.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

/**
 * Renders a {@link Doc} list as one self-contained HTML page: inline CSS, charts embedded as PNG data
 * URIs (with a link to the SVG beside the report). A small inline script records, in the page's own
 * {@code data-} attributes, whether every chart image decoded and whether any script error occurred, so a
 * headless browser can check the page ({@code --dump-dom}) without tooling of its own.
 */
public final class HtmlWriter {
    private static final String CSS = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:2rem auto;
            max-width:1280px;padding:0 1rem;color:#1d2330;line-height:1.45}
            h1{font-size:1.8rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #dde2ea;
            padding-bottom:.3rem}h3{margin-top:1.6rem}
            table{border-collapse:collapse;margin:1rem 0;font-size:.86rem;width:100%}
            th,td{border:1px solid #dde2ea;padding:.3rem .5rem;text-align:left;vertical-align:top}
            th{background:#f3f5f9;position:sticky;top:0}
            tr:nth-child(even) td{background:#fafbfd}
            td.num{text-align:right;font-variant-numeric:tabular-nums}
            figure{margin:1.5rem 0}figure img{max-width:100%;height:auto;border:1px solid #eef0f4}
            figcaption{font-size:.85rem;color:#5a6478}
            .st-pass{background:#d8f3dc!important}.st-fail{background:#ffd6d6!important}
            .st-error{background:#ffe1c2!important}.st-unsupported{background:#e9ecef!important}
            .st-alt{background:#d0e6ff!important}.st-unavailable{background:#f1f1f1!important;color:#777}
            .st-crash{background:#f4c2f0!important}.st-notchecked{background:#fff7cc!important}
            .emulated{color:#9a3412;font-weight:600}
            ul{padding-left:1.3rem}code{font-size:.85em}
            """;

    private static final String CHECK = """
            (function(){var errs=[];window.addEventListener('error',function(e){errs.push(String(e.message));
            document.body.setAttribute('data-script-errors',String(errs.length));});
            window.addEventListener('load',function(){var imgs=document.images,ok=0;
            for(var i=0;i<imgs.length;i++){if(imgs[i].complete&&imgs[i].naturalWidth>0&&imgs[i].naturalHeight>0)ok++;}
            document.body.setAttribute('data-images',String(imgs.length));
            document.body.setAttribute('data-images-decoded',String(ok));
            document.body.setAttribute('data-script-errors',String(errs.length));});})();
            """;

    private HtmlWriter() {
    }

    /** The page; chart files are read from {@code dir} to embed them. */
    public static String render(String title, List<Doc> doc, Path dir) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(esc(title)).append("</title>\n<style>").append(CSS).append("</style>\n")
                .append("<script>").append(CHECK).append("</script>\n</head>\n<body>\n");
        for (Doc d : doc) {
            if (d instanceof Doc.Heading h) {
                sb.append("<h").append(h.level()).append(" id=\"").append(esc(h.anchor())).append("\">")
                        .append(esc(h.text())).append("</h").append(h.level()).append(">\n");
            } else if (d instanceof Doc.Paragraph p) {
                sb.append("<p>").append(esc(p.text())).append("</p>\n");
            } else if (d instanceof Doc.Bullets b) {
                sb.append("<ul>\n");
                b.items().forEach(i -> sb.append("<li>").append(esc(i)).append("</li>\n"));
                sb.append("</ul>\n");
            } else if (d instanceof Doc.Table t) {
                table(sb, t);
            } else if (d instanceof Doc.Chart c) {
                byte[] png = Files.readAllBytes(dir.resolve(c.png()));
                sb.append("<figure><img alt=\"").append(esc(c.title())).append("\" src=\"data:image/png;base64,")
                        .append(Base64.getEncoder().encodeToString(png)).append("\">")
                        .append("<figcaption>").append(esc(c.title())).append(" — <a href=\"").append(esc(c.svg()))
                        .append("\">SVG</a></figcaption></figure>\n");
            }
        }
        sb.append("</body>\n</html>\n");
        return sb.toString();
    }

    private static void table(StringBuilder sb, Doc.Table t) {
        sb.append("<table>\n<thead><tr>");
        t.headers().forEach(h -> sb.append("<th>").append(esc(h)).append("</th>"));
        sb.append("</tr></thead>\n<tbody>\n");
        for (int r = 0; r < t.rows().size(); r++) {
            List<String> row = t.rows().get(r);
            List<String> classes = r < t.cellClasses().size() ? t.cellClasses().get(r) : List.of();
            sb.append("<tr>");
            for (int c = 0; c < row.size(); c++) {
                String cls = c < classes.size() ? classes.get(c) : "";
                sb.append(cls.isEmpty() ? "<td>" : "<td class=\"" + esc(cls) + "\">").append(esc(row.get(c)))
                        .append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</tbody>\n</table>\n");
    }

    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(ch);
            }
        }
        return out.toString();
    }
}
