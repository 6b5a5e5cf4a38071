package dev.dayzero.backend.cpu.internal;

import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.Stream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/** Device memory of the CPU backend: one {@code byte[]}, owned by its device. */
public final class CpuBuffer implements DeviceBuffer {
    private final CpuDevice device;
    private final long size;
    private final AtomicReference<byte[]> data;

    CpuBuffer(CpuDevice device, byte[] data) {
        this.device = device;
        this.size = data.length;
        this.data = new AtomicReference<>(data);
    }

    /** The backing array. */
    public byte[] array() {
        byte[] a = data.get();
        if (a == null) {
            throw new IllegalStateException("buffer of " + size + " bytes is closed");
        }
        return a;
    }

    CpuDevice device() {
        return device;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void write(long offset, ByteBuffer src) {
        byte[] a = array();
        checkRange(offset, src.remaining());
        src.get(a, (int) offset, src.remaining());
    }

    @Override
    public void read(long offset, ByteBuffer dst) {
        byte[] a = array();
        checkRange(offset, dst.remaining());
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
        if (!(src instanceof CpuBuffer other)) {
            throw new IllegalArgumentException("copyFrom needs a buffer of the cpu backend, got " + src.getClass().getName());
        }
        byte[] from = other.array();
        byte[] to = array();
        if (from.length > to.length) {
            throw new IllegalArgumentException("source of " + from.length + " bytes does not fit in " + to.length);
        }
        System.arraycopy(from, 0, to, 0, from.length);
    }

    private void checkRange(long offset, int length) {
        DeviceBuffer.checkRange(size, offset, length);
    }

    @Override
    public boolean isClosed() {
        return data.get() == null;
    }

    @Override
    public void close() {
        if (data.getAndSet(null) != null) {
            device.released(this, size);
        }
    }
}
