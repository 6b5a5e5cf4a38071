package dev.dayzero.bench.results;

import dev.dayzero.hal.DeviceInfo;
import dev.dayzero.hal.Probe;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A requested backend's probe answer, as the worker that probed it saw it.
 *
 * @param id        backend id
 * @param ordinal   the device the run used
 * @param available whether the backend could run here and the device opened
 * @param reason    why not, one sentence (empty when available)
 * @param versions  versions of the native pieces the probe found, sorted by key
 * @param devices   every device the probe listed, with its full info
 */
public record BackendEntry(String id, int ordinal, boolean available, String reason, Map<String, String> versions,
                           List<DeviceInfo> devices) {

    public BackendEntry {
        Objects.requireNonNull(id, "id");
        reason = reason == null ? "" : reason;
        versions = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(versions == null ? Map.of() : versions));
        devices = devices == null ? List.of() : List.copyOf(devices);
    }

    public static BackendEntry of(Probe probe, int ordinal) {
        return new BackendEntry(probe.backendId(), ordinal, probe.available(), probe.reason(), probe.versions(),
                probe.devices());
    }

    /** The same entry marked unavailable with {@code why}, keeping what the probe listed. */
    public BackendEntry unavailable(String why) {
        return new BackendEntry(id, ordinal, false, why, versions, devices);
    }

    /** The device the run used, when the probe listed it. */
    public java.util.Optional<DeviceInfo> device() {
        return devices.stream().filter(d -> d.ordinal() == ordinal).findFirst();
    }
}
