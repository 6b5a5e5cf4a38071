package dev.dayzero.bench.measure;

/** Which rule ended sampling; {@link #label()} is how results files write it. */
public enum StopReason {
    /** The relative standard deviation reached the target after the minimum count and time. */
    TARGET_RSD("target-rsd"),
    /** The maximum time passed first. */
    MAX_TIME("max-time");

    private final String label;

    StopReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
