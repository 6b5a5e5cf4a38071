package dev.dayzero.hal;

import java.nio.ByteBuffer;

/**
 * A block of device memory, owned by the device that allocated it. Host copies are synchronous with
 * respect to the host (they return when the bytes have moved). Closing is idempotent; any use after
 * close throws {@link IllegalStateException}.
 */
public interface DeviceBuffer extends AutoCloseable {

    /** Size in bytes. */
    long size();

    /** Copies {@code src.remaining()} bytes from the host into this buffer at {@code offset}. */
    void write(long offset, ByteBuffer src);

    /** Copies {@code dst.remaining()} bytes from this buffer at {@code offset} to the host. */
    void read(long offset, ByteBuffer dst);

    /** Sets every byte to {@code value}, in order on {@code stream} (used for cold-cache flushes). */
    void fill(Stream stream, byte value);

    /** Copies all of {@code src} (same size or smaller) into the start of this buffer, on {@code stream}. */
    void copyFrom(Stream stream, DeviceBuffer src);

    /** True once closed. */
    boolean isClosed();

    @Override
    void close();

    /**
     * Checks that bytes {@code [offset, offset + length)} lie inside a buffer of {@code size} bytes.
     *
     * @throws IndexOutOfBoundsException naming the range and the size
     */
    static void checkRange(long size, long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > size) {
            throw new IndexOutOfBoundsException("bytes [" + offset + ", " + (offset + length)
                    + ") lie outside a buffer of " + size);
        }
    }
}
