package dev.dayzero.bench.cli;

/** Input the user can fix; the message is one line naming the field or value and what was expected. */
public class BadInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
