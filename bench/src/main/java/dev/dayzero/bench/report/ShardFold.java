package dev.dayzero.bench.report;

import dev.dayzero.bench.fleet.PlanFingerprint;
import dev.dayzero.bench.results.BackendEntry;
import dev.dayzero.bench.results.CaseRecord;
import dev.dayzero.bench.results.HostInfo;
import dev.dayzero.bench.results.PlanInfo;
import dev.dayzero.bench.results.ResultsFile;
import dev.dayzero.bench.results.RunInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Folds the shards of one plan back into one column before a report is built. Results of {@code run --shard i/N}
 * that share a plan fingerprint, a shard count, a device kind (backend and device name; the host does not matter,
 * shards run on identical machines) and an origin become one run holding all their cases, in plan order; a report
 * then shows them as one column, as one machine running the whole plan would. Everything else keeps today's rule:
 * another device, another plan, or a run that is not a shard is its own column.
 *
 * <p>Each fold is checked for completeness: a missing shard ("shard 3 of 8 is missing", with the cases it held
 * where the plan lists them), a shard missing some of its cases, a shard given twice (the first folds, the other
 * keeps its own column: two measurements are never merged). Shards of one device kind from different plans are not
 * folded together, with one line saying why.
 */
public final class ShardFold {
    private ShardFold() {
    }

    /**
     * What folding found.
     *
     * @param runs  the runs to build the report from: runs that are not shards as they were, one run per fold
     * @param folds every fold, in the order its first shard was given
     * @param notes one line each: missing shards and cases, shards given twice, shards of different plans
     */
    public record Result(List<LoadedRun> runs, List<Fold> folds, List<String> notes) {
        public Result {
            runs = List.copyOf(runs);
            folds = List.copyOf(folds);
            notes = List.copyOf(notes);
        }
    }

    /**
     * One column made of shards.
     *
     * @param device       backend and device name
     * @param fingerprint  the plan's fingerprint
     * @param count        how many shards the plan was cut into
     * @param present      the shard indices folded, ascending
     * @param plannedCases how many cases the plan has
     * @param presentCases how many of them have a result in the fold
     * @param hosts        the hosts the shards ran on, sorted
     * @param sources      the folded results files, by shard index
     */
    public record Fold(String device, String fingerprint, int count, List<Integer> present, int plannedCases,
                       int presentCases, List<String> hosts, List<Path> sources) {
        public Fold {
            present = List.copyOf(present);
            hosts = List.copyOf(hosts);
            sources = List.copyOf(sources);
        }

        /** Every shard and every planned case is there. */
        public boolean complete() {
            return present.size() == count && presentCases == plannedCases;
        }

        /** One line: device, plan, shards and cases present. */
        public String summary() {
            return device + " — plan " + PlanFingerprint.shortForm(fingerprint) + ": " + present.size() + " of " + count
                    + " shards, " + presentCases + " of " + plannedCases + " planned cases, on " + String.join(", ", hosts)
                    + (complete() ? "" : " (incomplete)");
        }
    }

    /** The part of one shard's results on one device kind. */
    private record Slice(int run, LoadedRun loaded, PlanInfo plan, List<CaseRecord> records) {
    }

    /** What folds together. */
    private record Key(String fingerprint, int count, String backend, String deviceName, String origin) {
        String device() {
            return ShardFold.device(backend, deviceName);
        }

        Kind kind() {
            return new Kind(backend, deviceName, origin);
        }
    }

    /** A device kind from one origin. */
    private record Kind(String backend, String deviceName, String origin) {
    }

    /** Folds the shards among {@code runs}; runs that are not shards pass through unchanged, in their order. */
    public static Result fold(List<LoadedRun> runs) {
        Map<Key, List<Slice>> groups = new LinkedHashMap<>();
        Map<Integer, List<Key>> firstAt = new HashMap<>();
        for (int i = 0; i < runs.size(); i++) {
            LoadedRun r = runs.get(i);
            PlanInfo plan = r.file().plan();
            if (plan == null || plan.shard() == null) {
                continue;
            }
            Map<Kind, List<CaseRecord>> byKind = new LinkedHashMap<>();
            for (CaseRecord c : r.file().cases()) {
                byKind.computeIfAbsent(new Kind(c.backend(), c.deviceName(), r.origin()), k -> new ArrayList<>()).add(c);
            }
            if (byKind.isEmpty()) { // an empty shard (more shards than cases) still counts as present
                for (BackendEntry b : r.file().backends()) {
                    String name = b.device().map(d -> d.name()).orElse("");
                    byKind.put(new Kind(b.id(), name, r.origin()), new ArrayList<>());
                }
            }
            for (Map.Entry<Kind, List<CaseRecord>> e : byKind.entrySet()) {
                Kind k = e.getKey();
                Key key = new Key(plan.fingerprint(), plan.shard().count(), k.backend(), k.deviceName(), k.origin());
                List<Slice> g = groups.get(key);
                if (g == null) {
                    groups.put(key, g = new ArrayList<>());
                    firstAt.computeIfAbsent(i, x -> new ArrayList<>()).add(key);
                }
                g.add(new Slice(i, r, plan, e.getValue()));
            }
        }

        List<String> notes = new ArrayList<>();
        mismatchedPlans(groups, notes);
        Map<Key, LoadedRun> folded = new HashMap<>();
        Map<Integer, List<LoadedRun>> extras = new HashMap<>();
        List<Fold> folds = new ArrayList<>();
        for (Map.Entry<Key, List<Slice>> e : groups.entrySet()) {
            Key key = e.getKey();
            Map<Integer, Slice> byIndex = new java.util.TreeMap<>();
            for (Slice s : e.getValue()) {
                Slice first = byIndex.putIfAbsent(s.plan().shard().index(), s);
                if (first != null) {
                    notes.add(key.device() + ": shard " + s.plan().shard() + " of plan "
                            + PlanFingerprint.shortForm(key.fingerprint()) + " is given twice (" + first.loaded().source()
                            + " and " + s.loaded().source() + "): the first folds, the other keeps its own column");
                    extras.computeIfAbsent(s.run(), x -> new ArrayList<>()).add(alone(s));
                }
            }
            Fold fold = completeness(key, byIndex, notes);
            folds.add(fold);
            folded.put(key, merge(key, byIndex, fold));
        }

        List<LoadedRun> out = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            PlanInfo plan = runs.get(i).file().plan();
            if (plan == null || plan.shard() == null) {
                out.add(runs.get(i));
                continue;
            }
            for (Key k : firstAt.getOrDefault(i, List.of())) {
                out.add(folded.get(k));
            }
            out.addAll(extras.getOrDefault(i, List.of()));
        }
        return new Result(out, folds, notes);
    }

    /** One line per plan of a device kind beyond the first: shards of different plans never fold together. */
    private static void mismatchedPlans(Map<Key, List<Slice>> groups, List<String> notes) {
        Map<Kind, List<Key>> byKind = new LinkedHashMap<>();
        groups.keySet().forEach(k -> byKind.computeIfAbsent(k.kind(), x -> new ArrayList<>()).add(k));
        for (List<Key> keys : byKind.values()) {
            Key first = keys.get(0);
            Slice a = groups.get(first).get(0);
            for (Key other : keys.subList(1, keys.size())) {
                Slice b = groups.get(other).get(0);
                notes.add(first.device() + ": not folded together: " + a.loaded().source() + " is shard " + a.plan().shard()
                        + " of plan " + PlanFingerprint.shortForm(first.fingerprint()) + ", " + b.loaded().source()
                        + " is shard " + b.plan().shard() + " of plan " + PlanFingerprint.shortForm(other.fingerprint())
                        + " (" + why(a, b) + "); each plan keeps its own column");
            }
        }
    }

    /** What differs between two shards' plans, as far as the files tell. */
    private static String why(Slice a, Slice b) {
        List<String> d = new ArrayList<>();
        RunInfo ra = a.loaded().file().run();
        RunInfo rb = b.loaded().file().run();
        if (ra != null && rb != null && (!Objects.equals(ra.toolVersion(), rb.toolVersion())
                || !Objects.equals(ra.gitCommit(), rb.gitCommit()))) {
            d.add("dayzero " + ra.toolVersion() + " @" + ReportBuilder.shortCommit(ra.gitCommit()) + " vs "
                    + rb.toolVersion() + " @" + ReportBuilder.shortCommit(rb.gitCommit()));
        }
        if (a.plan().shard().count() != b.plan().shard().count()) {
            d.add(a.plan().shard().count() + " vs " + b.plan().shard().count() + " shards");
        }
        if (a.plan().fingerprint().equals(b.plan().fingerprint())) {
            return String.join(", ", d);
        }
        if (!a.plan().caseIds().equals(b.plan().caseIds())) {
            d.add(a.plan().size() + " vs " + b.plan().size() + " planned cases"
                    + (a.plan().size() == b.plan().size() ? " with other ids" : ""));
        } else if (d.isEmpty()) {
            d.add("the same case ids with other shapes or seeds");
        }
        return String.join(", ", d);
    }

    /** The fold's figures, with a note for each missing shard and each shard missing cases. */
    private static Fold completeness(Key key, Map<Integer, Slice> byIndex, List<String> notes) {
        String what = key.device() + " (plan " + PlanFingerprint.shortForm(key.fingerprint()) + ")";
        PlanInfo plan = byIndex.values().iterator().next().plan();
        Set<String> present = new LinkedHashSet<>();
        byIndex.values().forEach(s -> s.records().forEach(r -> present.add(r.caseId())));
        Set<String> accounted = new LinkedHashSet<>();
        for (Slice s : byIndex.values()) {
            List<String> mine = s.plan().shard().caseIds();
            accounted.addAll(mine);
            Set<String> have = new TreeSet<>();
            s.records().forEach(r -> have.add(r.caseId()));
            List<String> lacking = mine.stream().filter(id -> !have.contains(id)).toList();
            if (!lacking.isEmpty()) {
                notes.add(what + ": shard " + s.plan().shard().index() + " of " + key.count() + " (" + s.loaded().source()
                        + ") lacks " + lacking.size() + " of its " + mine.size() + " cases: " + list(lacking));
            }
        }
        List<Integer> missing = new ArrayList<>();
        for (int i = 1; i <= key.count(); i++) {
            if (!byIndex.containsKey(i)) {
                missing.add(i);
            }
        }
        if (!missing.isEmpty()) {
            List<String> unaccounted = plan.caseIds().stream().filter(id -> !accounted.contains(id)).toList();
            String shards = missing.size() == 1 ? "shard " + missing.get(0) + " of " + key.count() + " is missing"
                    : "shards " + join(missing) + " of " + key.count() + " are missing";
            notes.add(what + ": " + shards + (unaccounted.isEmpty() ? ""
                    : " (" + unaccounted.size() + " planned cases without a result: " + list(unaccounted) + ")"));
        }
        int planned = plan.size();
        int have = (int) plan.caseIds().stream().filter(present::contains).count();
        Set<String> hosts = new TreeSet<>();
        List<Path> sources = new ArrayList<>();
        byIndex.values().forEach(s -> {
            hosts.add(s.loaded().host());
            sources.add(s.loaded().source());
        });
        return new Fold(key.device(), key.fingerprint(), key.count(), List.copyOf(byIndex.keySet()), planned, have,
                List.copyOf(hosts), sources);
    }

    /** The shards of one key as one run: their cases in plan order, the hosts named together. */
    private static LoadedRun merge(Key key, Map<Integer, Slice> byIndex, Fold fold) {
        List<Slice> slices = List.copyOf(byIndex.values());
        Slice first = slices.get(0);
        ResultsFile f = first.loaded().file();
        Map<String, Integer> position = new HashMap<>();
        List<String> planned = first.plan().caseIds();
        for (int i = 0; i < planned.size(); i++) {
            position.put(planned.get(i), i);
        }
        List<CaseRecord> records = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Slice s : slices) {
            for (CaseRecord r : s.records()) {
                if (seen.add(r.caseId())) {
                    records.add(r);
                }
            }
        }
        records.sort(Comparator.comparingInt(r -> position.getOrDefault(r.caseId(), Integer.MAX_VALUE)));
        List<BackendEntry> backends = f.backends().stream().filter(b -> b.id().equals(key.backend())).toList();
        String started = null;
        String finished = null;
        boolean resumed = false;
        for (Slice s : slices) {
            RunInfo ri = s.loaded().file().run();
            if (ri != null && ri.startedAt() != null && ri.finishedAt() != null) {
                started = started == null || ri.startedAt().compareTo(started) < 0 ? ri.startedAt() : started;
                finished = finished == null || ri.finishedAt().compareTo(finished) > 0 ? ri.finishedAt() : finished;
                resumed |= ri.resumed();
            }
        }
        RunInfo run = f.run() == null ? null : new RunInfo(f.run().toolVersion(), f.run().gitCommit(),
                f.run().commandLine(), started, finished, resumed, f.run().caseTimeout(), f.run().conform(),
                f.run().measure(), f.run().measureOptions());
        HostInfo h = f.host();
        HostInfo host = h == null ? null : new HostInfo(h.os(), h.osVersion(), h.arch(), h.cpu(), h.cores(),
                h.memoryBytes(), h.jvmVendor(), h.jvmVersion(), h.jvmName(), hosts(fold.hosts()));
        ResultsFile merged = new ResultsFile(f.schema(), run, host, backends, records, f.origin())
                .withPlan(new PlanInfo(first.plan().fingerprint(), planned, null)).withPlugins(f.plugins()).withCalibrations(f.calibrations());
        LoadedRun.Integrity integrity = slices.stream().allMatch(s -> s.loaded().integrity() == LoadedRun.Integrity.VERIFIED)
                ? LoadedRun.Integrity.VERIFIED
                : slices.stream().anyMatch(s -> s.loaded().integrity() == LoadedRun.Integrity.UNVERIFIED)
                ? LoadedRun.Integrity.UNVERIFIED : LoadedRun.Integrity.NOT_CHECKED;
        return new LoadedRun(first.loaded().source(), merged, integrity);
    }

    /** A shard that does not fold (given twice): its records on its own. */
    private static LoadedRun alone(Slice s) {
        ResultsFile f = s.loaded().file();
        return new LoadedRun(s.loaded().source(), f.withCases(s.records()), s.loaded().integrity());
    }

    /** The report's section on folded shards: each fold's figures and every note; nothing when there are neither. */
    static List<Doc> section(Result r) {
        if (r.folds().isEmpty() && r.notes().isEmpty()) {
            return List.of();
        }
        List<Doc> doc = new ArrayList<>();
        doc.add(new Doc.Heading(2, "Shards folded", "shards"));
        doc.add(new Doc.Paragraph("Results of dayzero run --shard i/N that share a plan fingerprint, a shard count and a "
                + "device kind (backend and device name) are folded into one column, as if one machine had run the whole "
                + "plan; each shard's figures are still its own machine's. Shards of different plans never fold together."));
        if (!r.folds().isEmpty()) {
            List<List<String>> rows = new ArrayList<>();
            for (Fold f : r.folds()) {
                rows.add(List.of(f.device(), PlanFingerprint.shortForm(f.fingerprint()),
                        f.present().size() + " of " + f.count(), f.presentCases() + " of " + f.plannedCases(),
                        f.complete() ? "complete" : "incomplete", String.join(", ", f.hosts()),
                        String.join(", ", f.sources().stream().map(Path::toString).toList())));
            }
            doc.add(Doc.Table.of(List.of("device", "plan", "shards", "cases", "check", "hosts", "results files"), rows));
        }
        if (!r.notes().isEmpty()) {
            doc.add(new Doc.Bullets(r.notes()));
        }
        return doc;
    }

    /** One host, or the first and how many more. */
    private static String hosts(List<String> hosts) {
        if (hosts.size() <= 1) {
            return hosts.isEmpty() ? "" : hosts.get(0);
        }
        return hosts.size() <= 3 ? String.join("+", hosts) : hosts.get(0) + "+" + (hosts.size() - 1) + " more";
    }

    static String device(String backend, String deviceName) {
        return backend + (deviceName.isEmpty() ? "" : " " + deviceName);
    }

    private static String join(List<Integer> xs) {
        List<String> s = xs.stream().map(String::valueOf).toList();
        return s.size() == 1 ? s.get(0)
                : String.join(", ", s.subList(0, s.size() - 1)) + " and " + s.get(s.size() - 1);
    }

    private static String list(List<String> ids) {
        int shown = Math.min(ids.size(), 5);
        return String.join(", ", ids.subList(0, shown)) + (ids.size() > shown ? ", …" : "");
    }
}
