package dev.dayzero.bench.report.chart;

import dev.dayzero.bench.report.ReportRow;
import dev.dayzero.bench.report.StatusGroup;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Paint;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.StackedBarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The support matrix as a heat map: one row per model operator case, one column per device, each cell coloured
 * by its status group and, while cells are wide enough, labelled with the status. Drawn as stacked unit bars so
 * that device labels on the category axis wrap; a transparent half-unit bar at the bottom of each stack centres
 * the case labels of the symbol axis on their rows.
 */
final class SupportMatrixChart {
    static final String ID = "support-matrix";
    /** The most case rows in one chart. */
    static final int PER_PAGE = 80;
    /** Cells carry their status as text up to this many devices. */
    private static final int MAX_LABELLED_DEVICES = 6;
    private static final Color NO_RESULT = new Color(0xFAFAFA);
    private static final Color NO_RESULT_OUTLINE = new Color(0xCCCCCC);

    /** The status groups, most severe first: an aggregated cell takes the most severe of its cases. */
    private static final List<StatusGroup> SEVERITY = List.of(StatusGroup.CRASHED, StatusGroup.ERROR,
            StatusGroup.FAILED, StatusGroup.UNSUPPORTED, StatusGroup.ALTERNATIVE, StatusGroup.UNAVAILABLE,
            StatusGroup.NOT_CHECKED, StatusGroup.PASSED);

    private static final Map<StatusGroup, Color> COLOURS = new EnumMap<>(Map.of(
            StatusGroup.PASSED, new Color(0x3A9D5D),
            StatusGroup.FAILED, new Color(0xE15759),
            StatusGroup.ERROR, new Color(0xF28E2B),
            StatusGroup.UNSUPPORTED, new Color(0x7F7F7F),
            StatusGroup.ALTERNATIVE, new Color(0x4E79A7),
            StatusGroup.UNAVAILABLE, new Color(0xC7C2BC),
            StatusGroup.CRASHED, new Color(0x6B2A7E),
            StatusGroup.NOT_CHECKED, new Color(0xF3E3A2)));

    /** Short names of the groups for the case counts in an aggregated cell. */
    private static final Map<StatusGroup, String> SHORT = new EnumMap<>(Map.of(
            StatusGroup.PASSED, "pass",
            StatusGroup.FAILED, "fail",
            StatusGroup.ERROR, "error",
            StatusGroup.UNSUPPORTED, "unsup.",
            StatusGroup.ALTERNATIVE, "alt.",
            StatusGroup.UNAVAILABLE, "unavail.",
            StatusGroup.CRASHED, "crash",
            StatusGroup.NOT_CHECKED, "n/c"));

    /**
     * One cell: the most severe status among its cases (its colour) and how many cases fall in each group.
     *
     * @param status the most severe status label
     * @param counts cases per status group
     */
    record Cell(String status, Map<StatusGroup, Integer> counts) {
        Cell(String status) {
            this(status, Map.of(StatusGroup.of(status), 1));
        }

        StatusGroup group() {
            return StatusGroup.of(status);
        }

        /** The status itself for one case; the count per group for several ({@code 30 pass · 2 fail}). */
        String text() {
            if (counts.values().stream().mapToInt(Integer::intValue).sum() == 1) {
                return status;
            }
            List<String> parts = new ArrayList<>();
            for (StatusGroup g : StatusGroup.values()) {
                if (counts.containsKey(g)) {
                    parts.add(counts.get(g) + " " + SHORT.get(g));
                }
            }
            return String.join(" · ", parts);
        }
    }

    private SupportMatrixChart() {
    }

    /** The status group of a status label ({@code passed}, {@code failed-numerics}, ...). */
    static StatusGroup group(String status) {
        return StatusGroup.of(status);
    }

    /** The colour a status group's cells and legend entry have. */
    static Color colour(StatusGroup group) {
        return COLOURS.get(group);
    }

    static List<DrawnChart> draw(ChartInput in) {
        CaseGrid.Layout<Cell> layout = CaseGrid.layout(in.rows(), r -> new Cell(r.status()),
                SupportMatrixChart::worst, PER_PAGE);
        if (layout.cases() == 0) {
            return List.of();
        }
        List<String> subtitles = new ArrayList<>();
        subtitles.add("Status of each model operator case on each device");
        if (layout.aggregated()) {
            subtitles.add(layout.cases() + " cases are too many for one row each: each row is an operator, its cell"
                    + " coloured by the most severe status among the operator's cases and counting cases per group");
        }
        List<DrawnChart> charts = new ArrayList<>();
        for (CaseGrid.Page<Cell> page : layout.pages()) {
            String title = "Support matrix: model operator cases × devices" + page.titleSuffix();
            JFreeChart chart = ChartStyle.chart(title, plot(page, in.devices(), layout.aggregated()), in, subtitles,
                    true);
            charts.add(new DrawnChart(ID + page.idSuffix(), in.title(title), chart, ChartStyle.WIDTH,
                    ChartStyle.height(260 + 18 * subtitles.size(), page.categories().size(), 22)));
        }
        return charts;
    }

    /** The cell of several cases: coloured by the most severe, counting all. */
    static Cell worst(List<Cell> cells) {
        Cell worst = cells.stream().min(Comparator.comparingInt(c -> SEVERITY.indexOf(c.group()))).orElseThrow();
        Map<StatusGroup, Integer> counts = new EnumMap<>(StatusGroup.class);
        cells.forEach(c -> c.counts().forEach((g, n) -> counts.merge(g, n, Integer::sum)));
        return new Cell(worst.status(), counts);
    }

    private static CategoryPlot plot(CaseGrid.Page<Cell> page, List<String> devices, boolean aggregated) {
        List<CaseGrid.Category<Cell>> rows = page.categories();
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        String[] symbols = new String[rows.size() + 1];
        symbols[0] = "";
        for (String device : devices) {
            dataset.addValue(0.5, "", device);
        }
        for (int i = 0; i < rows.size(); i++) {
            symbols[i + 1] = rows.get(i).label();
            for (String device : devices) {
                dataset.addValue(1.0, "row " + i, device);
            }
        }
        CategoryAxis deviceAxis = new CategoryAxis(null);
        deviceAxis.setMaximumCategoryLabelLines(3);
        deviceAxis.setCategoryMargin(0.04);
        // columns no wider than about a quarter of the plot (a third when cells count cases): a lone device is
        // not a wall of colour
        double margin = Math.max(0.005, (1 - Math.min(1, devices.size() * (aggregated ? 0.33 : 0.24))) / 2);
        deviceAxis.setLowerMargin(margin);
        deviceAxis.setUpperMargin(margin);
        SymbolAxis caseAxis = new SymbolAxis(null, symbols);
        caseAxis.setGridBandsVisible(false);
        caseAxis.setAutoRange(false);
        caseAxis.setRange(0.5, rows.size() + 0.5);
        caseAxis.setInverted(true);
        caseAxis.setTickMarksVisible(false);
        Set<StatusGroup> present = EnumSet.noneOf(StatusGroup.class);
        boolean[] missing = {false};
        rows.forEach(r -> {
            r.cells().values().forEach(c -> present.add(c.group()));
            missing[0] |= r.cells().size() < devices.size();
        });
        CategoryPlot plot = new CategoryPlot(dataset, deviceAxis, caseAxis,
                new CellRenderer(rows, devices, devices.size() <= MAX_LABELLED_DEVICES));
        plot.setDomainAxisLocation(AxisLocation.TOP_OR_LEFT);
        plot.setRangeAxisLocation(AxisLocation.TOP_OR_LEFT);
        plot.setFixedLegendItems(legend(present, missing[0]));
        plot.setRangeGridlinesVisible(false);
        return plot;
    }

    private static LegendItemCollection legend(Set<StatusGroup> present, boolean missing) {
        LegendItemCollection items = new LegendItemCollection();
        for (StatusGroup g : StatusGroup.values()) {
            if (present.contains(g)) {
                items.add(item(g.label(), colour(g)));
            }
        }
        if (missing) {
            items.add(item("no result", NO_RESULT));
        }
        return items;
    }

    private static LegendItem item(String label, Color paint) {
        LegendItem item = new LegendItem(label, null, null, null, new Rectangle2D.Double(-7, -7, 14, 14), paint,
                new BasicStroke(0.8f), NO_RESULT_OUTLINE);
        item.setLabelFont(ChartStyle.LEGEND);
        return item;
    }

    /** Paints each unit bar with its cell's status colour and, when labelled, writes the status in it. */
    private static final class CellRenderer extends StackedBarRenderer {
        private final List<CaseGrid.Category<Cell>> rows;
        private final List<String> devices;

        CellRenderer(List<CaseGrid.Category<Cell>> rows, List<String> devices, boolean labelled) {
            this.rows = rows;
            this.devices = devices;
            setBarPainter(new StandardBarPainter());
            setShadowVisible(false);
            setDrawBarOutline(true);
            setDefaultOutlinePaint(Color.WHITE);
            setDefaultOutlineStroke(new BasicStroke(1.5f));
            setMaximumBarWidth(1.0);
            setDefaultItemLabelsVisible(labelled);
            setDefaultItemLabelFont(ChartStyle.CELL);
            setDefaultItemLabelGenerator(new org.jfree.chart.labels.StandardCategoryItemLabelGenerator() {
                @Override
                public String generateLabel(org.jfree.data.category.CategoryDataset dataset, int row, int column) {
                    Cell c = cell(row, column);
                    return c == null ? null : c.text();
                }
            });
            setDefaultPositiveItemLabelPosition(new ItemLabelPosition(ItemLabelAnchor.CENTER, TextAnchor.CENTER));
        }

        private Cell cell(int row, int column) {
            return row == 0 ? null : rows.get(row - 1).cells().get(devices.get(column));
        }

        @Override
        public Paint getItemPaint(int row, int column) {
            if (row == 0) {
                return new Color(0, 0, 0, 0);
            }
            Cell c = cell(row, column);
            return c == null ? NO_RESULT : colour(c.group());
        }

        @Override
        public Paint getItemOutlinePaint(int row, int column) {
            return row == 0 ? new Color(0, 0, 0, 0) : Color.WHITE;
        }

        @Override
        public Paint getItemLabelPaint(int row, int column) {
            Cell c = cell(row, column);
            if (c == null) {
                return ChartStyle.TEXT;
            }
            Color bg = colour(c.group());
            double luminance = 0.299 * bg.getRed() + 0.587 * bg.getGreen() + 0.114 * bg.getBlue();
            return luminance < 150 ? Color.WHITE : ChartStyle.TEXT;
        }
    }
}
