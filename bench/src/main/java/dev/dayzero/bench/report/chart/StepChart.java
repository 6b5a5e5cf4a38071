package dev.dayzero.bench.report.chart;

import dev.dayzero.bench.report.ReportData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.StackedBarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The projected decode step of one device as a stacked bar chart: one bar a step (labelled by its batch when the
 * device's steps differ only in batch), one stack a family (attention, indexer, MoE GEMM, dense GEMM, quantize,
 * cache write), milliseconds on the value axis. Only projected steps are drawn: a blocked or emulated device has
 * no bar. Its title says it is a sum of isolated operator times.
 */
public final class StepChart {
    /** File id prefix: {@code projected-step-<device>}. */
    public static final String ID = "projected-step";

    private StepChart() {
    }

    /**
     * One bar: its label and its milliseconds by family.
     *
     * @param label      the axis label ({@code b8}, or the step without the model)
     * @param msByFamily milliseconds by family
     */
    public record Bar(String label, Map<String, Double> msByFamily) {
        public Bar {
            Objects.requireNonNull(label, "label");
            msByFamily = Map.copyOf(msByFamily);
        }
    }

    /** Renders one chart a device (key: its label) into {@code dir}, PNG and SVG; devices without bars get none. */
    public static List<ChartFile> render(ReportData data, Map<String, List<Bar>> byDevice, Path dir)
            throws IOException {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        List<ChartFile> out = new ArrayList<>();
        ChartInput in = ChartInput.of(data);
        for (Map.Entry<String, List<Bar>> e : byDevice.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            Files.createDirectories(dir);
            out.add(Charts.write(draw(e.getKey(), e.getValue(), in), dir));
        }
        return out;
    }

    static DrawnChart draw(String device, List<Bar> bars, ChartInput in) {
        Set<String> families = new LinkedHashSet<>();
        bars.forEach(b -> families.addAll(new java.util.TreeSet<>(b.msByFamily().keySet())));
        DefaultCategoryDataset ds = new DefaultCategoryDataset();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (Bar b : bars) {
            int n = seen.merge(b.label(), 1, Integer::sum);
            String label = n == 1 ? b.label() : b.label() + " (" + n + ")";
            for (String f : families) {
                ds.addValue(b.msByFamily().getOrDefault(f, 0.0), f, label);
            }
        }
        CategoryAxis x = new CategoryAxis(bars.stream().allMatch(b -> b.label().matches("b\\d+"))
                ? "batch (sequences a data-parallel rank)" : "step");
        NumberAxis y = new NumberAxis("projected step, ms");
        StackedBarRenderer r = new StackedBarRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setMaximumBarWidth(0.12);
        int i = 0;
        for (String ignored : families) {
            r.setSeriesPaint(i, ChartStyle.SERIES_PALETTE.get(i % ChartStyle.SERIES_PALETTE.size()));
            i++;
        }
        r.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", new java.text.DecimalFormat("0.00")));
        r.setDefaultItemLabelsVisible(false);
        CategoryPlot plot = new CategoryPlot(ds, x, y, r);
        plot.setOrientation(PlotOrientation.VERTICAL);
        String title = "Projected decode step: " + device;
        var chart = ChartStyle.chart(title, plot, in, List.of("A sum of isolated operator times (median x runs a step),"
                + " not an end-to-end measurement; leaves out all-to-all, all-reduce, norms, RoPE, activations,"
                + " sampling, launch gaps, overlap"), true);
        return new DrawnChart(ID + "-" + ChartStyle.slug(device), title, chart, ChartStyle.WIDTH,
                ChartStyle.MIN_HEIGHT);
    }
}
