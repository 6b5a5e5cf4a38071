package dev.dayzero.backend.ascend.internal;

import dev.dayzero.hal.NativeHandle;
import dev.dayzero.hal.Event;
import dev.dayzero.hal.Stream;
import java.util.Objects;

/** An ACL stream ({@code aclrtCreateStream}), owned by its device, destroyed on close. */
public final class AclStream implements Stream {
    private final AscendDevice device;
    private final NativeHandle handle;

    AclStream(AscendDevice device, long handle) {
        this.device = device;
        this.handle = new NativeHandle("aclrtStream", handle, device.acl()::destroyStream);
    }

    AscendDevice device() {
        return device;
    }

    long handle() {
        return handle.get();
    }

    @Override
    public void record(Event event) {
        Objects.requireNonNull(event, "event");
        device.enter();
        if (!(event instanceof AclEvent e) || e.device() != device) {
            throw new IllegalArgumentException("the event does not belong to this Ascend device");
        }
        device.acl().recordEvent(e.handle(), handle());
        e.markRecorded();
    }

    @Override
    public void synchronize() {
        device.enter();
        device.acl().synchronizeStream(handle());
    }

    boolean isClosed() {
        return handle.isClosed();
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
