package dev.dayzero.bench.report.chart;

import org.jfree.chart.JFreeChart;

/** A chart built but not yet written: its file id, title and pixel size. */
record DrawnChart(String id, String title, JFreeChart chart, int width, int height) {
}
