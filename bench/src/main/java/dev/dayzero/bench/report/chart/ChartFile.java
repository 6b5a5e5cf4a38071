package dev.dayzero.bench.report.chart;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One rendered chart: the same drawing as a PNG and an SVG file.
 *
 * @param id     stable, file-name-safe id ({@code throughput-tflops}, {@code roofline-cuda-0-nvidia-h100})
 * @param title  the chart's title as drawn
 * @param png    the PNG file
 * @param svg    the SVG file
 * @param width  width in pixels (both files)
 * @param height height in pixels (both files)
 */
public record ChartFile(String id, String title, Path png, Path svg, int width, int height) {
    public ChartFile {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(png, "png");
        Objects.requireNonNull(svg, "svg");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("size must be positive: " + width + "x" + height);
        }
    }
}
