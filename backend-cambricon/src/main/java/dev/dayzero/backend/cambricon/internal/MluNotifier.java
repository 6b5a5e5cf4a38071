package dev.dayzero.backend.cambricon.internal;

import dev.dayzero.hal.Event;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A CNRT notifier. {@link #millisSince} is {@code cnrtNotifierDuration}: hardware time in microseconds,
 * divided by 1000 (against the test double it is host time of synchronous reference math: emulated).
 */
public final class MluNotifier implements Event {
    private final CambriconDevice device;
    private final AtomicLong handle;
    private volatile boolean placed;

    MluNotifier(CambriconDevice device, long handle) {
        this.device = device;
        this.handle = new AtomicLong(handle);
    }

    CambriconDevice device() {
        return device;
    }

    long handle() {
        long h = handle.get();
        if (h == 0) {
            throw new IllegalStateException("MLU notifier is closed");
        }
        return h;
    }

    void place(MluQueue queue) {
        device.natives().check(device.natives().cnrt().cnrtPlaceNotifier(handle(), queue.handle()), "cnrtPlaceNotifier");
        placed = true;
    }

    @Override
    public void synchronize() {
        if (!placed) {
            throw new IllegalStateException("notifier has not been recorded");
        }
        device.natives().check(device.natives().cnrt().cnrtWaitNotifier(handle()), "cnrtWaitNotifier");
    }

    @Override
    public double millisSince(Event start) {
        Objects.requireNonNull(start, "start");
        if (!(start instanceof MluNotifier s) || s.device != device) {
            throw new IllegalArgumentException("millisSince needs a notifier of the same Cambricon device");
        }
        float[] us = new float[1];
        device.natives().check(device.natives().cnrt().cnrtNotifierDuration(s.handle(), handle(), us),
                "cnrtNotifierDuration");
        return us[0] / 1000.0;
    }

    /**
     * {@code cnrtNotifierElapsedTime}: software (wall) time since {@code start}, ms. For intervals holding no kernel
     * (a copy), where {@code cnrtNotifierDuration} is not guaranteed to have recorded hardware time.
     */
    double wallMillisSince(MluNotifier start) {
        if (start.device != device) {
            throw new IllegalArgumentException("wallMillisSince needs a notifier of the same Cambricon device");
        }
        float[] ms = new float[1];
        device.natives().check(device.natives().cnrt().cnrtNotifierElapsedTime(start.handle(), handle(), ms),
                "cnrtNotifierElapsedTime");
        return ms[0];
    }

    @Override
    public void close() {
        long h = handle.getAndSet(0);
        if (h != 0) {
            try {
                device.natives().check(device.natives().cnrt().cnrtNotifierDestroy(h), "cnrtNotifierDestroy");
            } finally {
                device.released(this, 0);
            }
        }
    }
}
