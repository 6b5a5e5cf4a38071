package dev.dayzero.hal;

import dev.dayzero.hal.op.OpSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every backend's device shares, for backends to extend: the children it hands out ({@link #own}; a closed
 * child {@link #released releases} itself), the device memory they hold ({@link #allocatedBytes}), the closed flag
 * and the close sequence.
 *
 * <p>{@link #close} closes, once however often called: it runs {@link #beforeClose} (making the device's context
 * current, say), closes the children newest first, runs {@link #release} for the device's own native state, and
 * throws every failure met as one {@link HalException} naming the device. A {@code prepare} starts with
 * {@link #refuseUnsupported}. A backend keeps what differs: its open checks, contexts, allocation and frees.
 */
public abstract class AbstractDevice implements Device {
    private final String vendor;
    private final String name;
    private final OwnedResources children = new OwnedResources();
    private final AtomicLong allocated = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param vendor the backend's vendor, for the exceptions {@link #close} and {@link #refuseUnsupported} throw
     * @param name   the device in messages ({@code "CUDA device 0"})
     */
    protected AbstractDevice(String vendor, String name) {
        this.vendor = requireText(vendor, "vendor");
        this.name = requireText(name, "name");
    }

    private static String requireText(String text, String what) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the device's " + what + " must not be blank");
        }
        return text;
    }

    /** The backend's vendor tag, as given. */
    protected final String vendor() {
        return vendor;
    }

    /**
     * Registers {@code child} (a buffer, stream, event, operator or other native resource) to be closed with the
     * device, and returns it. For the backend's own classes: callers get children from {@code allocate},
     * {@code newStream}, {@code newEvent} and {@code prepare}.
     */
    public final <T extends AutoCloseable> T own(T child) {
        return children.add(child);
    }

    /** Counts {@code bytes} of device memory just allocated for a child, until that child is {@link #released}. */
    protected final void countAllocated(long bytes) {
        allocated.addAndGet(bytes);
    }

    /**
     * A child closed itself: the device forgets it (it no longer closes it) and no longer counts its {@code bytes}
     * of device memory. For the backend's own children, from their {@code close}.
     */
    public final void released(AutoCloseable child, long bytes) {
        children.remove(child);
        allocated.addAndGet(-bytes);
    }

    /** A child holding no counted memory closed itself: {@link #released}{@code (child, 0)}. */
    public final void forget(AutoCloseable child) {
        released(child, 0);
    }

    @Override
    public final long allocatedBytes() {
        return allocated.get();
    }

    @Override
    public final boolean isClosed() {
        return closed.get();
    }

    /**
     * Throws unless {@link #supports} says {@code spec} is supported, with the reason, or with the alternative
     * offered and why.
     *
     * @throws UnsupportedSpecException when the exact spec will not run here
     */
    protected final void refuseUnsupported(OpSpec spec) {
        Support s = supports(spec);
        if (s.isSupported()) {
            return;
        }
        throw new UnsupportedSpecException(vendor, s instanceof Support.Alternative a
                ? "not supported as given; alternative offered: " + a.spec().describe() + " (" + a.reason() + ")"
                : s.reason());
    }

    /**
     * Hook: runs first in {@link #close}, before the children close (e.g. to make the device's context current);
     * a failure is reported with the others and the rest still closes.
     */
    protected void beforeClose() {
    }

    /**
     * Hook: frees the device's own native state (context, handles, worker threads); called once, from
     * {@link #close}, after every child has closed. Collects rather than stops on a failure.
     *
     * @return the failures, in the order met; nothing to free by default
     */
    protected List<Throwable> release() {
        return List.of();
    }

    /**
     * Runs {@link #beforeClose}, closes every child newest first, runs {@link #release}, and throws the failures as
     * one {@link HalException} ({@code "closing <name>: ..."}). Once; later calls do nothing.
     */
    @Override
    public final void close() {
        if (closed.compareAndSet(false, true)) {
            OwnedResources.closeInOrder(vendor, name, this::beforeClose, () -> {
                List<Throwable> failures = new ArrayList<>(children.closeAll());
                failures.addAll(release());
                return failures;
            }, () -> { });
        }
    }
}
