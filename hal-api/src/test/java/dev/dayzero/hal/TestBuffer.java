package dev.dayzero.hal;

import java.nio.ByteBuffer;

/** A buffer of {@code device} (null: of no device) that holds nothing and does nothing, for tests. */
final class TestBuffer implements DeviceBuffer {
    final Device device;
    private final long size;

    TestBuffer(Device device, long size) {
        this.device = device;
        this.size = size;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void write(long offset, ByteBuffer src) {
    }

    @Override
    public void read(long offset, ByteBuffer dst) {
    }

    @Override
    public void fill(Stream stream, byte value) {
    }

    @Override
    public void copyFrom(Stream stream, DeviceBuffer src) {
    }

    @Override
    public boolean isClosed() {
        return false;
    }

    @Override
    public void close() {
    }
}
