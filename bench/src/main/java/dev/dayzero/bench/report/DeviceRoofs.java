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
 */
public record DeviceRoofs(String device, String chip, Map<String, Double> peakTflops, double bandwidthGBs,
                          String source, boolean emulated) {

    public DeviceRoofs {
        peakTflops = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(peakTflops));
        chip = chip == null ? "" : chip;
        source = source == null ? "" : source;
    }
}
