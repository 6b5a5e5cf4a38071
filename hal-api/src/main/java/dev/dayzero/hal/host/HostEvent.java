package dev.dayzero.hal.host;

import dev.dayzero.hal.Event;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/** A timing event of a {@link HostMemoryDevice}: the {@code System.nanoTime()} at which it was recorded. */
public final class HostEvent implements Event {
    private static final long NOT_RECORDED = Long.MIN_VALUE;

    private final HostMemoryDevice device;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile long nanos = NOT_RECORDED;

    HostEvent(HostMemoryDevice device) {
        this.device = device;
    }

    /** The device that made it. */
    public HostMemoryDevice device() {
        return device;
    }

    void record() {
        checkOpen();
        nanos = System.nanoTime();
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("event is closed");
        }
    }

    private long recorded() {
        long n = nanos;
        if (n == NOT_RECORDED) {
            throw new IllegalStateException("event has not been recorded");
        }
        return n;
    }

    @Override
    public void synchronize() {
        checkOpen();
        recorded();
    }

    @Override
    public double millisSince(Event start) {
        checkOpen();
        Objects.requireNonNull(start, "start");
        if (!(start instanceof HostEvent s) || s.device != device) {
            throw new IllegalArgumentException("millisSince needs an event of the same device (" + device.name() + ")");
        }
        s.checkOpen();
        return (recorded() - s.recorded()) / 1e6;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            device.released(this, 0);
        }
    }
}
