package dev.dayzero.backend.cambricon.internal;

import dev.dayzero.backend.cambricon.jna.Cnnl;
import dev.dayzero.hal.AbstractLaunch;
import dev.dayzero.hal.AbstractPreparedOp;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.NativeHandle;
import dev.dayzero.hal.Stream;
import dev.dayzero.hal.op.OpSpec;
import java.util.List;

/**
 * A spec made ready on an MLU: descriptors, algorithms and workspace built once in the constructor, each
 * owned here and freed on close (newest first). A subclass's constructor that fails frees what it built.
 */
abstract class MluOp extends AbstractPreparedOp<CambriconDevice, OpSpec, MluBuffer> {
    final Natives natives;

    MluOp(CambriconDevice device, OpSpec spec) {
        super(Natives.VENDOR, device, spec);
        this.natives = device.natives();
    }

    /** What a launch does on a queue (the timed part). */
    interface Body {
        void run(long queue);
    }

    /** Builds the launch body for bound buffers; may convert layouts into scratch that {@code launch} owns. */
    abstract Body body(MluBuffer[] buffers, MluLaunch launch);

    NativeHandle own(NativeHandle h) {
        return owned.add(h);
    }

    NativeHandle tensor(int dtype, long... dims) {
        return own(device.tensor(dtype, dims));
    }

    /** Device workspace owned by this op; 0 bytes gives address 0 (NULL) as CNNL allows. */
    long workspace(long bytes) {
        return bytes == 0 ? 0 : owned.add(device.malloc(bytes)).address();
    }

    /** Closes what the constructor built so far, then rethrows. */
    RuntimeException failed(RuntimeException e) {
        try {
            close();
        } catch (RuntimeException suppressed) {
            e.addSuppressed(suppressed);
        }
        return e;
    }

    @Override
    public Launch bind(List<DeviceBuffer> operands) {
        checkBind(operands);
        MluBuffer[] buffers = buffers(operands, MluBuffer[]::new);
        return addLaunch(new MluLaunch(this), launch -> launch.body(body(buffers, launch)));
    }

    @Override
    protected void checkDevice() {
        device.checkOpen();
    }

    @Override
    protected MluBuffer checkBuffer(DeviceBuffer buffer, String what) {
        return device.checkBuffer(buffer, what);
    }

    /** A bound operator: its body plus the scratch (converted layouts) it owns. */
    static final class MluLaunch extends AbstractLaunch {
        private final MluOp op;
        private volatile Body body;

        MluLaunch(MluOp op) {
            super(op);
            this.op = op;
        }

        void body(Body b) {
            this.body = b;
        }

        MluBuffer scratch(long bytes) {
            return parts.add(op.device.malloc(bytes));
        }

        @Override
        public void enqueue(Stream stream) {
            checkOpen();
            MluQueue q = op.device.checkStream(stream);
            op.natives.checkCnnl(op.natives.cnnl().cnnlSetQueue(op.device.cnnlHandle(), q.handle()), "cnnlSetQueue");
            body.run(q.handle());
        }
    }

    static int cnnlType(dev.dayzero.hal.DType t) {
        switch (t) {
            case BF16: return Cnnl.CNNL_DTYPE_BFLOAT16;
            case F32: return Cnnl.CNNL_DTYPE_FLOAT;
            case I8: return Cnnl.CNNL_DTYPE_INT8;
            case I32: return Cnnl.CNNL_DTYPE_INT32;
            case F8_E4M3FN: return Cnnl.CNNL_DTYPE_FLOAT8_E4M3FN;
            case F8_E5M2: return Cnnl.CNNL_DTYPE_FLOAT8_E5M2;
            default: throw new IllegalArgumentException("no CNNL data type for " + t);
        }
    }
}
