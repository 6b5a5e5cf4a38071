package dev.dayzero.hal;

/**
 * An ordered queue of device work (a CUDA stream, an ACL stream, a CNRT queue). Launches and events
 * recorded on one stream run in order.
 */
public interface Stream extends AutoCloseable {

    /** Records {@code event} after the work queued so far. */
    void record(Event event);

    /** Blocks the host until all work queued so far has finished. */
    void synchronize();

    @Override
    void close();
}
