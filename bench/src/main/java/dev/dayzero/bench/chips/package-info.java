/**
 * The chip specs table and percent of peak: {@link dev.dayzero.bench.chips.ChipTable} (peak dense figures
 * per precision, bandwidth and memory for each chip, every figure with its source and status, matched by the
 * name or architecture a backend reports; {@code --chips FILE} adds or replaces entries),
 * {@link dev.dayzero.bench.chips.CpuEstimate} (the run's CPU, estimated) and
 * {@link dev.dayzero.bench.chips.Roofline} (achieved ÷ min(compute peak, bandwidth × intensity)).
 */
package dev.dayzero.bench.chips;
