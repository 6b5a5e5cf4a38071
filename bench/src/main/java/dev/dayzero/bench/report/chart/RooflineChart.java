package dev.dayzero.bench.report.chart;

import dev.dayzero.bench.report.DeviceRoofs;
import dev.dayzero.bench.report.Families;
import dev.dayzero.bench.report.ReportRow;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.util.ShapeUtils;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A roofline per device: arithmetic intensity (FLOP/byte) against achieved TFLOP/s, both on log scales, with the
 * device's bandwidth roof (y = GB/s × x / 1000) and a compute roof for each precision among its cases; one point
 * per timed case, coloured by operator (by operator family when there are more operators than colours).
 */
final class RooflineChart {
    private static final Color ROOF = new Color(0x333333);
    private static final float[] BANDWIDTH_DASH = {8, 4};
    /** Measured roofs drawn beside datasheet ones. */
    private static final Color MEASURED = new Color(0x2a9d8f);
    /** Compute roofs: solid, dotted, dash-dot, long dash (one per precision). */
    private static final float[][] COMPUTE_DASHES = {null, {2, 3}, {10, 3, 2, 3}, {14, 4}};

    private RooflineChart() {
    }

    /** One chart per device with roofs and at least one timed case with a positive intensity and throughput. */
    static List<DrawnChart> draw(ChartInput in) {
        List<DrawnChart> charts = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (DeviceRoofs roofs : in.roofs()) {
            List<ReportRow> points = in.rows().stream()
                    .filter(r -> r.device().equals(roofs.device()) && r.timed() && r.intensity() > 0
                            && r.tflops() > 0 && Double.isFinite(r.intensity()) && Double.isFinite(r.tflops()))
                    .toList();
            if (points.isEmpty()) {
                continue;
            }
            String id = "roofline-" + ChartStyle.slug(roofs.device());
            for (int n = 2; !ids.add(id); n++) {
                id = "roofline-" + ChartStyle.slug(roofs.device()) + "-" + n;
            }
            String title = "Roofline: " + roofs.device();
            List<String> subtitles = new ArrayList<>();
            subtitles.add((roofs.chip().isEmpty() ? "" : roofs.chip() + " · ") + "roofs: "
                    + (roofs.source().isEmpty() ? "chip table" : roofs.source()));
            JFreeChart chart = ChartStyle.chart(title, plot(roofs, points, subtitles), in, subtitles, true);
            charts.add(new DrawnChart(id, in.title(title), chart, ChartStyle.WIDTH, 800));
        }
        return charts;
    }

    private static XYPlot plot(DeviceRoofs roofs, List<ReportRow> points, List<String> subtitles) {
        Map<String, Double> peaks = new LinkedHashMap<>();
        Set<String> precisions = new LinkedHashSet<>();
        points.forEach(r -> precisions.add(r.precision()));
        List<String> noRoof = new ArrayList<>();
        for (String p : precisions) {
            Double peak = roofs.peakTflops().get(p);
            if (peak != null && peak > 0) {
                peaks.put(p, peak);
            } else if (!p.isEmpty()) {
                noRoof.add(p);
            }
        }
        if (!noRoof.isEmpty()) {
            subtitles.add("No compute roof in the chip table for " + String.join(", ", noRoof));
        }
        double bw = roofs.bandwidthGBs();
        boolean hasBandwidth = bw > 0 && Double.isFinite(bw);
        double xMin = Double.MAX_VALUE;
        double xMax = 0;
        double yMin = Double.MAX_VALUE;
        double yMax = 0;
        for (ReportRow r : points) {
            xMin = Math.min(xMin, r.intensity());
            xMax = Math.max(xMax, r.intensity());
            yMin = Math.min(yMin, r.tflops());
            yMax = Math.max(yMax, r.tflops());
        }
        for (double peak : peaks.values()) {
            yMax = Math.max(yMax, peak);
            if (hasBandwidth) {
                double ridge = peak * 1000 / bw;
                xMin = Math.min(xMin, ridge);
                xMax = Math.max(xMax, ridge);
            }
        }
        // whole decades, so that every tick is a power of ten
        xMin = Math.pow(10, Math.floor(Math.log10(xMin / 1.5)));
        xMax = Math.pow(10, Math.ceil(Math.log10(xMax * 1.5)));
        yMin = Math.pow(10, Math.floor(Math.log10(yMin / 1.5)));
        yMax = Math.pow(10, Math.ceil(Math.log10(yMax * 1.5)));

        XYPlot plot = new XYPlot();
        LogAxis x = logAxis("arithmetic intensity (FLOP/byte, log scale)", xMin, xMax);
        LogAxis y = logAxis("achieved TFLOP/s (log scale)", yMin, yMax);
        plot.setDomainAxis(x);
        plot.setRangeAxis(y);

        XYSeriesCollection roofLines = new XYSeriesCollection();
        XYLineAndShapeRenderer roofRenderer = new XYLineAndShapeRenderer(true, false);
        double topPeak = peaks.values().stream().mapToDouble(Double::doubleValue).max().orElse(yMax);
        if (hasBandwidth) {
            XYSeries s = new XYSeries("memory roof " + number(bw) + " GB/s");
            double end = Math.min(xMax, topPeak * 1000 / bw);
            s.add(xMin, bw * xMin / 1000);
            s.add(end, bw * end / 1000);
            roofLines.addSeries(s);
            roofRenderer.setSeriesStroke(0, stroke(BANDWIDTH_DASH, 2f));
            roofRenderer.setSeriesPaint(0, ROOF);
        }
        // precisions with the same peak share one roof line and one label
        Map<Double, List<String>> roofsByPeak = new LinkedHashMap<>();
        peaks.forEach((p, peak) -> roofsByPeak.computeIfAbsent(peak, v -> new ArrayList<>()).add(p));
        int k = 0;
        for (var e : roofsByPeak.entrySet()) {
            double peak = e.getKey();
            String name = String.join(", ", e.getValue());
            double start = hasBandwidth ? Math.max(xMin, peak * 1000 / bw) : xMin;
            XYSeries s = new XYSeries(name + " compute roof " + number(peak) + " TFLOP/s");
            s.add(start, peak);
            s.add(xMax, peak);
            int i = roofLines.getSeriesCount();
            roofLines.addSeries(s);
            roofRenderer.setSeriesStroke(i, stroke(COMPUTE_DASHES[k % COMPUTE_DASHES.length], 2f));
            roofRenderer.setSeriesPaint(i, ROOF);
            XYTextAnnotation label = new XYTextAnnotation(name + " " + number(peak) + " TFLOP/s", xMax / 1.15,
                    peak * 1.1);
            label.setFont(ChartStyle.ANNOTATION);
            label.setPaint(ROOF);
            label.setTextAnchor(TextAnchor.BOTTOM_RIGHT);
            plot.addAnnotation(label);
            k++;
        }
        addMeasuredRoofs(roofs, peaks, roofLines, roofRenderer, xMin, xMax, subtitles);
        int operators = operators(points).size();
        if (operators > ChartStyle.SERIES_PALETTE.size()) {
            subtitles.add("Points coloured by operator family: " + operators + " operators are more than the colours;"
                    + " per-operator figures are in the tables");
        }
        plot.setDataset(0, points(points));
        plot.setRenderer(0, pointRenderer(points));
        plot.setDataset(1, roofLines);
        plot.setRenderer(1, roofRenderer);
        return plot;
    }

    /**
     * The device's measured roofs ({@code dayzero calibrate}) where they are not the ones used (a datasheet figure
     * beat them): a thin line in the measured colour each, so the reader sees both.
     */
    private static void addMeasuredRoofs(DeviceRoofs roofs, Map<String, Double> usedPeaks, XYSeriesCollection lines,
                                         XYLineAndShapeRenderer renderer, double xMin, double xMax,
                                         List<String> subtitles) {
        double bw = roofs.measuredBandwidthGBs();
        List<String> drawn = new ArrayList<>();
        if (bw > 0 && Double.isFinite(bw) && bw != roofs.bandwidthGBs()) {
            XYSeries s = new XYSeries("measured memory roof " + number(bw) + " GB/s");
            s.add(xMin, bw * xMin / 1000);
            s.add(xMax, bw * xMax / 1000);
            int i = lines.getSeriesCount();
            lines.addSeries(s);
            renderer.setSeriesStroke(i, stroke(BANDWIDTH_DASH, 1f));
            renderer.setSeriesPaint(i, MEASURED);
            drawn.add("bandwidth");
        }
        Map<Double, List<String>> byPeak = new LinkedHashMap<>();
        usedPeaks.keySet().forEach(p -> {
            Double m = roofs.measuredPeakTflops().get(p);
            if (m != null && m > 0 && !m.equals(usedPeaks.get(p))) {
                byPeak.computeIfAbsent(m, v -> new ArrayList<>()).add(p);
            }
        });
        byPeak.forEach((peak, ps) -> {
            XYSeries s = new XYSeries("measured " + String.join(", ", ps) + " peak " + number(peak) + " TFLOP/s");
            s.add(xMin, peak);
            s.add(xMax, peak);
            int i = lines.getSeriesCount();
            lines.addSeries(s);
            renderer.setSeriesStroke(i, stroke(null, 1f));
            renderer.setSeriesPaint(i, MEASURED);
            drawn.add(String.join(", ", ps) + " peak");
        });
        if (!drawn.isEmpty()) {
            subtitles.add("Thin lines: measured by dayzero calibrate (" + String.join(", ", drawn)
                    + "), where a datasheet figure is the roof used");
        }
    }

    private static XYSeriesCollection points(List<ReportRow> points) {
        boolean byFamily = operators(points).size() > ChartStyle.SERIES_PALETTE.size();
        Map<String, XYSeries> series = new LinkedHashMap<>();
        for (ReportRow r : points) {
            String key = byFamily ? Families.title(r.family()) : CaseGrid.operator(r);
            series.computeIfAbsent(key, s -> new XYSeries(s, false, true)).add(r.intensity(), r.tflops());
        }
        XYSeriesCollection dataset = new XYSeriesCollection();
        series.values().forEach(dataset::addSeries);
        return dataset;
    }

    private static Set<String> operators(List<ReportRow> points) {
        Set<String> ops = new LinkedHashSet<>();
        points.forEach(r -> ops.add(CaseGrid.operator(r)));
        return ops;
    }

    private static XYLineAndShapeRenderer pointRenderer(List<ReportRow> points) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
        Shape[] shapes = {new Ellipse2D.Double(-5, -5, 10, 10), new Rectangle2D.Double(-4.5, -4.5, 9, 9),
            ShapeUtils.createUpTriangle(5.5f), ShapeUtils.createDiamond(5.5f), ShapeUtils.createDownTriangle(5.5f)};
        int n = Math.min(operators(points).size(), ChartStyle.SERIES_PALETTE.size());
        for (int i = 0; i < n; i++) {
            r.setSeriesPaint(i, ChartStyle.SERIES_PALETTE.get(i));
            r.setSeriesShape(i, shapes[i % shapes.length]);
        }
        r.setUseOutlinePaint(true);
        r.setDefaultOutlinePaint(Color.WHITE);
        r.setDrawOutlines(true);
        return r;
    }

    private static LogAxis logAxis(String label, double lower, double upper) {
        LogAxis axis = new LogAxis(label);
        axis.setSmallestValue(1e-9);
        axis.setNumberFormatOverride(new DecimalFormat("#,##0.####", DecimalFormatSymbols.getInstance(Locale.ROOT)));
        axis.setAutoRange(false);
        axis.setRange(lower / 1.001, upper * 1.001);
        axis.setTickUnit(new NumberTickUnit(1));
        axis.setMinorTickMarksVisible(true);
        return axis;
    }

    private static BasicStroke stroke(float[] dash, float width) {
        return dash == null ? new BasicStroke(width)
                : new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, dash, 0);
    }

    /** A roof figure with at most four significant digits ({@code 989.4}, {@code 3,350}, {@code 0.5}). */
    static String number(double v) {
        java.math.BigDecimal d = new java.math.BigDecimal(v).round(new java.math.MathContext(4));
        return new DecimalFormat("#,##0.###", DecimalFormatSymbols.getInstance(Locale.ROOT)).format(d);
    }
}
