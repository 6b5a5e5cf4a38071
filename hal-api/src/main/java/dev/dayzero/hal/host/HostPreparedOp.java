package dev.dayzero.hal.host;

import dev.dayzero.hal.AbstractLaunch;
import dev.dayzero.hal.AbstractPreparedOp;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.Stream;
import dev.dayzero.hal.op.OpSpec;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * An operator of a {@link HostMemoryDevice} whose kernel is one method: {@link #run} gets the operands (inputs, then
 * outputs, in {@link OpSpec#operands()} order) as little-endian views and computes the outputs in place. A launch
 * runs it when enqueued, on the calling thread. Enough for a first operator; a backend with scratch memory or
 * native launches extends {@link AbstractPreparedOp} and {@link AbstractLaunch} itself.
 *
 * @param <S> the spec
 */
public abstract class HostPreparedOp<S extends OpSpec> extends AbstractPreparedOp<HostMemoryDevice, S, HostBuffer> {

    /**
     * @param vendor the backend's vendor tag, for exceptions
     * @param device the device preparing it
     * @param spec   what it computes
     */
    protected HostPreparedOp(String vendor, HostMemoryDevice device, S spec) {
        super(vendor, device, spec);
    }

    /**
     * The kernel: reads the inputs and writes the outputs.
     *
     * @param operands every operand's memory as a little-endian view, position 0, in operand order
     */
    protected abstract void run(ByteBuffer[] operands);

    @Override
    public Launch bind(List<DeviceBuffer> operands) {
        checkBind(operands);
        HostBuffer[] buffers = buffers(operands, HostBuffer[]::new);
        return launches.add(new HostLaunch(this, buffers));
    }

    @Override
    protected void checkDevice() {
        device.checkOpen();
    }

    @Override
    protected HostBuffer checkBuffer(DeviceBuffer buffer, String what) {
        return device.checkBuffer(buffer, what);
    }

    private static final class HostLaunch extends AbstractLaunch {
        private final HostPreparedOp<?> op;
        private final HostBuffer[] buffers;

        HostLaunch(HostPreparedOp<?> op, HostBuffer[] buffers) {
            super(op);
            this.op = op;
            this.buffers = buffers;
        }

        @Override
        public void enqueue(Stream stream) {
            checkOpen();
            op.device.checkStream(stream);
            ByteBuffer[] views = new ByteBuffer[buffers.length];
            for (int i = 0; i < views.length; i++) {
                views[i] = buffers[i].view(); // throws if a bound buffer was closed
            }
            op.run(views);
        }
    }
}
