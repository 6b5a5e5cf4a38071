package dev.dayzero.bench.measure;

import java.time.Duration;
import java.util.Objects;

/**
 * How one case is timed: warm-up by time, and on until the launches settle (no JIT compilation and no speed-up over
 * a window of launches; at most {@code maxTime} more), then samples until both {@code minSamples} and {@code minTime}
 * are reached; after that the run stops as soon as the relative standard deviation of the samples is at or
 * below {@code targetRsd}, or when {@code maxTime} has passed (which also wins over {@code minSamples}, so a
 * slow operator costs bounded time). The {@link Timing} records which rule stopped it.
 *
 * <p>The defaults ({@link #defaults()}) keep a default model run short: about 0.2 s of timing per settled case
 * and backend (50 ms warm-up, two settling windows of 20 ms, then 100 ms or more of samples), at most about 2 s (a
 * JIT-compiled backend still compiling, then 1 s of samples that never reach the noise target).
 *
 * @param warmup      time spent launching before samples are kept (at least one launch)
 * @param minSamples  samples kept at least (unless {@code maxTime} passes first)
 * @param minTime     sampling time at least
 * @param maxTime     sampling time at most; also the stop when the noise target is never met
 * @param targetRsd   relative standard deviation (stddev / mean) at which sampling stops, e.g. 0.005
 * @param coldCache   flush the device's cache before each sample (outside the timed window)
 * @param graphReplay replay a captured graph of the launch where the device offers graph capture
 */
public record MeasureOptions(Duration warmup, int minSamples, Duration minTime, Duration maxTime, double targetRsd,
                             boolean coldCache, boolean graphReplay) {

    /** The nvbench noise threshold: 0.5 %. */
    public static final double DEFAULT_TARGET_RSD = 0.005;

    public MeasureOptions {
        Objects.requireNonNull(warmup, "MeasureOptions.warmup");
        Objects.requireNonNull(minTime, "MeasureOptions.minTime");
        Objects.requireNonNull(maxTime, "MeasureOptions.maxTime");
        if (warmup.isNegative()) {
            throw new IllegalArgumentException("MeasureOptions.warmup must be >= 0, got " + warmup);
        }
        if (minSamples < 1) {
            throw new IllegalArgumentException("MeasureOptions.minSamples must be >= 1, got " + minSamples);
        }
        if (minTime.isNegative()) {
            throw new IllegalArgumentException("MeasureOptions.minTime must be >= 0, got " + minTime);
        }
        if (maxTime.compareTo(minTime) < 0 || maxTime.isZero()) {
            throw new IllegalArgumentException("MeasureOptions.maxTime must be > 0 and >= minTime (" + minTime
                    + "), got " + maxTime);
        }
        if (!(targetRsd >= 0) || Double.isInfinite(targetRsd)) {
            throw new IllegalArgumentException("MeasureOptions.targetRsd must be a finite number >= 0, got " + targetRsd);
        }
    }

    /** 50 ms warm-up, at least 10 samples and 100 ms, at most 1 s (10 × min time), 0.5 % RSD, warm cache, graphs where offered. */
    public static MeasureOptions defaults() {
        return new MeasureOptions(Duration.ofMillis(50), 10, Duration.ofMillis(100), Duration.ofSeconds(1),
                DEFAULT_TARGET_RSD, false, true);
    }

    /** The same options with {@code minTime} replaced and {@code maxTime} set to ten times it. */
    public MeasureOptions withMinTime(Duration newMinTime) {
        return new MeasureOptions(warmup, minSamples, newMinTime, newMinTime.multipliedBy(10), targetRsd, coldCache,
                graphReplay);
    }

    /** The same options with {@code maxTime} replaced. */
    public MeasureOptions withMaxTime(Duration newMaxTime) {
        return new MeasureOptions(warmup, minSamples, minTime, newMaxTime, targetRsd, coldCache, graphReplay);
    }

    /** The same options with cold-cache flushing on or off. */
    public MeasureOptions withColdCache(boolean cold) {
        return new MeasureOptions(warmup, minSamples, minTime, maxTime, targetRsd, cold, graphReplay);
    }

    /** The same options with graph replay allowed or not. */
    public MeasureOptions withGraphReplay(boolean allowed) {
        return new MeasureOptions(warmup, minSamples, minTime, maxTime, targetRsd, coldCache, allowed);
    }
}
