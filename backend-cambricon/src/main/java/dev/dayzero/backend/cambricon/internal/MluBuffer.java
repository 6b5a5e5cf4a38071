package dev.dayzero.backend.cambricon.internal;

import dev.dayzero.backend.cambricon.jna.Cnrt;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.Stream;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/** MLU memory from {@code cnrtMalloc}, freed by {@code cnrtFree} on close; owned by its device. */
public final class MluBuffer implements DeviceBuffer {
    private static final int CHUNK = 1 << 24;
    private final CambriconDevice device;
    private final long size;
    private final AtomicLong address;

    MluBuffer(CambriconDevice device, long address, long size) {
        this.device = device;
        this.size = size;
        this.address = new AtomicLong(address);
    }

    /** The device address. */
    long address() {
        long a = address.get();
        if (a == 0) {
            throw new IllegalStateException("MLU buffer of " + size + " bytes is closed");
        }
        return a;
    }

    CambriconDevice device() {
        return device;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void write(long offset, ByteBuffer src) {
        long base = address();
        checkRange(offset, src.remaining());
        byte[] chunk = new byte[Math.min(CHUNK, Math.max(1, src.remaining()))];
        long at = offset;
        while (src.hasRemaining()) {
            int n = Math.min(chunk.length, src.remaining());
            src.get(chunk, 0, n);
            device.natives().check(device.natives().cnrt().cnrtMemcpy(base + at, chunk, n, Cnrt.cnrtMemcpyHostToDev),
                    "cnrtMemcpy");
            at += n;
        }
    }

    @Override
    public void read(long offset, ByteBuffer dst) {
        long base = address();
        checkRange(offset, dst.remaining());
        byte[] chunk = new byte[Math.min(CHUNK, Math.max(1, dst.remaining()))];
        long at = offset;
        while (dst.hasRemaining()) {
            int n = Math.min(chunk.length, dst.remaining());
            device.natives().check(device.natives().cnrt().cnrtMemcpy(chunk, base + at, n, Cnrt.cnrtMemcpyDevToHost),
                    "cnrtMemcpy");
            dst.put(chunk, 0, n);
            at += n;
        }
    }

    @Override
    public void fill(Stream stream, byte value) {
        MluQueue q = device.checkStream(stream);
        device.natives().check(device.natives().cnrt().cnrtMemsetAsync(address(), value & 0xff, size, q.handle()),
                "cnrtMemsetAsync");
    }

    @Override
    public void copyFrom(Stream stream, DeviceBuffer src) {
        MluQueue q = device.checkStream(stream);
        Objects.requireNonNull(src, "src");
        if (!(src instanceof MluBuffer other) || other.device != device) {
            throw new IllegalArgumentException("copyFrom needs a buffer of the same Cambricon device");
        }
        if (other.size > size) {
            throw new IllegalArgumentException("source of " + other.size + " bytes does not fit in " + size);
        }
        device.natives().check(device.natives().cnrt().cnrtMemcpyAsync_V3(address(), other.address(), other.size,
                q.handle(), Cnrt.cnrtMemcpyDevToDev), "cnrtMemcpyAsync_V3");
    }

    private void checkRange(long offset, long length) {
        DeviceBuffer.checkRange(size, offset, length);
    }

    @Override
    public boolean isClosed() {
        return address.get() == 0;
    }

    @Override
    public void close() {
        long a = address.getAndSet(0);
        if (a != 0) {
            try {
                device.natives().check(device.natives().cnrt().cnrtFree(a), "cnrtFree");
            } finally {
                device.released(this, size);
            }
        }
    }
}
