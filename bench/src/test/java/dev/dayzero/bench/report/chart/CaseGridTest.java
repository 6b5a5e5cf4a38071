package dev.dayzero.bench.report.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.bench.report.ReportRow;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CaseGridTest {

    private static List<ReportRow> rows(int operators, int batches) {
        List<ReportRow> rows = new ArrayList<>();
        for (int o = 0; o < operators; o++) {
            for (int b = 1; b <= batches; b++) {
                rows.add(Fixtures.row("op" + o, o % 2 == 0 ? "attention" : "moe-gemm", b, Fixtures.H100_A, false,
                        "passed", "bf16", o + b, 10, 50));
            }
        }
        return rows;
    }

    @Test
    void fewCasesMakeOnePage() {
        CaseGrid.Layout<Double> layout = CaseGrid.layout(rows(3, 2), ReportRow::tflops, BarCharts::median, 60);

        assertEquals(1, layout.pages().size());
        assertEquals("", layout.pages().get(0).idSuffix());
        assertEquals(List.of("op0 b1", "op0 b2", "op2 b1", "op2 b2", "op1 b1", "op1 b2"),
                layout.pages().get(0).categories().stream().map(CaseGrid.Category::label).toList(),
                "grouped by family, then in order");
    }

    @Test
    void manyCasesSplitByFamilyIntoNumberedPages() {
        CaseGrid.Layout<Double> layout = CaseGrid.layout(rows(20, 8), ReportRow::tflops, BarCharts::median, 60);

        assertFalse(layout.aggregated());
        assertEquals(List.of("-attention-1", "-attention-2", "-moe-gemm-1", "-moe-gemm-2"),
                layout.pages().stream().map(CaseGrid.Page::idSuffix).toList());
        assertTrue(layout.pages().stream().allMatch(p -> p.categories().size() <= 60));
        assertEquals(160, layout.pages().stream().mapToInt(p -> p.categories().size()).sum());
    }

    @Test
    void theIndexerFamilyGetsItsOwnTitledPages() {
        List<ReportRow> rows = new ArrayList<>();
        for (int o = 0; o < 12; o++) {
            for (int b = 1; b <= 8; b++) {
                rows.add(Fixtures.row("op" + o, o < 6 ? "attention" : "indexer", b, Fixtures.H100_A, false,
                        "passed", o < 6 ? "bf16" : "fp8", o + b, 10, 50));
            }
        }
        CaseGrid.Layout<Double> layout = CaseGrid.layout(rows, ReportRow::tflops, BarCharts::median, 60);

        assertEquals(List.of("-attention", "-indexer"), layout.pages().stream().map(CaseGrid.Page::idSuffix).toList());
        assertEquals(List.of(" — Attention", " — Indexer"),
                layout.pages().stream().map(CaseGrid.Page::titleSuffix).toList());
    }

    @Test
    void tooManyCasesAggregatePerOperator() {
        CaseGrid.Layout<Double> layout = CaseGrid.layout(rows(50, 10), ReportRow::tflops, BarCharts::median, 60);

        assertTrue(layout.aggregated());
        assertEquals(500, layout.cases());
        CaseGrid.Category<Double> op0 = layout.pages().get(0).categories().get(0);
        assertEquals("op0", op0.label());
        assertEquals(5.5, op0.cells().get(Fixtures.H100_A), 1e-9, "median of 1..10");
    }

    @Test
    void sameShortLabelFallsBackToCaseId() {
        List<ReportRow> rows = new ArrayList<>(rows(1, 1));
        ReportRow r = rows.get(0);
        rows.add(new ReportRow(r.caseId().replace("ctx4096", "ctx8192"), r.model(), r.phase(), r.operator(),
                r.family(), r.batch(), r.device(), r.host(), r.date(), false, "passed", "", "bf16", 1, 1, 1, 1, 1,
                ""));

        List<String> labels = CaseGrid.layout(rows, ReportRow::tflops, BarCharts::median, 60).pages().get(0)
                .categories().stream().map(CaseGrid.Category::label).toList();

        assertEquals(List.of(r.caseId(), rows.get(1).caseId()), labels);
    }
}
