package dev.dayzero.bench.calibrate;

import dev.dayzero.bench.results.CalibrationEntry;
import dev.dayzero.bench.results.ResultsJson;
import dev.dayzero.hal.DeviceInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;

/**
 * Measured roofs cached per host, backend, device and driver: one JSON file per device under
 * {@code <dir>/calibration/<host>/}, named by the backend, the device's ordinal and name, and a hash of the driver
 * versions, so a driver update or another machine sharing a home directory never reuses a stale figure. The
 * directory is, first found: an explicit one ({@code --cache-dir}), {@value #ENV}, {@code $XDG_CACHE_HOME/dayzero},
 * {@code ~/.cache/dayzero}.
 */
public final class CalibrationCache {
    /** Environment variable naming the cache directory. */
    public static final String ENV = "DAYZERO_CACHE_DIR";

    private final Path dir;

    public CalibrationCache(Path dir) {
        this.dir = dir.toAbsolutePath();
    }

    /** The cache directory by the rule above; {@code explicit} may be null. */
    public static Path resolveDir(Path explicit, Map<String, String> env, String userHome) {
        if (explicit != null) {
            return explicit;
        }
        String v = env.get(ENV);
        if (v != null && !v.isBlank()) {
            return Path.of(v);
        }
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "dayzero");
        }
        return Path.of(userHome, ".cache", "dayzero");
    }

    /** The cache of this user and environment. */
    public static CalibrationCache standard(Path explicit) {
        return new CalibrationCache(resolveDir(explicit, System.getenv(), System.getProperty("user.home")));
    }

    public Path dir() {
        return dir;
    }

    /** The file holding the entry of device {@code d} measured on {@code host}. */
    public Path fileFor(String host, DeviceInfo d) {
        String driver = CalibrationEntry.driverOf(d);
        String hash = Integer.toHexString(driver.hashCode() & 0x7fffffff);
        return dir.resolve("calibration").resolve(safe(host.isEmpty() ? "unknown-host" : host))
                .resolve(safe(d.backendId()) + "-" + d.ordinal() + "-" + safe(d.name()) + "-" + hash + ".json");
    }

    /** The cached entry for {@code d} on {@code host}, when one exists, is readable and matches it exactly. */
    public Optional<CalibrationEntry> lookup(String host, DeviceInfo d) {
        Path f = fileFor(host, d);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            CalibrationEntry e = ResultsJson.mapper().readValue(Files.readString(f), CalibrationEntry.class);
            return e.matches(d) && e.host().equals(host) ? Optional.of(e) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // unreadable: measured again on the next calibrate
        }
    }

    /** Writes {@code e} (atomically: a temporary file moved into place) and returns its path. */
    public Path store(CalibrationEntry e, DeviceInfo d) {
        Path f = fileFor(e.host(), d);
        try {
            Files.createDirectories(f.getParent());
            Path tmp = Files.createTempFile(f.getParent(), ".calibration", ".tmp");
            Files.writeString(tmp, ResultsJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(e) + "\n",
                    StandardCharsets.UTF_8);
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return f;
        } catch (IOException x) {
            throw new UncheckedIOException("could not write the calibration cache " + f, x);
        }
    }

    private static String safe(String s) {
        String t = s.replaceAll("[^A-Za-z0-9._-]+", "_");
        return t.length() > 80 ? t.substring(0, 80) : t;
    }

    /**
     * The cached entries of the devices a run used, for its results file: looked up under this machine's name,
     * recorded under {@code recordedHost} (the run's host as written, redacted where the run redacts it).
     */
    public java.util.List<CalibrationEntry> forRun(java.util.List<dev.dayzero.bench.results.BackendEntry> entries,
                                                   String localHost, String recordedHost) {
        java.util.List<CalibrationEntry> out = new java.util.ArrayList<>();
        for (var b : entries) {
            if (!b.available()) {
                continue;
            }
            b.device().filter(d -> !d.emulated()).flatMap(d -> lookup(localHost, d)).ifPresent(e -> out.add(
                    new CalibrationEntry(recordedHost, e.backend(), e.ordinal(), e.device(), e.driver(),
                            e.measuredAt(), e.bandwidth(), e.peaks())));
        }
        return out;
    }
}
