package dev.dayzero.bench.report;

import dev.dayzero.bench.results.ResultsFile;
import dev.dayzero.bench.results.ResultsReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One results file a report reads, with where it came from.
 *
 * @param source the results.json read
 * @param file   its contents
 */
public record LoadedRun(Path source, ResultsFile file) {

    /**
     * Reads each argument: a {@code results.json} or a run directory holding one.
     *
     * @throws IllegalArgumentException naming the path that is missing or not a results file
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
            runs.add(new LoadedRun(file, ResultsReader.read(file)));
        }
        return List.copyOf(runs);
    }

    /** The host the run came from: its hostname, else its CPU. */
    public String host() {
        String h = file.host() == null ? "" : file.host().hostname();
        return h.isEmpty() ? (file.host() == null ? "unknown host" : file.host().cpu()) : h;
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
