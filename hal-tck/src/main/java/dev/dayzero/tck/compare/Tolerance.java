package dev.dayzero.tck.compare;

/**
 * The bound a float output must meet: DeepGEMM's {@code diff ≤ maxDiff} for every output row, and element-wise
 * {@code |actual − expected| ≤ rtol·|expected| + atolOfRms·rms(expected row)}, so one wild element cannot
 * hide inside a good global figure. NaN/Inf positions must always match exactly.
 *
 * @param name       where it applies, for messages
 * @param maxDiff    largest accepted DeepGEMM diff
 * @param rtol       element-wise relative tolerance
 * @param atolOfRms  element-wise absolute tolerance, as a fraction of the reference row's root mean square
 */
public record Tolerance(String name, double maxDiff, double rtol, double atolOfRms) {
}
