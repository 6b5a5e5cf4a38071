package dev.dayzero.bench.chips;

import dev.dayzero.bench.chips.ChipSpec.Figure;
import dev.dayzero.bench.chips.ChipSpec.Status;
import dev.dayzero.bench.results.CalibrationEntry;
import dev.dayzero.hal.Calibration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Lays a device's measured roofs ({@code dayzero calibrate}) over its chip-table entry, figure by figure, in the
 * order of trust: a datasheet figure (official, unofficial or derived from published facts) where the table has
 * one, else the measured figure, else the estimate (the CPU's formula). Unconfirmed figures never count, so a
 * measured one replaces them. A device with no entry at all gets one made of its measured figures.
 */
public final class MeasuredRoofs {
    /** Source text of every measured figure. */
    public static final String SOURCE = "measured on the device by dayzero calibrate";

    private MeasuredRoofs() {
    }

    /** Which of the three a figure is: {@code datasheet}, {@code measured} or {@code estimate}. */
    public static String kind(Figure f) {
        return f.status().datasheet() ? "datasheet" : f.status() == Status.MEASURED ? "measured" : "estimate";
    }

    /** {@code entry} with {@code m}'s figures laid over it by the precedence above; empty only when both are. */
    public static Optional<ChipSpec> apply(Optional<ChipSpec> entry, Optional<CalibrationEntry> m) {
        if (m.isEmpty()) {
            return entry;
        }
        CalibrationEntry cal = m.get();
        Map<String, Figure> peaks = new LinkedHashMap<>(entry.map(ChipSpec::peaks).orElse(Map.of()));
        Map<String, String> absent = entry.map(ChipSpec::absent).orElse(Map.of());
        List<String> used = new ArrayList<>();
        cal.peaks().forEach((p, f) -> {
            if (ChipSpec.PRECISIONS.contains(p) && !absent.containsKey(p) && wins(peaks.get(p))) {
                peaks.put(p, figure(f, p.equals("int8") ? Figure.TOPS : Figure.TFLOPS, cal));
                used.add(p + " peak");
            }
        });
        Optional<Figure> bandwidth = entry.flatMap(ChipSpec::bandwidth);
        if (cal.bandwidth() != null && wins(bandwidth.orElse(null))) {
            bandwidth = Optional.of(figure(cal.bandwidth(), Figure.GBPS, cal));
            used.add("bandwidth");
        }
        if (used.isEmpty() && entry.isPresent()) {
            return entry;
        }
        List<String> notes = new ArrayList<>(entry.map(ChipSpec::notes).orElse(List.of()));
        notes.add("Measured by dayzero calibrate on " + cal.host() + " at " + cal.measuredAt() + " (used: "
                + (used.isEmpty() ? "none" : String.join(", ", used)) + ").");
        if (entry.isEmpty()) {
            return Optional.of(new ChipSpec("measured-" + cal.backend(), cal.device() + " (measured)", "",
                    ChipSpec.Match.backendOnly(cal.backend()), peaks, bandwidth, Optional.empty(), Map.of(), notes));
        }
        ChipSpec e = entry.get();
        return Optional.of(new ChipSpec(e.id(), e.name(), e.vendor(), e.match(), peaks, bandwidth, e.memory(),
                e.absent(), notes));
    }

    /** A measured figure beats none, an unconfirmed one and an estimate; never a datasheet figure. */
    static boolean wins(Figure current) {
        return current == null || !current.status().usable() || current.status() == Status.ESTIMATED;
    }

    private static Figure figure(Calibration.Figure f, String unit, CalibrationEntry cal) {
        return new Figure(f.value(), unit, Status.MEASURED, SOURCE + " (" + cal.measuredAt() + ")", f.method());
    }
}
