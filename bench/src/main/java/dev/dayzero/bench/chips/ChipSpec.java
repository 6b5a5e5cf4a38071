package dev.dayzero.bench.chips;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One chip of the chip specs table: its dense peaks per precision, memory bandwidth and memory size, each
 * figure with its source and status, and the rules that recognise the chip from what a backend reports.
 *
 * @param id        stable id ({@code nvidia-h100-sxm}); a {@code --chips} entry with the same id replaces it
 * @param name      display name ({@code NVIDIA H100 SXM5})
 * @param vendor    chip vendor ({@code NVIDIA}, {@code Huawei}, {@code Cambricon})
 * @param match     how the chip is recognised
 * @param peaks     precision ({@link #PRECISIONS}) → dense peak, TFLOP/s (TOP/s for {@code int8}); no sparsity
 * @param bandwidth memory bandwidth in GB/s, empty where no figure is known
 * @param memory    memory size in GB or GiB, empty where no figure is known
 * @param absent    precision → why the chip has no peak for it ({@code fp8}: "no FP8 on Ascend 910B/910C")
 * @param notes     remarks a reader of the table should see (conflicting claims, what the figures are per)
 */
public record ChipSpec(String id, String name, String vendor, Match match, Map<String, Figure> peaks,
                       Optional<Figure> bandwidth, Optional<Figure> memory, Map<String, String> absent,
                       List<String> notes) {

    /** The precision keys of {@link #peaks()}: FP32 (non-tensor), TF32, BF16, FP16, FP8, INT8. */
    public static final List<String> PRECISIONS = List.of("f32", "tf32", "bf16", "f16", "fp8", "int8");

    public ChipSpec {
        requireText(id, "id");
        requireText(name, "name");
        vendor = vendor == null ? "" : vendor;
        Objects.requireNonNull(match, "match");
        peaks = sorted(peaks, "peaks");
        for (Map.Entry<String, Figure> e : peaks.entrySet()) {
            requirePrecision(e.getKey(), "peaks");
            String unit = e.getValue().unit();
            if (!unit.equals(Figure.TFLOPS) && !unit.equals(Figure.TOPS)) {
                throw new IllegalArgumentException("peaks." + e.getKey() + ".unit: must be " + Figure.TFLOPS
                        + " or " + Figure.TOPS + ", got '" + unit + "'");
            }
        }
        bandwidth = bandwidth == null ? Optional.empty() : bandwidth;
        bandwidth.ifPresent(f -> {
            if (!f.unit().equals(Figure.GBPS)) {
                throw new IllegalArgumentException("bandwidth.unit: must be " + Figure.GBPS + ", got '" + f.unit() + "'");
            }
        });
        memory = memory == null ? Optional.empty() : memory;
        memory.ifPresent(f -> {
            if (!f.unit().equals(Figure.GB) && !f.unit().equals(Figure.GIB)) {
                throw new IllegalArgumentException("memory.unit: must be " + Figure.GB + " or " + Figure.GIB
                        + ", got '" + f.unit() + "'");
            }
        });
        absent = sorted(absent, "absent");
        absent.keySet().forEach(p -> requirePrecision(p, "absent"));
        notes = notes == null ? List.of() : List.copyOf(notes);
    }

    /** The peak for {@code precision} whatever its status (unconfirmed ones included). */
    public Optional<Figure> peak(String precision) {
        return Optional.ofNullable(peaks.get(precision));
    }

    /** Usable peak figures only (status other than {@link Status#UNCONFIRMED}), precision → value. */
    public Map<String, Double> usablePeaks() {
        Map<String, Double> out = new TreeMap<>();
        peaks.forEach((p, f) -> {
            if (f.status().usable()) {
                out.put(p, f.value());
            }
        });
        return Collections.unmodifiableMap(out);
    }

    /** Memory size in bytes, where a figure is known (GB = 10⁹ bytes, GiB = 2³⁰). */
    public Optional<Long> memoryBytes() {
        return memory.map(f -> Math.round(f.value() * (f.unit().equals(Figure.GIB) ? 1L << 30 : 1_000_000_000L)));
    }

    /** Every figure of the entry, labelled {@code peak.bf16}, {@code bandwidth}, {@code memory}. */
    public Map<String, Figure> figures() {
        Map<String, Figure> all = new TreeMap<>();
        peaks.forEach((p, f) -> all.put("peak." + p, f));
        bandwidth.ifPresent(f -> all.put("bandwidth", f));
        memory.ifPresent(f -> all.put("memory", f));
        return Collections.unmodifiableMap(all);
    }

    private static void requireText(String s, String field) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException(field + ": must be a non-empty string");
        }
    }

    private static void requirePrecision(String p, String field) {
        if (!PRECISIONS.contains(p)) {
            throw new IllegalArgumentException(field + "." + p + ": unknown precision; expected one of " + PRECISIONS);
        }
    }

    private static <V> Map<String, V> sorted(Map<String, V> m, String field) {
        Map<String, V> out = new TreeMap<>();
        if (m != null) {
            m.forEach((k, v) -> out.put(Objects.requireNonNull(k, field), Objects.requireNonNull(v, field + "." + k)));
        }
        return Collections.unmodifiableMap(out);
    }

    /** Where a figure comes from, and so how far it can be trusted. */
    public enum Status {
        /** The vendor's own document (datasheet, product page, launch keynote). */
        OFFICIAL,
        /** Press, third parties, reprints of vendor material, or figures sources disagree on. */
        UNOFFICIAL,
        /** Computed by Dayzero from published facts (cores × clock × MACs per cycle); carries its formula. */
        DERIVED,
        /** Conflicting or unsourced claims: kept for reference, never used for percent of peak. */
        UNCONFIRMED,
        /** Dayzero's estimate (the run's CPU); carries its formula. */
        ESTIMATED,
        /** Measured on the device by {@code dayzero calibrate}; carries how it was measured. */
        MEASURED;

        /** The lower-case label used in the JSON table and reports. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** True when the figure may be used for percent of peak: every status but {@link #UNCONFIRMED}. */
        public boolean usable() {
            return this != UNCONFIRMED;
        }

        /** Whether the status needs a formula: {@link #DERIVED}, {@link #ESTIMATED} and {@link #MEASURED}. */
        public boolean needsFormula() {
            return this == DERIVED || this == ESTIMATED || this == MEASURED;
        }

        /** A datasheet figure (official, unofficial or derived from published facts): it beats a measured one. */
        public boolean datasheet() {
            return this == OFFICIAL || this == UNOFFICIAL || this == DERIVED;
        }

        /** The status for a label, or empty. */
        public static Optional<Status> of(String label) {
            for (Status s : values()) {
                if (s.label().equals(label)) {
                    return Optional.of(s);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * One figure.
     *
     * @param value   the number, positive and finite
     * @param unit    {@code TFLOP/s}, {@code TOP/s}, {@code GB/s}, {@code GB} or {@code GiB}
     * @param status  where it comes from
     * @param source  the document, URL or code it comes from (never empty)
     * @param formula how it was computed; required for derived and estimated figures, else may be empty
     */
    public record Figure(double value, String unit, Status status, String source, String formula) {
        public static final String TFLOPS = "TFLOP/s";
        public static final String TOPS = "TOP/s";
        public static final String GBPS = "GB/s";
        public static final String GB = "GB";
        public static final String GIB = "GiB";

        public Figure {
            if (!(value > 0) || !Double.isFinite(value)) {
                throw new IllegalArgumentException("value: must be a positive finite number, got " + value);
            }
            requireText(unit, "unit");
            Objects.requireNonNull(status, "status");
            requireText(source, "source");
            formula = formula == null ? "" : formula;
            if (status.needsFormula() && formula.isBlank()) {
                throw new IllegalArgumentException("formula: a " + status.label() + " figure must say how it was computed");
            }
        }

        /** {@code 989 TFLOP/s official}. */
        public String brief() {
            return Fmt.number(value) + " " + unit + " " + status.label();
        }
    }

    /**
     * How a chip is recognised: case-insensitive substrings and regular expressions (found anywhere) tried
     * against the device's name and its architecture, optionally only for some backends. The score of a
     * match is the length of the longest text a rule matched, so {@code H100 PCIe} (9) beats {@code H100} (4).
     *
     * @param backends backend ids the entry applies to; empty = any backend
     * @param contains substrings
     * @param regex    regular expressions ({@link Pattern#CASE_INSENSITIVE}, found anywhere)
     */
    public record Match(List<String> backends, List<String> contains, List<String> regex) {
        public Match {
            backends = backends == null ? List.of() : List.copyOf(backends);
            contains = contains == null ? List.of() : List.copyOf(contains);
            regex = regex == null ? List.of() : List.copyOf(regex);
            for (String c : contains) {
                requireText(c, "contains");
            }
            for (int i = 0; i < regex.size(); i++) {
                try {
                    Pattern.compile(regex.get(i));
                } catch (java.util.regex.PatternSyntaxException e) {
                    throw new IllegalArgumentException("regex[" + i + "]: not a valid regular expression: "
                            + e.getDescription(), e);
                }
            }
        }

        /** Rules for a backend only, matching every device of it. */
        static Match backendOnly(String backendId) {
            return new Match(List.of(backendId), List.of(), List.of());
        }

        /** The length of the longest text a rule matched in {@code name} or {@code architecture}, or empty. */
        public OptionalInt score(String backendId, String name, String architecture) {
            if (!backends.isEmpty() && backends.stream().noneMatch(b -> b.equalsIgnoreCase(backendId))) {
                return OptionalInt.empty();
            }
            int best = -1;
            List<String> texts = new ArrayList<>(2);
            texts.add(name == null ? "" : name.toLowerCase(Locale.ROOT));
            texts.add(architecture == null ? "" : architecture.toLowerCase(Locale.ROOT));
            for (String c : contains) {
                String needle = c.toLowerCase(Locale.ROOT);
                for (String t : texts) {
                    if (t.contains(needle)) {
                        best = Math.max(best, needle.length());
                    }
                }
            }
            for (String r : regex) {
                Pattern p = Pattern.compile(r, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
                for (String t : texts) {
                    Matcher m = p.matcher(t);
                    while (m.find()) {
                        best = Math.max(best, m.end() - m.start());
                    }
                }
            }
            if (best < 0 && contains.isEmpty() && regex.isEmpty() && !backends.isEmpty()) {
                best = 0; // a backend-only rule matches every device of that backend, least specifically
            }
            return best < 0 ? OptionalInt.empty() : OptionalInt.of(best);
        }
    }
}
