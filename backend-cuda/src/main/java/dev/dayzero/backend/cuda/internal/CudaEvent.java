package dev.dayzero.backend.cuda.internal;

import dev.dayzero.hal.NativeHandle;
import dev.dayzero.hal.Event;
import java.util.Objects;

/** A timing {@code CUevent}; {@link #millisSince} is {@code cuEventElapsedTime}, device time (about 0.5 us resolution). */
public final class CudaEvent implements Event {
    private final CudaDevice device;
    private final NativeHandle event;

    CudaEvent(CudaDevice device, long handle) {
        this.device = device;
        this.event = new NativeHandle("CUDA event", handle, device.api()::eventDestroy);
    }

    CudaDevice device() {
        return device;
    }

    long handle() {
        return event.get();
    }

    @Override
    public void synchronize() {
        device.enter();
        device.api().eventSynchronize(handle());
    }

    @Override
    public double millisSince(Event start) {
        Objects.requireNonNull(start, "start");
        if (!(start instanceof CudaEvent s) || s.device != device) {
            throw new IllegalArgumentException("expected an event of the same CUDA device, got " + start);
        }
        device.enter();
        return device.api().eventElapsedMillis(s.handle(), handle());
    }

    @Override
    public void close() {
        device.closeChild(this, event);
    }
}
