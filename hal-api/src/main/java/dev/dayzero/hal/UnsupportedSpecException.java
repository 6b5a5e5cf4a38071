package dev.dayzero.hal;

/** {@link Device#prepare} was given a spec the device does not support; the message is the reason. */
public class UnsupportedSpecException extends HalException {
    private static final long serialVersionUID = 1L;

    public UnsupportedSpecException(String vendor, String reason) {
        super(vendor, reason);
    }
}
