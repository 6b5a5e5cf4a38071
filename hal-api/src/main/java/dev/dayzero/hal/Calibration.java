package dev.dayzero.hal;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a device measures of itself: its sustained memory bandwidth and its sustained peak per precision, the
 * two roofs of a roofline. A device that can measure itself returns one from {@link Device#calibration()};
 * emulators and test doubles never do (an emulator's "peak" is not a chip's).
 *
 * <p>Bandwidth follows STREAM's convention: bytes read plus bytes written per second, over buffers well beyond
 * the last-level cache, moved on the device (Java threads for the host, a device-to-device copy for an
 * accelerator). A peak is the backend's own best GEMM at a large square shape, or an FMA loop where that is the
 * honest measure; either way {@link Figure#method()} says which, with the shape, repetitions and the statistic
 * kept (best, median). Measuring takes seconds and allocates and frees its own buffers.
 */
public interface Calibration {

    /** The precision keys a calibration may measure: F32 (non-tensor), TF32, BF16, FP16, FP8, INT8. */
    Set<String> PRECISIONS = Set.of("f32", "tf32", "bf16", "f16", "fp8", "int8");

    /** Measures the roofs; {@code effort} in (0, 1] scales sizes and repetitions down for quick checks. */
    Roofs measure(double effort);

    /**
     * What the last {@link #measure} left out and why, one sentence each ({@code "fp8 not measured: ..."}); empty
     * by default. Shown beside the figures, never cached as one.
     */
    default java.util.List<String> notes() {
        return java.util.List.of();
    }

    /**
     * One measured figure.
     *
     * @param value  GB/s for bandwidth, TFLOP/s (TOP/s for int8) for a peak; positive and finite
     * @param method how it was measured, in one line (kernel, sizes, threads, repetitions, statistic)
     */
    record Figure(double value, String method) {
        public Figure {
            if (!(value > 0) || !Double.isFinite(value)) {
                throw new IllegalArgumentException("value: must be a positive finite number, got " + value);
            }
            Objects.requireNonNull(method, "method");
            if (method.isBlank()) {
                throw new IllegalArgumentException("method: a measured figure must say how it was measured");
            }
        }
    }

    /**
     * A device's measured roofs.
     *
     * @param bandwidth sustained memory bandwidth, GB/s (STREAM: read + written), empty when not measured
     * @param peaks     precision ({@link #PRECISIONS}) → sustained peak, TFLOP/s
     */
    record Roofs(Optional<Figure> bandwidth, Map<String, Figure> peaks) {
        public Roofs {
            bandwidth = bandwidth == null ? Optional.empty() : bandwidth;
            java.util.SortedMap<String, Figure> p = new TreeMap<>();
            if (peaks != null) {
                peaks.forEach((k, v) -> {
                    if (!PRECISIONS.contains(k)) {
                        throw new IllegalArgumentException("peaks." + k + ": unknown precision; expected one of "
                                + new java.util.TreeSet<>(PRECISIONS));
                    }
                    p.put(k, Objects.requireNonNull(v, "peaks." + k));
                });
            }
            peaks = Collections.unmodifiableSortedMap(p);
        }
    }
}
