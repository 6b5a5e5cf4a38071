package dev.dayzero.hal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * One owner for one native handle (device memory, a stream, an event, a tensor descriptor, an operator
 * executor, ...) and the one call that frees it, for backends to share. Closing swaps the handle out
 * atomically, so it is freed exactly once; use after close throws {@link IllegalStateException}.
 */
public final class NativeHandle implements AutoCloseable {
    private final String kind;
    private final AtomicLong handle;
    private final LongConsumer free;

    /**
     * @param kind   what the handle is, for messages ({@code "aclTensor"}, {@code "CUstream"})
     * @param handle the non-zero native value
     * @param free   the call that frees it (it may throw a {@link HalException} for a failed free)
     */
    public NativeHandle(String kind, long handle, LongConsumer free) {
        if (handle == 0) {
            throw new IllegalArgumentException(kind + " handle is NULL");
        }
        this.kind = kind;
        this.handle = new AtomicLong(handle);
        this.free = free;
    }

    /** The live handle; throws once closed. */
    public long get() {
        long h = handle.get();
        if (h == 0) {
            throw new IllegalStateException(kind + " is closed");
        }
        return h;
    }

    public boolean isClosed() {
        return handle.get() == 0;
    }

    /** Gives the handle up without freeing it (its ownership moved to native code, e.g. into a tensor list). */
    public long release() {
        return handle.getAndSet(0);
    }

    @Override
    public void close() {
        long h = handle.getAndSet(0);
        if (h != 0) {
            free.accept(h);
        }
    }

    @Override
    public String toString() {
        return kind;
    }
}
