package dev.dayzero.backend.cpu.internal;

import dev.dayzero.hal.OwnedResources;
import dev.dayzero.backend.cpu.CpuConfig;
import dev.dayzero.backend.cpu.internal.simd.Simd;
import dev.dayzero.backend.cpu.internal.simd.Simds;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.DeviceInfo;
import dev.dayzero.hal.DeviceOutOfMemoryException;
import dev.dayzero.hal.Event;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.Stream;
import dev.dayzero.hal.Support;
import dev.dayzero.hal.UnsupportedSpecException;
import dev.dayzero.hal.op.OpSpec;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The host as a device. Device memory is a {@code byte[]} per buffer; streams run work synchronously;
 * a fixed worker pool (owned here, shut down on close) runs every kernel on all configured cores.
 */
public final class CpuDevice implements Device {
    /** Vendor tag of this backend's exceptions. */
    public static final String VENDOR = "cpu";
    /** Largest buffer: a Java array's limit, a little under 2 GiB. */
    public static final long MAX_BUFFER_BYTES = Integer.MAX_VALUE - 8;

    private final CpuConfig config;
    private final DeviceInfo info;
    private final Simd simd;
    private final WorkerPool pool;
    private final OwnedResources children = new OwnedResources();
    private final AtomicLong allocated = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CpuStream defaultStream;

    public CpuDevice(CpuConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.info = HostInfo.describe(config);
        this.simd = Simds.create(config);
        this.pool = new WorkerPool(config.threads());
        this.defaultStream = children.add(new CpuStream(this));
    }

    public CpuConfig config() {
        return config;
    }

    /** The arithmetic kernels (Vector API or plain loops) this device's config picked. */
    public Simd simd() {
        return simd;
    }

    public WorkerPool pool() {
        return pool;
    }

    void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("cpu device is closed");
        }
    }

    @Override
    public DeviceInfo info() {
        return info;
    }

    @Override
    public DeviceBuffer allocate(long bytes) {
        checkOpen();
        if (bytes < 0) {
            throw new IllegalArgumentException("cannot allocate a negative size: " + bytes);
        }
        if (bytes > MAX_BUFFER_BYTES) {
            throw new DeviceOutOfMemoryException(VENDOR, bytes, "the cpu backend holds each buffer in one Java array,"
                    + " at most " + MAX_BUFFER_BYTES + " bytes; " + bytes + " bytes were asked for", null);
        }
        byte[] data;
        try {
            data = new byte[(int) bytes];
        } catch (OutOfMemoryError e) {
            throw new DeviceOutOfMemoryException(VENDOR, bytes, "the Java heap cannot hold " + bytes
                    + " more bytes (" + allocated.get() + " allocated, max heap " + Runtime.getRuntime().maxMemory()
                    + "); raise -Xmx", e);
        }
        allocated.addAndGet(bytes);
        return children.add(new CpuBuffer(this, data));
    }

    @Override
    public long allocatedBytes() {
        return allocated.get();
    }

    @Override
    public Stream defaultStream() {
        checkOpen();
        return defaultStream;
    }

    @Override
    public Stream newStream() {
        checkOpen();
        return children.add(new CpuStream(this));
    }

    @Override
    public Event newEvent() {
        checkOpen();
        return children.add(new CpuEvent(this));
    }

    @Override
    public Support supports(OpSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return Kernels.check(spec).map(Support::unsupported).orElse(Support.supported());
    }

    @Override
    public PreparedOp prepare(OpSpec spec) {
        checkOpen();
        Support support = supports(spec);
        if (!support.isSupported()) {
            throw new UnsupportedSpecException(VENDOR, support.reason());
        }
        return children.add(new CpuPreparedOp(this, spec));
    }

    /** Checks that {@code stream} belongs to this device and is open. */
    CpuStream checkStream(Stream stream) {
        checkOpen();
        Objects.requireNonNull(stream, "stream");
        if (!(stream instanceof CpuStream s) || s.device() != this) {
            throw new IllegalArgumentException("the stream does not belong to this cpu device");
        }
        s.checkOpen();
        return s;
    }

    /** A child closed itself. */
    void released(AutoCloseable child, long bytes) {
        children.remove(child);
        allocated.addAndGet(-bytes);
    }

    @Override
    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<Throwable> failures = children.closeAll();
        try {
            pool.close();
        } catch (RuntimeException e) {
            failures.add(e);
        }
        OwnedResources.report(CpuDevice.VENDOR, "the cpu device", failures);
    }
}
