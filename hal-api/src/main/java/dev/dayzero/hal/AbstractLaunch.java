package dev.dayzero.hal;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A launch that owns what its binding made — native launches, a workspace, descriptors or tensors holding its
 * pointers, converted copies — in {@link #parts}, for backends to extend. {@link #close} closes them, newest
 * first, throws their failures as one {@link HalException} naming the launch, and removes the launch from its
 * owner (its operator's launches) — once, however often called. The caller adds the launch to its owner.
 */
public abstract class AbstractLaunch implements PreparedOp.Launch {
    /** What the binding made; closed with the launch, newest first. */
    protected final OwnedResources parts = new OwnedResources();
    private final String vendor;
    private final String what;
    private final OwnedResources owner;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param vendor the backend's vendor, for the exception {@link #close} throws
     * @param what   the launch, for messages (e.g. {@code "launch of " + spec.describe()})
     * @param owner  the registry the launch removes itself from on close (its operator's launches)
     */
    protected AbstractLaunch(String vendor, String what, OwnedResources owner) {
        this.vendor = vendor;
        this.what = what;
        this.owner = owner;
    }

    /** A launch of {@code op}: named {@code "launch of <spec>"}, owned by the operator's launches. */
    protected AbstractLaunch(AbstractPreparedOp<?, ?, ?> op) {
        this(op.vendor(), "launch of " + op.spec().describe(), op.launches);
    }

    /** Throws once the launch is closed ({@code "<what> is closed"}). */
    protected final void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException(what + " is closed");
        }
    }

    /**
     * Hook: runs first in {@link #close}, e.g. to make the device's context current; a failure is reported with the
     * others and the parts still close.
     */
    protected void beforeClose() {
    }

    /**
     * Closes the {@link #parts}, newest first, throws their failures as one {@link HalException}
     * ({@code "closing <what>: ..."}) and removes the launch from its owner even then. Once; later calls do nothing.
     */
    @Override
    public final void close() {
        if (closed.compareAndSet(false, true)) {
            OwnedResources.closeInOrder(vendor, what, this::beforeClose, parts::closeAll, () -> owner.remove(this));
        }
    }
}
