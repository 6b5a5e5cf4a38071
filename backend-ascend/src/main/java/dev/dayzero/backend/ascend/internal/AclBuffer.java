package dev.dayzero.backend.ascend.internal;

import dev.dayzero.hal.NativeHandle;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.Stream;
import java.nio.ByteBuffer;
import java.util.Objects;

/** Device memory from {@code aclrtMalloc}, freed by {@code aclrtFree} on close; owned by its device. */
public final class AclBuffer implements DeviceBuffer {
    private final AscendDevice device;
    private final long size;
    private final long nativeSize;
    private final NativeHandle memory;

    AclBuffer(AscendDevice device, long address, long size, long nativeSize) {
        this.device = device;
        this.size = size;
        this.nativeSize = nativeSize;
        this.memory = new NativeHandle("device memory", address, device.acl()::free);
    }

    AscendDevice device() {
        return device;
    }

    /** The device address; throws once closed. */
    long address() {
        return memory.get();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void write(long offset, ByteBuffer src) {
        checkRange(offset, src.remaining());
        device.enter();
        device.acl().copyToDevice(address() + offset, nativeSize - offset, src);
    }

    @Override
    public void read(long offset, ByteBuffer dst) {
        checkRange(offset, dst.remaining());
        device.enter();
        device.acl().copyToHost(dst, address() + offset);
    }

    @Override
    public void fill(Stream stream, byte value) {
        AclStream s = device.checkStream(stream);
        device.acl().memsetAsync(address(), size, value & 0xFF, s.handle());
    }

    @Override
    public void copyFrom(Stream stream, DeviceBuffer src) {
        AclStream s = device.checkStream(stream);
        Objects.requireNonNull(src, "src");
        if (!(src instanceof AclBuffer other) || other.device != device) {
            throw new IllegalArgumentException("copyFrom needs a buffer of the same Ascend device");
        }
        if (other.size > size) {
            throw new IllegalArgumentException("source of " + other.size + " bytes does not fit in " + size);
        }
        device.acl().copyDeviceAsync(address(), nativeSize, other.address(), other.size, s.handle());
    }

    private void checkRange(long offset, int length) {
        memory.get();
        DeviceBuffer.checkRange(size, offset, length);
    }

    @Override
    public boolean isClosed() {
        return memory.isClosed();
    }

    @Override
    public void close() {
        if (!memory.isClosed()) {
            device.enter();
            try {
                memory.close();
            } finally {
                device.released(this, size);
            }
        }
    }
}
