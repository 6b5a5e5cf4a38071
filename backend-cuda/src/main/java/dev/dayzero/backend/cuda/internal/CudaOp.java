package dev.dayzero.backend.cuda.internal;

import dev.dayzero.backend.cuda.jna.CudaErrors;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.OwnedResources;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.op.OpSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What every prepared operator of this backend shares: its device and spec, the launches its binds made (each
 * removes itself from {@link #launches} when closed; the rest close with the operator) and the closed flag.
 * A {@code bind} starts with {@link #checkBind} and takes its operands through {@link #buffer} / {@link #address};
 * {@link #close} makes the device's context current, closes the launches, then what {@link #release} frees, throws
 * the failures as one exception naming the operator, and makes the device forget it — once, however often called.
 *
 * @param <S> the spec the operator was prepared for
 */
abstract class CudaOp<S extends OpSpec> implements PreparedOp {
    protected final CudaDevice device;
    protected final S spec;
    /** The launches bound and not yet closed. */
    protected final OwnedResources launches = new OwnedResources();
    private final AtomicBoolean closed = new AtomicBoolean();

    CudaOp(CudaDevice device, S spec) {
        this.device = device;
        this.spec = spec;
    }

    @Override
    public final S spec() {
        return spec;
    }

    /**
     * Checks that the operator is open and that {@code operands} fit the spec ({@link PreparedOp#checkOperands}).
     *
     * @throws IllegalStateException    once closed
     * @throws IllegalArgumentException naming the operand that is missing or too small
     */
    protected final void checkBind(List<DeviceBuffer> operands) {
        if (closed.get()) {
            throw new IllegalStateException("prepared " + spec.describe() + " is closed");
        }
        PreparedOp.checkOperands(spec, operands);
    }

    /** Operand {@code i} as a buffer of this operator's device; names the operand when it is not one. */
    protected final CudaBuffer buffer(List<DeviceBuffer> operands, int i) {
        if (!(operands.get(i) instanceof CudaBuffer c) || c.device() != device) {
            throw new IllegalArgumentException("operand " + i + " '" + spec.operands().get(i).name()
                    + "' must be a buffer of this CUDA device");
        }
        return c;
    }

    /** The device address of operand {@code i}, which must be a buffer of this operator's device. */
    protected final long address(List<DeviceBuffer> operands, int i) {
        return buffer(operands, i).address();
    }

    /**
     * Frees, in order, what the operator holds besides its launches (descriptors, uploaded tables, workspaces);
     * called once, from {@link #close}, after the launches are closed. Collects rather than stops on a failure.
     *
     * @return the failures, in the order met; nothing to free by default
     */
    protected List<Throwable> release() {
        return List.of();
    }

    @Override
    public final void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                device.enterForClose();
                List<Throwable> failures = new ArrayList<>(launches.closeAll());
                failures.addAll(release());
                OwnedResources.report(CudaErrors.VENDOR, "prepared " + spec.describe(), failures);
            } finally {
                device.forget(this);
            }
        }
    }
}
