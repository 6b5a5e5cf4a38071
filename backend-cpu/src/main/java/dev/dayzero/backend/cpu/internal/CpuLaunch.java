package dev.dayzero.backend.cpu.internal;

import dev.dayzero.hal.AbstractLaunch;
import dev.dayzero.hal.host.HostBuffer;
import dev.dayzero.hal.Stream;

/**
 * A kernel bound to its buffers; each enqueue runs it to completion on the device's workers. Closing drops the
 * kernel and with it its scratch memory.
 */
final class CpuLaunch extends AbstractLaunch {
    private final CpuPreparedOp op;
    private final CpuDevice device;
    private final HostBuffer[] buffers;
    private final byte[][] arrays;
    private volatile Kernel kernel;

    CpuLaunch(CpuPreparedOp op, CpuDevice device, Kernel kernel, HostBuffer[] buffers) {
        super(op);
        this.op = op;
        this.device = device;
        this.buffers = buffers;
        this.arrays = new byte[buffers.length][];
        this.kernel = kernel;
        parts.add(() -> this.kernel = null);
    }

    @Override
    public void enqueue(Stream stream) {
        Kernel k = kernel; // read before the check: close marks the launch closed before it drops the kernel
        checkOpen();
        device.checkStream(stream);
        synchronized (this) { // one run at a time: the kernel's scratch is per launch
            try {
                for (int i = 0; i < buffers.length; i++) {
                    arrays[i] = buffers[i].array(); // throws if a bound buffer was closed
                }
                // what the kernel allocates (boxed vectors show here: CpuPreparedOp.boxingNote); a launch of another
                // op on this device at the same moment would add its pool share: an over-count, never a miss
                WorkerPool pool = device.pool();
                long pooled = pool.allocatedBytes();
                long own = Allocation.currentThread();
                k.run(arrays);
                op.allocated(Allocation.currentThread() - own + pool.allocatedBytes() - pooled);
            } finally {
                java.util.Arrays.fill(arrays, null); // hold no memory between runs
            }
        }
    }
}
