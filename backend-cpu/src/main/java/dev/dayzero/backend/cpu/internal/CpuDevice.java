package dev.dayzero.backend.cpu.internal;

import dev.dayzero.backend.cpu.CpuConfig;
import dev.dayzero.backend.cpu.internal.simd.Simd;
import dev.dayzero.backend.cpu.internal.simd.Simds;
import dev.dayzero.hal.AbstractDevice;
import dev.dayzero.hal.Calibration;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.DeviceInfo;
import dev.dayzero.hal.DeviceOutOfMemoryException;
import dev.dayzero.hal.Event;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.Stream;
import dev.dayzero.hal.Support;
import dev.dayzero.hal.op.OpSpec;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The host as a device. Device memory is a {@code byte[]} per buffer; streams run work synchronously;
 * a fixed worker pool (owned here, shut down on close) runs every kernel on all configured cores.
 */
public final class CpuDevice extends AbstractDevice {
    /** Vendor tag of this backend's exceptions. */
    public static final String VENDOR = "cpu";
    /** Largest buffer: a Java array's limit, a little under 2 GiB. */
    public static final long MAX_BUFFER_BYTES = Integer.MAX_VALUE - 8;

    private final CpuConfig config;
    private final DeviceInfo info;
    private final Simd simd;
    private final WorkerPool pool;
    private final CpuStream defaultStream;

    public CpuDevice(CpuConfig config) {
        super(VENDOR, "the cpu device");
        this.config = Objects.requireNonNull(config, "config");
        this.info = HostInfo.describe(config);
        this.simd = Simds.create(config);
        this.pool = new WorkerPool(config.threads());
        this.defaultStream = own(new CpuStream(this));
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
        if (isClosed()) {
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
                    + " more bytes (" + allocatedBytes() + " allocated, max heap " + Runtime.getRuntime().maxMemory()
                    + "); raise -Xmx", e);
        }
        countAllocated(bytes);
        return own(new CpuBuffer(this, data));
    }

    @Override
    public Stream defaultStream() {
        checkOpen();
        return defaultStream;
    }

    @Override
    public Stream newStream() {
        checkOpen();
        return own(new CpuStream(this));
    }

    @Override
    public Event newEvent() {
        checkOpen();
        return own(new CpuEvent(this));
    }

    /** The host measures itself: STREAM bandwidth on the worker threads and an FMA-chain F32 peak. */
    @Override
    public Optional<Calibration> calibration() {
        return Optional.of(new CpuCalibration(this));
    }

    @Override
    public Support supports(OpSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return Kernels.check(spec).map(Support::unsupported).orElse(Support.supported());
    }

    @Override
    public PreparedOp prepare(OpSpec spec) {
        checkOpen();
        refuseUnsupported(spec);
        return own(new CpuPreparedOp(this, spec));
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

    /** Shuts the worker pool down, once every child has closed. */
    @Override
    protected List<Throwable> release() {
        try {
            pool.close();
            return List.of();
        } catch (RuntimeException e) {
            return List.of(e);
        }
    }
}
