package ${package};

import dev.dayzero.hal.BackendProvider;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.Probe;
import java.util.List;
import java.util.Map;

/**
 * The ${vendorName} backend (id {@value #ID}), found by Dayzero through
 * {@code META-INF/services/dev.dayzero.hal.BackendProvider}.
 *
 * <p>Constructing it and asking {@link #id()} must be cheap and load no native code. {@link #probe()} is where the
 * backend loads its native libraries and asks the driver for devices; it never throws: every failure becomes an
 * unavailable probe with a one-sentence reason. This skeleton runs on the host until you bind your runtime.
 */
public final class ${className}BackendProvider implements BackendProvider {
    /** The id users pass to {@code dayzero run --backends}. */
    public static final String ID = "${backendId}";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String vendor() {
        return ${className}Device.VENDOR;
    }

    @Override
    public Probe probe() {
        try {
            // TODO: load your runtime (JNA Native.load), read driver and runtime versions, count devices
            return Probe.available(ID, List.of(${className}Device.describe(0)), Map.of("skeleton", "host memory"));
        } catch (RuntimeException | LinkageError e) {
            return Probe.unavailable(ID, "the ${vendorName} runtime cannot be loaded: " + e.getMessage());
        }
    }

    @Override
    public Device open(int ordinal) {
        if (ordinal != 0) {
            throw new IllegalArgumentException("backend " + ID + " has one device, ordinal 0; got " + ordinal);
        }
        return new ${className}Device(ordinal);
    }
}
