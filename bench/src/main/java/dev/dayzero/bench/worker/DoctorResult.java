package dev.dayzero.bench.worker;

import dev.dayzero.bench.results.BackendEntry;
import dev.dayzero.bench.results.CaseRecord;
import dev.dayzero.hal.BindingReport;
import dev.dayzero.tck.CaseStatus;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link Doctor} found, backend by backend.
 *
 * @param backends one check per backend, in the order asked
 */
public record DoctorResult(List<BackendCheck> backends) {

    public DoctorResult {
        backends = List.copyOf(backends);
    }

    /** A backend's outcome, worst first. */
    public enum Verdict {
        /** A child JVM died or hung: while probing, resolving symbols, starting the worker, or running a case. */
        CRASHED,
        /** A case failed conformance or could not run, a bound function is missing, or the device did not open. */
        FAILED,
        /** Available, every bound function resolves, and no case failed (unsupported cases are answers). */
        PASSED,
        /** The backend cannot run here (the probe's reason): nothing to check. */
        UNAVAILABLE
    }

    /**
     * One backend.
     *
     * @param id         backend id
     * @param vendor     its vendor
     * @param verdict    the outcome
     * @param detail     one line: why it crashed, failed or is unavailable; empty when it passed
     * @param probe      the probe's answer as the child saw it; null when the child died before answering
     * @param bindings   what the bound functions resolve to; null when the child died before answering
     * @param cases      the cases run on device 0, each with its status (empty when none ran)
     * @param childTail  the last lines a child that died printed, else empty
     */
    public record BackendCheck(String id, String vendor, Verdict verdict, String detail, BackendEntry probe,
                               BindingReport bindings, List<CaseRecord> cases, List<String> childTail) {
        public BackendCheck {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(verdict, "verdict");
            vendor = vendor == null ? "" : vendor;
            detail = detail == null ? "" : detail;
            cases = cases == null ? List.of() : List.copyOf(cases);
            childTail = childTail == null ? List.of() : List.copyOf(childTail);
        }

        /** The probe, when the child answered. */
        public Optional<BackendEntry> probeAnswer() {
            return Optional.ofNullable(probe);
        }
    }

    /** The verdict a backend with these case records and binding report gets, once its worker ran them. */
    static Verdict verdictOf(List<CaseRecord> cases, BindingReport bindings) {
        boolean failed = bindings != null && !bindings.missing().isEmpty();
        for (CaseRecord r : cases) {
            Optional<CaseStatus> s = r.caseStatus();
            if (s.isEmpty()) {
                continue;
            }
            switch (s.get()) {
                case CRASHED, TIMEOUT -> {
                    return Verdict.CRASHED;
                }
                case FAILED_NUMERICS, FAILED_SHAPE, FAILED_DTYPE, COMPILE_ERROR, RUNTIME_ERROR, UNAVAILABLE -> failed = true;
                default -> {
                }
            }
        }
        return failed ? Verdict.FAILED : Verdict.PASSED;
    }

    /** 3 when a child crashed, 1 when something failed, else 0 (unavailable backends are not failures). */
    public int exitCode() {
        if (backends.stream().anyMatch(b -> b.verdict() == Verdict.CRASHED)) {
            return 3;
        }
        if (backends.stream().anyMatch(b -> b.verdict() == Verdict.FAILED)) {
            return 1;
        }
        return 0;
    }
}
