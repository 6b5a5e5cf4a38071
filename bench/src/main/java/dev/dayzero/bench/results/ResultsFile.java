package dev.dayzero.bench.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.dayzero.bench.plugins.PluginJar;
import dev.dayzero.bench.projection.MemoryFit;
import dev.dayzero.bench.projection.StepProjection;
import java.util.List;
import java.util.Objects;

/**
 * A results file ({@code results.json}), schema {@value ResultsJson#SCHEMA}: the run, the host, every
 * requested backend's probe answer, and one record per case and backend. Optional parts, each added within schema
 * 2 and left out when absent: {@code origin} (written right after {@code schema}) says who sent it, when it was
 * made to be sent; {@code plan} (after {@code origin}) names the plan and, for {@code run --shard}, the shard;
 * {@code plugins} lists every backend plugin jar the run found, with its version and SHA-256;
 * {@code calibrations} (after {@code cases}) holds the devices' measured roofs ({@code dayzero calibrate});
 * {@code projections} and {@code memoryFits} (last) hold {@code dayzero run}'s projected decode steps and memory
 * fits, one per step and device ({@code dayzero report} recomputes them from the cases where a file lacks them).
 */
@JsonPropertyOrder({"schema", "origin", "plan", "run", "host", "plugins", "backends", "cases", "calibrations",
        "projections", "memoryFits"})
public record ResultsFile(String schema, RunInfo run, HostInfo host, List<BackendEntry> backends,
                          List<CaseRecord> cases, @JsonInclude(JsonInclude.Include.NON_NULL) Origin origin,
                          @JsonInclude(JsonInclude.Include.NON_NULL) PlanInfo plan,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) List<PluginJar> plugins,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) List<CalibrationEntry> calibrations,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) List<StepProjection> projections,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) List<MemoryFit> memoryFits) {

    public ResultsFile {
        Objects.requireNonNull(schema, "schema");
        backends = List.copyOf(backends);
        cases = List.copyOf(cases);
        plugins = plugins == null ? List.of() : List.copyOf(plugins);
        calibrations = calibrations == null ? List.of() : List.copyOf(calibrations);
        projections = projections == null ? List.of() : List.copyOf(projections);
        memoryFits = memoryFits == null ? List.of() : List.copyOf(memoryFits);
    }

    /** A results file without projections or memory fits. */
    public ResultsFile(String schema, RunInfo run, HostInfo host, List<BackendEntry> backends, List<CaseRecord> cases,
                       Origin origin, PlanInfo plan, List<PluginJar> plugins, List<CalibrationEntry> calibrations) {
        this(schema, run, host, backends, cases, origin, plan, plugins, calibrations, List.of(), List.of());
    }

    /** A results file without a plan, plugin jars or measured roofs. */
    public ResultsFile(String schema, RunInfo run, HostInfo host, List<BackendEntry> backends, List<CaseRecord> cases,
                       Origin origin) {
        this(schema, run, host, backends, cases, origin, null, List.of(), List.of());
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
        return new ResultsFile(schema, run, host, backends, cases, o, plan, plugins, calibrations,
                projections, memoryFits);
    }

    /** The same file with {@code p} as its plan (null: none). */
    public ResultsFile withPlan(PlanInfo p) {
        return new ResultsFile(schema, run, host, backends, cases, origin, p, plugins, calibrations,
                projections, memoryFits);
    }

    /** The same file listing {@code jars} as the run's plugin jars. */
    public ResultsFile withPlugins(List<PluginJar> jars) {
        return new ResultsFile(schema, run, host, backends, cases, origin, plan, jars, calibrations,
                projections, memoryFits);
    }

    /** The same file with {@code records} as its cases. */
    public ResultsFile withCases(List<CaseRecord> records) {
        return new ResultsFile(schema, run, host, backends, records, origin, plan, plugins, calibrations,
                projections, memoryFits);
    }

    /** The same file with the devices' measured roofs ({@code dayzero calibrate}) recorded. */
    public ResultsFile withCalibrations(List<CalibrationEntry> c) {
        return new ResultsFile(schema, run, host, backends, cases, origin, plan, plugins, c, projections,
                memoryFits);
    }

    /** The same file with {@code dayzero run}'s projected decode steps and memory fits. */
    public ResultsFile withProjections(List<StepProjection> steps, List<MemoryFit> fits) {
        return new ResultsFile(schema, run, host, backends, cases, origin, plan, plugins, calibrations, steps, fits);
    }
}
