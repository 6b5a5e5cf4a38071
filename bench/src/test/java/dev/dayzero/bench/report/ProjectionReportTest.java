package dev.dayzero.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.bench.measure.Stats;
import dev.dayzero.bench.measure.Timing;
import dev.dayzero.bench.report.chart.ChartFile;
import dev.dayzero.bench.results.CaseRecord;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.DeviceInfo;
import dev.dayzero.hal.op.GemmSpec;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report's projected-step section on hand-made records of a preset's steps (so the memory fit is recomputed from
 * the step ids): one projected device over two batches, one blocked by an unsupported case, one emulated.
 */
class ProjectionReportTest {
    @TempDir
    Path dir;

    private static final String B8 = "qwen3-235b-a22b/decode/b8/ctx4096/tp8-ep1/uniform";
    private static final String B16 = "qwen3-235b-a22b/decode/b16/ctx4096/tp8-ep1/uniform";
    private static final OpSpec QKV = GemmSpec.of(GemmSpec.Type.BF16, 8, 1280, 4096);
    private static final OpSpec QUANT = new QuantizeSpec(8, 4096, DType.BF16, DType.F8_E4M3FN,
            QuantizeSpec.perGroup(128), DType.F32);

    private static CaseRecord rec(String step, String op, OpSpec spec, DeviceInfo d, String status, double ms,
                                  int runs) {
        CaseRecord.Builder b = CaseRecord.builder(step + "/" + op, spec, d.backendId())
                .workload("qwen3-235b-a22b", "decode", op, "test", 1).device(d.ordinal(), d.name(), d.emulated())
                .status(status, "").runsPerStep(runs);
        if (!Double.isNaN(ms)) {
            b.timing(new Timing(Timing.DEVICE_EVENTS, false, 0, false, 3, 0, List.of(ms, ms, ms), Stats.of(ms, ms, ms),
                    "test", 3 * ms, List.of()), null);
        }
        return b.build();
    }

    @Test
    void sectionTablesFitsAndOneStackedChartForTheProjectedDevice() throws Exception {
        List<CaseRecord> cases = new ArrayList<>();
        DeviceInfo h100 = ReportFixtures.H100;
        // projected: b8 = 0.02 x 94 + 0.005 x 94 = 2.35 ms, b16 = 0.03 x 94 + 0.005 x 94 = 3.29 ms
        cases.add(rec(B8, "gemm-qkv", QKV, h100, "passed", 0.02, 94));
        cases.add(rec(B8, "quantize-x", QUANT, h100, "passed", 0.005, 94));
        cases.add(rec(B16, "gemm-qkv", QKV, h100, "passed", 0.03, 94));
        cases.add(rec(B16, "quantize-x", QUANT, h100, "passed", 0.005, 94));
        DeviceInfo mystery = ReportFixtures.MYSTERY;
        cases.add(rec(B8, "gemm-qkv", QKV, mystery, "passed", 0.02, 94));
        cases.add(rec(B8, "quantize-x", QUANT, mystery, "unsupported", Double.NaN, 94));
        DeviceInfo emu = ReportFixtures.DOUBLE;
        cases.add(rec(B8, "gemm-qkv", QKV, emu, "passed", 0.02, 94));
        LoadedRun run = ReportFixtures.run("hostA", "2026-12-01T10:00:00Z", List.of(h100, mystery, emu), cases);
        ReportWriter.Written w = ReportWriter.write(List.of(run), dev.dayzero.bench.chips.ChipTable.defaults(), dir);
        String md = Files.readString(w.markdown());
        assertTrue(md.contains("## Projected decode step"), md);
        assertTrue(md.indexOf("## Projected decode step") > md.indexOf("## Headline figures"), "after the headline");
        assertTrue(md.contains("not an end-to-end measurement"), md);
        assertTrue(md.contains("### Step " + B8) && md.contains("### Step " + B16), md);
        // the projected device: 2.350 ms, 8 / 2.35 ms = 3404.3 tok/s a rank, tp8-ep1 has 1 dp rank
        assertTrue(md.contains("| projected | 2.350 | 3404.3 | 3404.3 (x1) | 1.880 | 0.470 |"), md);
        // the blocked device names the operator; the emulated one has no projection
        assertTrue(md.contains("| blocked | – | – | – | – | – | – | quantize-x (unsupported) |"), md);
        assertTrue(md.contains("[emulated] | emulated |"), md);
        // memory fit recomputed from the preset (MemoryFitTest derives 60,535,078,912 B = 56.4 GiB at b8):
        // 80 GiB - 56.38 GiB = 23.6 GiB to spare; the 1 GiB mystery chip is 55.4 GiB short
        assertTrue(md.contains("56.4 GiB of 80.0 GiB: fits with 23.6 GiB to spare"), md);
        assertTrue(md.contains("does not fit by 55.4 GiB"), md);
        assertTrue(md.contains("weights: routed experts"), md);
        // one chart, for the projected device; blocked and emulated devices have no bars
        List<ChartFile> steps = w.charts().stream().filter(c -> c.id().startsWith("projected-step")).toList();
        assertEquals(1, steps.size(), w.charts().toString());
        ChartFile c = steps.get(0);
        BufferedImage png = ImageIO.read(c.png().toFile());
        assertEquals(c.width(), png.getWidth());
        assertEquals(c.height(), png.getHeight());
        assertFalse(isBlank(png), "the PNG has drawing on it");
        String svg = Files.readString(c.svg());
        assertTrue(svg.startsWith("<?xml") || svg.contains("<svg"), svg.substring(0, 80));
        assertTrue(svg.contains("Projected decode step") && svg.contains("gemm") && svg.contains("quantize")
                && svg.contains("b16") && svg.contains("batch"), "titles, families and the batch axis are drawn");
        String html = Files.readString(w.html());
        assertTrue(html.contains("Projected decode step"), "the HTML has the section");
    }

    private static boolean isBlank(BufferedImage img) {
        int first = img.getRGB(0, 0);
        for (int y = 0; y < img.getHeight(); y += 7) {
            for (int x = 0; x < img.getWidth(); x += 7) {
                if (img.getRGB(x, y) != first) {
                    return false;
                }
            }
        }
        return true;
    }
}
