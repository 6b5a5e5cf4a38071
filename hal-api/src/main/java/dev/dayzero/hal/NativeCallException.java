package dev.dayzero.hal;

/**
 * A native call returned an error: the function, its numeric code, the vendor's name for that code
 * ({@code CUDA_ERROR_OUT_OF_MEMORY}) and the vendor's message ({@code cuGetErrorString},
 * {@code aclGetRecentErrMsg}, {@code cnrtGetErrorStr}).
 */
public class NativeCallException extends HalException {
    private static final long serialVersionUID = 1L;

    private final String codeName;
    private final String vendorMessage;

    public NativeCallException(String vendor, String function, long code, String codeName, String vendorMessage) {
        super(vendor, function, code, format(function, code, codeName, vendorMessage), null);
        this.codeName = codeName == null ? "" : codeName;
        this.vendorMessage = vendorMessage == null ? "" : vendorMessage;
    }

    /** The vendor's symbolic name for the code, or empty where unknown. */
    public String codeName() {
        return codeName;
    }

    /** The vendor's own message, or empty where the library gave none. */
    public String vendorMessage() {
        return vendorMessage;
    }

    private static String format(String function, long code, String codeName, String vendorMessage) {
        StringBuilder sb = new StringBuilder(function).append(" failed with ").append(code);
        if (codeName != null && !codeName.isEmpty()) {
            sb.append(" (").append(codeName).append(')');
        }
        if (vendorMessage != null && !vendorMessage.isEmpty()) {
            sb.append(": ").append(vendorMessage);
        }
        return sb.toString();
    }
}
