package dev.dayzero.hal;

/**
 * A timing event recorded on a stream (CUDA event, ACL event, CNRT notifier; {@code System.nanoTime}
 * on the CPU). The harness times a launch as the device time between two events.
 */
public interface Event extends AutoCloseable {

    /** Blocks the host until the event has completed. */
    void synchronize();

    /**
     * Device time from {@code start} to this event, in milliseconds. Both must have been recorded and
     * completed.
     */
    double millisSince(Event start);

    @Override
    void close();
}
