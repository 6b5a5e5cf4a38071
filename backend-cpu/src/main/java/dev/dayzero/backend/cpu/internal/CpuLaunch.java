package dev.dayzero.backend.cpu.internal;

import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.Stream;
import java.util.concurrent.atomic.AtomicReference;

/** A kernel bound to its buffers; each enqueue runs it to completion on the device's workers. */
final class CpuLaunch implements PreparedOp.Launch {
    private final CpuPreparedOp op;
    private final CpuDevice device;
    private final CpuBuffer[] buffers;
    private final byte[][] arrays;
    private final AtomicReference<Kernel> kernel;

    CpuLaunch(CpuPreparedOp op, CpuDevice device, Kernel kernel, CpuBuffer[] buffers) {
        this.op = op;
        this.device = device;
        this.buffers = buffers;
        this.arrays = new byte[buffers.length][];
        this.kernel = new AtomicReference<>(kernel);
    }

    @Override
    public void enqueue(Stream stream) {
        Kernel k = kernel.get();
        if (k == null) {
            throw new IllegalStateException("launch is closed");
        }
        device.checkStream(stream);
        synchronized (this) { // one run at a time: the kernel's scratch is per launch
            try {
                for (int i = 0; i < buffers.length; i++) {
                    arrays[i] = buffers[i].array(); // throws if a bound buffer was closed
                }
                k.run(arrays);
            } finally {
                java.util.Arrays.fill(arrays, null); // hold no memory between runs
            }
        }
    }

    @Override
    public void close() {
        if (kernel.getAndSet(null) != null) {
            op.released(this);
        }
    }
}
