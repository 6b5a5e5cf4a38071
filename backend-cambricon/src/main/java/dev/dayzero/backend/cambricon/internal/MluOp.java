package dev.dayzero.backend.cambricon.internal;

import dev.dayzero.hal.NativeHandle;
import dev.dayzero.hal.OwnedResources;
import dev.dayzero.backend.cambricon.jna.Cnnl;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.Stream;
import dev.dayzero.hal.op.OpSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A spec made ready on an MLU: descriptors, algorithms and workspace built once in the constructor, each
 * owned here and freed on close (newest first). A subclass's constructor that fails frees what it built.
 */
abstract class MluOp implements PreparedOp {
    final CambriconDevice device;
    final Natives natives;
    private final OpSpec spec;
    private final OwnedResources owned = new OwnedResources();
    private final OwnedResources launches = new OwnedResources();
    private final List<String> notes = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    MluOp(CambriconDevice device, OpSpec spec) {
        this.device = device;
        this.natives = device.natives();
        this.spec = spec;
    }

    /** What a launch does on a queue (the timed part). */
    interface Body {
        void run(long queue);
    }

    /** Builds the launch body for bound buffers; may convert layouts into scratch that {@code launch} owns. */
    abstract Body body(MluBuffer[] buffers, MluLaunch launch);

    void note(String text) {
        notes.add(text);
    }

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
        MluBuffer[] buffers = new MluBuffer[operands.size()];
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = device.checkBuffer(operands.get(i), "operand " + i + " '" + spec.operands().get(i).name() + "'");
        }
        MluLaunch launch = launches.add(new MluLaunch(this));
        try {
            launch.body(body(buffers, launch));
        } catch (RuntimeException e) {
            launch.close();
            throw e;
        }
        return launch;
    }

    @Override
    public List<String> notes() {
        return List.copyOf(notes);
    }

    void released(MluLaunch launch) {
        launches.remove(launch);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            List<Throwable> failures = launches.closeAll();
            failures.addAll(owned.closeAll());
            device.released(this, 0);
            OwnedResources.report(Natives.VENDOR, "a prepared " + spec.describe(), failures);
        }
    }

    /** A bound operator: its body plus the scratch (converted layouts) it owns. */
    static final class MluLaunch implements Launch {
        private final MluOp op;
        private final OwnedResources scratch = new OwnedResources();
        private final AtomicBoolean closed = new AtomicBoolean();
        private volatile Body body;

        MluLaunch(MluOp op) {
            this.op = op;
        }

        void body(Body b) {
            this.body = b;
        }

        MluBuffer scratch(long bytes) {
            return scratch.add(op.device.malloc(bytes));
        }

        @Override
        public void enqueue(Stream stream) {
            if (closed.get()) {
                throw new IllegalStateException("launch is closed: " + op.spec().describe());
            }
            MluQueue q = op.device.checkStream(stream);
            op.natives.checkCnnl(op.natives.cnnl().cnnlSetQueue(op.device.cnnlHandle(), q.handle()), "cnnlSetQueue");
            body.run(q.handle());
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                List<Throwable> failures = scratch.closeAll();
                op.released(this);
                OwnedResources.report(Natives.VENDOR, "a launch of " + op.spec().describe(), failures);
            }
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
