package dev.dayzero.backend.cuda.internal;

import dev.dayzero.backend.cuda.jna.CudaErrors;
import dev.dayzero.hal.OwnedResources;
import dev.dayzero.hal.PreparedOp.Launch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A launch that owns what its binding made — its kernel launches, a workspace, descriptors holding its pointers —
 * in {@link #parts}. {@link #close} closes them, newest first, throws their failures as one exception naming the
 * launch, and removes the launch from its operator's launches — once, however often called.
 */
abstract class OwningLaunch implements Launch {
    /** What the binding made; closed with the launch. */
    protected final OwnedResources parts = new OwnedResources();
    private final String what;
    private final OwnedResources owner;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param what  the launch, for messages (e.g. {@code "launch of " + spec.describe()})
     * @param owner the operator's launches, which the caller adds this launch to
     */
    OwningLaunch(String what, OwnedResources owner) {
        this.what = what;
        this.owner = owner;
    }

    /** Throws once the launch is closed ({@code "<what> is closed"}). */
    protected final void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException(what + " is closed");
        }
    }

    @Override
    public final void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                OwnedResources.report(CudaErrors.VENDOR, what, parts.closeAll());
            } finally {
                owner.remove(this);
            }
        }
    }
}
