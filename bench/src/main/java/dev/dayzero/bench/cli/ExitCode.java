package dev.dayzero.bench.cli;

/** The command's exit codes. */
public final class ExitCode {
    /** Everything ran and passed (unsupported cases are not failures). */
    public static final int OK = 0;
    /** Some case failed conformance. */
    public static final int FAILED = 1;
    /** Bad input: a malformed config, an impossible shape, an unknown preset, backend or case id, an unwritable path. */
    public static final int BAD_INPUT = 2;
    /** A backend crashed, timed out, or the tool itself failed. */
    public static final int CRASHED = 3;

    private ExitCode() {
    }
}
