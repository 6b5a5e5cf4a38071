package dev.dayzero.bench.report;

import java.util.Map;
import java.util.TreeMap;

/**
 * A device's roofs for the roofline chart: peak dense TFLOP/s per precision and memory bandwidth, with
 * where the figures come from.
 *
 * @param device         the same column label as {@link ReportRow#device()}
 * @param chip           the chip-table entry matched ({@code NVIDIA H100 SXM5}), or empty if none
 * @param peakTflops     precision ({@code bf16}, {@code fp8}, {@code int8}, {@code f32}) → dense peak TFLOP/s
 * @param bandwidthGBs   memory bandwidth in GB/s
 * @param source         one line: the figures' source and status (vendor's own, unofficial, derived, estimated)
 * @param emulated       true for emulators and test doubles
 * @param measuredPeakTflops   precision → peak measured on the device ({@code dayzero calibrate}), whether or not
 *                             it is the one used; empty where none
 * @param measuredBandwidthGBs bandwidth measured on the device, NaN where none
 */
public record DeviceRoofs(String device, String chip, Map<String, Double> peakTflops, double bandwidthGBs,
                          String source, boolean emulated, Map<String, Double> measuredPeakTflops,
                          double measuredBandwidthGBs) {

    public DeviceRoofs {
        peakTflops = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(peakTflops));
        measuredPeakTflops = java.util.Collections.unmodifiableSortedMap(
                new TreeMap<>(measuredPeakTflops == null ? Map.of() : measuredPeakTflops));
        chip = chip == null ? "" : chip;
        source = source == null ? "" : source;
    }

    /** Roofs with nothing measured. */
    public DeviceRoofs(String device, String chip, Map<String, Double> peakTflops, double bandwidthGBs, String source,
                       boolean emulated) {
        this(device, chip, peakTflops, bandwidthGBs, source, emulated, Map.of(), Double.NaN);
    }

    /** The same roofs with the device's measured figures beside them (for the chart). */
    public DeviceRoofs withMeasured(Map<String, Double> peaks, double bandwidth) {
        return new DeviceRoofs(device, chip, peakTflops, bandwidthGBs, source, emulated, peaks, bandwidth);
    }
}
