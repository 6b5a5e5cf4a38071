package dev.dayzero.bench.report.chart;

import dev.dayzero.bench.report.DeviceRoofs;
import dev.dayzero.bench.report.ReportRow;
import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Grouped horizontal bars, one group per case and one bar per device, for one figure: achieved TFLOP/s,
 * achieved GB/s, or percent of the device's attainable roofline. Every bar in a chart has the same unit.
 * Bars run horizontally so that case labels read without turning the head.
 */
final class BarCharts {
    /** The most case groups in one chart. */
    static final int PER_PAGE = 60;

    /** The figure a bar chart draws. */
    enum Metric {
        TFLOPS("throughput-tflops", "Throughput per case and device (TFLOP/s)", "achieved TFLOP/s",
                "Achieved TFLOP/s: the op's floating-point work ÷ median launch time; higher is better",
                ReportRow::tflops),
        GBPS("throughput-gbps", "Memory throughput per case and device (GB/s)", "achieved GB/s",
                "Achieved GB/s: the op's bytes read and written ÷ median launch time; higher is better",
                ReportRow::gbps),
        PERCENT_OF_ROOFLINE("percent-of-roofline", "Percent of attainable roofline per case and device (%)",
                "% of attainable roofline",
                "Achieved TFLOP/s ÷ min(compute peak, bandwidth × arithmetic intensity); 100 % is the roof",
                ReportRow::percentOfRoofline);

        final String id;
        final String title;
        final String axisLabel;
        final String explanation;
        final ToDoubleFunction<ReportRow> value;

        Metric(String id, String title, String axisLabel, String explanation, ToDoubleFunction<ReportRow> value) {
            this.id = id;
            this.title = title;
            this.axisLabel = axisLabel;
            this.explanation = explanation;
            this.value = value;
        }
    }

    private BarCharts() {
    }

    /** The charts of {@code metric}: none when no row has the figure. */
    static List<DrawnChart> draw(ChartInput in, Metric metric) {
        CaseGrid.Layout<Double> layout = CaseGrid.layout(in.rows(), r -> value(r, metric), BarCharts::median,
                PER_PAGE);
        List<String> devices = in.devices().stream()
                .filter(d -> layout.pages().stream().anyMatch(p -> p.categories().stream()
                        .anyMatch(c -> c.cells().containsKey(d))))
                .toList();
        if (devices.isEmpty()) {
            return List.of();
        }
        List<String> subtitles = new ArrayList<>();
        subtitles.add(metric.explanation);
        if (metric == Metric.PERCENT_OF_ROOFLINE) {
            leftOut(in).ifPresent(subtitles::add);
        }
        if (layout.aggregated()) {
            subtitles.add(layout.cases() + " timed cases are too many for one bar each: each bar is the median over an"
                    + " operator's timed cases (all batch sizes) on that device; per-case figures are in the tables");
        }
        List<DrawnChart> charts = new ArrayList<>();
        for (CaseGrid.Page<Double> page : layout.pages()) {
            String title = metric.title + page.titleSuffix();
            JFreeChart chart = ChartStyle.chart(title, plot(page, devices, in, metric), in, subtitles, true);
            int perCategory = Math.max(22, devices.size() * 9 + 10);
            charts.add(new DrawnChart(metric.id + page.idSuffix(), in.title(title), chart, ChartStyle.WIDTH,
                    ChartStyle.height(200 + 18 * subtitles.size(), page.categories().size(), perCategory)));
        }
        return charts;
    }

    private static Double value(ReportRow r, Metric metric) {
        double v = metric.value.applyAsDouble(r);
        return Double.isFinite(v) && r.timed() ? v : null;
    }

    /** The timed rows with no percentage, and why: the device has no chip-table entry, or no roof for its precision. */
    private static java.util.Optional<String> leftOut(ChartInput in) {
        Set<String> withRoofs = in.roofs().stream().map(DeviceRoofs::device).collect(Collectors.toSet());
        long noEntry = 0;
        long noRoof = 0;
        for (ReportRow r : in.rows()) {
            if (r.timed() && !Double.isFinite(r.percentOfRoofline())) {
                if (withRoofs.contains(r.device())) {
                    noRoof++;
                } else {
                    noEntry++;
                }
            }
        }
        List<String> parts = new ArrayList<>();
        if (noEntry > 0) {
            parts.add(noEntry + (noEntry == 1 ? " timed result" : " timed results")
                    + " left out: no chip-table entry for the device");
        }
        if (noRoof > 0) {
            parts.add(noRoof + (noRoof == 1 ? " timed result" : " timed results")
                    + " left out: no chip-table roof for the case's precision");
        }
        return parts.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(String.join("; ", parts));
    }

    private static CategoryPlot plot(CaseGrid.Page<Double> page, List<String> devices, ChartInput in, Metric metric) {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        for (String device : devices) {
            for (CaseGrid.Category<Double> c : page.categories()) {
                dataset.addValue(c.cells().get(device), device, c.label());
            }
        }
        CategoryAxis domain = new CategoryAxis(null);
        domain.setCategoryMargin(0.25);
        domain.setLowerMargin(0.01);
        domain.setUpperMargin(0.01);
        domain.setMaximumCategoryLabelLines(2);
        domain.setMaximumCategoryLabelWidthRatio(0.3f);
        NumberAxis range = new NumberAxis(metric.axisLabel);
        range.setAutoRangeIncludesZero(true);
        range.setUpperMargin(0.06);
        BarRenderer renderer = new BarRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setDrawBarOutline(false);
        renderer.setItemMargin(0.05);
        renderer.setMaximumBarWidth(0.08);
        for (int i = 0; i < devices.size(); i++) {
            renderer.setSeriesPaint(i, in.colour(devices.get(i)));
        }
        CategoryPlot plot = new CategoryPlot(dataset, domain, range, renderer);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        if (metric == Metric.PERCENT_OF_ROOFLINE) {
            ValueMarker roof = new ValueMarker(100, ChartStyle.MUTED, new BasicStroke(1.2f, BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
            roof.setLabel("roof (100 %)");
            roof.setLabelFont(ChartStyle.TICK);
            roof.setLabelPaint(ChartStyle.MUTED);
            roof.setLabelBackgroundColor(Color.WHITE);
            roof.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
            roof.setLabelTextAnchor(TextAnchor.TOP_LEFT);
            plot.addRangeMarker(roof, Layer.FOREGROUND);
            double max = page.categories().stream().flatMap(c -> c.cells().values().stream())
                    .mapToDouble(Double::doubleValue).max().orElse(0);
            range.setRange(0, Math.max(110, max * 1.06));
        }
        return plot;
    }

    /** The median of {@code values}; the value itself for one value (the per-case chart). */
    static Double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
