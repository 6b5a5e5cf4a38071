package dev.dayzero.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The project's Markdown (README.md, every module's README.md, docs/) stands alone: each relative link names a file
 * or folder of this checkout, and none sends the reader outside it.
 */
class DocsLinksTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** An inline Markdown link or image target: {@code ](target)} or {@code ](target "title")}. */
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");

    @Test
    void everyRelativeLinkNamesAFileOfThisCheckout() throws IOException {
        List<Path> pages = pages();
        assertTrue(pages.size() >= 5, "expected README.md, module READMEs and docs/: " + pages);
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path page : pages) {
            for (String target : links(Files.readString(page))) {
                if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") || target.startsWith("#")) {
                    continue; // http:, https:, mailto:, or an anchor in the same page
                }
                String file = target.replaceFirst("#.*$", "");
                Path resolved = page.getParent().resolve(file).normalize();
                checked++;
                if (!resolved.startsWith(ROOT)) {
                    broken.add(ROOT.relativize(page) + ": " + target + " (outside the checkout)");
                } else if (!Files.exists(resolved)) {
                    broken.add(ROOT.relativize(page) + ": " + target + " (no such file)");
                }
            }
        }
        assertTrue(checked > 20, "too few relative links found (" + checked + "): is the link pattern right?");
        assertEquals(List.of(), broken);
    }

    @Test
    void theLinkPatternFindsInlineLinksAndImages() {
        assertEquals(List.of("docs/a.md", "img/x.svg", "b.md#part", "https://x.org"),
                links("see [a](docs/a.md), ![chart](img/x.svg \"t\"), [b](b.md#part) and [x](https://x.org)"));
    }

    private static List<String> links(String markdown) {
        List<String> out = new ArrayList<>();
        Matcher m = LINK.matcher(markdown);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>();
        pages.add(ROOT.resolve("README.md"));
        try (Stream<Path> top = Files.list(ROOT)) { // each module's (and results/'s) README.md
            top.sorted().map(d -> d.resolve("README.md")).filter(Files::isRegularFile).forEach(pages::add);
        }
        Path reference = ROOT.resolve("results/reference/README.md");
        if (Files.isRegularFile(reference)) {
            pages.add(reference);
        }
        try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }
}
