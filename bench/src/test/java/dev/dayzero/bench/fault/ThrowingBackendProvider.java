package dev.dayzero.bench.fault;

import dev.dayzero.hal.BackendProvider;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.Probe;

/** A test-only plugin provider whose constructor throws, as one whose static set-up fails. Not registered. */
public final class ThrowingBackendProvider implements BackendProvider {
    public static final String MESSAGE = "the ACME runtime's config file is missing";

    public ThrowingBackendProvider() {
        throw new IllegalStateException(MESSAGE);
    }

    @Override
    public String id() {
        return "never";
    }

    @Override
    public String vendor() {
        return "ACME";
    }

    @Override
    public Probe probe() {
        return Probe.unavailable("never", "never");
    }

    @Override
    public Device open(int ordinal) {
        throw new UnsupportedOperationException();
    }
}
