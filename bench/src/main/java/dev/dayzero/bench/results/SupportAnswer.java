package dev.dayzero.bench.results;

import dev.dayzero.hal.Support;
import dev.dayzero.hal.op.OpSpec;
import java.util.Objects;

/**
 * A device's answer to {@code supports(spec)}, as a results file writes it.
 *
 * @param answer      {@code supported}, {@code unsupported} or {@code alternative}
 * @param reason      the device's reason (empty for supported)
 * @param alternative the spec offered instead (alternative only, else null)
 */
public record SupportAnswer(String answer, String reason, OpSpec alternative) {
    public static final String SUPPORTED = "supported";
    public static final String UNSUPPORTED = "unsupported";
    public static final String ALTERNATIVE = "alternative";

    public SupportAnswer {
        Objects.requireNonNull(answer, "answer");
        reason = reason == null ? "" : reason;
    }

    public static SupportAnswer of(Support support) {
        if (support instanceof Support.Unsupported u) {
            return new SupportAnswer(UNSUPPORTED, u.reason(), null);
        }
        if (support instanceof Support.Alternative a) {
            return new SupportAnswer(ALTERNATIVE, a.reason(), a.spec());
        }
        return new SupportAnswer(SUPPORTED, "", null);
    }
}
