package dev.dayzero.hal;

import java.util.List;
import java.util.Objects;

/**
 * What a backend's native bindings find on this machine: for each library it binds, the file it was loaded
 * from and the functions its binding declares that the library does not export. The first thing to check on
 * new hardware ({@code dayzero doctor}): a missing symbol otherwise shows up only when the operator that
 * calls it first runs.
 *
 * @param backendId the backend
 * @param reason    why the libraries could not be looked at (not found, failed to load), one sentence; empty
 *                  when they were, or when the backend binds no native library
 * @param libraries one entry per bound library, in loading order; empty for a backend without native code
 */
public record BindingReport(String backendId, String reason, List<Library> libraries) {

    public BindingReport {
        Objects.requireNonNull(backendId, "backendId");
        reason = reason == null ? "" : reason;
        libraries = List.copyOf(libraries);
    }

    /**
     * One bound library.
     *
     * @param name      what the backend looks for ({@code libcuda.so.1}, {@code libcnnl.so}, the aclnn operator
     *                  libraries)
     * @param path      the file (or files, or directory) it was loaded from; empty when it was not loaded
     * @param functions how many functions the binding declares
     * @param missing   declared functions the library does not export, by their exported symbol name, sorted;
     *                  each is a call that would fail
     * @param note      anything else: why an optional library is absent, optional symbols that are absent and
     *                  what that disables; empty when nothing
     */
    public record Library(String name, String path, int functions, List<String> missing, String note) {
        public Library {
            Objects.requireNonNull(name, "name");
            path = path == null ? "" : path;
            missing = missing == null ? List.of() : missing.stream().sorted().toList();
            note = note == null ? "" : note;
            if (functions < 0) {
                throw new IllegalArgumentException("functions must be >= 0, got " + functions);
            }
        }

        /** Whether the library was found and loaded. */
        public boolean loaded() {
            return !path.isEmpty();
        }
    }

    /** The report of a backend that binds no native library (the CPU backend). */
    public static BindingReport none(String backendId) {
        return new BindingReport(backendId, "", List.of());
    }

    /** The report of a backend whose libraries could not be looked at, with the one-sentence reason. */
    public static BindingReport unavailable(String backendId, String reason) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("an unavailable binding report must say why");
        }
        return new BindingReport(backendId, reason, List.of());
    }

    /** Whether the libraries were looked at (true for a backend without native code). */
    public boolean checked() {
        return reason.isEmpty();
    }

    /** Every missing function, as {@code library: symbol}. */
    public List<String> missing() {
        return libraries.stream().flatMap(l -> l.missing().stream().map(s -> l.name() + ": " + s)).toList();
    }
}
