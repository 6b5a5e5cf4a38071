package dev.dayzero.backend.cuda.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * One native handle (device memory, stream, event, module, graph, ...) and the one
 * call that frees it. Closing swaps the handle out atomically, so it is freed exactly once.
 */
final class NativeHandle implements AutoCloseable {
    private final String kind;
    private final AtomicLong handle;
    private final LongConsumer free;

    NativeHandle(String kind, long handle, LongConsumer free) {
        if (handle == 0) {
            throw new IllegalArgumentException(kind + " handle is NULL");
        }
        this.kind = kind;
        this.handle = new AtomicLong(handle);
        this.free = free;
    }

    /** The live handle; throws once closed. */
    long get() {
        long h = handle.get();
        if (h == 0) {
            throw new IllegalStateException(kind + " is closed");
        }
        return h;
    }


    boolean isClosed() {
        return handle.get() == 0;
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
