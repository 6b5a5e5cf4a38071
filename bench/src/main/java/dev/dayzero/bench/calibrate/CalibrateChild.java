package dev.dayzero.bench.calibrate;

import dev.dayzero.bench.results.CalibrationEntry;
import dev.dayzero.bench.results.ResultsJson;
import dev.dayzero.hal.BackendProvider;
import dev.dayzero.hal.Backends;
import dev.dayzero.hal.Calibration;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.DeviceInfo;
import dev.dayzero.hal.Probe;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The child JVM of {@code dayzero calibrate}: opens every device of one backend, measures the ones that can
 * measure themselves, and prints one JSON line per device: a {@link CalibrationEntry}, or
 * {@code {"skipped": ...}} with the reason. A child like a run's worker: the backend's native code (and the CPU
 * backend's Vector API module) never load in the coordinator.
 */
public final class CalibrateChild {
    private CalibrateChild() {
    }

    /**
     * Arguments: backend id, host name, effort in (0, 1], {@code refresh} or {@code cached}, the cache directory,
     * then the ordinals to measure (none: every device). With {@code cached}, a device whose entry is in the cache
     * is not measured again: the cached entry is printed with {@code "cached": true}.
     */
    public static void main(String[] args) throws Exception {
        String backend = args[0];
        String host = args[1];
        double effort = Double.parseDouble(args[2]);
        boolean refresh = args[3].equals("refresh");
        CalibrationCache cache = new CalibrationCache(java.nio.file.Path.of(args[4]));
        BackendProvider provider = Backends.discover().require(backend);
        Probe probe = provider.probe();
        if (!probe.available()) {
            System.out.println(skipped(backend, -1, "unavailable: " + probe.reason()));
            return;
        }
        List<Integer> ordinals = new ArrayList<>();
        for (int i = 5; i < args.length; i++) {
            ordinals.add(Integer.parseInt(args[i]));
        }
        for (DeviceInfo listed : probe.devices()) {
            if (!ordinals.isEmpty() && !ordinals.contains(listed.ordinal())) {
                continue;
            }
            if (!refresh && !listed.emulated()) {
                Optional<CalibrationEntry> hit = cache.lookup(host, listed);
                if (hit.isPresent()) {
                    var n = ResultsJson.mapper().valueToTree(hit.get());
                    ((com.fasterxml.jackson.databind.node.ObjectNode) n).put("cached", true);
                    ((com.fasterxml.jackson.databind.node.ObjectNode) n).put("file", cache.fileFor(host, listed).toString());
                    System.out.println(ResultsJson.mapper().writeValueAsString(n));
                    continue;
                }
            }
            try (Device device = provider.open(listed.ordinal())) {
                DeviceInfo d = device.info();
                Optional<Calibration> c = d.emulated() ? Optional.empty() : device.calibration();
                if (c.isEmpty()) {
                    System.out.println(skipped(backend, d.ordinal(), d.emulated()
                            ? "emulated: an emulator's speed is not a chip's" : "the backend offers no calibration"));
                    continue;
                }
                Calibration.Roofs roofs = c.get().measure(effort);
                CalibrationEntry entry = CalibrationEntry.of(host, d, Instant.now().toString(), roofs);
                java.nio.file.Path file = cache.store(entry, d);
                var n = (com.fasterxml.jackson.databind.node.ObjectNode) ResultsJson.mapper().valueToTree(entry);
                n.put("cached", false);
                n.put("file", file.toString());
                if (!c.get().notes().isEmpty()) {
                    var notes = n.putArray("notes");
                    c.get().notes().forEach(notes::add);
                }
                System.out.println(ResultsJson.mapper().writeValueAsString(n));
            }
        }
    }

    private static String skipped(String backend, int ordinal, String why) throws Exception {
        var n = ResultsJson.mapper().createObjectNode();
        n.put("backend", backend);
        n.put("ordinal", ordinal);
        n.put("skipped", why);
        return ResultsJson.mapper().writeValueAsString(n);
    }
}
