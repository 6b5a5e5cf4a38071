package dev.dayzero.bench.report.chart;

import dev.dayzero.bench.report.ReportRow;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.annotations.XYTitleAnnotation;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Scaling with batch size: achieved TFLOP/s against batch size (log₂ scale), one panel per operator workload that
 * has at least two batch sizes on one device, one line per device in the device's colour. A workload is a case
 * id with its batch size blanked out, so different contexts or deployments of one operator stay apart.
 */
final class ScalingChart {
    static final String ID = "scaling-tflops";
    /** The most panels (operators) in one chart; more go to numbered charts. */
    static final int PANELS_PER_CHART = 6;

    private ScalingChart() {
    }

    /** The scaling charts: none when no operator has two batch sizes on one device. */
    static List<DrawnChart> draw(ChartInput in) {
        boolean aggregated = false;
        Map<String, ReportRow> first = new HashMap<>();
        Map<String, Map<String, TreeMap<Integer, Double>>> data = series(in.rows(), false, first);
        if (data.size() > PANELS_PER_CHART * CaseGrid.MAX_PAGES) {
            first.clear();
            data = series(in.rows(), true, first);
            aggregated = true;
        }
        if (data.isEmpty()) {
            return List.of();
        }
        Map<String, String> labels = labels(data, first);
        List<String> keys = new ArrayList<>(data.keySet());
        int charts = (keys.size() + PANELS_PER_CHART - 1) / PANELS_PER_CHART;
        List<String> subtitles = List.of(aggregated
                ? "Achieved TFLOP/s at each batch size, one panel per operator: too many workloads for one panel each,"
                        + " so each point is the median over the operator's cases at that batch size"
                : "Achieved TFLOP/s at each batch size, one panel per operator; lines join one device's results");
        List<DrawnChart> out = new ArrayList<>();
        for (int c = 0; c < charts; c++) {
            List<String> part = keys.subList(c * PANELS_PER_CHART, Math.min(keys.size(), (c + 1) * PANELS_PER_CHART));
            String title = "Scaling with batch size (TFLOP/s)"
                    + (charts > 1 ? " — part " + (c + 1) + " of " + charts : "");
            JFreeChart chart = ChartStyle.chart(title, plot(part, data, labels, in), in, subtitles, true);
            out.add(new DrawnChart(ID + (charts > 1 ? "-" + (c + 1) : ""), in.title(title), chart,
                    ChartStyle.WIDTH, ChartStyle.height(220, part.size(), 230)));
        }
        return out;
    }

    /**
     * Workload (or operator, when {@code perOperator}) → device → batch size → TFLOP/s (a median where several
     * cases meet), keeping only workloads with two batch sizes on some device.
     */
    private static Map<String, Map<String, TreeMap<Integer, Double>>> series(List<ReportRow> rows, boolean perOperator,
                                                                            Map<String, ReportRow> first) {
        Map<String, Map<String, TreeMap<Integer, List<Double>>>> raw = new LinkedHashMap<>();
        for (ReportRow r : rows) {
            if (r.batch() > 0 && r.timed() && Double.isFinite(r.tflops())) {
                String key = perOperator ? r.model() + "/" + r.phase() + "/" + CaseGrid.operator(r) : workload(r);
                first.putIfAbsent(key, r);
                raw.computeIfAbsent(key, k -> new LinkedHashMap<>()).computeIfAbsent(r.device(), d -> new TreeMap<>())
                        .computeIfAbsent(r.batch(), b -> new ArrayList<>()).add(r.tflops());
            }
        }
        Map<String, Map<String, TreeMap<Integer, Double>>> data = new LinkedHashMap<>();
        raw.forEach((key, byDevice) -> {
            if (byDevice.values().stream().anyMatch(b -> b.size() >= 2)) {
                Map<String, TreeMap<Integer, Double>> reduced = new LinkedHashMap<>();
                byDevice.forEach((device, byBatch) -> {
                    TreeMap<Integer, Double> points = new TreeMap<>();
                    byBatch.forEach((b, values) -> points.put(b, BarCharts.median(values)));
                    reduced.put(device, points);
                });
                data.put(key, reduced);
            }
        });
        return data;
    }

    private static String workload(ReportRow r) {
        String marker = "/b" + r.batch() + "/";
        return r.caseId().contains(marker) ? r.caseId().replace(marker, "/b*/")
                : r.model() + "/" + r.phase() + "/" + CaseGrid.operator(r);
    }

    private static Map<String, String> labels(Map<String, ?> data, Map<String, ReportRow> first) {
        Map<String, Integer> counts = new HashMap<>();
        data.keySet().forEach(k -> counts.merge(CaseGrid.operator(first.get(k)), 1, Integer::sum));
        Map<String, String> labels = new HashMap<>();
        data.keySet().forEach(k -> {
            String op = CaseGrid.operator(first.get(k));
            labels.put(k, counts.get(op) > 1 ? k : op);
        });
        return labels;
    }

    private static CombinedDomainXYPlot plot(List<String> keys,
                                             Map<String, Map<String, TreeMap<Integer, Double>>> data,
                                             Map<String, String> labels, ChartInput in) {
        int minBatch = Integer.MAX_VALUE;
        int maxBatch = 1;
        Set<String> devices = new LinkedHashSet<>();
        for (String k : keys) {
            for (var e : data.get(k).entrySet()) {
                minBatch = Math.min(minBatch, e.getValue().firstKey());
                maxBatch = Math.max(maxBatch, e.getValue().lastKey());
            }
        }
        List<String> order = in.devices().stream()
                .filter(d -> keys.stream().anyMatch(k -> data.get(k).containsKey(d))).toList();
        devices.addAll(order);
        LogAxis batch = new LogAxis("batch size (log₂ scale)");
        batch.setBase(2);
        batch.setTickUnit(new NumberTickUnit(1));
        batch.setNumberFormatOverride(new DecimalFormat("#,##0", DecimalFormatSymbols.getInstance(Locale.ROOT)));
        batch.setAutoRange(false);
        batch.setRange(minBatch / 1.25, maxBatch * 1.25);
        ChartStyle.axis(batch);
        CombinedDomainXYPlot combined = new CombinedDomainXYPlot(batch);
        combined.setGap(14);
        for (String k : keys) {
            XYSeriesCollection dataset = new XYSeriesCollection();
            XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
            for (String device : devices) {
                TreeMap<Integer, Double> points = data.get(k).get(device);
                if (points != null) {
                    XYSeries s = new XYSeries(device);
                    points.forEach(s::add);
                    int i = dataset.getSeriesCount();
                    dataset.addSeries(s);
                    renderer.setSeriesPaint(i, in.colour(device));
                    renderer.setSeriesStroke(i, new BasicStroke(2.2f));
                    renderer.setSeriesShape(i, new Ellipse2D.Double(-4, -4, 8, 8));
                }
            }
            NumberAxis tflops = new NumberAxis("TFLOP/s");
            tflops.setAutoRangeIncludesZero(true);
            tflops.setUpperMargin(0.22);
            ChartStyle.axis(tflops);
            XYPlot panel = new XYPlot(dataset, null, tflops, renderer);
            panel.setBackgroundPaint(Color.WHITE);
            panel.setOutlinePaint(ChartStyle.GRID);
            panel.setDomainGridlinePaint(ChartStyle.GRID);
            panel.setRangeGridlinePaint(ChartStyle.GRID);
            TextTitle name = new TextTitle(labels.get(k), ChartStyle.ANNOTATION);
            name.setPaint(ChartStyle.TEXT);
            name.setBackgroundPaint(new Color(255, 255, 255, 220));
            panel.addAnnotation(new XYTitleAnnotation(0.01, 0.98, name, RectangleAnchor.TOP_LEFT));
            combined.add(panel);
        }
        LegendItemCollection legend = new LegendItemCollection();
        for (String device : devices) {
            LegendItem item = new LegendItem(device, null, null, null, new Ellipse2D.Double(-5, -5, 10, 10),
                    in.colour(device));
            item.setLabelFont(ChartStyle.LEGEND);
            legend.add(item);
        }
        combined.setFixedLegendItems(legend);
        return combined;
    }
}
