package dev.dayzero.bench.results;

import java.util.Objects;

/** Identifies one finished case in a run: a case id on a backend (one device per backend in a run). */
public record CaseKey(String backend, String caseId) {
    public CaseKey {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(caseId, "caseId");
    }

    @Override
    public String toString() {
        return backend + ":" + caseId;
    }
}
