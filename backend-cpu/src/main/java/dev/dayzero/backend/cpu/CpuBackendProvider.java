package dev.dayzero.backend.cpu;

import dev.dayzero.backend.cpu.internal.CpuDevice;
import dev.dayzero.backend.cpu.internal.HostInfo;
import dev.dayzero.hal.BackendProvider;
import dev.dayzero.hal.BindingReport;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.Probe;
import java.util.List;
import java.util.Map;

/**
 * The CPU backend (id {@code cpu}): every operator in pure Java on all cores, with the incubating
 * Vector API where the JVM has it. One device, ordinal 0: the host. Constructing it does nothing.
 */
public final class CpuBackendProvider implements BackendProvider {
    /** The backend id. */
    public static final String ID = "cpu";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String vendor() {
        return HostInfo.vendor();
    }

    @Override
    public Probe probe() {
        try {
            CpuConfig config = CpuConfig.resolve();
            return Probe.available(ID, List.of(HostInfo.describe(config)),
                    Map.of("java", Runtime.version().toString(),
                            "vectorApi", String.valueOf(config.useVectorApi())));
        } catch (RuntimeException e) {
            return Probe.unavailable(ID, "the CPU backend's configuration is invalid: " + e.getMessage());
        }
    }

    /** Opens the host with the configuration resolved from properties, environment and defaults. */
    @Override
    public Device open(int ordinal) {
        return open(ordinal, CpuConfig.resolve());
    }

    /** Opens the host with an explicit configuration. */
    public Device open(CpuConfig config) {
        return open(0, config);
    }

    /** Pure Java (the Vector API at most): no native library, so nothing to resolve. */
    @Override
    public BindingReport bindings() {
        return BindingReport.none(id());
    }

    private static Device open(int ordinal, CpuConfig config) {
        if (ordinal != 0) {
            throw new IllegalArgumentException("the cpu backend has one device, ordinal 0; got " + ordinal);
        }
        return new CpuDevice(config);
    }
}
