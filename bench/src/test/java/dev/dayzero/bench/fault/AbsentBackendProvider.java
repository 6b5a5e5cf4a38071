package dev.dayzero.bench.fault;

import dev.dayzero.hal.BackendProvider;
import dev.dayzero.hal.BackendUnavailableException;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.Probe;

/** A test-only backend (id {@code absent}) that is never available, as a backend without its driver. */
public final class AbsentBackendProvider implements BackendProvider {
    public static final String ID = "absent";
    public static final String REASON = "libabsent.so not found: the absent test backend never runs";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String vendor() {
        return "dayzero-test";
    }

    @Override
    public Probe probe() {
        return Probe.unavailable(ID, REASON);
    }

    @Override
    public Device open(int ordinal) {
        throw new BackendUnavailableException(vendor(), REASON);
    }
}
