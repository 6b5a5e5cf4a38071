package dev.dayzero.hal;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A backend's answer to "can you run here?": available with its devices and the versions of the
 * native pieces it found, or unavailable with a one-sentence reason a user understands
 * ("libcuda.so.1 not found: no NVIDIA driver on this machine").
 */
public record Probe(String backendId, boolean available, String reason, List<DeviceInfo> devices,
                    Map<String, String> versions) {

    public Probe {
        Objects.requireNonNull(backendId, "backendId");
        reason = reason == null ? "" : reason;
        devices = List.copyOf(devices);
        versions = Map.copyOf(versions);
        if (!available && reason.isBlank()) {
            throw new IllegalArgumentException("an unavailable backend must say why");
        }
        if (available && devices.isEmpty()) {
            throw new IllegalArgumentException("an available backend has at least one device");
        }
    }

    public static Probe available(String backendId, List<DeviceInfo> devices, Map<String, String> versions) {
        return new Probe(backendId, true, "", devices, versions);
    }

    public static Probe unavailable(String backendId, String reason) {
        return new Probe(backendId, false, reason, List.of(), Map.of());
    }
}
