package dev.dayzero.hal.host;

import dev.dayzero.hal.Event;
import dev.dayzero.hal.Stream;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/** A stream of a {@link HostMemoryDevice}: work runs when enqueued, so it is always in order and finished. */
public final class HostStream implements Stream {
    private final HostMemoryDevice device;
    private final AtomicBoolean closed = new AtomicBoolean();

    HostStream(HostMemoryDevice device) {
        this.device = device;
    }

    /** The device that made it. */
    public HostMemoryDevice device() {
        return device;
    }

    /** Throws {@link IllegalStateException} once closed. */
    public void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("stream is closed");
        }
    }

    @Override
    public void record(Event event) {
        checkOpen();
        Objects.requireNonNull(event, "event");
        if (!(event instanceof HostEvent e) || e.device() != device) {
            throw new IllegalArgumentException("record needs an event of the same device (" + device.name() + ")");
        }
        e.record();
    }

    @Override
    public void synchronize() {
        checkOpen();
    }

    /** True once closed. */
    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            device.released(this, 0);
        }
    }
}
