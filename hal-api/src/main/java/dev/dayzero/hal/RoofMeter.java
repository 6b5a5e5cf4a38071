package dev.dayzero.hal;

import dev.dayzero.hal.op.GemmSpec;
import dev.dayzero.hal.op.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What an accelerator backend's {@link Calibration} shares: the arithmetic of a roof (STREAM bytes over device
 * time, {@code 2·m·n·k} FLOP over device time, the effort scaling) as pure functions, and two measurements made
 * through the HAL alone, timed by the device's own events:
 * <ul>
 *   <li>{@link #copy}: a device-to-device copy ({@link DeviceBuffer#copyFrom}) of one buffer into another, each
 *       repetition between two events; STREAM counts {@code 2 × bytes} (read + written) per copy;</li>
 *   <li>{@link #gemm}: the backend's own prepared {@link GemmSpec} (whatever operator the backend runs it on),
 *       {@code perRep} launches between two events per repetition, operands filled with seeded pseudo-random
 *       finite values of their type.</li>
 * </ul>
 * Both keep the <b>best</b> repetition (STREAM's convention; the median is named in the method text too), after
 * one untimed warm-up, and free everything they allocate (buffers, stream, events, the prepared operator) on every
 * path. The backend supplies the method text that names its calls; a figure is never taken from an emulated
 * device: {@link Device#calibration()} of an emulator or test double is empty, and these functions are only
 * called on one directly by tests that check the calls, never the speed.
 */
public final class RoofMeter {
    /** Smallest copy buffer at the lowest effort. */
    public static final long MIN_COPY_BYTES = 1L << 20;
    /** Full-effort sizes every accelerator calibration uses: 1 GiB copies, 20 of them, 8192³ GEMMs, 10 a repetition, 5 repetitions. */
    public static final long COPY_BYTES = 1L << 30;
    public static final int COPY_REPS = 20;
    public static final int GEMM_EDGE = 8192;
    public static final int GEMM_LAUNCHES = 10;
    public static final int GEMM_REPS = 5;

    private RoofMeter() {
    }

    /** One timed measurement: the device time of every repetition (ms) and the figure computed from the best. */
    public record Sample(double[] millis, Calibration.Figure figure) {
        public Sample {
            millis = millis.clone();
        }

        /** The fastest repetition, ms. */
        public double best() {
            return RoofMeter.best(millis);
        }
    }

    /** Reads the device time between two completed events, ms. */
    @FunctionalInterface
    public interface Timer {
        /** The device's own reading: {@link Event#millisSince}. */
        Timer EVENTS = (start, end) -> end.millisSince(start);

        double millis(Event start, Event end);
    }

    /**
     * The largest edge up to {@code n}, halving, whose three square operands ({@code bytesPerElement} summed over A,
     * B and D) take at most half of {@code freeBytes}; at least 128.
     */
    public static int fitEdge(int n, int bytesPerElement, long freeBytes) {
        int edge = n;
        while (edge > 128 && (long) edge * edge * bytesPerElement > freeBytes / 2) {
            edge /= 2;
        }
        return edge;
    }

    /**
     * Measures {@code spec}'s peak with {@link #gemm} into {@code peaks} under {@code key}, or says in {@code notes}
     * why not (the device does not support it, or the measurement failed) instead of failing the calibration.
     */
    public static void gemmPeak(Device device, java.util.Map<String, Calibration.Figure> peaks, java.util.List<String> notes,
                                String key, dev.dayzero.hal.op.GemmSpec spec, int perRep, int reps, String how) {
        Support s = device.supports(spec);
        if (!s.isSupported()) {
            notes.add(key + " not measured: " + spec.describe() + " is not supported here: " + s.reason());
            return;
        }
        try {
            peaks.put(key, gemm(device, spec, perRep, reps, how).figure());
        } catch (HalException e) {
            notes.add(key + " not measured: " + e.getMessage());
        }
    }

    /** Throws unless {@code effort} is in (0, 1]. */
    public static void checkEffort(double effort) {
        if (!(effort > 0) || effort > 1) {
            throw new IllegalArgumentException("effort must be in (0, 1], got " + effort);
        }
    }

    /** STREAM bandwidth in GB/s: {@code 2 × bytes} (read + written) per copy, {@code copies} copies in {@code millis}. */
    public static double streamGBps(long bytesPerCopy, long copies, double millis) {
        requireTime(millis);
        return 2.0 * bytesPerCopy * copies / (millis * 1e6);
    }

    /** TFLOP/s of {@code count} GEMMs of {@code m × n × k} ({@code 2·m·n·k} FLOP each) in {@code millis}. */
    public static double tflops(long m, long n, long k, long count, double millis) {
        requireTime(millis);
        return 2.0 * m * n * k * count / (millis * 1e9);
    }

    private static void requireTime(double millis) {
        if (!(millis > 0) || !Double.isFinite(millis)) {
            throw new IllegalStateException("the device timer read " + millis + " ms: too short to time (raise the"
                    + " effort) or the timer is broken");
        }
    }

    /**
     * Bytes of each copy buffer: {@code full × effort}, at least {@link #MIN_COPY_BYTES}, at most a quarter of
     * {@code freeBytes} (two buffers then take half of what is free), rounded down to a multiple of 1 MiB.
     *
     * @throws IllegalStateException when not even the minimum fits
     */
    public static long copyBytes(long full, double effort, long freeBytes) {
        checkEffort(effort);
        long want = Math.max(MIN_COPY_BYTES, (long) (full * effort));
        long cap = freeBytes / 4;
        long bytes = Math.min(want, cap) & ~(MIN_COPY_BYTES - 1);
        if (bytes < MIN_COPY_BYTES) {
            throw new IllegalStateException("only " + freeBytes + " bytes of device memory are free: too few for two "
                    + MIN_COPY_BYTES + "-byte copy buffers at a quarter of it each");
        }
        return bytes;
    }

    /**
     * The edge of the square GEMM: {@code full × ∛effort} (the work scales with effort), rounded down to a
     * multiple of {@code multiple}, at least {@code min}.
     */
    public static int gemmEdge(int full, double effort, int min, int multiple) {
        checkEffort(effort);
        int n = (int) Math.floor(full * Math.cbrt(effort) / multiple) * multiple;
        return Math.max(min, n);
    }

    /** Repetitions (or launches): {@code full × effort} rounded, at least {@code min}. */
    public static int count(int full, double effort, int min) {
        checkEffort(effort);
        return Math.max(min, (int) Math.round(full * effort));
    }

    /** The smallest value. */
    public static double best(double[] millis) {
        return Arrays.stream(millis).min().orElseThrow();
    }

    /** The median (mean of the middle two for an even count). */
    public static double median(double[] millis) {
        double[] s = millis.clone();
        Arrays.sort(s);
        int h = s.length / 2;
        return s.length % 2 == 1 ? s[h] : (s[h - 1] + s[h]) / 2;
    }

    /**
     * Copies a {@code bytes}-byte buffer into another on a new stream of {@code device}, {@code reps} times, each
     * between two events; the figure is {@link #streamGBps} of the best repetition.
     *
     * @param how what the copy is on this backend ({@code "cuMemcpyDtoDAsync_v2 timed by CUDA events"})
     */
    public static Sample copy(Device device, long bytes, int reps, String how) {
        return copy(device, bytes, reps, how, Timer.EVENTS);
    }

    /** As {@link #copy(Device, long, int, String)}, reading each repetition's time with {@code timer}. */
    public static Sample copy(Device device, long bytes, int reps, String how, Timer timer) {
        if (reps < 1) {
            throw new IllegalArgumentException("reps must be >= 1, got " + reps);
        }
        double[] ms = new double[reps];
        try (DeviceBuffer src = device.allocate(bytes);
             DeviceBuffer dst = device.allocate(bytes);
             Stream s = device.newStream();
             Event start = device.newEvent();
             Event end = device.newEvent()) {
            src.fill(s, (byte) 0x5A);
            dst.fill(s, (byte) 0);
            dst.copyFrom(s, src); // warm-up: first touch, clocks up
            s.synchronize();
            for (int r = 0; r < reps; r++) {
                s.record(start);
                dst.copyFrom(s, src);
                s.record(end);
                end.synchronize();
                ms[r] = timer.millis(start, end);
            }
        }
        double best = best(ms);
        String method = String.format(Locale.ROOT, "%s: device-to-device copy of %d MiB (STREAM: 2 x %d MiB read +"
                        + " written per copy), best of %d after a warm-up (median %.1f GB/s)", how, bytes >> 20,
                bytes >> 20, reps, streamGBps(bytes, 1, median(ms)));
        return new Sample(ms, new Calibration.Figure(streamGBps(bytes, 1, best), method));
    }

    /**
     * Runs the backend's own prepared {@code spec} ({@code batch} must be 1): allocates its operands (inputs
     * filled with seeded pseudo-random finite values of their type, scales near 1), binds once, enqueues
     * {@code perRep} launches as a warm-up, then {@code reps} repetitions of {@code perRep} launches each between
     * two events; the figure is {@link #tflops} of the best repetition.
     *
     * @param how what runs the GEMM on this backend ({@code "aclnnGroupedMatmulV4 (BF16, one group)"})
     */
    public static Sample gemm(Device device, GemmSpec spec, int perRep, int reps, String how) {
        if (spec.batch() != 1) {
            throw new IllegalArgumentException("a peak GEMM has batch 1, got " + spec.batch());
        }
        if (perRep < 1 || reps < 1) {
            throw new IllegalArgumentException("perRep and reps must be >= 1, got " + perRep + ", " + reps);
        }
        double[] ms = new double[reps];
        List<DeviceBuffer> operands = new ArrayList<>();
        try {
            SplittableRandom random = new SplittableRandom(0x5EEDL);
            for (TensorSpec t : spec.inputs()) {
                DeviceBuffer b = device.allocate(t.bytes());
                operands.add(b);
                fillRandom(b, t, random);
            }
            for (TensorSpec t : spec.outputs()) {
                operands.add(device.allocate(t.bytes()));
            }
            try (PreparedOp op = device.prepare(spec);
                 PreparedOp.Launch launch = op.bind(operands);
                 Stream s = device.newStream();
                 Event start = device.newEvent();
                 Event end = device.newEvent()) {
                for (int i = 0; i < perRep; i++) {
                    launch.enqueue(s);
                }
                s.synchronize();
                for (int r = 0; r < reps; r++) {
                    s.record(start);
                    for (int i = 0; i < perRep; i++) {
                        launch.enqueue(s);
                    }
                    s.record(end);
                    end.synchronize();
                    ms[r] = end.millisSince(start);
                }
            }
        } finally {
            closeAll(operands);
        }
        long m = spec.m();
        long n = spec.n();
        long k = spec.k();
        String method = String.format(Locale.ROOT, "%s: %s GEMM m=%d n=%d k=%d, %d launches per repetition, best of %d"
                        + " after a warm-up (median %.2f TFLOP/s)", how, spec.type(), m, n, k, perRep, reps, tflops(m, n, k, perRep, median(ms)));
        return new Sample(ms, new Calibration.Figure(tflops(m, n, k, perRep, best(ms)), method));
    }

    /** Closes every buffer, newest first; the first failure is thrown with the others suppressed. */
    public static void closeAll(List<? extends AutoCloseable> resources) {
        RuntimeException failure = null;
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Writes seeded pseudo-random finite values of {@code t}'s type into {@code b}, in host chunks of at most
     * 4 MiB repeated over the buffer (the values only need to be finite and not constant): BF16 and F32 in
     * [-1, 1] (tensors named {@code *scale*}: [0.5, 1.5]), FP8 any byte but NaN, INT8 any byte, UE8M0 around 2⁰,
     * I32 and I64 zero.
     */
    public static void fillRandom(DeviceBuffer b, TensorSpec t, SplittableRandom random) {
        long size = b.size();
        int chunk = (int) Math.min(size, 4L << 20);
        ByteBuffer bytes = ByteBuffer.allocate(chunk).order(ByteOrder.LITTLE_ENDIAN);
        boolean scale = t.name().contains("scale");
        DType type = t.dtype();
        while (bytes.remaining() >= Math.max(1, type.bits() / 8)) {
            switch (type) {
                case BF16 -> bytes.putShort(Bf16.encode(value(random, scale)));
                case F32 -> bytes.putFloat(value(random, scale));
                case F8_E4M3FN -> {
                    int v = random.nextInt(256);
                    bytes.put((byte) ((v & 0x7F) == 0x7F ? v & 0xF7 : v)); // 0x7F / 0xFF are NaN
                }
                case F8_E5M2 -> bytes.put((byte) (random.nextInt(256) & 0xBF)); // exponent never all ones
                case I8, U8 -> bytes.put((byte) random.nextInt(256));
                case UE8M0 -> bytes.put((byte) (126 + random.nextInt(3)));
                default -> bytes.put((byte) 0);
            }
        }
        while (bytes.hasRemaining()) {
            bytes.put((byte) 0);
        }
        bytes.flip();
        for (long at = 0; at < size; at += chunk) {
            int n = (int) Math.min(chunk, size - at);
            b.write(at, bytes.duplicate().limit(n));
        }
    }

    private static float value(SplittableRandom random, boolean scale) {
        return scale ? (float) (0.5 + random.nextDouble()) : (float) (random.nextDouble() * 2 - 1);
    }
}
