package dev.dayzero.hal;

import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.hal.op.TensorSpec;
import java.util.List;

/**
 * An operator made ready for one spec: kernels compiled or loaded, descriptors built, workspace sized.
 * Binding it to device tensors gives a {@link Launch} that may be enqueued many times.
 */
public interface PreparedOp extends AutoCloseable {

    OpSpec spec();

    /**
     * Binds device buffers to the spec's operands, in the order of {@link OpSpec#operands()}: every
     * input, then every output. Each buffer must hold at least its tensor's bytes.
     *
     * @throws IllegalArgumentException naming the operand that is missing or too small
     */
    Launch bind(List<DeviceBuffer> operands);

    /**
     * What this preparation did that a reader of the results should know: a layout conversion made
     * outside the timed window, a spec split into several native calls, the native operator used.
     */
    default List<String> notes() {
        return List.of();
    }

    @Override
    void close();

    /** Checks that {@code operands} fit the spec's operands, in order, and says which one does not. */
    static void checkOperands(OpSpec spec, List<DeviceBuffer> operands) {
        List<TensorSpec> expected = spec.operands();
        if (operands.size() != expected.size()) {
            throw new IllegalArgumentException("expected " + expected.size() + " operands "
                    + expected.stream().map(TensorSpec::name).toList() + ", got " + operands.size());
        }
        for (int i = 0; i < expected.size(); i++) {
            TensorSpec t = expected.get(i);
            DeviceBuffer b = operands.get(i);
            if (b == null) {
                throw new IllegalArgumentException("operand " + i + " '" + t.name() + "' is null");
            }
            if (b.size() < t.bytes()) {
                throw new IllegalArgumentException("operand " + i + " '" + t.name() + "' needs " + t.bytes()
                        + " bytes (" + t + ") but its buffer holds " + b.size());
            }
        }
    }

    /** A prepared operator bound to its tensors. */
    interface Launch extends AutoCloseable {
        /** Enqueues one run on {@code stream}. */
        void enqueue(Stream stream);

        @Override
        void close();
    }
}
