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
}
