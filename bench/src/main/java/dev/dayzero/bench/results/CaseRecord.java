package dev.dayzero.bench.results;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.dayzero.bench.measure.Timing;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.tck.CaseStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One case on one backend's device: one line of {@code cases.jsonl} and one element of a results file's
 * {@code cases}.
 *
 * @param caseId         the workload case's stable id
 * @param model          the model id ({@code deepseek-v3}, {@code standard}, ...)
 * @param phase          {@code decode}, {@code prefill} or {@code conformance}
 * @param operator       the operator's short name within the model
 * @param origin         where the shape comes from
 * @param seed           the input seed
 * @param spec           the spec asked for
 * @param backend        backend id
 * @param deviceOrdinal  device index within the backend
 * @param deviceName     the device's name ({@code DeviceInfo.name}); empty when no device was opened
 * @param emulated       true when the device is a test double, simulator or emulator
 * @param support        the device's answer, null when it was never asked (unavailable backend, worker lost)
 * @param ran            the spec that ran: {@code spec} or the offered alternative; null when nothing ran
 * @param status         a {@link CaseStatus#label()}, or {@link #NOT_CHECKED} when conformance was not asked for
 * @param message        one line: the failure, the reason or the figures
 * @param conformance    conformance figures, null when conformance did not run
 * @param timing         timing samples and statistics, null when not timed
 * @param derived        TFLOP/s, GB/s and arithmetic intensity from {@code ran} and the median, null when not timed
 * @param memoryBytes    the planned device memory of what was to run (the case's estimate, or the alternative's)
 * @param leakedBytes    device memory the backend still held after the case, beyond what it held before (0: none)
 * @param notes          the prepared operator's notes and the harness's own remarks
 * @param workerStderr   the worker's last stderr lines when it crashed, timed out or ran out of memory, else empty
 * @param startedAt      when the case started (ISO-8601 instant)
 * @param elapsedMs      host time the whole case took, conformance and timing included
 * @param runsPerStep    how many times one decode step of the model runs this case on a device (optional, schema /2
 *                       addition; absent when the case is not part of a projected step)
 */
public record CaseRecord(String caseId, String model, String phase, String operator, String origin, long seed,
                         OpSpec spec, String backend, int deviceOrdinal, String deviceName, boolean emulated,
                         SupportAnswer support, OpSpec ran, String status, String message, Conformance conformance,
                         Timing timing, Derived derived, long memoryBytes, long leakedBytes, List<String> notes,
                         List<String> workerStderr, String startedAt, double elapsedMs,
                         @com.fasterxml.jackson.annotation.JsonInclude(
                                 com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) Integer runsPerStep) {

    /** Status of a case that ran without conformance being asked for: it is never a pass. */
    public static final String NOT_CHECKED = "not-checked";

    public CaseRecord {
        Objects.requireNonNull(caseId, "caseId");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(status, "status");
        if (!status.equals(NOT_CHECKED)) {
            CaseStatus.fromLabel(status); // rejects anything else
        }
        model = model == null ? "" : model;
        phase = phase == null ? "" : phase;
        operator = operator == null ? "" : operator;
        origin = origin == null ? "" : origin;
        deviceName = deviceName == null ? "" : deviceName;
        message = message == null ? "" : message;
        startedAt = startedAt == null ? "" : startedAt;
        notes = notes == null ? List.of() : List.copyOf(notes);
        workerStderr = workerStderr == null ? List.of() : List.copyOf(workerStderr);
    }

    /** A record outside any projected step. */
    public CaseRecord(String caseId, String model, String phase, String operator, String origin, long seed,
                      OpSpec spec, String backend, int deviceOrdinal, String deviceName, boolean emulated,
                      SupportAnswer support, OpSpec ran, String status, String message, Conformance conformance,
                      Timing timing, Derived derived, long memoryBytes, long leakedBytes, List<String> notes,
                      List<String> workerStderr, String startedAt, double elapsedMs) {
        this(caseId, model, phase, operator, origin, seed, spec, backend, deviceOrdinal, deviceName, emulated, support,
                ran, status, message, conformance, timing, derived, memoryBytes, leakedBytes, notes, workerStderr,
                startedAt, elapsedMs, null);
    }

    /** Runs per decode step, 0 when absent. */
    @JsonIgnore
    public int stepRuns() {
        return runsPerStep == null ? 0 : runsPerStep;
    }

    /** The status as the kit's enum; empty for {@link #NOT_CHECKED}. */
    @JsonIgnore
    public Optional<CaseStatus> caseStatus() {
        return status.equals(NOT_CHECKED) ? Optional.empty() : Optional.of(CaseStatus.fromLabel(status));
    }

    /** This record's key in a run. */
    @JsonIgnore
    public CaseKey key() {
        return new CaseKey(backend, caseId);
    }

    /** A builder starting from a case's identity on a backend. */
    public static Builder builder(String caseId, OpSpec spec, String backend) {
        return new Builder(caseId, spec, backend);
    }

    /** Fills a record field by field; {@link #build()} validates. */
    public static final class Builder {
        private final String caseId;
        private final OpSpec spec;
        private final String backend;
        private String model = "";
        private String phase = "";
        private String operator = "";
        private String origin = "";
        private long seed;
        private int deviceOrdinal;
        private String deviceName = "";
        private boolean emulated;
        private SupportAnswer support;
        private OpSpec ran;
        private String status;
        private String message = "";
        private Conformance conformance;
        private Timing timing;
        private Derived derived;
        private long memoryBytes;
        private long leakedBytes;
        private final List<String> notes = new ArrayList<>();
        private List<String> workerStderr = List.of();
        private String startedAt = "";
        private double elapsedMs;
        private Integer runsPerStep;

        private Builder(String caseId, OpSpec spec, String backend) {
            this.caseId = caseId;
            this.spec = spec;
            this.backend = backend;
        }

        public Builder workload(String model, String phase, String operator, String origin, long seed) {
            this.model = model;
            this.phase = phase;
            this.operator = operator;
            this.origin = origin;
            this.seed = seed;
            return this;
        }

        public Builder device(int ordinal, String name, boolean isEmulated) {
            this.deviceOrdinal = ordinal;
            this.deviceName = name;
            this.emulated = isEmulated;
            return this;
        }

        public Builder support(SupportAnswer answer) {
            this.support = answer;
            return this;
        }

        public Builder ran(OpSpec spec) {
            this.ran = spec;
            return this;
        }

        public Builder status(CaseStatus s, String msg) {
            return status(s.label(), msg);
        }

        public Builder status(String label, String msg) {
            this.status = label;
            this.message = msg;
            return this;
        }

        /** The status set so far, or null. */
        public String status() {
            return status;
        }

        public Builder conformance(Conformance c) {
            this.conformance = c;
            return this;
        }

        public Builder timing(Timing t, Derived d) {
            this.timing = t;
            this.derived = d;
            return this;
        }

        /** Runs per decode step; 0 leaves the field absent. */
        public Builder runsPerStep(int runs) {
            this.runsPerStep = runs > 0 ? runs : null;
            return this;
        }

        public Builder memoryBytes(long bytes) {
            this.memoryBytes = bytes;
            return this;
        }

        public Builder leakedBytes(long bytes) {
            this.leakedBytes = bytes;
            return this;
        }

        public Builder note(String note) {
            this.notes.add(note);
            return this;
        }

        /** The notes added so far, a copy. */
        public List<String> notesSoFar() {
            return List.copyOf(notes);
        }

        public Builder notes(List<String> more) {
            this.notes.addAll(more);
            return this;
        }

        public Builder workerStderr(List<String> lines) {
            this.workerStderr = lines;
            return this;
        }

        public Builder timeWindow(String started, double elapsed) {
            this.startedAt = started;
            this.elapsedMs = elapsed;
            return this;
        }

        public CaseRecord build() {
            return new CaseRecord(caseId, model, phase, operator, origin, seed, spec, backend, deviceOrdinal, deviceName,
                    emulated, support, ran, status, message, conformance, timing, derived, memoryBytes, leakedBytes,
                    notes, workerStderr, startedAt, elapsedMs, runsPerStep);
        }
    }
}
