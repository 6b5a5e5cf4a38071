package dev.dayzero.bench.chips;

import dev.dayzero.bench.chips.ChipSpec.Figure;
import dev.dayzero.bench.chips.ChipSpec.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The run's CPU as a chip-table entry, estimated from what the CPU backend reports, since no table can
 * list every host:
 *
 * <pre>f32 peak = cores × clock × (vector bits / 32) lanes × 2 FMA units × 2 FLOP per FMA</pre>
 *
 * <ul>
 *   <li><b>cores</b>: the backend's {@code threads} property (the cores it computes on), else
 *       {@code availableProcessors}, else {@code computeUnits}, else 1. Each thread is counted as a core
 *       with its own FMA units; with SMT siblings sharing a core the estimate is up to 2× high.</li>
 *   <li><b>vector width</b>: the {@code NNN-bit} in the {@code vectorSpecies} property or the architecture
 *       ({@code FloatVector 512-bit}), else 512 for {@code AVX-512}, 256 for {@code AVX2}/{@code AVX}, else
 *       128 (the SSE2 / NEON baseline every x86-64 and AArch64 core has), said so.</li>
 *   <li><b>clock</b>: a {@code cpuMHz} property where the backend gives one; else {@code cpu MHz} of
 *       {@code /proc/cpuinfo}, only when this host's {@code model name} is the device's name (a report may be
 *       built on another machine than the run); else 2.0 GHz, said so.</li>
 *   <li><b>FMA units</b>: 2 per core, as on AVX-512 / AVX2 server cores; assumed, said so.</li>
 * </ul>
 * The CPU backend computes BF16, FP8 and INT8 operators in F32 (it widens the operands), so their peaks are
 * the F32 peak. Memory bandwidth has no reliable estimate: the entry has none, so CPU cases get no percent of
 * roofline unless a {@code --chips} entry matching the CPU supplies one (its figures replace the estimate's).
 * Every figure is marked {@link Status#ESTIMATED} with its formula.
 */
public final class CpuEstimate {
    /** The backend id the estimate applies to. */
    public static final String BACKEND = "cpu";
    /** The id of the synthesized entry. */
    public static final String ID = "cpu";
    /** FMA units per core assumed. */
    public static final int FMA_UNITS = 2;
    /** Clock assumed when none can be read, MHz. */
    public static final double DEFAULT_MHZ = 2000;
    /** Vector width assumed when none is reported, bits. */
    public static final int DEFAULT_VECTOR_BITS = 128;

    private static final Pattern BITS = Pattern.compile("(\\d{3,4})-bit");
    private static final String SOURCE = "estimated by Dayzero from the CPU backend's device info (not a vendor figure)";

    private CpuEstimate() {
    }

    /**
     * What the estimate is built from, each with where it came from.
     *
     * @param cores      cores counted
     * @param coresFrom  {@code threads property}, ...
     * @param vectorBits SIMD width in bits
     * @param vectorFrom where the width came from
     * @param clockMHz   clock in MHz
     * @param clockFrom  where the clock came from
     */
    public record Inputs(int cores, String coresFrom, int vectorBits, String vectorFrom, double clockMHz,
                         String clockFrom) {

        public Inputs {
            if (cores < 1 || vectorBits < 32 || !(clockMHz > 0)) {
                throw new IllegalArgumentException("cores >= 1, vectorBits >= 32 and clockMHz > 0 required, got "
                        + cores + ", " + vectorBits + ", " + clockMHz);
            }
        }

        /** F32 lanes of one vector. */
        public int lanes() {
            return vectorBits / 32;
        }

        /** The F32 peak, TFLOP/s. */
        public double f32PeakTflops() {
            return cores * clockMHz * 1e6 * lanes() * FMA_UNITS * 2 / 1e12;
        }

        /** The formula with the numbers, and where they came from. */
        public String formula() {
            return cores + " cores × " + Fmt.number(clockMHz) + " MHz × " + lanes() + " F32 lanes (" + vectorBits
                    + "-bit vectors) × " + FMA_UNITS + " FMA units × 2 FLOP/FMA = " + Fmt.number(f32PeakTflops())
                    + " TFLOP/s (cores: " + coresFrom + "; vector width: " + vectorFrom + "; clock: " + clockFrom
                    + "; " + FMA_UNITS + " FMA units per core assumed)";
        }
    }

    /** The estimate's inputs from a device's reported facts; {@code cpuinfo} is read for the clock. */
    public static Inputs inputs(String name, String architecture, Map<String, String> properties, Path cpuinfo) {
        Map<String, String> props = properties == null ? Map.of() : properties;
        int cores = 1;
        String coresFrom = "unknown, 1 assumed";
        for (String key : List.of("threads", "availableProcessors", "computeUnits")) {
            Optional<Integer> v = positiveInt(props.get(key));
            if (v.isPresent()) {
                cores = v.get();
                coresFrom = key + " property";
                break;
            }
        }
        int bits = 0;
        String vectorFrom = "";
        for (String text : new String[] {props.get("vectorSpecies"), architecture}) {
            if (text != null && bits == 0) {
                Matcher m = BITS.matcher(text);
                if (m.find()) {
                    bits = Integer.parseInt(m.group(1));
                    vectorFrom = "'" + m.group() + "' reported";
                }
            }
        }
        if (bits == 0) {
            String all = ((architecture == null ? "" : architecture) + " " + props.getOrDefault("vectorSpecies", ""))
                    .toUpperCase(Locale.ROOT);
            if (all.contains("AVX-512") || all.contains("AVX512")) {
                bits = 512;
                vectorFrom = "AVX-512 reported";
            } else if (all.contains("AVX")) {
                bits = 256;
                vectorFrom = "AVX2 reported";
            } else {
                bits = DEFAULT_VECTOR_BITS;
                vectorFrom = "not reported, " + DEFAULT_VECTOR_BITS + "-bit (SSE2/NEON baseline) assumed";
            }
        }
        double mhz = DEFAULT_MHZ;
        String clockFrom = "not readable, " + Fmt.number(DEFAULT_MHZ / 1000) + " GHz assumed";
        Optional<Double> reported = positiveDouble(props.get("cpuMHz"));
        if (reported.isPresent()) {
            mhz = reported.get();
            clockFrom = "cpuMHz property";
        } else {
            OptionalDouble local = localClockMHz(name, cpuinfo);
            if (local.isPresent()) {
                mhz = local.getAsDouble();
                clockFrom = "cpu MHz in " + cpuinfo;
            }
        }
        return new Inputs(cores, coresFrom, bits, vectorFrom, mhz, clockFrom);
    }

    /** The synthesized entry for a CPU device (id {@value #ID}, every figure {@link Status#ESTIMATED}). */
    public static ChipSpec estimate(String vendor, String name, String architecture, Map<String, String> properties,
                                    Path cpuinfo) {
        Inputs in = inputs(name, architecture, properties, cpuinfo);
        double peak = in.f32PeakTflops();
        String f32 = in.formula();
        String widened = "the CPU backend computes this precision in F32, so its peak is the F32 peak: " + f32;
        Map<String, Figure> peaks = new LinkedHashMap<>();
        peaks.put("f32", new Figure(peak, Figure.TFLOPS, Status.ESTIMATED, SOURCE, f32));
        peaks.put("bf16", new Figure(peak, Figure.TFLOPS, Status.ESTIMATED, SOURCE, widened));
        peaks.put("fp8", new Figure(peak, Figure.TFLOPS, Status.ESTIMATED, SOURCE, widened));
        peaks.put("int8", new Figure(peak, Figure.TOPS, Status.ESTIMATED, SOURCE, widened));
        List<String> notes = new ArrayList<>();
        notes.add("Estimated peak of the run's CPU: " + f32 + ".");
        notes.add("Memory bandwidth unknown: no percent of roofline unless a --chips entry matching this CPU gives one.");
        String display = (name == null || name.isBlank() ? "host CPU" : name) + " (estimated)";
        return new ChipSpec(ID, display, vendor == null ? "" : vendor, ChipSpec.Match.backendOnly(BACKEND), peaks,
                Optional.empty(), Optional.empty(), Map.of(), notes);
    }

    /**
     * The estimate with a matching table entry's figures laid over it: each peak, the bandwidth and the
     * memory of {@code entry} replace the estimate's; the entry's id, name and vendor are kept.
     */
    static ChipSpec overlay(ChipSpec estimate, ChipSpec entry) {
        Map<String, Figure> peaks = new LinkedHashMap<>(estimate.peaks());
        peaks.putAll(entry.peaks());
        entry.absent().keySet().forEach(peaks::remove);
        List<String> notes = new ArrayList<>(entry.notes());
        notes.add("Figures from the table entry '" + entry.id() + "'; the rest estimated: " + estimate.notes().get(0));
        return new ChipSpec(entry.id(), entry.name(), entry.vendor().isEmpty() ? estimate.vendor() : entry.vendor(),
                entry.match(), peaks, entry.bandwidth().or(estimate::bandwidth), entry.memory().or(estimate::memory),
                entry.absent(), notes);
    }

    /** {@code cpu MHz} of the first processor in {@code cpuinfo}, if its {@code model name} is {@code name}. */
    static OptionalDouble localClockMHz(String name, Path cpuinfo) {
        if (cpuinfo == null || name == null) {
            return OptionalDouble.empty();
        }
        try {
            String model = null;
            Double mhz = null;
            for (String line : Files.readAllLines(cpuinfo)) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String key = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                if (key.equals("model name") && model == null) {
                    model = value;
                } else if (key.equals("cpu MHz") && mhz == null) {
                    mhz = positiveDouble(value).orElse(null);
                }
            }
            return model != null && model.equals(name.trim()) && mhz != null ? OptionalDouble.of(mhz)
                    : OptionalDouble.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalDouble.empty(); // not Linux, or not readable: the caller assumes a clock and says so
        }
    }

    private static Optional<Integer> positiveInt(String s) {
        try {
            int v = Integer.parseInt(s == null ? "" : s.trim());
            return v > 0 ? Optional.of(v) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Double> positiveDouble(String s) {
        try {
            double v = Double.parseDouble(s == null ? "" : s.trim());
            return v > 0 && Double.isFinite(v) ? Optional.of(v) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
