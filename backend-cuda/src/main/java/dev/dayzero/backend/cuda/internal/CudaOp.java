package dev.dayzero.backend.cuda.internal;

import dev.dayzero.backend.cuda.jna.CudaErrors;
import dev.dayzero.hal.AbstractPreparedOp;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.op.OpSpec;
import java.util.List;

/**
 * A prepared operator of this backend: the shared skeleton ({@link AbstractPreparedOp}) on a {@link CudaDevice}.
 * A {@code bind} starts with {@link #checkBind} and takes its operands through {@link #buffer} / {@link #address};
 * {@link #close} makes the device's context current before closing the launches, {@link #owned} and what
 * {@link #release} frees, and makes the device forget the operator.
 *
 * @param <S> the spec the operator was prepared for
 */
abstract class CudaOp<S extends OpSpec> extends AbstractPreparedOp<CudaDevice, S, CudaBuffer> {

    CudaOp(CudaDevice device, S spec) {
        super(CudaErrors.VENDOR, device, spec);
    }

    /** The device address of operand {@code i}, which must be a buffer of this operator's device. */
    protected final long address(List<DeviceBuffer> operands, int i) {
        return buffer(operands, i).address();
    }

    /** The device addresses of every operand, in binding order ({@link #address} each). */
    protected final long[] addresses(List<DeviceBuffer> operands) {
        long[] a = new long[operands.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = address(operands, i);
        }
        return a;
    }

    @Override
    protected final CudaBuffer checkBuffer(DeviceBuffer buffer, String what) {
        if (!(buffer instanceof CudaBuffer c) || c.device() != device) {
            throw new IllegalArgumentException(what + " must be a buffer of this CUDA device");
        }
        return c;
    }

    @Override
    protected final void beforeClose() {
        device.enterForClose();
    }
}
