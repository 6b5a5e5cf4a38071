package dev.dayzero.bench.report.chart;

import dev.dayzero.bench.report.ReportData;
import java.awt.Rectangle;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.svg.SVGGraphics2D;

/**
 * The report's charts, each written as PNG and SVG: throughput (TFLOP/s, GB/s), percent of roofline, the support
 * matrix, a roofline per device and scaling with batch size. Emulated results are never drawn beside real ones
 * (see {@link ChartInput}); the support matrix shows them, their columns marked emulated. Bar charts and the matrix hold at most 60 and 80 cases; more are split by operator
 * family into numbered files, and past six files per kind they show one row per operator instead of per case.
 * Rendering needs no display: {@code java.awt.headless} is set to true unless it was set already.
 */
public final class Charts {

    private Charts() {
    }

    /** Renders every chart that applies to the data into dir (created), PNG and SVG each; returns them in a stable order. */
    public static List<ChartFile> render(ReportData data, Path dir) throws IOException {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        Files.createDirectories(dir);
        ChartInput in = ChartInput.of(data);
        List<DrawnChart> drawn = new ArrayList<>();
        drawn.addAll(BarCharts.draw(in, BarCharts.Metric.TFLOPS));
        drawn.addAll(BarCharts.draw(in, BarCharts.Metric.GBPS));
        drawn.addAll(BarCharts.draw(in, BarCharts.Metric.PERCENT_OF_ROOFLINE));
        drawn.addAll(SupportMatrixChart.draw(ChartInput.forSupport(data))); // emulated devices too, marked
        drawn.addAll(RooflineChart.draw(in));
        drawn.addAll(ScalingChart.draw(in));
        List<ChartFile> files = new ArrayList<>();
        for (DrawnChart d : drawn) {
            files.add(write(d, dir));
        }
        return List.copyOf(files);
    }

    static ChartFile write(DrawnChart d, Path dir) throws IOException {
        Path png = dir.resolve(d.id() + ".png");
        Path svg = dir.resolve(d.id() + ".svg");
        try (OutputStream out = Files.newOutputStream(png)) {
            ChartUtils.writeChartAsPNG(out, d.chart(), d.width(), d.height());
        }
        SVGGraphics2D g2 = new SVGGraphics2D(d.width(), d.height());
        d.chart().draw(g2, new Rectangle(0, 0, d.width(), d.height()));
        Files.writeString(svg, g2.getSVGDocument(), StandardCharsets.UTF_8);
        return new ChartFile(d.id(), d.title(), png, svg, d.width(), d.height());
    }
}
