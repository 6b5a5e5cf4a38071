package dev.dayzero.bench.worker;

/**
 * Whether a run is made to be sent to us, and how: who sends it ({@code --submitted-by}) and whether its
 * hostname is replaced by a hash ({@code --redact-host}). Either one makes the results file carry an
 * {@link dev.dayzero.bench.results.Origin}.
 *
 * @param submittedBy who runs it and sends the results: one line of at most {@value #MAX_NAME} printable
 *                    characters; null for a run of our own
 * @param redactHost  write {@link dev.dayzero.bench.results.HostInfo#redact} of the hostname instead of the name
 */
public record Submission(String submittedBy, boolean redactHost) {
    /** The longest submitter name. */
    public static final int MAX_NAME = 100;
    /** A run of our own: no origin recorded. */
    public static final Submission LOCAL = new Submission(null, false);

    public Submission {
        if (submittedBy != null) {
            submittedBy = submittedBy.strip();
            if (submittedBy.isEmpty()) {
                throw new IllegalArgumentException("--submitted-by needs a name (a company, a team or a person)");
            }
            if (submittedBy.length() > MAX_NAME) {
                throw new IllegalArgumentException("--submitted-by: at most " + MAX_NAME + " characters, got "
                        + submittedBy.length());
            }
            if (submittedBy.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("--submitted-by: one line of printable characters, without "
                        + "tabs or line breaks");
            }
        }
    }

    /** Whether the results file records an origin. */
    public boolean recordsOrigin() {
        return submittedBy != null || redactHost;
    }
}
