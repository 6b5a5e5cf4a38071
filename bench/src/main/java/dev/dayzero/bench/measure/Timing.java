package dev.dayzero.bench.measure;

import java.util.List;
import java.util.Objects;

/**
 * How a case was timed and what came out.
 *
 * @param method       {@code device-events} (two events recorded on the stream around each launch; on the CPU
 *                     backend its events are {@code System.nanoTime}) or {@code wall-clock} (host
 *                     {@code System.nanoTime} around launch and synchronize, where the device has no events)
 * @param coldCache    true when the cache was flushed before each sample, outside the timed window
 * @param flushBytes   bytes written by each flush (0 for warm-cache runs)
 * @param graphReplay  true when each sample replayed a captured graph of the launch
 * @param warmupRuns   launches made during warm-up
 * @param warmupMs     host time spent in warm-up
 * @param samplesMs    every kept sample, in order, in milliseconds
 * @param stats        statistics of {@code samplesMs}
 * @param stopReason   {@link StopReason#label()}: what ended sampling
 * @param elapsedMs    host time spent sampling (warm-up excluded)
 * @param notes        what a reader should know (a cold-cache flush that did not fit, ...)
 */
public record Timing(String method, boolean coldCache, long flushBytes, boolean graphReplay, int warmupRuns,
                     double warmupMs, List<Double> samplesMs, Stats stats, String stopReason, double elapsedMs,
                     List<String> notes) {

    /** Timing with device events. */
    public static final String DEVICE_EVENTS = "device-events";
    /** Timing with the host clock around launch and synchronize. */
    public static final String WALL_CLOCK = "wall-clock";

    public Timing {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(stopReason, "stopReason");
        samplesMs = List.copyOf(samplesMs);
        notes = notes == null ? List.of() : List.copyOf(notes);
    }
}
