package dev.dayzero.backend.cpu.internal;

import dev.dayzero.hal.OwnedResources;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.op.OpSpec;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** A spec made ready on the CPU: binding sizes the kernel's scratch memory once per launch. */
final class CpuPreparedOp implements PreparedOp {
    private final CpuDevice device;
    private final OpSpec spec;
    private final OwnedResources launches = new OwnedResources();
    private final AtomicBoolean closed = new AtomicBoolean();

    CpuPreparedOp(CpuDevice device, OpSpec spec) {
        this.device = device;
        this.spec = spec;
    }

    @Override
    public OpSpec spec() {
        return spec;
    }

    @Override
    public Launch bind(List<DeviceBuffer> operands) {
        if (closed.get()) {
            throw new IllegalStateException("prepared op is closed: " + spec.describe());
        }
        device.checkOpen();
        PreparedOp.checkOperands(spec, operands);
        CpuBuffer[] buffers = new CpuBuffer[operands.size()];
        for (int i = 0; i < buffers.length; i++) {
            DeviceBuffer b = operands.get(i);
            if (!(b instanceof CpuBuffer cb) || cb.device() != device) {
                throw new IllegalArgumentException("operand " + i + " '" + spec.operands().get(i).name()
                        + "' is not a buffer of this cpu device");
            }
            cb.array(); // throws if closed
            buffers[i] = cb;
        }
        Kernel kernel = Kernels.create(spec, device);
        return launches.add(new CpuLaunch(this, device, kernel, buffers));
    }

    @Override
    public List<String> notes() {
        return List.of("pure Java on " + device.config().threads() + " thread(s), "
                + (device.config().useVectorApi() ? "Vector API " + device.simd().name() : "plain loops (JIT auto-vectorised)")
                + "; F32 accumulation");
    }

    void released(CpuLaunch launch) {
        launches.remove(launch);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            List<Throwable> failures = launches.closeAll();
            device.released(this, 0);
            OwnedResources.report(CpuDevice.VENDOR, "a prepared " + spec.describe(), failures);
        }
    }
}
