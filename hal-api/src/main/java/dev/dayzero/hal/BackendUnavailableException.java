package dev.dayzero.hal;

/** A backend's library, driver or device is missing; the message is the probe's one-sentence reason. */
public class BackendUnavailableException extends HalException {
    private static final long serialVersionUID = 1L;

    public BackendUnavailableException(String vendor, String reason) {
        super(vendor, reason);
    }

    public BackendUnavailableException(String vendor, String reason, Throwable cause) {
        super(vendor, reason, cause);
    }
}
