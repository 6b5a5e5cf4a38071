package dev.dayzero.hal;

/**
 * Capture of a sequence of launches into a replayable graph (CUDA graphs, ACL model capture, CNRT queue
 * capture), so host launch overhead does not leak into kernel time. Offered by
 * {@link Device#graphCapture()} where the device has it.
 */
public interface GraphCapture {

    /** Captures everything {@code launches} enqueues on {@code stream}, without running it. */
    Graph capture(Stream stream, Runnable launches);

    /** A captured graph; closing frees it. */
    interface Graph extends AutoCloseable {
        /** Enqueues one replay of the whole captured sequence on {@code stream}. */
        void replay(Stream stream);

        @Override
        void close();
    }
}
