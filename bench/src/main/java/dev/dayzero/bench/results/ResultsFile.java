package dev.dayzero.bench.results;

import java.util.List;
import java.util.Objects;

/**
 * A results file ({@code results.json}), schema {@value ResultsJson#SCHEMA}: the run, the host, every
 * requested backend's probe answer, and one record per case and backend.
 */
public record ResultsFile(String schema, RunInfo run, HostInfo host, List<BackendEntry> backends,
                          List<CaseRecord> cases) {

    public ResultsFile {
        Objects.requireNonNull(schema, "schema");
        backends = List.copyOf(backends);
        cases = List.copyOf(cases);
    }

    /** A results file of the current schema. */
    public static ResultsFile of(RunInfo run, HostInfo host, List<BackendEntry> backends, List<CaseRecord> cases) {
        return new ResultsFile(ResultsJson.SCHEMA, run, host, backends, cases);
    }
}
