package dev.dayzero.bench.report;

import static dev.dayzero.bench.report.ReportFixtures.DOUBLE;
import static dev.dayzero.bench.report.ReportFixtures.GEMM;
import static dev.dayzero.bench.report.ReportFixtures.H100;
import static dev.dayzero.bench.report.ReportFixtures.MYSTERY;
import static dev.dayzero.bench.report.ReportFixtures.QUANT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.bench.chips.ChipTable;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.KvCacheType;
import dev.dayzero.tck.CaseStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

    static List<LoadedRun> fixture() {
        LoadedRun a = ReportFixtures.run("box-a", "2026-11-16T09:30:00Z", List.of(H100, MYSTERY, DOUBLE), List.of(
                ReportFixtures.timed("model-a/decode/b1/ctx4096/tp1-ep1/uniform/gemm", GEMM, H100, 0.5),
                ReportFixtures.timed("model-a/decode/b8/ctx4096/tp1-ep1/uniform/gemm", GEMM, H100, 0.9),
                ReportFixtures.timed("model-a/decode/b8/ctx4096/tp1-ep1/uniform/quant", QUANT, H100, 0.1),
                ReportFixtures.timed("model-a/decode/b1/ctx4096/tp1-ep1/uniform/gemm", GEMM, MYSTERY, 3.0),
                ReportFixtures.status("model-a/decode/b8/ctx4096/tp1-ep1/uniform/gemm", GEMM, MYSTERY,
                        CaseStatus.FAILED_NUMERICS, "diff=0.2 worst[3,7] got 1 want 2, with | and , inside"),
                ReportFixtures.status("model-a/decode/b8/ctx4096/tp1-ep1/uniform/quant", QUANT, MYSTERY,
                        CaseStatus.CRASHED, "SIGSEGV in libmystery.so"),
                ReportFixtures.timed("model-a/decode/b1/ctx4096/tp1-ep1/uniform/gemm", GEMM, DOUBLE, 7.0)));
        return List.of(a);
    }

    @Test
    void writesEveryFileAndPutsTheSupportMatrixFirst(@TempDir Path dir) throws Exception {
        ReportWriter.Written w = ReportWriter.write(fixture(), ChipTable.defaults(), dir);
        String md = Files.readString(w.markdown());
        assertTrue(md.startsWith("# Dayzero report: model-a"), md);
        int matrix = md.indexOf("## Support matrix");
        int headline = md.indexOf("## Headline figures");
        int family = md.indexOf("## MoE grouped GEMM");
        int provenance = md.indexOf("## Provenance");
        assertTrue(0 < matrix && matrix < headline && headline < family && family < provenance, md);
        assertTrue(md.contains("SIGSEGV in libmystery.so"), "reasons sit under the matrix");
        assertTrue(md.contains("[emulated]"), "emulated devices are labelled in tables");
        assertTrue(md.contains("with \\| and , inside"), "pipes escaped in Markdown tables");

        List<String> csv = Files.readAllLines(w.csv());
        assertEquals(8, csv.size(), "header + 7 case × device rows");
        assertTrue(csv.get(0).startsWith("case_id,model,phase,operator"));
        assertTrue(csv.stream().anyMatch(l -> l.endsWith("\"diff=0.2 worst[3,7] got 1 want 2, with | and , inside\"")));
        String gemmH100 = csv.stream().filter(l -> l.contains("b8") && l.contains("H100") && l.contains("gemm"))
                .findFirst().orElseThrow();
        assertTrue(gemmH100.contains(",compute,"), gemmH100);

        String html = Files.readString(w.html());
        assertFalse(Pattern.compile("<(img|script|link)[^>]+(src|href)=\"(?!data:)").matcher(html).find(),
                "self-contained: no external images, scripts or stylesheets");
        Matcher img = Pattern.compile("<img ").matcher(html);
        int images = 0;
        while (img.find()) {
            images++;
        }
        assertEquals(w.charts().size(), images, "every chart embedded");
        assertTrue(w.charts().size() >= 4, "throughput ×2, support matrix, roofline: " + w.charts());
        for (var c : w.charts()) {
            assertTrue(Files.size(c.png()) > 1000 && Files.size(c.svg()) > 1000, c.toString());
        }
    }

    @Test
    void indexerCasesGetTheirOwnSectionAndChartPages(@TempDir Path dir) throws Exception {
        IndexerSpec paged = IndexerSpec.PagedIndexerTopK.of(List.of(4096), 1, 64, 128, IndexerSpec.KeyType.FP8, 1,
                2048);
        AttentionSpec sparse = AttentionSpec.SparseLatentDecode.deepseek(List.of(4096), 128, 1, 2048,
                KvCacheType.FP8_FLASHMLA);
        List<dev.dayzero.bench.results.CaseRecord> cases = new java.util.ArrayList<>();
        for (int b : List.of(1, 2, 4, 8)) {
            cases.add(ReportFixtures.timed("model-a/decode/b" + b + "/ctx4096/tp1-ep1/uniform/indexer-topk", paged,
                    H100, 0.05 * b));
            cases.add(ReportFixtures.timed("model-a/decode/b" + b + "/ctx4096/tp1-ep1/uniform/sparse-mla-decode-fp8",
                    sparse, H100, 0.1 * b));
        }
        cases.add(ReportFixtures.status("model-a/decode/b8/ctx4096/tp1-ep1/uniform/indexer-topk", paged, MYSTERY,
                CaseStatus.UNSUPPORTED, "no indexer on this chip"));
        LoadedRun run = ReportFixtures.run("box-a", "2026-11-16T09:30:00Z", List.of(H100, MYSTERY), cases);
        ReportWriter.Written w = ReportWriter.write(List.of(run), ChipTable.defaults(), dir);
        String md = Files.readString(w.markdown());
        int attention = md.indexOf("## Attention");
        int indexer = md.indexOf("## Indexer");
        assertTrue(indexer > 0 && attention > 0, md);
        String section = md.substring(indexer, md.indexOf("\n## ", indexer + 3));
        assertTrue(section.contains("indexer-topk") && !section.contains("sparse-mla-decode"), section);
        assertTrue(section.contains("| fp8 |"), "the FP8 indexer's precision is fp8: " + section);
        assertTrue(md.contains("no indexer on this chip"), "reasons sit under the matrix");
        assertTrue(w.charts().stream().anyMatch(c -> c.id().startsWith("scaling")), "scaling over 4 batch sizes");
        assertTrue(w.charts().stream().anyMatch(c -> c.id().startsWith("roofline")), w.charts().toString());
        String csv = Files.readString(w.csv());
        assertTrue(csv.contains(",indexer,") && csv.contains(",fp8,"), csv);
    }

    @Test
    void aDirectoryWithoutResultsIsNamed(@TempDir Path dir) {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> LoadedRun.load(List.of(dir)));
        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("no results.json"), e.getMessage());
    }
}
