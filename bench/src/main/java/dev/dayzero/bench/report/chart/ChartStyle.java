package dev.dayzero.bench.report.chart;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.Axis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.HorizontalAlignment;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;

/**
 * The look every chart shares: fonts (a family every headless JVM has), colours, white background, subtitles,
 * legend and the provenance footer. Chart kinds build a plot and hand it to {@link #chart}.
 */
final class ChartStyle {
    static final String FAMILY = "SansSerif";
    static final Font TITLE = new Font(FAMILY, Font.BOLD, 20);
    static final Font SUBTITLE = new Font(FAMILY, Font.PLAIN, 13);
    static final Font AXIS_LABEL = new Font(FAMILY, Font.PLAIN, 13);
    static final Font TICK = new Font(FAMILY, Font.PLAIN, 11);
    static final Font LEGEND = new Font(FAMILY, Font.PLAIN, 12);
    static final Font FOOTER = new Font(FAMILY, Font.PLAIN, 10);
    static final Font CELL = new Font(FAMILY, Font.PLAIN, 10);
    static final Font ANNOTATION = new Font(FAMILY, Font.BOLD, 12);

    static final Color TEXT = new Color(0x222222);
    static final Color MUTED = new Color(0x555555);
    static final Color FOOTER_GREY = new Color(0x808080);
    static final Color GRID = new Color(0xDDDDDD);
    static final Color EMULATED_RED = new Color(0xB00020);
    static final BasicStroke GRID_STROKE = new BasicStroke(0.8f);

    /** Chart width in pixels; heights grow with the content, between {@link #MIN_HEIGHT} and {@link #MAX_HEIGHT}. */
    static final int WIDTH = 1200;
    static final int MIN_HEIGHT = 520;
    static final int MAX_HEIGHT = 2400;

    /** Device colours (Tableau 10): a device keeps its colour in every chart of a report. */
    static final List<Color> DEVICE_PALETTE = palette(0x4E79A7, 0xF28E2B, 0xE15759, 0x76B7B2, 0x59A14F, 0xEDC948,
            0xB07AA1, 0xFF9DA7, 0x9C755F, 0xBAB0AC);

    /** Colours for other series (operators in a roofline): Tableau 20. */
    static final List<Color> SERIES_PALETTE = palette(0x4E79A7, 0xF28E2B, 0xE15759, 0x76B7B2, 0x59A14F, 0xEDC948,
            0xB07AA1, 0xFF9DA7, 0x9C755F, 0x79706E, 0xA0CBE8, 0xFFBE7D, 0xFF9D9A, 0x86BCB6, 0x8CD17D, 0xF1CE63,
            0xD4A6C8, 0xFABFD2, 0xD7B5A6, 0xBAB0AC);

    private ChartStyle() {
    }

    private static List<Color> palette(int... rgb) {
        return java.util.Arrays.stream(rgb).mapToObj(Color::new).toList();
    }

    /**
     * The chart around {@code plot}: title (red and marked when emulated only), the left-out note and
     * {@code subtitles} under it, the legend at the top when {@code legend}, and the footer.
     */
    static JFreeChart chart(String baseTitle, Plot plot, ChartInput in, List<String> subtitles, boolean legend) {
        stylePlot(plot);
        JFreeChart chart = new JFreeChart(in.title(baseTitle), TITLE, plot, legend);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        chart.setPadding(new RectangleInsets(12, 16, 8, 16));
        chart.getTitle().setPaint(in.emulatedOnly() ? EMULATED_RED : TEXT);
        chart.getTitle().setMargin(0, 0, 4, 0);
        LegendTitle legendTitle = chart.getLegend();
        if (legendTitle != null) {
            chart.removeLegend();
        }
        in.leftOutNote().ifPresent(n -> chart.addSubtitle(subtitle(n, EMULATED_RED)));
        for (String s : subtitles) {
            chart.addSubtitle(subtitle(s, MUTED));
        }
        if (legendTitle != null) {
            legendTitle.setItemFont(LEGEND);
            legendTitle.setItemPaint(TEXT);
            legendTitle.setFrame(BlockBorder.NONE);
            legendTitle.setBackgroundPaint(Color.WHITE);
            legendTitle.setPosition(RectangleEdge.TOP);
            legendTitle.setMargin(6, 0, 6, 0);
            chart.addSubtitle(legendTitle);
        }
        TextTitle footer = new TextTitle(in.footer(), FOOTER);
        footer.setPaint(FOOTER_GREY);
        footer.setPosition(RectangleEdge.BOTTOM);
        footer.setHorizontalAlignment(HorizontalAlignment.LEFT);
        footer.setMargin(8, 0, 0, 0);
        chart.addSubtitle(footer);
        return chart;
    }

    private static TextTitle subtitle(String text, Color paint) {
        TextTitle t = new TextTitle(text, SUBTITLE);
        t.setPaint(paint);
        t.setMargin(2, 0, 2, 0);
        return t;
    }

    private static void stylePlot(Plot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlineVisible(false);
        if (plot instanceof CategoryPlot p) {
            p.setRangeGridlinePaint(GRID);
            p.setRangeGridlineStroke(GRID_STROKE);
            p.setDomainGridlinesVisible(false);
            axis(p.getDomainAxis());
            axis(p.getRangeAxis());
        } else if (plot instanceof XYPlot p) {
            p.setDomainGridlinePaint(GRID);
            p.setRangeGridlinePaint(GRID);
            p.setDomainGridlineStroke(GRID_STROKE);
            p.setRangeGridlineStroke(GRID_STROKE);
            axis(p.getDomainAxis());
            axis(p.getRangeAxis());
        }
    }

    /** Fonts and paints of one axis; chart kinds call it for axes they add after {@link #chart}. */
    static void axis(Axis axis) {
        if (axis == null) {
            return;
        }
        axis.setLabelFont(AXIS_LABEL);
        axis.setLabelPaint(TEXT);
        axis.setTickLabelFont(TICK);
        axis.setTickLabelPaint(TEXT);
        axis.setAxisLinePaint(MUTED);
        axis.setTickMarkPaint(MUTED);
    }

    /** A height of {@code base + units × perUnit} pixels, kept between the minimum and maximum. */
    static int height(int base, int units, int perUnit) {
        return Math.max(MIN_HEIGHT, Math.min(MAX_HEIGHT, base + units * perUnit));
    }

    /** A file-name-safe form of {@code text}: lower case letters, digits and single dashes. */
    static String slug(String text) {
        String s = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (s.length() > 60) {
            s = s.substring(0, 60).replaceAll("-+$", "");
        }
        return s.isEmpty() ? "x" : s;
    }
}
