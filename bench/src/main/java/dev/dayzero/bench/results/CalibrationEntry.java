package dev.dayzero.bench.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.dayzero.hal.Calibration;
import dev.dayzero.hal.DeviceInfo;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A device's measured roofs ({@code dayzero calibrate}), as cached and as recorded in a results file (optional
 * field {@code calibrations}, schema /2): which device, on which host and driver, when, and each figure with how
 * it was measured.
 *
 * @param host       the machine's name
 * @param backend    backend id
 * @param ordinal    device ordinal within the backend
 * @param device     {@link DeviceInfo#name()}
 * @param driver     driver and runtime versions ({@code driver/runtime}), empty where none
 * @param measuredAt ISO-8601 instant
 * @param bandwidth  GB/s (STREAM: read + written), null where not measured
 * @param peaks      precision → TFLOP/s (TOP/s for int8)
 */
public record CalibrationEntry(String host, String backend, int ordinal, String device, String driver,
                               String measuredAt, @JsonInclude(JsonInclude.Include.NON_NULL) Calibration.Figure bandwidth,
                               Map<String, Calibration.Figure> peaks) {

    public CalibrationEntry {
        host = host == null ? "" : host;
        Objects.requireNonNull(backend, "backend");
        device = device == null ? "" : device;
        driver = driver == null ? "" : driver;
        measuredAt = measuredAt == null ? "" : measuredAt;
        peaks = Collections.unmodifiableSortedMap(new TreeMap<>(peaks == null ? Map.of() : peaks));
    }

    /** The driver key of a device: {@code driverVersion/runtimeVersion}. */
    public static String driverOf(DeviceInfo d) {
        return d.driverVersion() + "/" + d.runtimeVersion();
    }

    /** The entry for {@code roofs} measured on {@code d}. */
    public static CalibrationEntry of(String host, DeviceInfo d, String measuredAt, Calibration.Roofs roofs) {
        return new CalibrationEntry(host, d.backendId(), d.ordinal(), d.name(), driverOf(d), measuredAt,
                roofs.bandwidth().orElse(null), roofs.peaks());
    }

    /** Whether this entry was measured on {@code d} (backend, ordinal, name and driver all equal). */
    public boolean matches(DeviceInfo d) {
        return backend.equals(d.backendId()) && ordinal == d.ordinal() && device.equals(d.name())
                && driver.equals(driverOf(d));
    }
}
