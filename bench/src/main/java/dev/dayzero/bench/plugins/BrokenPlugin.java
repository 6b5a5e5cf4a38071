package dev.dayzero.bench.plugins;

import dev.dayzero.hal.BackendProvider;
import dev.dayzero.hal.BackendUnavailableException;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.Probe;

/**
 * A plugin jar that provides no working backend (a broken service file, a provider that cannot be loaded or whose
 * constructor throws): listed under the jar's name, never available, with the reason.
 */
final class BrokenPlugin implements BackendProvider {
    private final String id;
    private final String reason;

    BrokenPlugin(String id, String reason) {
        this.id = id;
        this.reason = reason;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String vendor() {
        return "unknown";
    }

    @Override
    public Probe probe() {
        return Probe.unavailable(id, reason);
    }

    @Override
    public Device open(int ordinal) {
        throw new BackendUnavailableException("plugin", reason);
    }
}
