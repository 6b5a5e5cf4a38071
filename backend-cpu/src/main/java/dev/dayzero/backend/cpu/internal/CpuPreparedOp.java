package dev.dayzero.backend.cpu.internal;

import dev.dayzero.hal.AbstractPreparedOp;
import dev.dayzero.hal.host.HostBuffer;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.op.OpSpec;
import java.util.List;

/** A spec made ready on the CPU: binding sizes the kernel's scratch memory once per launch. */
final class CpuPreparedOp extends AbstractPreparedOp<CpuDevice, OpSpec, HostBuffer> {

    CpuPreparedOp(CpuDevice device, OpSpec spec) {
        super(CpuDevice.VENDOR, device, spec);
    }

    @Override
    public Launch bind(List<DeviceBuffer> operands) {
        checkBind(operands);
        HostBuffer[] buffers = buffers(operands, HostBuffer[]::new);
        Kernel kernel = Kernels.create(spec, device);
        return launches.add(new CpuLaunch(this, device, kernel, buffers));
    }

    @Override
    public List<String> notes() {
        return List.of("pure Java on " + device.config().threads() + " thread(s), "
                + (device.config().useVectorApi() ? "Vector API " + device.simd().name() : "plain loops (JIT auto-vectorised)")
                + "; F32 accumulation");
    }

    @Override
    protected void checkDevice() {
        device.checkOpen();
    }

    @Override
    protected HostBuffer checkBuffer(DeviceBuffer buffer, String what) {
        return device.checkBuffer(buffer, what);
    }
}
