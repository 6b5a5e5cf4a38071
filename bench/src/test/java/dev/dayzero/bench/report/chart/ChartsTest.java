package dev.dayzero.bench.report.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.bench.report.ReportData;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

class ChartsTest {
    @TempDir
    Path dir;

    @Test
    void mixedDataDrawsSpeedChartsWithRealDevicesOnlyAndTheMatrixWithAll() throws Exception {
        List<ChartFile> files = Charts.render(Fixtures.mixed(), dir);

        assertEquals(List.of("throughput-tflops", "throughput-gbps", "percent-of-roofline", "support-matrix",
                        "roofline-cuda-0-nvidia-h100-80gb-hbm3-hosta-2025-05-01-09-00",
                        "roofline-cuda-0-nvidia-h100-80gb-hbm3-hostb-2025-05-02-14-30", "scaling-tflops"),
                files.stream().map(ChartFile::id).toList());
        for (ChartFile f : files) {
            assertValid(f);
            String text = svgText(f.svg());
            if (f.id().startsWith("support-matrix")) { // support and crashes are no speed: emulated devices stay, marked
                assertTrue(text.contains(ChartInput.EMULATED_COLUMN.strip()), f.id() + " marks the emulated column");
                continue;
            }
            assertFalse(text.contains(Fixtures.FAKE), f.id() + " draws the test double beside real devices");
            assertTrue(text.contains("Emulated / test-double results left out"), f.id() + " says what was left out");
            assertTrue(text.contains(Fixtures.FOOTER), f.id() + " has the provenance footer");
            assertFalse(f.title().contains(ChartInput.EMULATED), f.id());
        }
    }

    @Test
    void sameDeviceInTwoRunsIsTwoSeries() throws Exception {
        ChartFile tflops = Charts.render(Fixtures.real(1, 8), dir).get(0);

        String text = svgText(tflops.svg());
        assertTrue(text.contains(Fixtures.H100_A) && text.contains(Fixtures.H100_B) && text.contains(Fixtures.ASCEND),
                "each device label is its own legend entry");
        assertTrue(text.contains("mla-decode-bf16 b8"), "short case labels");
    }

    @Test
    void percentChartSaysWhichRowsHaveNoChipTableEntry() throws Exception {
        ChartFile percent = Charts.render(Fixtures.real(1, 8), dir).stream()
                .filter(f -> f.id().equals("percent-of-roofline")).findFirst().orElseThrow();

        // the Ascend has a timed mla-decode case at each of the two batch sizes and no chip-table entry
        assertTrue(svgText(percent.svg()).contains("2 timed results left out: no chip-table entry for the device"));
        assertFalse(svgText(percent.svg()).contains(Fixtures.ASCEND), "no Ascend bars");
    }

    @Test
    void emulatedOnlyDataIsDrawnAndMarkedInEveryTitle() throws Exception {
        List<ChartFile> files = Charts.render(Fixtures.emulatedOnly(), dir);

        assertTrue(files.stream().anyMatch(f -> f.id().startsWith("roofline-fake-0")));
        for (ChartFile f : files) {
            assertValid(f);
            assertTrue(f.title().contains(ChartInput.EMULATED), f.id());
            assertTrue(svgText(f.svg()).contains("EMULATED / TEST DOUBLE"), f.id() + " draws the mark");
            assertTrue(svgText(f.svg()).contains(Fixtures.FAKE), f.id() + " draws the test double");
        }
    }

    @Test
    void noScalingChartWithOneBatchSize() throws Exception {
        List<String> ids = Charts.render(Fixtures.real(8), dir).stream().map(ChartFile::id).toList();

        assertTrue(ids.contains("throughput-tflops"));
        assertFalse(ids.stream().anyMatch(id -> id.startsWith("scaling")), ids.toString());
        assertFalse(Files.exists(dir.resolve("scaling-tflops.png")));
    }

    @Test
    void noRowsNoCharts() throws Exception {
        assertEquals(List.of(), Charts.render(new ReportData(List.of(), List.of(), ""), dir));
    }

    private static void assertValid(ChartFile f) throws Exception {
        assertTrue(Files.size(f.png()) > 0 && Files.size(f.svg()) > 0, f.id());
        BufferedImage image = ImageIO.read(f.png().toFile());
        assertNotNull(image, f.id() + " is a PNG");
        assertEquals(f.width(), image.getWidth(), f.id());
        assertEquals(f.height(), image.getHeight(), f.id());
        Element svg = parse(f.svg());
        assertEquals("svg", svg.getTagName(), f.id());
        assertEquals(f.width(), (int) Double.parseDouble(svg.getAttribute("width")), f.id());
        assertEquals(f.height(), (int) Double.parseDouble(svg.getAttribute("height")), f.id());
    }

    private static Element parse(Path svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        DocumentBuilder builder = factory.newDocumentBuilder();
        return builder.parse(svg.toFile()).getDocumentElement();
    }

    private static String svgText(Path svg) throws Exception {
        return parse(svg).getTextContent();
    }
}
