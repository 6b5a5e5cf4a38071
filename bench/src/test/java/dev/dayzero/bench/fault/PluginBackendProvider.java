package dev.dayzero.bench.fault;

import dev.dayzero.backend.cpu.CpuBackendProvider;
import dev.dayzero.hal.BackendProvider;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.DeviceInfo;
import dev.dayzero.hal.Probe;
import java.util.List;
import java.util.Map;

/**
 * A test-only plugin backend (id {@code acme-test}): the CPU backend under another id. Not registered on the test
 * class path; the plugin loader tests put it into jars of their own.
 */
public final class PluginBackendProvider implements BackendProvider {
    public static final String ID = "acme-test";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String vendor() {
        return "ACME";
    }

    @Override
    public Probe probe() {
        Probe cpu = new CpuBackendProvider().probe();
        List<DeviceInfo> devices = cpu.devices();
        return Probe.available(ID, devices, Map.of("acme", "1"));
    }

    @Override
    public Device open(int ordinal) {
        return new CpuBackendProvider().open(ordinal);
    }
}
