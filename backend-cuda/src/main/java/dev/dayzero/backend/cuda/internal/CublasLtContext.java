package dev.dayzero.backend.cuda.internal;

import dev.dayzero.backend.cuda.jna.CublasLtApi;
import dev.dayzero.hal.NativeHandle;

/**
 * A device's cuBLASLt: the loaded library and one {@code cublasLtHandle_t}, created when the first operator needs
 * it (a cuBLASLt handle is not tied to a context, cuBLAS docs §3.3.3) and destroyed when the device closes.
 */
final class CublasLtContext implements AutoCloseable {
    private final CublasLtApi api;
    private final long version;
    private NativeHandle handle;
    private boolean closed;

    CublasLtContext(CublasLtApi api) {
        this.api = api;
        this.version = api.version();
    }

    CublasLtApi api() {
        return api;
    }

    /** {@code cublasLtGetVersion()}, read once. */
    long version() {
        return version;
    }

    /** The library handle, created on first use; throws once closed. */
    synchronized long handle() {
        if (closed) {
            throw new IllegalStateException("the device's cuBLASLt handle is closed");
        }
        if (handle == null) {
            handle = new NativeHandle("cublasLtHandle_t", api.create(), api::destroy);
        }
        return handle.get();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (handle != null) {
            handle.close();
        }
    }

    @Override
    public String toString() {
        return "cuBLASLt " + CublasLtApi.versionText(version) + " (" + api.origin() + ")";
    }
}
