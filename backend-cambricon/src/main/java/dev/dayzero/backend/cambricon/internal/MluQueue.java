package dev.dayzero.backend.cambricon.internal;

import dev.dayzero.hal.Event;
import dev.dayzero.hal.Stream;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/** A CNRT queue ({@code cnrtQueueCreate} / {@code cnrtQueueDestroy}), owned by its device. */
public final class MluQueue implements Stream {
    private final CambriconDevice device;
    private final AtomicLong handle;

    MluQueue(CambriconDevice device, long handle) {
        this.device = device;
        this.handle = new AtomicLong(handle);
    }

    long handle() {
        long h = handle.get();
        if (h == 0) {
            throw new IllegalStateException("MLU queue is closed");
        }
        return h;
    }

    CambriconDevice device() {
        return device;
    }

    @Override
    public void record(Event event) {
        Objects.requireNonNull(event, "event");
        if (!(event instanceof MluNotifier n) || n.device() != device) {
            throw new IllegalArgumentException("record needs a notifier of the same Cambricon device");
        }
        n.place(this);
    }

    @Override
    public void synchronize() {
        device.natives().check(device.natives().cnrt().cnrtQueueSync(handle()), "cnrtQueueSync");
    }

    @Override
    public void close() {
        long h = handle.getAndSet(0);
        if (h != 0) {
            try {
                device.natives().check(device.natives().cnrt().cnrtQueueDestroy(h), "cnrtQueueDestroy");
            } finally {
                device.released(this, 0);
            }
        }
    }
}
