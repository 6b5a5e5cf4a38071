package dev.dayzero.bench.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.dayzero.bench.results.ResultsJson;
import dev.dayzero.bench.spec.SpecJson;
import dev.dayzero.bench.workload.WorkloadCase;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A plan's fingerprint: the SHA-256 of the Dayzero version and commit, then each case in plan order (its id, seed
 * and spec as results files write it), one line each. Two machines running the same command with the same
 * distribution get the same fingerprint; another case list, another shape, another seed or another Dayzero build
 * gives another one.
 */
public final class PlanFingerprint {
    /** How many hex digits reports show. */
    public static final int SHORT = 12;

    private PlanFingerprint() {
    }

    /** The fingerprint of {@code cases} run by Dayzero {@code toolVersion} at {@code gitCommit}, 64 hex digits. */
    public static String of(List<WorkloadCase> cases, String toolVersion, String gitCommit) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        update(md, "dayzero.plan/1\n");
        update(md, "dayzero " + toolVersion + " " + gitCommit + "\n");
        for (WorkloadCase c : cases) {
            String spec;
            try {
                spec = ResultsJson.mapper().writeValueAsString(SpecJson.toJson(c.spec()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write the spec of " + c.id() + ": " + e.getMessage(), e);
            }
            update(md, c.id() + "\t" + c.seed() + "\t" + spec + "\n");
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** The first {@value #SHORT} hex digits, as reports show a fingerprint. */
    public static String shortForm(String fingerprint) {
        return fingerprint == null ? "" : fingerprint.length() > SHORT ? fingerprint.substring(0, SHORT) : fingerprint;
    }

    private static void update(MessageDigest md, String s) {
        md.update(s.getBytes(StandardCharsets.UTF_8));
    }
}
