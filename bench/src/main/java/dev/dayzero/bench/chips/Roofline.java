package dev.dayzero.bench.chips;

import dev.dayzero.bench.chips.ChipSpec.Figure;
import dev.dayzero.bench.report.DeviceRoofs;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.CacheWriteSpec;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Percent of a device's attainable roofline:
 *
 * <pre>attainable = min(compute peak for the case's precision, bandwidth × arithmetic intensity)
 * percent    = 100 × achieved ÷ attainable</pre>
 *
 * so compute-bound and memory-bound cases compare fairly. TFLOP/s = GB/s × FLOP/byte ÷ 1000. A case is
 * {@code compute}-bound when the compute roof is the lower one (at the ridge point, where both are equal,
 * it counts as compute-bound). There is no percent — NaN, with a note saying why — when the device has no
 * chip-table entry, when the entry has no usable peak for the precision (absent, or only an unconfirmed
 * figure), or when it has no usable bandwidth: a percent of roofline needs both roofs.
 */
public final class Roofline {
    /** Roof label: the compute peak is the lower roof. */
    public static final String COMPUTE = "compute";
    /** Roof label: bandwidth × intensity is the lower roof. */
    public static final String MEMORY = "memory";

    private Roofline() {
    }

    /**
     * The precision whose peak applies to a case: MoE GEMM {@code BF16 → bf16}, {@code FP8_BLOCK → fp8},
     * {@code INT8_W8A8 → int8}; attention {@code bf16} (every variant multiplies BF16 on the tensor cores; an
     * FP8 latent cache is dequantized to BF16 before the MMA, as FlashMLA does; sparse prefill reads BF16
     * queries and a BF16 latent, so it is {@code bf16} too); indexer by its key type, {@code FP8 → fp8}
     * ({@link IndexerSpec.KeyType#FP8}: DeepGEMM's logits kernels multiply the E4M3 codes themselves on the FP8
     * tensor cores, the key scales and head weights applied after the MMA), {@code BF16 → bf16}; quantize by
     * its input, {@code bf16} or {@code f32} (it is memory-bound anyway); the cache write {@code bf16} (its input).
     */
    public static String precisionOf(OpSpec spec) {
        Objects.requireNonNull(spec, "spec");
        if (spec instanceof MoeGemmSpec moe) {
            return switch (moe.type()) {
                case BF16 -> "bf16";
                case FP8_BLOCK -> "fp8";
                case INT8_W8A8 -> "int8";
            };
        }
        if (spec instanceof AttentionSpec) {
            return "bf16";
        }
        if (spec instanceof IndexerSpec x) {
            return switch (x.keyType()) {
                case FP8 -> "fp8";
                case BF16 -> "bf16";
            };
        }
        if (spec instanceof QuantizeSpec q) {
            return q.inputType() == DType.F32 ? "f32" : "bf16";
        }
        if (spec instanceof CacheWriteSpec) {
            return "bf16"; // BF16 rows in; memory-bound like quantize
        }
        throw new IllegalArgumentException("no precision rule for " + spec.family());
    }

    /**
     * The attainable roof of one case on one chip.
     *
     * @param precision     the precision whose peak applied ({@link ChipSpec#PRECISIONS})
     * @param intensity     the case's arithmetic intensity, FLOP per byte
     * @param computeTflops the compute roof (the peak), NaN where unknown
     * @param memoryTflops  bandwidth × intensity ÷ 1000, NaN where unknown
     * @param tflops        the lower of the two, NaN when either is unknown
     * @param boundBy       {@link #COMPUTE}, {@link #MEMORY}, or empty when unknown
     * @param note          why there is no roof, or which figures are not the vendor's; empty otherwise
     */
    public record Roof(String precision, double intensity, double computeTflops, double memoryTflops, double tflops,
                       String boundBy, String note) {
        public Roof {
            precision = precision == null ? "" : precision;
            boundBy = boundBy == null ? "" : boundBy;
            note = note == null ? "" : note;
        }

        /** True when both roofs are known. */
        public boolean known() {
            return !Double.isNaN(tflops);
        }

        /** Intensity where the two roofs meet (peak × 1000 ÷ bandwidth), NaN where unknown. */
        public double ridgeIntensity() {
            return computeTflops / memoryTflops * intensity;
        }
    }

    /** The roof of a device with no chip-table entry: none, with a note saying so. */
    public static Roof noEntry(String device, String precision, double intensity) {
        return new Roof(precision, intensity, Double.NaN, Double.NaN, Double.NaN, "",
                "no chip-table entry matches " + device + ": no percent of peak (add one with --chips FILE)");
    }

    /** The attainable roof for a case of {@code precision} and {@code intensity} FLOP/byte on {@code chip}. */
    public static Roof attainable(ChipSpec chip, String precision, double intensity) {
        Objects.requireNonNull(chip, "chip");
        if (!ChipSpec.PRECISIONS.contains(precision)) {
            throw new IllegalArgumentException("precision: '" + precision + "' is not one of " + ChipSpec.PRECISIONS);
        }
        List<String> notes = new ArrayList<>();
        double compute = Double.NaN;
        Figure peak = chip.peaks().get(precision);
        if (peak == null) {
            String why = chip.absent().get(precision);
            notes.add(why != null ? why : "no " + precision + " peak for " + chip.name() + " in the chip table");
        } else if (!peak.status().usable()) {
            notes.add(precision + " peak of " + chip.name() + " is unconfirmed (" + peak.source() + ")");
        } else {
            compute = peak.value();
        }
        double memory = Double.NaN;
        Figure bw = chip.bandwidth().orElse(null);
        if (bw == null) {
            notes.add("memory bandwidth of " + chip.name() + " is not known");
        } else if (!bw.status().usable()) {
            notes.add("memory bandwidth of " + chip.name() + " is unconfirmed (" + bw.source() + ")");
        } else if (!(intensity > 0) || !Double.isFinite(intensity)) {
            notes.add("no arithmetic intensity for the case");
        } else {
            memory = bw.value() * intensity / 1000.0;
        }
        if (Double.isNaN(compute) || Double.isNaN(memory)) {
            return new Roof(precision, intensity, compute, memory, Double.NaN, "",
                    String.join("; ", notes) + ": no percent of roofline");
        }
        boolean computeBound = compute <= memory;
        List<String> status = new ArrayList<>();
        if (peak.status() != ChipSpec.Status.OFFICIAL) {
            status.add(precision + " peak " + peak.status().label());
        }
        if (bw.status() != ChipSpec.Status.OFFICIAL) {
            status.add("bandwidth " + bw.status().label());
        }
        return new Roof(precision, intensity, compute, memory, Math.min(compute, memory),
                computeBound ? COMPUTE : MEMORY, String.join(", ", status));
    }

    /** {@code 100 × achieved ÷ roof}, NaN when the roof is unknown or nothing was achieved (not timed). */
    public static double percentOfRoofline(double achievedTflops, Roof roof) {
        if (!roof.known() || Double.isNaN(achievedTflops)) {
            return Double.NaN;
        }
        return 100.0 * achievedTflops / roof.tflops();
    }

    /** {@link #percentOfRoofline(double, Roof)} of {@link #attainable(ChipSpec, String, double)}. */
    public static double percentOfRoofline(double achievedTflops, ChipSpec chip, String precision, double intensity) {
        return percentOfRoofline(achievedTflops, attainable(chip, precision, intensity));
    }

    /**
     * The roofline chart's record for a device: its usable peaks (unconfirmed ones left out), its usable
     * bandwidth (NaN where none), and one line naming each figure's status and the sources.
     */
    public static DeviceRoofs toRoofs(String deviceLabel, ChipSpec chip, boolean emulated) {
        Objects.requireNonNull(chip, "chip");
        double bw = chip.bandwidth().filter(f -> f.status().usable()).map(Figure::value).orElse(Double.NaN);
        List<String> parts = new ArrayList<>();
        Set<String> sources = new LinkedHashSet<>();
        for (Map.Entry<String, Figure> e : chip.figures().entrySet()) {
            Figure f = e.getValue();
            parts.add(e.getKey() + " " + f.brief() + (f.status().usable() ? "" : " (not used)"));
            sources.add(f.source());
        }
        if (chip.bandwidth().isEmpty()) {
            parts.add("bandwidth unknown");
        }
        String source = chip.name() + ": " + String.join(", ", parts) + ". Sources: " + String.join(" | ", sources);
        return new DeviceRoofs(deviceLabel, chip.name(), chip.usablePeaks(), bw, source, emulated);
    }

    /** The roofline chart's record for a device with no chip-table entry: no roofs, and a note saying so. */
    public static DeviceRoofs noEntryRoofs(String deviceLabel, boolean emulated) {
        return new DeviceRoofs(deviceLabel, "", Map.of(), Double.NaN,
                "no chip-table entry: no percent of peak (add one with --chips FILE)", emulated);
    }
}
