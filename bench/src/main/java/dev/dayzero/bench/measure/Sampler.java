package dev.dayzero.bench.measure;

import dev.dayzero.hal.Device;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.DeviceInfo;
import dev.dayzero.hal.DeviceOutOfMemoryException;
import dev.dayzero.hal.Event;
import dev.dayzero.hal.GraphCapture;
import dev.dayzero.hal.HalException;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.Stream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Times a bound launch per {@link MeasureOptions}: warm-up by time and until the launches settle ({@link #settle}),
 * then samples until the minimum count
 * and time are met, then until the relative standard deviation reaches the target or the maximum time
 * passes. One sample is one launch (or one replay of a graph holding one launch) between two events
 * recorded on the device's default stream; the host waits for the second event before the next sample.
 * A cold-cache flush is enqueued before the first event, so it is outside the timed window.
 *
 * <p>The timed loop allocates nothing: the two events are created once and reused, samples go into a
 * preallocated array (grown, outside the timed window, only past 4096 samples).
 */
public final class Sampler {
    /** A settling window: at least this many launches … */
    static final int WINDOW_RUNS = 2;
    /** … and at least this long. */
    static final long WINDOW_NANOS = 20_000_000L;
    /** A window faster than the previous one by more than this fraction is not settled. */
    static final double SETTLED = 0.05;

    /** Flush size when the device does not know its cache size: 64 MiB, above the L2 of every current chip. */
    public static final long FALLBACK_FLUSH_BYTES = 64L << 20;

    private Sampler() {
    }

    /**
     * Bytes a cold-cache flush writes on this device: twice {@link DeviceInfo#l2Bytes()} (at least 1 MiB),
     * or {@link #FALLBACK_FLUSH_BYTES} when the size is unknown (0).
     */
    public static long flushBytes(DeviceInfo info) {
        return info.l2Bytes() > 0 ? Math.max(2 * info.l2Bytes(), 1L << 20) : FALLBACK_FLUSH_BYTES;
    }

    /**
     * For a warm-cache timing of a launch that touches {@code operandBytes}: a note when they fit in the device's
     * last-level cache ({@link DeviceInfo#l2Bytes()}), since every launch after the first then reads them from that
     * cache, and a memory-bound operator can run past the memory roof. Empty for cold-cache timings and where the
     * cache size is unknown.
     */
    public static Optional<String> cacheResidencyNote(long operandBytes, DeviceInfo info, boolean coldCache) {
        long cache = info.l2Bytes();
        if (coldCache || cache <= 0 || operandBytes <= 0 || operandBytes > cache) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "warm cache: the operands (%.1f MiB) fit in the device's "
                + "last-level cache (%.1f MiB), so launches read them from cache, not memory; --cold-cache times "
                + "them from memory", operandBytes / 1048576.0, cache / 1048576.0));
    }

    /** Times {@code launch} on {@code device}'s default stream. The caller keeps owning the launch. */
    public static Timing measure(Device device, PreparedOp.Launch launch, MeasureOptions options) {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(launch, "launch");
        Objects.requireNonNull(options, "options");
        Stream stream = device.defaultStream();
        List<String> notes = new ArrayList<>();
        DeviceBuffer flush = null;
        GraphCapture.Graph graph = null;
        try {
            if (options.coldCache()) {
                long bytes = flushBytes(device.info());
                try {
                    flush = device.allocate(bytes);
                } catch (DeviceOutOfMemoryException e) {
                    notes.add("cold cache asked for, but the " + bytes + "-byte flush buffer did not fit; timed warm");
                }
            }
            if (options.graphReplay() && device.graphCapture().isPresent()) {
                try {
                    graph = device.graphCapture().get().capture(stream, () -> launch.enqueue(stream));
                } catch (HalException | UnsupportedOperationException e) {
                    notes.add("graph capture failed (" + e.getMessage() + "); timed direct launches");
                }
            }
            try (SampleLoop loop = new SampleLoop(device, stream, launch, graph, flush)) {
                return sample(loop, options, flush == null ? 0 : flush.size(), graph != null, notes);
            }
        } finally {
            if (graph != null) {
                graph.close();
            }
            if (flush != null) {
                flush.close();
            }
        }
    }

    private static Timing sample(SampleLoop loop, MeasureOptions o, long flushBytes, boolean graph, List<String> notes) {
        long warmupNanos = o.warmup().toNanos();
        long w0 = System.nanoTime();
        int warmupRuns = 0;
        do {
            loop.sampleMillis();
            warmupRuns++;
        } while (System.nanoTime() - w0 < warmupNanos);
        warmupRuns += settle(loop, o, notes);
        double warmupMs = (System.nanoTime() - w0) / 1e6;

        long minNanos = o.minTime().toNanos();
        long maxNanos = o.maxTime().toNanos();
        int minSamples = o.minSamples();
        double target = o.targetRsd();
        double[] samples = new double[4096];
        int n = 0;
        double mean = 0;
        double m2 = 0;
        StopReason reason;
        long t0 = System.nanoTime();
        while (true) {
            double ms = loop.sampleMillis();
            if (n == samples.length) {
                samples = Arrays.copyOf(samples, 2 * n);
            }
            samples[n++] = ms;
            double delta = ms - mean; // Welford: running mean and sum of squared deviations
            mean += delta / n;
            m2 += delta * (ms - mean);
            long elapsed = System.nanoTime() - t0;
            if (elapsed >= maxNanos) {
                reason = StopReason.MAX_TIME;
                break;
            }
            if (n >= minSamples && n >= 2 && elapsed >= minNanos) {
                double sd = Math.sqrt(m2 / (n - 1));
                if (mean > 0 ? sd / mean <= target : sd == 0) {
                    reason = StopReason.TARGET_RSD;
                    break;
                }
            }
        }
        double elapsedMs = (System.nanoTime() - t0) / 1e6;
        List<Double> kept = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            kept.add(samples[i]);
        }
        return new Timing(loop.usesEvents() ? Timing.DEVICE_EVENTS : Timing.WALL_CLOCK, flushBytes > 0, flushBytes,
                graph, warmupRuns, warmupMs, kept, Stats.of(samples, n), reason.label(), elapsedMs, notes);
    }

    /**
     * Warms up on past the timed warm-up while the launches are not settled: while this JVM's JIT compiled something
     * during the last window of launches, or the window's fastest launch beat the previous window's by more than
     * {@link #SETTLED}. A JIT-compiled backend (the CPU one: its kernels reach their compiled speed after a second or
     * more of running, in steps as the compiler installs code) would otherwise be timed half-compiled; a device
     * whose launches are settled costs two windows. At most {@code maxTime} more. Returns the launches made.
     */
    static int settle(SampleLoop loop, MeasureOptions o, List<String> notes) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean jitTimed = jit != null && jit.isCompilationTimeMonitoringSupported();
        long cap = o.maxTime().toNanos();
        long s0 = System.nanoTime();
        int runs = 0;
        double previous = Double.POSITIVE_INFINITY;
        int windows = 0;
        while (true) {
            long compiled = jitTimed ? jit.getTotalCompilationTime() : 0;
            double best = Double.POSITIVE_INFINITY;
            long windowStart = System.nanoTime();
            int n = 0;
            while (n < WINDOW_RUNS || System.nanoTime() - windowStart < WINDOW_NANOS) {
                best = Math.min(best, loop.sampleMillis());
                n++;
                if (System.nanoTime() - s0 >= cap) {
                    break;
                }
            }
            runs += n;
            windows++;
            boolean compiling = jitTimed && jit.getTotalCompilationTime() != compiled;
            boolean faster = best < previous * (1 - SETTLED);
            previous = Math.min(previous, best);
            if (System.nanoTime() - s0 >= cap) {
                notes.add(String.format(Locale.ROOT, "warm-up extended by the %.0f ms cap: the launches had "
                        + "not settled (JIT compiling or still getting faster)", (System.nanoTime() - s0) / 1e6));
                return runs;
            }
            if (!compiling && !faster && windows >= 2) {
                if (windows > 2) {
                    notes.add(String.format(Locale.ROOT, "warm-up extended by %.0f ms until the launches "
                            + "settled (JIT compiling or still getting faster)", (System.nanoTime() - s0) / 1e6));
                }
                return runs;
            }
        }
    }

    /**
     * One measured sample, reusable: optional flush, start event, the launch (or graph replay), stop event,
     * wait, elapsed time. Public so the harness overhead can be benchmarked (module microbench). It owns its
     * two events; the stream, launch, graph and flush buffer stay the caller's.
     */
    public static final class SampleLoop implements AutoCloseable {
        private final Stream stream;
        private final PreparedOp.Launch launch;
        private final GraphCapture.Graph graph;
        private final DeviceBuffer flush;
        private final Event start;
        private final Event stop;
        private byte flushValue;

        /**
         * @param graph a captured graph replayed instead of {@code launch}, or null
         * @param flush a buffer filled before each sample (cold cache), or null
         */
        public SampleLoop(Device device, Stream stream, PreparedOp.Launch launch, GraphCapture.Graph graph,
                          DeviceBuffer flush) {
            this.stream = Objects.requireNonNull(stream, "stream");
            this.launch = Objects.requireNonNull(launch, "launch");
            this.graph = graph;
            this.flush = flush;
            Event first = null;
            Event second = null;
            try {
                first = device.newEvent();
                second = device.newEvent();
            } catch (UnsupportedOperationException e) {
                if (first != null) {
                    first.close();
                }
                first = null;
                second = null;
            }
            this.start = first;
            this.stop = second;
        }

        /** True when samples come from device events, false for the host-clock fallback. */
        public boolean usesEvents() {
            return start != null;
        }

        /** Runs one sample and returns its time in milliseconds. */
        public double sampleMillis() {
            if (flush != null) {
                flush.fill(stream, flushValue++);
                if (start == null) {
                    stream.synchronize();
                }
            }
            if (start != null) {
                stream.record(start);
                enqueue();
                stream.record(stop);
                stop.synchronize();
                return stop.millisSince(start);
            }
            long t0 = System.nanoTime();
            enqueue();
            stream.synchronize();
            return (System.nanoTime() - t0) / 1e6;
        }

        private void enqueue() {
            if (graph != null) {
                graph.replay(stream);
            } else {
                launch.enqueue(stream);
            }
        }

        @Override
        public void close() {
            if (start != null) {
                start.close();
                stop.close();
            }
        }
    }
}
