package dev.dayzero.backend.ascend.internal;

import dev.dayzero.backend.ascend.jna.AclErrors;
import dev.dayzero.hal.OwnedResources;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.op.OpSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A spec made ready on an Ascend device: prepare-time device buffers (group lists, masks) are built once and
 * owned here; {@link #bind} builds the aclnn tensors and runs phase 1 into an {@link AclLaunch}.
 */
abstract class AscendPreparedOp implements PreparedOp {
    private final AscendDevice device;
    private final OpSpec spec;
    private final OwnedResources owned = new OwnedResources();
    private final OwnedResources launches = new OwnedResources();
    private final List<String> notes = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    AscendPreparedOp(AscendDevice device, OpSpec spec) {
        this.device = device;
        this.spec = spec;
    }

    AscendDevice device() {
        return device;
    }

    @Override
    public OpSpec spec() {
        return spec;
    }

    void note(String note) {
        notes.add(note);
    }

    /** A device buffer owned by this prepared operator. */
    AclBuffer ownedBuffer(long bytes) {
        return owned.add(device.allocateInternal(bytes));
    }

    @Override
    public List<String> notes() {
        return List.copyOf(notes);
    }

    @Override
    public Launch bind(List<DeviceBuffer> operands) {
        if (closed.get()) {
            throw new IllegalStateException("prepared op is closed: " + spec.describe());
        }
        device.enter();
        PreparedOp.checkOperands(spec, operands);
        AclBuffer[] b = new AclBuffer[operands.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = device.checkBuffer(operands.get(i), "operand " + i + " '" + spec.operands().get(i).name() + "'");
        }
        AclLaunch launch = launches.add(new AclLaunch(this));
        try {
            build(launch, b);
        } catch (RuntimeException | Error e) {
            try {
                launch.close();
            } catch (RuntimeException c) {
                e.addSuppressed(c);
            }
            throw e;
        }
        return launch;
    }

    /** Builds the tensors and runs phase 1 of every aclnn call into {@code launch}. */
    abstract void build(AclLaunch launch, AclBuffer[] operands);

    void released(AclLaunch launch) {
        launches.remove(launch);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            List<Throwable> failures = new ArrayList<>(launches.closeAll());
            failures.addAll(owned.closeAll());
            device.released(this, 0);
            OwnedResources.report(AclErrors.VENDOR, "a prepared " + spec.describe(), failures);
        }
    }
}
