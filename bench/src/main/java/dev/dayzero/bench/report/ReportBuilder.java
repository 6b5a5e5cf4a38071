package dev.dayzero.bench.report;

import dev.dayzero.bench.chips.ChipSpec;
import dev.dayzero.bench.chips.ChipTable;
import dev.dayzero.bench.chips.MeasuredRoofs;
import dev.dayzero.bench.chips.Roofline;
import dev.dayzero.bench.results.BackendEntry;
import dev.dayzero.bench.results.CaseRecord;
import dev.dayzero.bench.results.CalibrationEntry;
import dev.dayzero.hal.DeviceInfo;
import dev.dayzero.hal.op.OpSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Merges results files into {@link ReportData}. The same case on different devices sits side by side;
 * a device that appears in several runs gets one column per run, labelled with host, date and time, so
 * two measurements of one case on one device are two rows, never averaged. When any run was sent to us
 * ({@code --submitted-by}), every column's label ends with its origin: {@code (vendor-submitted by NAME)} or
 * {@code (measured here)}, and {@code , unverified} where its directory had no manifest to check. Where columns of
 * different plans would otherwise share a label (folded shards of two plans, one device name on two hosts), each
 * label ends with {@code plan} and the plan's short fingerprint.
 */
public final class ReportBuilder {
    private static final Pattern BATCH = Pattern.compile("/b(\\d+)/");

    private ReportBuilder() {
    }

    /** The merged rows and roofs of {@code runs}. */
    public static ReportData build(List<LoadedRun> runs, ChipTable chips) {
        Map<String, Set<Integer>> runsPerDevice = new HashMap<>();
        for (int i = 0; i < runs.size(); i++) {
            for (CaseRecord c : runs.get(i).file().cases()) {
                runsPerDevice.computeIfAbsent(identity(runs.get(i), c), k -> new TreeSet<>()).add(i);
            }
        }
        Map<String, Set<String>> plansPerLabel = new HashMap<>();
        for (LoadedRun run : runs) {
            if (run.file().plan() != null) {
                for (CaseRecord c : run.file().cases()) {
                    plansPerLabel.computeIfAbsent(label(run, c, runsPerDevice.get(identity(run, c)).size() > 1),
                            k -> new TreeSet<>()).add(run.file().plan().fingerprint());
                }
            }
        }
        boolean labelOrigins = runs.stream().anyMatch(LoadedRun::submitted);
        List<ReportRow> rows = new ArrayList<>();
        Map<String, DeviceRoofs> roofs = new LinkedHashMap<>();
        Map<String, Optional<ChipSpec>> chipsByLabel = new HashMap<>();
        for (int i = 0; i < runs.size(); i++) {
            LoadedRun run = runs.get(i);
            for (CaseRecord c : run.file().cases()) {
                boolean repeated = runsPerDevice.get(identity(run, c)).size() > 1;
                String label = label(run, c, repeated) + planSuffix(run, label(run, c, repeated), plansPerLabel)
                        + (labelOrigins ? " (" + originLabel(run) + ")" : "");
                Optional<CalibrationEntry> measured = c.emulated() ? Optional.empty() : calibration(run, c);
                Optional<ChipSpec> chip = chipsByLabel.computeIfAbsent(label,
                        l -> MeasuredRoofs.apply(deviceInfo(run, c).flatMap(chips::match), measured));
                chip.ifPresent(spec -> roofs.putIfAbsent(label, withMeasured(
                        Roofline.toRoofs(label, spec, c.emulated()), spec, measured)));
                rows.add(row(run, c, label, chip));
            }
        }
        return new ReportData(rows, List.copyOf(roofs.values()), footer(runs));
    }

    private static ReportRow row(LoadedRun run, CaseRecord c, String label, Optional<ChipSpec> chip) {
        OpSpec spec = c.ran() != null ? c.ran() : c.spec();
        String precision = Roofline.precisionOf(spec);
        double median = Double.NaN;
        double tflops = Double.NaN;
        double gbps = Double.NaN;
        double intensity = spec.arithmeticIntensity();
        if (c.derived() != null) {
            median = c.derived().medianMs();
            tflops = c.derived().tflops();
            gbps = c.derived().gbps();
            intensity = c.derived().arithmeticIntensity();
        }
        double percent = Double.NaN;
        String bound = "";
        if (chip.isPresent()) {
            Roofline.Roof roof = Roofline.attainable(chip.get(), precision, intensity);
            if (roof.known()) {
                bound = roof.boundBy();
                percent = Double.isNaN(tflops) ? Double.NaN : Roofline.percentOfRoofline(tflops, roof);
            }
        }
        Matcher m = BATCH.matcher(c.caseId());
        int batch = m.find() ? Integer.parseInt(m.group(1)) : -1;
        return new ReportRow(c.caseId(), c.model(), c.phase(), c.operator().isEmpty() ? spec.family() : c.operator(),
                spec.family(), batch, label, run.host(), run.date(), c.emulated(), c.status(), c.message(), precision,
                median, tflops, gbps, intensity, percent, bound, run.origin(), run.integrity().label());
    }

    /** The measured roofs the run recorded for the case's device, if any. */
    private static Optional<CalibrationEntry> calibration(LoadedRun run, CaseRecord c) {
        return run.file().calibrations().stream()
                .filter(e -> e.backend().equals(c.backend()) && e.ordinal() == c.deviceOrdinal()
                        && (c.deviceName().isEmpty() || e.device().equals(c.deviceName())))
                .findFirst();
    }

    /** The chart's measured roofs beside the used ones, and which kind each used figure is, in the source line. */
    private static DeviceRoofs withMeasured(DeviceRoofs r, ChipSpec spec, Optional<CalibrationEntry> measured) {
        if (measured.isEmpty()) {
            return r;
        }
        Map<String, Double> peaks = new LinkedHashMap<>();
        measured.get().peaks().forEach((p, f) -> peaks.put(p, f.value()));
        double bw = measured.get().bandwidth() == null ? Double.NaN : measured.get().bandwidth().value();
        List<String> kinds = new ArrayList<>();
        spec.bandwidth().ifPresent(f -> kinds.add("bandwidth " + MeasuredRoofs.kind(f)));
        spec.peaks().forEach((p, f) -> kinds.add(p + " " + MeasuredRoofs.kind(f)));
        DeviceRoofs out = new DeviceRoofs(r.device(), r.chip(), r.peakTflops(), r.bandwidthGBs(), r.source()
                + ". Roofs used (datasheet > measured > estimate): " + String.join(", ", kinds), r.emulated());
        return out.withMeasured(peaks, bw);
    }

    private static Optional<DeviceInfo> deviceInfo(LoadedRun run, CaseRecord c) {
        for (BackendEntry b : run.file().backends()) {
            if (b.id().equals(c.backend())) {
                for (DeviceInfo d : b.devices()) {
                    if (d.ordinal() == c.deviceOrdinal()) {
                        return Optional.of(d);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** What makes a device the same across runs: host, backend, ordinal and name. */
    private static String identity(LoadedRun run, CaseRecord c) {
        return run.host() + "\u0000" + c.backend() + "\u0000" + c.deviceOrdinal() + "\u0000" + c.deviceName();
    }

    private static String label(LoadedRun run, CaseRecord c, boolean repeated) {
        String name = c.deviceName().isEmpty() ? "" : " " + c.deviceName();
        String base = c.backend() + ":" + c.deviceOrdinal() + name;
        return repeated ? base + " @" + run.host() + " " + run.date() + " " + run.time() : base;
    }

    /**
     * " plan FINGERPRINT" where columns of different plans (two folds of shards, runs on two hosts with one device
     * name) would otherwise share a label, else "".
     */
    private static String planSuffix(LoadedRun run, String label, Map<String, Set<String>> plansPerLabel) {
        Set<String> plans = plansPerLabel.get(label);
        return run.file().plan() == null || plans == null || plans.size() < 2 ? ""
                : " plan " + dev.dayzero.bench.fleet.PlanFingerprint.shortForm(run.file().plan().fingerprint());
    }

    /** "vendor-submitted by NAME" or "measured here", with ", unverified" where no manifest vouched for the run. */
    static String originLabel(LoadedRun run) {
        return run.origin() + (run.integrity() == LoadedRun.Integrity.UNVERIFIED ? ", unverified" : "");
    }

    private static String footer(List<LoadedRun> runs) {
        Set<String> tools = new LinkedHashSet<>();
        Set<String> hosts = new LinkedHashSet<>();
        Set<String> dates = new TreeSet<>();
        Set<String> methods = new TreeSet<>();
        for (LoadedRun r : runs) {
            for (CaseRecord c : r.file().cases()) {
                if (c.timing() != null) {
                    methods.add(c.timing().method() + (c.timing().coldCache() ? " cold-cache" : " warm-cache")
                            + (c.timing().graphReplay() ? " graph-replay" : ""));
                }
            }
            if (r.file().run() != null) {
                tools.add("dayzero " + r.file().run().toolVersion() + " @" + shortCommit(r.file().run().gitCommit()));
            }
            hosts.add(r.host());
            if (!r.date().isEmpty()) {
                dates.add(r.date());
            }
        }
        Set<String> origins = new LinkedHashSet<>();
        if (runs.stream().anyMatch(LoadedRun::submitted)) {
            runs.forEach(r -> origins.add(r.origin()));
        }
        return String.join(", ", tools) + " · " + String.join(", ", hosts) + " · " + String.join(", ", dates)
                + (methods.isEmpty() ? "" : " · " + String.join(", ", methods) + ", median of samples")
                + (origins.isEmpty() ? "" : " · " + String.join(", ", origins));
    }

    static String shortCommit(String commit) {
        if (commit == null || commit.isEmpty()) {
            return "unknown";
        }
        String dirty = commit.endsWith("-dirty") ? "-dirty" : "";
        String bare = commit.replace("-dirty", "");
        return (bare.length() > 12 ? bare.substring(0, 12) : bare) + dirty;
    }
}
