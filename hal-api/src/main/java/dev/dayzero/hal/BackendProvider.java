package dev.dayzero.hal;

/**
 * Entry point of a backend, found by {@link java.util.ServiceLoader} through
 * {@code META-INF/services/dev.dayzero.hal.BackendProvider}.
 *
 * <p>Constructing a provider and asking its {@link #id()} must be cheap and load no native code.
 * {@link #probe()} is where a backend may load its native libraries and ask the driver for versions
 * and devices; it never throws.
 */
public interface BackendProvider {

    /** Short stable id: {@code cpu}, {@code cuda}, {@code ascend}, {@code cambricon}, ... */
    String id();

    /** Who makes the chips this backend drives ({@code NVIDIA}, {@code Huawei}, ...). */
    String vendor();

    /**
     * Whether this backend can run here, and on which devices. Never throws: every failure (missing
     * library, {@link LinkageError}, driver error, no device) becomes an unavailable probe whose reason
     * is one sentence.
     */
    Probe probe();

    /**
     * Opens device {@code ordinal}. The caller owns the device and closes it.
     *
     * @throws BackendUnavailableException if the backend cannot run here (the probe's reason)
     * @throws IllegalArgumentException    if there is no device with that ordinal
     */
    Device open(int ordinal);

    /**
     * Whether every native function this backend binds resolves here: each library's file and the declared
     * functions it does not export. Like {@link #probe()} it may load native libraries and never throws
     * (a failure becomes {@link BindingReport#unavailable}). The default, for a backend without native code,
     * is an empty report.
     */
    default BindingReport bindings() {
        return BindingReport.none(id());
    }
}
