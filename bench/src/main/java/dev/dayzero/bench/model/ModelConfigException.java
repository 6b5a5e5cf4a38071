package dev.dayzero.bench.model;

/**
 * A model configuration Dayzero cannot use: malformed JSON, a missing or non-positive dimension, an
 * unknown preset, or an architecture it cannot map. The message is one line naming the file, the field
 * and what was expected, so the command line can print it as it is.
 */
public class ModelConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ModelConfigException(String message) {
        super(oneLine(message));
    }

    public ModelConfigException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }
}
