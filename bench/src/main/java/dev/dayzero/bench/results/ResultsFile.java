package dev.dayzero.bench.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Objects;

/**
 * A results file ({@code results.json}), schema {@value ResultsJson#SCHEMA}: the run, the host, every
 * requested backend's probe answer, and one record per case and backend; {@code origin} (optional, written
 * right after {@code schema}) says who sent it, when it was made to be sent.
 */
@JsonPropertyOrder({"schema", "origin", "run", "host", "backends", "cases", "calibrations"})
public record ResultsFile(String schema, RunInfo run, HostInfo host, List<BackendEntry> backends,
                          List<CaseRecord> cases, @JsonInclude(JsonInclude.Include.NON_NULL) Origin origin,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) List<CalibrationEntry> calibrations) {

    public ResultsFile {
        Objects.requireNonNull(schema, "schema");
        backends = List.copyOf(backends);
        cases = List.copyOf(cases);
        calibrations = calibrations == null ? List.of() : List.copyOf(calibrations);
    }

    /** A results file without measured roofs. */
    public ResultsFile(String schema, RunInfo run, HostInfo host, List<BackendEntry> backends, List<CaseRecord> cases,
                       Origin origin) {
        this(schema, run, host, backends, cases, origin, List.of());
    }

    /** The same file with the devices' measured roofs ({@code dayzero calibrate}) recorded. */
    public ResultsFile withCalibrations(List<CalibrationEntry> c) {
        return new ResultsFile(schema, run, host, backends, cases, origin, c);
    }

    /** A results file without an origin (a run of our own). */
    public ResultsFile(String schema, RunInfo run, HostInfo host, List<BackendEntry> backends, List<CaseRecord> cases) {
        this(schema, run, host, backends, cases, null);
    }

    /** A results file of the current schema. */
    public static ResultsFile of(RunInfo run, HostInfo host, List<BackendEntry> backends, List<CaseRecord> cases) {
        return new ResultsFile(ResultsJson.SCHEMA, run, host, backends, cases, null);
    }

    /** The same file with {@code origin} (null: none). */
    public ResultsFile withOrigin(Origin o) {
        return new ResultsFile(schema, run, host, backends, cases, o, calibrations);
    }
}
