package dev.dayzero.tck.oracle;

/**
 * The oracle's answer for query rows of a {@link dev.dayzero.hal.op.AttentionSpec.SparseSharedKvDecode}.
 *
 * @param out {@code [rows][heads · 512]}, head-major, unrounded
 * @param lse {@code [rows][heads]}: natural-log sum of exponentials of the scaled scores (the sink not
 *     included); {@code +∞} for a query with no attended token
 */
public record SharedKvReference(double[][] out, double[][] lse) {
}
