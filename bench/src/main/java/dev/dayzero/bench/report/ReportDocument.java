package dev.dayzero.bench.report;

import dev.dayzero.bench.report.chart.ChartFile;
import dev.dayzero.bench.results.BackendEntry;
import dev.dayzero.bench.results.RunInfo;
import dev.dayzero.hal.DeviceInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The report's content, once, as {@link Doc} blocks: support matrix and headline figures first, then one
 * section per operator family, the charts, and provenance.
 */
final class ReportDocument {
    private ReportDocument() {
    }

    static List<Doc> build(ReportData data, List<LoadedRun> runs, List<ChartFile> charts, Path reportDir) {
        List<Doc> doc = new ArrayList<>();
        Set<String> models = new LinkedHashSet<>();
        List<String> devices = devices(data);
        data.rows().forEach(r -> models.add(r.model()));
        doc.add(new Doc.Heading(1, "Dayzero report: " + String.join(", ", models), "top"));
        doc.add(new Doc.Paragraph(data.rows().size() + " case results on " + devices.size() + " device column(s) from "
                + runs.size() + " run(s). A tick means the case passed the conformance kit against the F64 oracle; "
                + "figures are medians of device-timed samples. " + data.footer()));
        if (runs.stream().anyMatch(LoadedRun::submitted)) {
            doc.add(new Doc.Paragraph("Some results were sent to us: their columns say \"vendor-submitted by\" and "
                    + "who sent them, beside \"measured here\" for our own. Their figures are the sender's, not measured "
                    + "on our machines. \"Unverified\" marks a run directory that came without a MANIFEST.sha256; every "
                    + "other input's files matched its manifest."));
        }
        if (data.rows().stream().anyMatch(ReportRow::emulated)) {
            doc.add(new Doc.Paragraph("Some results come from an emulator or test double (marked [emulated]): "
                    + "they are not a chip's speed and are never drawn beside real devices."));
        }

        supportMatrix(doc, data, devices, charts);
        headline(doc, data, devices);
        for (String family : families(data)) {
            familySection(doc, data, family);
        }
        chartsSection(doc, charts, reportDir);
        provenance(doc, data, runs);
        return doc;
    }

    private static List<String> devices(ReportData data) {
        Set<String> d = new LinkedHashSet<>();
        data.rows().forEach(r -> d.add(r.device()));
        return List.copyOf(d);
    }

    private static Set<String> families(ReportData data) {
        Set<String> f = new LinkedHashSet<>();
        data.rows().forEach(r -> f.add(r.family()));
        return f;
    }

    private static String deviceHeader(ReportData data, String device) {
        boolean emulated = data.rows().stream().anyMatch(r -> r.device().equals(device) && r.emulated());
        return emulated ? device + " [emulated]" : device;
    }

    private static void supportMatrix(List<Doc> doc, ReportData data, List<String> devices, List<ChartFile> charts) {
        doc.add(new Doc.Heading(2, "Support matrix", "support-matrix"));
        Map<String, Map<String, ReportRow>> byCase = new LinkedHashMap<>();
        for (ReportRow r : data.rows()) {
            byCase.computeIfAbsent(r.caseId(), k -> new LinkedHashMap<>()).putIfAbsent(r.device(), r);
        }
        List<String> headers = new ArrayList<>();
        headers.add("case");
        devices.forEach(d -> headers.add(deviceHeader(data, d)));
        List<List<String>> rows = new ArrayList<>();
        List<List<String>> classes = new ArrayList<>();
        List<List<String>> reasons = new ArrayList<>();
        for (Map.Entry<String, Map<String, ReportRow>> e : byCase.entrySet()) {
            List<String> row = new ArrayList<>();
            List<String> cls = new ArrayList<>();
            row.add(e.getKey());
            cls.add("");
            for (String d : devices) {
                ReportRow r = e.getValue().get(d);
                row.add(r == null ? "–" : r.status());
                cls.add(r == null ? "" : StatusGroup.of(r.status()).cssClass());
                if (r != null && StatusGroup.of(r.status()) != StatusGroup.PASSED && !r.message().isEmpty()) {
                    reasons.add(List.of(e.getKey(), deviceHeader(data, d), r.status(), r.message()));
                }
            }
            rows.add(row);
            classes.add(cls);
        }
        charts.stream().filter(c -> c.id().startsWith("support-matrix")).forEach(c -> doc.add(chart(c)));
        doc.add(new Doc.Table(headers, rows, classes));
        if (!reasons.isEmpty()) {
            doc.add(new Doc.Heading(3, "Reasons and alternatives", "reasons"));
            doc.add(Doc.Table.of(List.of("case", "device", "status", "reason, alternative or failure"), reasons));
        }
    }

    private static void headline(List<Doc> doc, ReportData data, List<String> devices) {
        doc.add(new Doc.Heading(2, "Headline figures", "headline"));
        List<List<String>> rows = new ArrayList<>();
        for (String d : devices) {
            List<ReportRow> mine = data.rows().stream().filter(r -> r.device().equals(d)).toList();
            Map<StatusGroup, Integer> counts = new TreeMap<>();
            mine.forEach(r -> counts.merge(StatusGroup.of(r.status()), 1, Integer::sum));
            List<Double> percents = mine.stream().map(ReportRow::percentOfRoofline).filter(v -> !Double.isNaN(v))
                    .sorted().toList();
            ReportRow best = mine.stream().filter(ReportRow::timed).max((a, b) -> Double.compare(a.tflops(), b.tflops()))
                    .orElse(null);
            List<String> parts = new ArrayList<>();
            counts.forEach((g, n) -> parts.add(n + " " + g.label()));
            rows.add(List.of(deviceHeader(data, d), mine.size() + "", String.join(", ", parts),
                    !percents.isEmpty() ? Numbers.sig3(percents.get(percents.size() / 2)) + " %"
                            : data.roofs().stream().anyMatch(r -> r.device().equals(d))
                            ? "n/a: no usable peak or bandwidth figure (see Provenance)" : "n/a: no chip-table entry",
                    best == null ? "–" : Numbers.sig3(best.tflops()) + " TFLOP/s (" + best.operator() + ")"));
        }
        doc.add(Doc.Table.of(List.of("device", "cases", "statuses", "median % of attainable roofline",
                "best throughput"), rows));
    }

    private static void familySection(List<Doc> doc, ReportData data, String family) {
        doc.add(new Doc.Heading(2, Families.title(family), "family-" + family));
        List<List<String>> rows = new ArrayList<>();
        List<List<String>> classes = new ArrayList<>();
        for (ReportRow r : data.rows()) {
            if (!r.family().equals(family)) {
                continue;
            }
            rows.add(List.of(r.caseId(), r.emulated() ? r.device() + " [emulated]" : r.device(), r.status(),
                    r.precision(), Numbers.sig3(r.medianMs()), Numbers.sig3(r.tflops()), Numbers.sig3(r.gbps()), Numbers.sig3(r.intensity()),
                    Double.isNaN(r.percentOfRoofline()) ? "–" : Numbers.sig3(r.percentOfRoofline()) + " %", r.boundBy()));
            List<String> cls = new ArrayList<>(List.of("", "", StatusGroup.of(r.status()).cssClass()));
            for (int i = 0; i < 7; i++) {
                cls.add("num");
            }
            classes.add(cls);
        }
        doc.add(new Doc.Table(List.of("case", "device", "status", "precision", "median ms", "TFLOP/s", "GB/s",
                "FLOP/byte", "% of roofline", "bound by"), rows, classes));
    }

    private static void chartsSection(List<Doc> doc, List<ChartFile> charts, Path reportDir) {
        List<ChartFile> rest = charts.stream().filter(c -> !c.id().startsWith("support-matrix")).toList();
        if (rest.isEmpty()) {
            return;
        }
        doc.add(new Doc.Heading(2, "Charts", "charts"));
        rest.forEach(c -> doc.add(chart(c)));
    }

    private static Doc chart(ChartFile c) {
        return new Doc.Chart(c.title(), "charts/" + c.png().getFileName(), "charts/" + c.svg().getFileName());
    }

    private static void provenance(List<Doc> doc, ReportData data, List<LoadedRun> runs) {
        doc.add(new Doc.Heading(2, "Provenance", "provenance"));
        List<List<String>> rows = new ArrayList<>();
        for (LoadedRun r : runs) {
            RunInfo run = r.file().run();
            var host = r.file().host();
            rows.add(List.of(r.source().toString(), r.origin(), manifest(r),
                    run == null ? "" : "dayzero " + run.toolVersion(),
                    run == null ? "" : ReportBuilder.shortCommit(run.gitCommit()), r.host(),
                    host == null ? "" : host.cpu() + ", " + host.cores() + " cores, " + host.os() + " " + host.osVersion()
                            + ", " + host.jvmName() + " " + host.jvmVersion(),
                    run == null ? "" : run.startedAt() + " → " + run.finishedAt(),
                    run == null ? "" : "dayzero " + run.commandLine(),
                    run == null || run.measureOptions() == null ? "" : measurement(run)));
        }
        doc.add(Doc.Table.of(List.of("results file", "origin", "manifest", "tool", "commit", "host", "machine",
                "start → end", "command", "measurement"), rows));
        List<List<String>> submitted = new ArrayList<>();
        for (LoadedRun r : runs) {
            var o = r.file().origin();
            if (o != null) {
                submitted.add(List.of(r.source().toString(), r.origin(), o.host() + (o.hostRedacted() ? " (redacted)" : ""),
                        "dayzero " + o.toolVersion() + " @" + ReportBuilder.shortCommit(o.gitCommit()),
                        o.versions().isEmpty() ? "–" : String.join(", ", o.versions().entrySet().stream()
                                .map(e -> e.getKey() + " " + e.getValue()).toList())));
            }
        }
        if (!submitted.isEmpty()) {
            doc.add(new Doc.Heading(3, "Origin of submitted results", "origin"));
            doc.add(Doc.Table.of(List.of("results file", "origin", "host", "tool", "driver, runtime and library versions"),
                    submitted));
        }
        List<List<String>> pluginRows = new ArrayList<>();
        for (LoadedRun r : runs) {
            for (var p : r.file().plugins()) {
                pluginRows.add(List.of(r.source().toString(), p.file(), p.version(), p.sha256(),
                        p.backends().isEmpty() ? "–" : String.join(", ", p.backends()),
                        p.error() == null ? "loaded" : p.error()));
            }
        }
        if (!pluginRows.isEmpty()) {
            doc.add(new Doc.Heading(3, "Backend plugin jars", "plugins"));
            doc.add(Doc.Table.of(List.of("results file", "jar", "version", "SHA-256", "backends", "state"), pluginRows));
        }
        List<List<String>> devs = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (LoadedRun r : runs) {
            for (BackendEntry b : r.file().backends()) {
                for (DeviceInfo d : b.devices()) {
                    String key = r.host() + b.id() + d.ordinal() + d.name();
                    if (seen.add(key)) {
                        devs.add(List.of(r.host(), b.id() + ":" + d.ordinal(), d.name(), d.architecture(),
                                d.driverVersion().isEmpty() ? "–" : d.driverVersion(),
                                d.runtimeVersion().isEmpty() ? "–" : d.runtimeVersion(),
                                String.valueOf(d.emulated()), b.available() ? "available" : b.reason()));
                    }
                }
                if (b.devices().isEmpty() && seen.add(r.host() + b.id())) {
                    devs.add(List.of(r.host(), b.id(), "–", "–", "–", "–", "–", b.reason()));
                }
            }
        }
        doc.add(new Doc.Heading(3, "Backends and devices", "devices"));
        doc.add(Doc.Table.of(List.of("host", "backend", "device", "architecture", "driver", "runtime", "emulated",
                "probe"), devs));
        if (!data.roofs().isEmpty()) {
            doc.add(new Doc.Heading(3, "Peak figures used for percent of roofline", "peaks"));
            List<List<String>> peaks = new ArrayList<>();
            for (DeviceRoofs d : data.roofs()) {
                List<String> p = new ArrayList<>();
                d.peakTflops().forEach((k, v) -> p.add(k + " " + Numbers.sig3(v)));
                peaks.add(List.of(d.device(), d.chip(), String.join(", ", p) + " TFLOP/s",
                        Numbers.sig3(d.bandwidthGBs()) + " GB/s", d.source()));
            }
            doc.add(Doc.Table.of(List.of("device", "chip entry", "dense peaks", "bandwidth", "source and status"),
                    peaks));
        }
        Set<String> unmatched = new LinkedHashSet<>();
        data.rows().forEach(r -> unmatched.add(r.device()));
        data.roofs().forEach(r -> unmatched.remove(r.device()));
        if (!unmatched.isEmpty()) {
            doc.add(new Doc.Paragraph("No percent of peak for: " + String.join(", ", unmatched)
                    + " — no chip-table entry matches (add one with --chips FILE)."));
        }
    }

    private static String manifest(LoadedRun r) {
        return switch (r.integrity()) {
            case VERIFIED -> "verified (MANIFEST.sha256)";
            case UNVERIFIED -> "unverified: no MANIFEST.sha256";
            case NOT_CHECKED -> "–";
        };
    }

    private static String measurement(RunInfo run) {
        var m = run.measureOptions();
        return String.format(Locale.ROOT, "warm-up %s and until launches settle, ≥%d samples and ≥%s, stop at %.1f%% RSD or %s, %s cache",
                human(m.warmup()), m.minSamples(), human(m.minTime()), m.targetRsd() * 100, human(m.maxTime()),
                m.coldCache() ? "cold" : "warm");
    }

    private static String human(java.time.Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

}
