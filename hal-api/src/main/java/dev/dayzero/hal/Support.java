package dev.dayzero.hal;

import dev.dayzero.hal.op.OpSpec;
import java.util.Objects;

/**
 * A device's answer for one exact spec: supported, unsupported with the reason, or an alternative
 * spec the device does support (the same MoE GEMM as INT8 W8A8 instead of FP8, say), which the harness
 * checks and times like any case and records as {@code alternative-only}. It is only a claim: the
 * conformance run decides the tick.
 */
public sealed interface Support {

    static Support supported() {
        return Supported.INSTANCE;
    }

    static Support unsupported(String reason) {
        return new Unsupported(reason);
    }

    static Support alternative(OpSpec alternative, String reason) {
        return new Alternative(alternative, reason);
    }

    /** Why the exact spec will not run (one sentence); empty for {@link Supported}. */
    String reason();

    /** True only for {@link Supported}. */
    default boolean isSupported() {
        return this instanceof Supported;
    }

    /** The exact spec will run. */
    record Supported() implements Support {
        private static final Supported INSTANCE = new Supported();

        /** Empty: nothing to explain. */
        @Override
        public String reason() {
            return "";
        }
    }

    /** The exact spec will not run, and no alternative is offered; {@code reason} is one sentence. */
    record Unsupported(String reason) implements Support {
        public Unsupported {
            requireText(reason, "reason");
        }
    }

    /** The exact spec will not run, but {@code spec} will; {@code reason} says what differs and why. */
    record Alternative(OpSpec spec, String reason) implements Support {
        public Alternative {
            Objects.requireNonNull(spec, "spec");
            requireText(reason, "reason");
        }
    }

    private static void requireText(String text, String what) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(what + " must say why, in one sentence");
        }
    }
}
