package dev.dayzero.backend.cuda.internal;

import dev.dayzero.hal.NativeHandle;
import dev.dayzero.hal.Event;
import dev.dayzero.hal.Stream;
import java.util.Objects;

/** A {@code CUstream} (non-blocking), destroyed by {@code cuStreamDestroy_v2} on close; owned by its device. */
public final class CudaStream implements Stream {
    private final CudaDevice device;
    private final NativeHandle stream;

    CudaStream(CudaDevice device, long handle) {
        this.device = device;
        this.stream = new NativeHandle("CUDA stream", handle, device.api()::streamDestroy);
    }

    CudaDevice device() {
        return device;
    }

    /** The {@code CUstream}; throws once closed. */
    long handle() {
        return stream.get();
    }

    @Override
    public void record(Event event) {
        Objects.requireNonNull(event, "event");
        if (!(event instanceof CudaEvent e) || e.device() != device) {
            throw new IllegalArgumentException("expected an event of the same CUDA device, got " + event);
        }
        device.enter();
        device.api().eventRecord(e.handle(), handle());
    }

    @Override
    public void synchronize() {
        device.enter();
        device.api().streamSynchronize(handle());
    }

    @Override
    public void close() {
        device.closeChild(this, stream);
    }
}
