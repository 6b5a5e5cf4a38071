package dev.dayzero.bench.report;

import dev.dayzero.bench.projection.MemoryFit;
import dev.dayzero.bench.projection.StepProjection;
import dev.dayzero.bench.report.chart.ChartFile;
import dev.dayzero.bench.report.chart.StepChart;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The report's "Projected decode step" section: per step a table (device, state, step ms, tokens a second a rank and
 * the deployment, ms by family, alternatives, what blocks it, memory fit) with the label and what the projection
 * leaves out, what one device holds, and a stacked bar chart per device. Each run's projections and fits are the ones
 * its {@code results.json} recorded, else recomputed from its cases ({@link MemoryFit#projectionsOf},
 * {@link MemoryFit#fitsOf}).
 */
final class ProjectionSection {
    private ProjectionSection() {
    }

    /** The section's blocks and the charts it drew (none when no run has a decode step). */
    record Result(List<Doc> docs, List<ChartFile> charts) {
    }

    /** One step on one device of one run. */
    private record Entry(StepProjection p, MemoryFit fit) {
        String deviceLabel() {
            return p.device() + (p.deviceName().isEmpty() ? "" : " (" + p.deviceName() + ")")
                    + (p.state() == StepProjection.State.EMULATED ? " [emulated]" : "");
        }
    }

    static Result build(ReportData data, List<LoadedRun> runs, Path chartsDir) throws IOException {
        Map<String, List<Entry>> bySteps = new LinkedHashMap<>();
        for (LoadedRun run : runs) {
            List<StepProjection> ps = MemoryFit.projectionsOf(run.file());
            List<MemoryFit> fits = MemoryFit.fitsOf(run.file(), ps);
            for (StepProjection p : ps) {
                bySteps.computeIfAbsent(p.step(), k -> new ArrayList<>())
                        .add(new Entry(p, MemoryFit.find(fits, p.step(), p.device()).orElse(null)));
            }
        }
        if (bySteps.isEmpty()) {
            return new Result(List.of(), List.of());
        }
        List<Doc> doc = new ArrayList<>();
        doc.add(new Doc.Heading(2, "Projected decode step", "projected-step"));
        doc.add(new Doc.Paragraph("This is a " + StepProjection.LABEL + ". Per device: step time = the sum over the"
                + " step's cases of median time x runs a step (layers of the case's type x runs a layer, lm_head once);"
                + " tokens a second a data-parallel rank = batch / step time, the deployment's = that x its data-parallel"
                + " ranks. It leaves out " + StepProjection.LEAVES_OUT + ". A case answered alternative-only counts with"
                + " its alternative's time; a failed or unsupported case blocks the device's projection; an emulated"
                + " device gets none (an emulator's time is no chip's speed)."));
        doc.add(new Doc.Paragraph("Memory fit: " + MemoryFit.COUNTS + ". The deployment holds its devices' shards in"
                + " as many devices' memory. An emulated device's fit uses the memory its double reports."));
        Map<String, List<StepChart.Bar>> bars = new LinkedHashMap<>();
        for (Map.Entry<String, List<Entry>> e : bySteps.entrySet()) {
            stepTable(doc, e.getKey(), e.getValue());
            for (Entry en : e.getValue()) {
                List<StepChart.Bar> mine = bars.computeIfAbsent(en.deviceLabel(), k -> new ArrayList<>());
                if (en.p().state() == StepProjection.State.PROJECTED) {
                    mine.add(new StepChart.Bar(barLabel(en.p().step(), bySteps.keySet()), en.p().msByFamily()));
                }
            }
        }
        List<ChartFile> charts = StepChart.render(data, bars, chartsDir);
        for (ChartFile c : charts) {
            doc.add(new Doc.Chart(c.title(), "charts/" + c.png().getFileName(), "charts/" + c.svg().getFileName()));
        }
        return new Result(doc, charts);
    }

    /** {@code b8} when the steps differ only in batch, else the step without its model. */
    static String barLabel(String step, java.util.Set<String> steps) {
        boolean onlyBatch = steps.stream().map(s -> s.replaceAll("/b\\d+/", "/b*/")).distinct().count() == 1;
        if (onlyBatch) {
            for (String part : step.split("/")) {
                if (part.matches("b\\d+")) {
                    return part;
                }
            }
        }
        int slash = step.indexOf('/');
        return slash < 0 ? step : step.substring(slash + 1);
    }

    private static void stepTable(List<Doc> doc, String step, List<Entry> entries) {
        doc.add(new Doc.Heading(3, "Step " + step, "step-" + step.replaceAll("[^a-zA-Z0-9]+", "-")));
        TreeSet<String> families = new TreeSet<>();
        entries.forEach(en -> families.addAll(en.p().msByFamily().keySet()));
        List<String> headers = new ArrayList<>(List.of("device", "state", "step ms", "tok/s a rank",
                "tok/s the deployment"));
        families.forEach(f -> headers.add(f + " ms"));
        headers.addAll(List.of("alternatives", "blocked by", "memory fit"));
        List<List<String>> rows = new ArrayList<>();
        List<List<String>> classes = new ArrayList<>();
        for (Entry en : entries) {
            StepProjection p = en.p();
            boolean projected = p.state() == StepProjection.State.PROJECTED;
            List<String> row = new ArrayList<>();
            row.add(en.deviceLabel());
            row.add(p.state().label());
            row.add(projected ? fmt("%.3f", p.stepMs()) : "–");
            row.add(projected ? fmt("%.1f", p.tokensPerSecondPerRank()) : "–");
            row.add(projected ? fmt("%.1f", p.tokensPerSecondPerDeployment()) + " (x" + p.dpRanks() + ")" : "–");
            for (String f : families) {
                Double ms = p.msByFamily().get(f);
                row.add(ms == null ? "–" : fmt("%.3f", ms));
            }
            row.add(p.alternatives().isEmpty() ? "–" : String.join(", ", p.alternatives()));
            row.add(p.blockedBy().isEmpty() ? "–" : String.join(", ", p.blockedBy()));
            row.add(fitCell(en.fit()));
            rows.add(row);
            List<String> cls = new ArrayList<>();
            row.forEach(c -> cls.add(""));
            cls.set(1, switch (p.state()) {
                case PROJECTED -> StatusGroup.PASSED.cssClass();
                case BLOCKED -> StatusGroup.FAILED.cssClass();
                case EMULATED -> "";
            });
            if (en.fit() != null && en.fit().known()) {
                cls.set(row.size() - 1, en.fit().fits() ? StatusGroup.PASSED.cssClass()
                        : StatusGroup.FAILED.cssClass());
            }
            classes.add(cls);
        }
        doc.add(new Doc.Table(headers, rows, classes));
        entries.stream().map(Entry::fit).filter(f -> f != null).findFirst().ifPresent(f -> holds(doc, f));
    }

    private static String fitCell(MemoryFit f) {
        if (f == null) {
            return "– (the model's config is not in this results file)";
        }
        String mem = f.known() ? " of " + MemoryFit.gib(f.deviceBytes()) : "";
        return MemoryFit.gib(f.weightBytes()) + " weights + " + MemoryFit.gib(f.cacheBytes()) + " KV = "
                + MemoryFit.gib(f.totalBytes()) + mem + ": " + f.verdict() + "; deployment (" + f.devices()
                + (f.devices() == 1 ? " device" : " devices") + "): "
                + f.deploymentVerdict();
    }

    /** What one device holds for the step (the same on every device of the step). */
    private static void holds(List<Doc> doc, MemoryFit f) {
        List<List<String>> rows = new ArrayList<>();
        f.weightsByPart().forEach((k, v) -> rows.add(List.of("weights: " + k, MemoryFit.gib(v))));
        f.cacheByPart().forEach((k, v) -> rows.add(List.of("cache: " + k, MemoryFit.gib(v))));
        rows.add(List.of("total a device", MemoryFit.gib(f.totalBytes())));
        doc.add(Doc.Table.of(List.of("what one device holds", "bytes"), rows));
        List<String> dtypes = new ArrayList<>();
        f.weightsByDtype().forEach((k, v) -> dtypes.add(k + " " + MemoryFit.gib(v)));
        List<String> items = new ArrayList<>();
        items.add("weights by dtype: " + String.join(", ", dtypes));
        items.add("KV cache: " + f.cacheFormat());
        items.addAll(f.notes());
        doc.add(new Doc.Bullets(items));
    }

    private static String fmt(String f, double v) {
        return String.format(Locale.ROOT, f, v);
    }

}
