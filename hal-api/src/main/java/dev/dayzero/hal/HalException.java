package dev.dayzero.hal;

import java.util.Optional;

/**
 * The one unchecked root of every error a backend raises. It carries the vendor, the native call that
 * failed, the native error code and the vendor's own message where there is one.
 */
public class HalException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String vendor;
    private final String nativeCall;
    private final Long nativeCode;

    public HalException(String vendor, String message) {
        this(vendor, null, null, message, null);
    }

    public HalException(String vendor, String message, Throwable cause) {
        this(vendor, null, null, message, cause);
    }

    protected HalException(String vendor, String nativeCall, Long nativeCode, String message, Throwable cause) {
        super(message, cause);
        this.vendor = vendor == null ? "unknown" : vendor;
        this.nativeCall = nativeCall;
        this.nativeCode = nativeCode;
    }

    /** The vendor or backend id that raised it ({@code cpu}, {@code nvidia}, {@code huawei}, ...). */
    public String vendor() {
        return vendor;
    }

    /** The native function that failed, where one did. */
    public Optional<String> nativeCall() {
        return Optional.ofNullable(nativeCall);
    }

    /** The native error code, where one was returned. */
    public Optional<Long> nativeCode() {
        return Optional.ofNullable(nativeCode);
    }
}
