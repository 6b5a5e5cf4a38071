package dev.dayzero.backend.cuda.internal;

import dev.dayzero.hal.NativeHandle;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.Stream;
import java.nio.ByteBuffer;
import java.util.Objects;

/** Device memory from {@code cuMemAlloc_v2}, freed by {@code cuMemFree_v2} on close; owned by its device. */
public final class CudaBuffer implements DeviceBuffer {
    private final CudaDevice device;
    private final long size;
    private final NativeHandle memory;

    CudaBuffer(CudaDevice device, long address, long size) {
        this.device = device;
        this.size = size;
        this.memory = new NativeHandle("CUDA device memory", address, device.api()::memFree);
    }

    CudaDevice device() {
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
        device.api().copyToDevice(address() + offset, src);
    }

    @Override
    public void read(long offset, ByteBuffer dst) {
        checkRange(offset, dst.remaining());
        device.enter();
        device.api().copyToHost(dst, address() + offset);
    }

    @Override
    public void fill(Stream stream, byte value) {
        CudaStream s = device.checkStream(stream);
        device.api().memsetAsync(address(), value, size, s.handle());
    }

    @Override
    public void copyFrom(Stream stream, DeviceBuffer src) {
        CudaStream s = device.checkStream(stream);
        Objects.requireNonNull(src, "src");
        if (!(src instanceof CudaBuffer other) || other.device != device) {
            throw new IllegalArgumentException("copyFrom needs a buffer of the same CUDA device");
        }
        if (other.size > size) {
            throw new IllegalArgumentException("source of " + other.size + " bytes does not fit in " + size);
        }
        device.api().copyDeviceAsync(address(), other.address(), other.size, s.handle());
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
            device.enterForClose();
            try {
                memory.close();
            } finally {
                device.released(this, size);
            }
        }
    }
}
