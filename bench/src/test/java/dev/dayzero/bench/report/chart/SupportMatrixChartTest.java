package dev.dayzero.bench.report.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.dayzero.bench.report.StatusGroup;
import java.awt.Color;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SupportMatrixChartTest {

    @Test
    void everyStatusFallsInItsGroup() {
        Map<String, StatusGroup> expected = Map.ofEntries(
                Map.entry("passed", StatusGroup.PASSED),
                Map.entry("failed-numerics", StatusGroup.FAILED),
                Map.entry("failed-shape", StatusGroup.FAILED),
                Map.entry("failed-dtype", StatusGroup.FAILED),
                Map.entry("compile-error", StatusGroup.ERROR),
                Map.entry("runtime-error", StatusGroup.ERROR),
                Map.entry("unsupported", StatusGroup.UNSUPPORTED),
                Map.entry("alternative-only", StatusGroup.ALTERNATIVE),
                Map.entry("unavailable", StatusGroup.UNAVAILABLE),
                Map.entry("crashed", StatusGroup.CRASHED),
                Map.entry("timeout", StatusGroup.CRASHED),
                Map.entry("out-of-memory", StatusGroup.CRASHED),
                Map.entry("not-checked", StatusGroup.NOT_CHECKED));
        expected.forEach((status, group) -> assertEquals(group, SupportMatrixChart.group(status), status));
    }

    @Test
    void eachGroupHasItsOwnColour() {
        List<Color> colours = Arrays.stream(StatusGroup.values()).map(SupportMatrixChart::colour).toList();
        colours.forEach(c -> assertNotNull(c));
        Set<Color> distinct = colours.stream().collect(Collectors.toSet());
        assertEquals(StatusGroup.values().length, distinct.size(), "one colour per group");
        assertEquals(SupportMatrixChart.colour(StatusGroup.FAILED),
                SupportMatrixChart.colour(SupportMatrixChart.group("failed-shape")));
    }

    @Test
    void aggregatedCellTakesTheMostSevereColourAndCountsEveryGroup() {
        SupportMatrixChart.Cell cell = SupportMatrixChart.worst(List.of(new SupportMatrixChart.Cell("passed"),
                new SupportMatrixChart.Cell("timeout"), new SupportMatrixChart.Cell("failed-numerics"),
                new SupportMatrixChart.Cell("passed"), new SupportMatrixChart.Cell("crashed")));

        assertEquals(StatusGroup.CRASHED, cell.group());
        assertEquals("2 pass · 1 fail · 2 crash", cell.text());
        assertEquals("failed-shape", new SupportMatrixChart.Cell("failed-shape").text());
    }

    /** Emulated devices are left out of speed charts beside real ones, but the support matrix keeps them, marked. */
    @Test
    void theSupportMatrixKeepsEmulatedDevicesAndTheirCrashes() {
        var data = Fixtures.mixed();
        var rows = new java.util.ArrayList<>(data.rows());
        rows.add(Fixtures.row("moe-gate-up-fp8", "moe", 1, Fixtures.FAKE, true, "crashed", "fp8", 0, 1, 0));
        var withCrash = new dev.dayzero.bench.report.ReportData(rows, data.roofs(), data.footer());
        ChartInput speed = ChartInput.of(withCrash);
        ChartInput support = ChartInput.forSupport(withCrash);
        assertEquals(false, speed.devices().contains(Fixtures.FAKE), "speed charts leave the emulated device out");
        String marked = Fixtures.FAKE + ChartInput.EMULATED_COLUMN;
        assertEquals(true, support.devices().contains(marked), support.devices().toString());
        assertEquals(1, support.rows().stream().filter(r -> r.device().equals(marked) && r.status().equals("crashed"))
                .count(), "the emulated device's crash is in the matrix");
        assertEquals(rows.size(), support.rows().size(), "every row, real and emulated");
        assertEquals(false, SupportMatrixChart.draw(support).isEmpty());
    }
}
