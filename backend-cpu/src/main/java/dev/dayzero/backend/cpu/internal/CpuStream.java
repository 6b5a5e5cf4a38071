package dev.dayzero.backend.cpu.internal;

import dev.dayzero.hal.Event;
import dev.dayzero.hal.Stream;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/** A CPU stream: work runs synchronously when enqueued, so it is always in order and finished. */
public final class CpuStream implements Stream {
    private final CpuDevice device;
    private final AtomicBoolean closed = new AtomicBoolean();

    CpuStream(CpuDevice device) {
        this.device = device;
    }

    CpuDevice device() {
        return device;
    }

    void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("stream is closed");
        }
    }

    @Override
    public void record(Event event) {
        checkOpen();
        Objects.requireNonNull(event, "event");
        if (!(event instanceof CpuEvent e) || e.device() != device) {
            throw new IllegalArgumentException("record needs an event of the same cpu device");
        }
        e.record();
    }

    @Override
    public void synchronize() {
        checkOpen();
    }

    boolean isClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            device.released(this, 0);
        }
    }
}
