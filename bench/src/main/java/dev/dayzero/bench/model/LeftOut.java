package dev.dayzero.bench.model;

import java.util.Objects;

/**
 * An operator of the model that Dayzero does not run, and why: a layer type hal-api has no spec for
 * (linear attention, a dense GEMM), a format it has no type for, or a shape the spec cannot express.
 *
 * @param operator the model's operator, e.g. {@code linear-attention} or {@code shared-expert}
 * @param reason   one sentence a reader can act on
 */
public record LeftOut(String operator, String reason) {
    public LeftOut {
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(reason, "reason");
        if (operator.isBlank() || reason.isBlank()) {
            throw new IllegalArgumentException("LeftOut needs an operator and a reason");
        }
    }

    @Override
    public String toString() {
        return operator + ": " + reason;
    }
}
