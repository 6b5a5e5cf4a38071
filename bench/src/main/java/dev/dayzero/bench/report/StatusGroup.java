package dev.dayzero.bench.report;

import java.util.Locale;

/** The groups of statuses a support matrix colours alike, with their CSS class and legend label. */
public enum StatusGroup {
    PASSED("st-pass", "passed"),
    FAILED("st-fail", "failed (numerics, shape, dtype)"),
    ERROR("st-error", "compile or runtime error"),
    UNSUPPORTED("st-unsupported", "unsupported"),
    ALTERNATIVE("st-alt", "alternative only"),
    UNAVAILABLE("st-unavailable", "unavailable"),
    CRASHED("st-crash", "crashed, timeout or out-of-memory"),
    NOT_CHECKED("st-notchecked", "not checked");

    private final String cssClass;
    private final String label;

    StatusGroup(String cssClass, String label) {
        this.cssClass = cssClass;
        this.label = label;
    }

    public String cssClass() {
        return cssClass;
    }

    public String label() {
        return label;
    }

    /** The group of a status label ({@code passed}, {@code failed-numerics}, ...). */
    public static StatusGroup of(String status) {
        return switch (status.toLowerCase(Locale.ROOT)) {
            case "passed" -> PASSED;
            case "failed-numerics", "failed-shape", "failed-dtype" -> FAILED;
            case "compile-error", "runtime-error" -> ERROR;
            case "unsupported" -> UNSUPPORTED;
            case "alternative-only" -> ALTERNATIVE;
            case "unavailable" -> UNAVAILABLE;
            case "crashed", "timeout", "out-of-memory" -> CRASHED;
            default -> NOT_CHECKED;
        };
    }
}
