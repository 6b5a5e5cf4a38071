package dev.dayzero.backend.ascend.internal;

import dev.dayzero.hal.NativeHandle;
import dev.dayzero.hal.Event;
import java.util.Objects;

/** An ACL event ({@code aclrtCreateEvent}, which the runtime docs say is usable for timing), owned by its device. */
public final class AclEvent implements Event {
    private final AscendDevice device;
    private final NativeHandle handle;
    private volatile boolean recorded;

    AclEvent(AscendDevice device, long handle) {
        this.device = device;
        this.handle = new NativeHandle("aclrtEvent", handle, device.acl()::destroyEvent);
    }

    AscendDevice device() {
        return device;
    }

    long handle() {
        return handle.get();
    }

    void markRecorded() {
        recorded = true;
    }

    @Override
    public void synchronize() {
        device.enter();
        requireRecorded(this);
        device.acl().synchronizeEvent(handle());
    }

    @Override
    public double millisSince(Event start) {
        Objects.requireNonNull(start, "start");
        device.enter();
        if (!(start instanceof AclEvent s) || s.device != device) {
            throw new IllegalArgumentException("millisSince needs an event of the same Ascend device");
        }
        requireRecorded(s);
        requireRecorded(this);
        return device.acl().elapsedMillis(s.handle(), handle());
    }

    private static void requireRecorded(AclEvent e) {
        e.handle();
        if (!e.recorded) {
            throw new IllegalStateException("event has not been recorded");
        }
    }

    @Override
    public void close() {
        if (!handle.isClosed()) {
            device.enter();
            try {
                handle.close();
            } finally {
                device.released(this, 0);
            }
        }
    }
}
