package dev.dayzero.hal;

/** An allocation did not fit in device memory. */
public class DeviceOutOfMemoryException extends HalException {
    private static final long serialVersionUID = 1L;

    private final long requestedBytes;

    public DeviceOutOfMemoryException(String vendor, long requestedBytes, String message, Throwable cause) {
        super(vendor, message, cause);
        this.requestedBytes = requestedBytes;
    }

    public long requestedBytes() {
        return requestedBytes;
    }
}
