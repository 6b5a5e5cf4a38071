package dev.dayzero.hal.host;

import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.Stream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Device memory of a {@link HostMemoryDevice}: one {@code byte[]}, owned by its device. {@link #fill} and
 * {@link #copyFrom} run at once (host streams are synchronous); closing drops the array and tells the device.
 */
public class HostBuffer implements DeviceBuffer {
    private final HostMemoryDevice device;
    private final long size;
    private final AtomicReference<byte[]> data;

    /** Wraps {@code data}; for {@link HostMemoryDevice#newBuffer} and subclasses. */
    protected HostBuffer(HostMemoryDevice device, byte[] data) {
        this.device = Objects.requireNonNull(device, "device");
        this.size = data.length;
        this.data = new AtomicReference<>(data);
    }

    /**
     * The backing array.
     *
     * @throws IllegalStateException once closed
     */
    public final byte[] array() {
        byte[] a = data.get();
        if (a == null) {
            throw new IllegalStateException("buffer of " + size + " bytes is closed");
        }
        return a;
    }

    /** The backing array as a little-endian {@link ByteBuffer} (position 0, limit {@link #size}). */
    public final ByteBuffer view() {
        return ByteBuffer.wrap(array()).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The device that allocated it. */
    public final HostMemoryDevice device() {
        return device;
    }

    @Override
    public final long size() {
        return size;
    }

    @Override
    public void write(long offset, ByteBuffer src) {
        byte[] a = array();
        DeviceBuffer.checkRange(size, offset, src.remaining());
        src.get(a, (int) offset, src.remaining());
    }

    @Override
    public void read(long offset, ByteBuffer dst) {
        byte[] a = array();
        DeviceBuffer.checkRange(size, offset, dst.remaining());
        dst.put(a, (int) offset, dst.remaining());
    }

    @Override
    public void fill(Stream stream, byte value) {
        device.checkStream(stream);
        Arrays.fill(array(), value);
    }

    @Override
    public void copyFrom(Stream stream, DeviceBuffer src) {
        device.checkStream(stream);
        Objects.requireNonNull(src, "src");
        if (!(src instanceof HostBuffer other)) {
            throw new IllegalArgumentException("copyFrom needs a host-memory buffer, got " + src.getClass().getName());
        }
        byte[] from = other.array();
        byte[] to = array();
        if (from.length > to.length) {
            throw new IllegalArgumentException("source of " + from.length + " bytes does not fit in " + to.length);
        }
        System.arraycopy(from, 0, to, 0, from.length);
    }

    @Override
    public final boolean isClosed() {
        return data.get() == null;
    }

    @Override
    public final void close() {
        if (data.getAndSet(null) != null) {
            device.released(this, size);
        }
    }
}
