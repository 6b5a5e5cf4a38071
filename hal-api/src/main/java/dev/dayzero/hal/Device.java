package dev.dayzero.hal;

import dev.dayzero.hal.op.OpSpec;
import java.util.Optional;

/**
 * One accelerator (or the host, for the CPU backend). It owns everything it allocates: closing the
 * device closes its buffers, streams, events and prepared operators, and reports rather than stops on
 * a child's failure.
 */
public interface Device extends AutoCloseable {

    DeviceInfo info();

    /**
     * Allocates {@code bytes} of device memory, contents undefined.
     *
     * @throws DeviceOutOfMemoryException if it does not fit
     */
    DeviceBuffer allocate(long bytes);

    /** Device memory this device object currently holds, in bytes: 0 after {@link #close()}. */
    long allocatedBytes();

    /** The stream work goes to when none is named. */
    Stream defaultStream();

    /** A new stream, owned by this device. */
    Stream newStream();

    /** A new timing event, owned by this device. */
    Event newEvent();

    /** Graph capture and replay, where the device has it. */
    default Optional<GraphCapture> graphCapture() {
        return Optional.empty();
    }

    /**
     * Measurement of this device's own roofs (memory bandwidth, peak per precision), where the backend offers
     * one; empty for emulators and test doubles, whose speed is not a chip's.
     */
    default Optional<Calibration> calibration() {
        return Optional.empty();
    }

    /**
     * Whether this exact spec (operator, dtypes, layout, shape) will run here. Never runs anything and
     * never throws for a well-formed spec.
     */
    Support supports(OpSpec spec);

    /**
     * Prepares {@code spec} for launching.
     *
     * @throws UnsupportedSpecException with the reason, when {@link #supports} does not say supported
     */
    PreparedOp prepare(OpSpec spec);

    /** True once closed. */
    boolean isClosed();

    @Override
    void close();
}
