package dev.dayzero.bench.workload;

/**
 * Workload options that do not fit the model (a tp that does not divide the heads, an ep that does not
 * divide the experts, an FP8 expert split below one 128 block) or are out of range. One line, naming
 * the option and what was expected.
 */
public class WorkloadException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public WorkloadException(String message) {
        super(message);
    }
}
