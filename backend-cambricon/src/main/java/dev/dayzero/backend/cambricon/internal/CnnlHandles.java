package dev.dayzero.backend.cambricon.internal;

import dev.dayzero.hal.NativeHandle;
import java.util.function.LongToIntFunction;
import java.util.function.ToIntFunction;

/**
 * CNNL objects (handle, tensor descriptors, MatMul descriptor, algorithm, heuristic result, flash-attention
 * descriptor) as {@link NativeHandle}s whose free checks the destroy call's status.
 */
final class CnnlHandles {
    private CnnlHandles() {
    }

    /** Calls a CNNL {@code create(&h)} function and owns what it returns. */
    static NativeHandle create(Natives natives, String what, String createFn, ToIntFunction<long[]> create,
                               String destroyFn, LongToIntFunction destroy) {
        long[] out = new long[1];
        natives.checkCnnl(create.applyAsInt(out), createFn);
        if (out[0] == 0) {
            throw new IllegalStateException(createFn + " returned success but a NULL " + what);
        }
        return new NativeHandle(what, out[0], h -> natives.checkCnnl(destroy.applyAsInt(h), destroyFn));
    }
}
