package dev.dayzero.backend.cambricon.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongToIntFunction;
import java.util.function.ToIntFunction;

/**
 * One owner for one native handle (a CNNL handle, tensor descriptor, MatMul descriptor, algorithm,
 * heuristic result or flash-attention descriptor). {@link #close()} is idempotent: the handle is swapped
 * out of an atomic field and destroyed once; use after close throws {@link IllegalStateException}.
 */
final class NativeHandle implements AutoCloseable {
    private final Natives natives;
    private final String what;
    private final String destroyFn;
    private final LongToIntFunction destroy;
    private final AtomicLong handle;

    private NativeHandle(Natives natives, String what, long handle, String destroyFn, LongToIntFunction destroy) {
        this.natives = natives;
        this.what = what;
        this.destroyFn = destroyFn;
        this.destroy = destroy;
        this.handle = new AtomicLong(handle);
    }

    /** Calls a CNNL {@code create(&h)} function and owns what it returns. */
    static NativeHandle createCnnl(Natives natives, String what, String createFn, ToIntFunction<long[]> create,
                                   String destroyFn, LongToIntFunction destroy) {
        long[] out = new long[1];
        natives.checkCnnl(create.applyAsInt(out), createFn);
        if (out[0] == 0) {
            throw new IllegalStateException(createFn + " returned success but a NULL " + what);
        }
        return new NativeHandle(natives, what, out[0], destroyFn, destroy);
    }

    /** The raw handle. */
    long get() {
        long h = handle.get();
        if (h == 0) {
            throw new IllegalStateException(what + " is closed");
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
            natives.checkCnnl(destroy.applyAsInt(h), destroyFn);
        }
    }
}
