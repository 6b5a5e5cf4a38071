package dev.dayzero.bench.plugins;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * One backend plugin jar as a run found it, for results files and reports.
 *
 * @param file     the jar's file name
 * @param version  its version: the manifest's {@code Implementation-Version}, else the Maven {@code pom.properties}
 *                 version inside it, else {@code unknown}
 * @param sha256   the SHA-256 of the jar's bytes, 64 lower-case hex digits
 * @param backends the ids of the backends it provides (empty when it is broken)
 * @param error    why the jar provides no working backend, one line; absent when it loaded
 */
public record PluginJar(String file, String version, String sha256, List<String> backends,
                        @JsonInclude(JsonInclude.Include.NON_NULL) String error) {
    public PluginJar {
        Objects.requireNonNull(file, "file");
        version = version == null ? "unknown" : version;
        sha256 = sha256 == null ? "" : sha256;
        backends = backends == null ? List.of() : List.copyOf(backends);
    }

    /** {@code file version (sha256 prefix)}: for one-line listings. */
    public String label() {
        return file + " " + version + " (sha256 " + (sha256.length() >= 12 ? sha256.substring(0, 12) : sha256) + ")";
    }
}
