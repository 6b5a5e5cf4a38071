package dev.dayzero.bench.results;

import dev.dayzero.bench.measure.Timing;
import dev.dayzero.hal.op.OpSpec;

/**
 * Figures derived from the spec that ran and the median sample, by one formula for every backend:
 * {@code tflops = flops / median / 1e12}, {@code gbps = bytes / median / 1e9}.
 *
 * @param flops               the spec's {@link OpSpec#flops()}
 * @param bytes               the spec's {@link OpSpec#bytes()}
 * @param medianMs            the median sample the rates use
 * @param tflops              achieved TFLOP/s
 * @param gbps                achieved GB/s (10^9 bytes per second)
 * @param arithmeticIntensity FLOP per byte
 */
public record Derived(long flops, long bytes, double medianMs, double tflops, double gbps,
                      double arithmeticIntensity) {

    /** The figures of {@code ran} timed by {@code timing}; rates are 0 when the median is 0. */
    public static Derived of(OpSpec ran, Timing timing) {
        double median = timing.stats().median();
        double seconds = median / 1e3;
        double tflops = seconds > 0 ? ran.flops() / seconds / 1e12 : 0;
        double gbps = seconds > 0 ? ran.bytes() / seconds / 1e9 : 0;
        return new Derived(ran.flops(), ran.bytes(), median, tflops, gbps, ran.arithmeticIntensity());
    }
}
