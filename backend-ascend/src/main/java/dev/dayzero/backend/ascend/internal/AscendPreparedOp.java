package dev.dayzero.backend.ascend.internal;

import dev.dayzero.backend.ascend.jna.AclErrors;
import dev.dayzero.hal.AbstractPreparedOp;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.op.OpSpec;
import java.util.List;

/**
 * A spec made ready on an Ascend device: prepare-time device buffers (group lists, masks) are built once and
 * owned here; {@link #bind} builds the aclnn tensors and runs phase 1 into an {@link AclLaunch}.
 */
abstract class AscendPreparedOp extends AbstractPreparedOp<AscendDevice, OpSpec, AclBuffer> {

    AscendPreparedOp(AscendDevice device, OpSpec spec) {
        super(AclErrors.VENDOR, device, spec);
    }

    AscendDevice device() {
        return device;
    }

    /** A device buffer owned by this prepared operator. */
    AclBuffer ownedBuffer(long bytes) {
        return owned.add(device.allocateInternal(bytes));
    }

    @Override
    public Launch bind(List<DeviceBuffer> operands) {
        checkBind(operands);
        AclBuffer[] b = buffers(operands, AclBuffer[]::new);
        return addLaunch(new AclLaunch(this), launch -> build(launch, b));
    }

    /** Builds the tensors and runs phase 1 of every aclnn call into {@code launch}. */
    abstract void build(AclLaunch launch, AclBuffer[] operands);

    @Override
    protected void checkDevice() {
        device.enter();
    }

    @Override
    protected AclBuffer checkBuffer(DeviceBuffer buffer, String what) {
        return device.checkBuffer(buffer, what);
    }
}
