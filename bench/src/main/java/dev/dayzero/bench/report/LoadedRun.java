package dev.dayzero.bench.report;

import dev.dayzero.bench.results.Origin;
import dev.dayzero.bench.results.ResultsFile;
import dev.dayzero.bench.results.ResultsReader;
import dev.dayzero.bench.results.RunManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One results file a report reads, with where it came from.
 *
 * @param source    the results.json read
 * @param file      its contents
 * @param integrity what its directory's {@code MANIFEST.sha256} said
 */
public record LoadedRun(Path source, ResultsFile file, Integrity integrity) {

    /** What a run directory's manifest said about the results file. */
    public enum Integrity {
        /** The directory's manifest lists the results file and every listed file matched. */
        VERIFIED("verified"),
        /** The directory has no manifest: nothing shows the files are as the run wrote them. */
        UNVERIFIED("unverified"),
        /** Not read from a directory (the results a run just wrote, made into its own report). */
        NOT_CHECKED("");

        private final String label;

        Integrity(String label) {
            this.label = label;
        }

        /** {@code verified}, {@code unverified}, or empty. */
        public String label() {
            return label;
        }
    }

    public LoadedRun {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(file, "file");
        integrity = integrity == null ? Integrity.NOT_CHECKED : integrity;
    }

    /** A run read without a manifest check (a run's own report, tests). */
    public LoadedRun(Path source, ResultsFile file) {
        this(source, file, Integrity.NOT_CHECKED);
    }

    /**
     * Reads each argument: a {@code results.json} or a run directory holding one. Where the directory holds a
     * {@code MANIFEST.sha256}, every file it lists is checked first.
     *
     * @throws IllegalArgumentException naming the path that is missing or not a results file, or the first file
     *                                  that is missing or changed against its directory's manifest
     */
    public static List<LoadedRun> load(List<Path> paths) {
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("name at least one results.json or run directory");
        }
        List<LoadedRun> runs = new ArrayList<>();
        for (Path p : paths) {
            Path file = Files.isDirectory(p) ? p.resolve("results.json") : p;
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(p + ": no results.json there"
                        + (Files.isDirectory(p) && Files.exists(p.resolve("cases.jsonl"))
                        ? " (the run did not finish: finish it with dayzero run --resume " + p + ")" : ""));
            }
            RunManifest.Check check = RunManifest.verify(directoryOf(file));
            runs.add(new LoadedRun(file, ResultsReader.read(file),
                    check == RunManifest.Check.VERIFIED ? Integrity.VERIFIED : Integrity.UNVERIFIED));
        }
        return List.copyOf(runs);
    }

    /** The run directory holding {@code resultsFile}. */
    static Path directoryOf(Path resultsFile) {
        Path parent = resultsFile.toAbsolutePath().getParent();
        return parent == null ? Path.of("").toAbsolutePath() : parent;
    }

    /** The host the run came from: its hostname, else its CPU. */
    public String host() {
        String h = file.host() == null ? "" : file.host().hostname();
        return h.isEmpty() ? (file.host() == null ? "unknown host" : file.host().cpu()) : h;
    }

    /** Whether someone sent these results ({@code --submitted-by}). */
    public boolean submitted() {
        return file.origin() != null && file.origin().submitted();
    }

    /** "vendor-submitted by NAME" or "measured here". */
    public String origin() {
        return Origin.labelOf(file.origin());
    }

    /** The day the run started (ISO-8601), or empty. */
    public String date() {
        String s = file.run() == null ? "" : file.run().startedAt();
        return s == null || s.length() < 10 ? "" : s.substring(0, 10);
    }

    /** The time of day the run started ({@code HH:mm}), or empty. */
    public String time() {
        String s = file.run() == null ? "" : file.run().startedAt();
        return s == null || s.length() < 16 ? "" : s.substring(11, 16);
    }
}
