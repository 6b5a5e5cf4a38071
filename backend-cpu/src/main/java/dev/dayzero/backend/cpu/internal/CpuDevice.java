package dev.dayzero.backend.cpu.internal;

import dev.dayzero.backend.cpu.CpuConfig;
import dev.dayzero.backend.cpu.internal.simd.Simd;
import dev.dayzero.backend.cpu.internal.simd.Simds;
import dev.dayzero.hal.Calibration;
import dev.dayzero.hal.DeviceInfo;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.Support;
import dev.dayzero.hal.host.HostMemoryDevice;
import dev.dayzero.hal.op.OpSpec;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The host as a device. Device memory, streams and events are hal-api's host-memory ones ({@link HostMemoryDevice}:
 * a {@code byte[]} per buffer, streams that run work synchronously); a fixed worker pool (owned here, shut down on
 * close) runs every kernel on all configured cores.
 */
public final class CpuDevice extends HostMemoryDevice {
    /** Vendor tag of this backend's exceptions. */
    public static final String VENDOR = "cpu";
    /** Largest buffer: a Java array's limit, a little under 2 GiB. */
    public static final long MAX_BUFFER_BYTES = HostMemoryDevice.MAX_BUFFER_BYTES;

    private final CpuConfig config;
    private final DeviceInfo info;
    private final Simd simd;
    private final WorkerPool pool;

    public CpuDevice(CpuConfig config) {
        super(VENDOR, "the cpu device");
        this.config = Objects.requireNonNull(config, "config");
        this.info = HostInfo.describe(config);
        this.simd = Simds.create(config);
        this.pool = new WorkerPool(config.threads());
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

    @Override
    public DeviceInfo info() {
        return info;
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
