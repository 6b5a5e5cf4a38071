package dev.dayzero.bench.report;

import static dev.dayzero.bench.report.ReportFixtures.GEMM;
import static dev.dayzero.bench.report.ReportFixtures.H100;
import static dev.dayzero.bench.report.ReportFixtures.QUANT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.bench.chips.ChipTable;
import dev.dayzero.bench.results.HostInfo;
import dev.dayzero.bench.results.Origin;
import dev.dayzero.bench.results.ResultsFile;
import dev.dayzero.bench.results.ResultsStore;
import dev.dayzero.bench.results.RunManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A vendor-submitted run directory (origin and manifest) merged with one of our own (no manifest): every table,
 * chart and the CSV say which column is which; a changed or missing file stops the report.
 */
class VendorReportTest {
    static final String VENDOR = "cuda:0 NVIDIA H100 80GB HBM3 (vendor-submitted by ACME Labs)";
    static final String OURS = "cuda:0 NVIDIA H100 80GB HBM3 (measured here, unverified)";

    @TempDir
    Path tmp;

    private Path vendorDir() {
        LoadedRun run = ReportFixtures.run(HostInfo.redact("acme-gpu-7"), "2026-11-20T08:00:00Z", List.of(H100), List.of(
                ReportFixtures.timed("model-a/decode/b8/ctx4096/tp1-ep1/uniform/gemm", GEMM, H100, 0.8),
                ReportFixtures.timed("model-a/decode/b8/ctx4096/tp1-ep1/uniform/quant", QUANT, H100, 0.12)));
        ResultsFile f = run.file();
        Origin origin = new Origin("ACME Labs", f.host().hostname(), true, "0.1.0", "0123456789abcdef",
                Map.of("cuda.driver", "13.0 (13000)"));
        return write(tmp.resolve("acme"), f.withOrigin(origin), true);
    }

    private Path ourDir() {
        LoadedRun run = ReportFixtures.run("box-a", "2026-11-16T09:30:00Z", List.of(H100), List.of(
                ReportFixtures.timed("model-a/decode/b8/ctx4096/tp1-ep1/uniform/gemm", GEMM, H100, 0.9),
                ReportFixtures.timed("model-a/decode/b8/ctx4096/tp1-ep1/uniform/quant", QUANT, H100, 0.1)));
        return write(tmp.resolve("ours"), run.file(), false);
    }

    private static Path write(Path dir, ResultsFile f, boolean manifest) {
        try (ResultsStore store = ResultsStore.create(dir)) {
            store.writeResults(f);
        }
        if (manifest) {
            RunManifest.write(dir);
        }
        return dir;
    }

    @Test
    void everyTableChartAndTheCsvLabelEachColumnByOrigin() throws Exception {
        List<LoadedRun> runs = LoadedRun.load(List.of(vendorDir(), ourDir()));
        assertEquals(LoadedRun.Integrity.VERIFIED, runs.get(0).integrity());
        assertEquals(LoadedRun.Integrity.UNVERIFIED, runs.get(1).integrity());
        ReportWriter.Written w = ReportWriter.write(runs, ChipTable.defaults(), tmp.resolve("report"));

        String md = Files.readString(w.markdown());
        String html = Files.readString(w.html());
        for (String doc : List.of(md, html)) {
            assertTrue(doc.contains(VENDOR), "vendor column labelled");
            assertTrue(doc.contains(OURS), "our column labelled, and unverified");
            assertTrue(doc.contains("verified (MANIFEST.sha256)") && doc.contains("unverified: no MANIFEST.sha256"),
                    "provenance says what each manifest said");
            assertTrue(doc.contains("Origin of submitted results") && doc.contains("cuda.driver 13.0 (13000)"),
                    "the submitted run's origin is shown");
        }
        assertFalse(md.contains("acme-gpu-7"), "only the redaction is shown");

        List<String> csv = Files.readAllLines(w.csv());
        assertTrue(csv.get(0).contains(",host,date,origin,manifest,"), csv.get(0));
        assertEquals(2, csv.stream().filter(l -> l.contains(",vendor-submitted by ACME Labs,verified,")).count(), csv.toString());
        assertEquals(2, csv.stream().filter(l -> l.contains(",measured here,unverified,")).count(), csv.toString());

        var tflops = w.charts().stream().filter(c -> c.id().startsWith("throughput-tflops")).findFirst().orElseThrow();
        var matrix = w.charts().stream().filter(c -> c.id().startsWith("support-matrix")).findFirst().orElseThrow();
        for (var chart : List.of(tflops, matrix)) {
            String svg = Files.readString(chart.svg());
            assertTrue(svg.contains("vendor-submitted by ACME Labs"), chart.id() + " labels the vendor series");
            assertTrue(svg.contains("measured here, unverified"), chart.id() + " labels ours");
        }
    }

    @Test
    void aChangedOrMissingFileStopsTheReportNamingIt() throws Exception {
        Path acme = vendorDir();
        Path results = acme.resolve("results.json");
        Files.writeString(results, Files.readString(results).replace("0.8", "0.4")); // a faster vendor
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LoadedRun.load(List.of(acme, ourDir())));
        assertTrue(e.getMessage().contains(results.toString()) && e.getMessage().contains("does not match"), e.getMessage());

        Path again = write(tmp.resolve("acme2"), ReportFixtures.run("box-b", "2026-11-20T08:00:00Z", List.of(H100),
                List.of(ReportFixtures.timed("model-a/decode/b8/ctx4096/tp1-ep1/uniform/gemm", GEMM, H100, 0.8)))
                .file(), true);
        Files.delete(again.resolve("cases.jsonl"));
        e = assertThrows(IllegalArgumentException.class, () -> LoadedRun.load(List.of(again)));
        assertTrue(e.getMessage().contains("cases.jsonl") && e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void withoutASubmittedRunColumnsKeepTheirPlainLabels() throws Exception {
        List<LoadedRun> runs = LoadedRun.load(List.of(ourDir()));
        ReportData data = ReportBuilder.build(runs, ChipTable.defaults());
        assertTrue(data.rows().stream().allMatch(r -> r.device().equals("cuda:0 NVIDIA H100 80GB HBM3")), data.rows().toString());
        assertTrue(data.rows().stream().allMatch(r -> r.origin().equals("measured here") && r.manifest().equals("unverified")));
    }
}
