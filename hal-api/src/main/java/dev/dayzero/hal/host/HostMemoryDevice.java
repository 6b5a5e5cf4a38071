package dev.dayzero.hal.host;

import dev.dayzero.hal.AbstractDevice;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.DeviceOutOfMemoryException;
import dev.dayzero.hal.Event;
import dev.dayzero.hal.Stream;
import java.util.Objects;

/**
 * A device whose memory is the Java heap: {@link #allocate} hands out {@link HostBuffer}s (one {@code byte[]}
 * each), {@link #newStream} synchronous {@link HostStream}s and {@link #newEvent} {@link HostEvent}s, all owned by
 * the device and closed with it. A backend extends it and supplies {@link #info}, {@link #supports} and
 * {@link #prepare} (usually with a {@link HostPreparedOp}); it may override {@link #newBuffer} to hand out its own
 * subclass of {@link HostBuffer}.
 */
public abstract class HostMemoryDevice extends AbstractDevice {
    /** Largest buffer: a Java array's limit, a little under 2 GiB. */
    public static final long MAX_BUFFER_BYTES = Integer.MAX_VALUE - 8;

    private final String name;
    private final HostStream defaultStream;

    /**
     * @param vendor the backend's vendor tag, for exceptions
     * @param name   the device in messages ({@code "the cpu device"})
     */
    protected HostMemoryDevice(String vendor, String name) {
        super(vendor, name);
        this.name = name;
        this.defaultStream = own(new HostStream(this));
    }

    /**
     * Throws once the device is closed.
     *
     * @throws IllegalStateException {@code "<name> is closed"}
     */
    public final void checkOpen() {
        if (isClosed()) {
            throw new IllegalStateException(name + " is closed");
        }
    }

    /**
     * Allocates {@code bytes} on the Java heap.
     *
     * @throws DeviceOutOfMemoryException past {@link #MAX_BUFFER_BYTES} or when the heap cannot hold it
     */
    @Override
    public DeviceBuffer allocate(long bytes) {
        checkOpen();
        if (bytes < 0) {
            throw new IllegalArgumentException("cannot allocate a negative size: " + bytes);
        }
        if (bytes > MAX_BUFFER_BYTES) {
            throw new DeviceOutOfMemoryException(vendor(), bytes, "a host-memory backend holds each buffer in one Java"
                    + " array, at most " + MAX_BUFFER_BYTES + " bytes; " + bytes + " bytes were asked for", null);
        }
        byte[] data;
        try {
            data = new byte[(int) bytes];
        } catch (OutOfMemoryError e) {
            throw new DeviceOutOfMemoryException(vendor(), bytes, "the Java heap cannot hold " + bytes
                    + " more bytes (" + allocatedBytes() + " allocated, max heap " + Runtime.getRuntime().maxMemory()
                    + "); raise -Xmx", e);
        }
        countAllocated(bytes);
        return own(newBuffer(data));
    }

    /** Hook: wraps freshly allocated memory; a backend may return its own subclass. */
    protected HostBuffer newBuffer(byte[] data) {
        return new HostBuffer(this, data);
    }

    @Override
    public Stream defaultStream() {
        checkOpen();
        return defaultStream;
    }

    @Override
    public Stream newStream() {
        checkOpen();
        return own(new HostStream(this));
    }

    @Override
    public Event newEvent() {
        checkOpen();
        return own(new HostEvent(this));
    }

    /**
     * {@code stream} as an open stream of this device.
     *
     * @throws IllegalStateException    when the device or the stream is closed
     * @throws IllegalArgumentException when it is another device's stream
     */
    public final HostStream checkStream(Stream stream) {
        checkOpen();
        Objects.requireNonNull(stream, "stream");
        if (!(stream instanceof HostStream s) || s.device() != this) {
            throw new IllegalArgumentException("the stream does not belong to " + name);
        }
        s.checkOpen();
        return s;
    }

    /**
     * {@code buffer} as an open buffer of this device.
     *
     * @param what the buffer in the message ({@code "operand 1 'q'"})
     * @throws IllegalArgumentException starting with {@code what} when it is another device's or kind's buffer
     * @throws IllegalStateException    when it is closed
     */
    public final HostBuffer checkBuffer(DeviceBuffer buffer, String what) {
        if (!(buffer instanceof HostBuffer hb) || hb.device() != this) {
            throw new IllegalArgumentException(what + " is not a buffer of " + name);
        }
        hb.array(); // throws if closed
        return hb;
    }

    /** The device's name in messages. */
    public final String name() {
        return name;
    }
}
