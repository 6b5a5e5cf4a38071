package dev.dayzero.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.bench.chips.ChipTable;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * report.html in a real browser: headless Chromium (Debian's package, which .ci/run installs) loads the
 * page; the page's own check script records how many images decoded and whether any script failed, which
 * {@code --dump-dom} reads back; Chromium's console log must stay empty; a screenshot must be drawn.
 */
class ReportBrowserTest {
    private static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu",
            "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--hide-scrollbars");

    @Test
    void chromiumRendersEveryChartWithoutConsoleErrors(@TempDir Path dir) throws Exception {
        Optional<String> chromium = chromium();
        Assumptions.assumeTrue(chromium.isPresent(), "Chromium is not installed (apt-get install chromium; .ci/run does)");
        ReportWriter.Written w = ReportWriter.write(ReportWriterTest.fixture(), ChipTable.defaults(), dir.resolve("report"));
        String url = w.html().toUri().toString();

        Result dom = run(chromium.get(), dir, List.of("--enable-logging=stderr", "--v=0", "--dump-dom", url));
        Matcher body = Pattern.compile("<body[^>]*data-images=\"(\\d+)\"[^>]*data-images-decoded=\"(\\d+)\"[^>]*"
                + "data-script-errors=\"(\\d+)\"").matcher(dom.stdout());
        assertTrue(body.find(), "the page's check script ran: " + dom.stdout().substring(0, Math.min(400, dom.stdout().length())));
        int images = Integer.parseInt(body.group(1));
        assertEquals(w.charts().size(), images);
        assertEquals(images, Integer.parseInt(body.group(2)), "every chart image decoded with a non-zero size");
        assertEquals(0, Integer.parseInt(body.group(3)), "no script errors");
        List<String> console = dom.stderr().lines().filter(l -> l.contains(":CONSOLE")).toList();
        assertEquals(List.of(), console, "nothing logged to the console");

        Path shot = dir.resolve("report.png");
        run(chromium.get(), dir, List.of("--screenshot=" + shot, "--window-size=1280,1800", url));
        BufferedImage img = ImageIO.read(shot.toFile());
        assertTrue(img != null && img.getWidth() == 1280 && img.getHeight() == 1800, "screenshot drawn");
        assertTrue(distinctColours(img) > 20, "the screenshot shows content, not a blank page");
    }

    private record Result(String stdout, String stderr) {
    }

    private static Result run(String chromium, Path dir, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(chromium);
        cmd.addAll(FLAGS);
        cmd.add("--user-data-dir=" + dir.resolve("chromium-profile"));
        cmd.addAll(args);
        Path out = dir.resolve("chromium.out");
        Path err = dir.resolve("chromium.err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s: " + cmd);
        }
        return new Result(Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static Optional<String> chromium() {
        String env = System.getenv("DAYZERO_CHROMIUM");
        List<String> candidates = new ArrayList<>();
        if (env != null && !env.isBlank()) {
            candidates.add(env);
        }
        candidates.addAll(List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"));
        return candidates.stream().filter(c -> Files.isExecutable(Path.of(c))).findFirst();
    }

    private static int distinctColours(BufferedImage img) {
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 7) {
            for (int x = 0; x < img.getWidth(); x += 7) {
                colours.add(img.getRGB(x, y));
            }
        }
        return colours.size();
    }
}
