package dev.dayzero.bench.results;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a results file back. Plain data binding (no polymorphic typing). It reads every schema major in
 * {@link ResultsJson#READABLE_MAJORS} ({@code dayzero.results/1} and {@code /2}; a minor such as
 * {@code /2.1} reads as its major); any other major, or a schema that is not a results schema, is refused
 * with one line naming the file's schema and the ones this version reads.
 */
public final class ResultsReader {
    private ResultsReader() {
    }

    /**
     * The results file at {@code file}.
     *
     * @throws IllegalArgumentException if it is not JSON, not a results file, of another schema version, or
     *                                  a field holds something the schema does not allow (named)
     */
    public static ResultsFile read(Path file) {
        JsonNode root;
        try {
            root = ResultsJson.mapper().readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            if (Files.exists(file)) {
                throw new IllegalArgumentException(file + " is not valid JSON: " + firstLine(e), e);
            }
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || !root.hasNonNull("schema")) {
            throw new IllegalArgumentException(file + " is not a dayzero results file: it has no \"schema\" field");
        }
        String schema = root.get("schema").asText();
        int major = major(schema);
        if (!ResultsJson.READABLE_MAJORS.contains(major)) {
            throw new IllegalArgumentException(file + " has schema \"" + schema + "\", but this version of dayzero reads "
                    + "only " + readable() + (major > 0 ? "; use the dayzero version that wrote it" : ""));
        }
        try {
            return ResultsJson.mapper().treeToValue(root, ResultsFile.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " does not match schema " + schema + ": " + firstLine(e), e);
        }
    }

    /** The major version of a results schema name ({@code dayzero.results/2.1} → 2), or -1 if it is none. */
    static int major(String schema) {
        if (schema == null || !schema.startsWith(ResultsJson.SCHEMA_PREFIX)) {
            return -1;
        }
        String v = schema.substring(ResultsJson.SCHEMA_PREFIX.length());
        int dot = v.indexOf('.');
        String m = dot < 0 ? v : v.substring(0, dot);
        if (m.isEmpty() || m.length() > 6 || !m.chars().allMatch(Character::isDigit)
                || (dot >= 0 && !v.substring(dot + 1).matches("\\d{1,6}"))) {
            return -1;
        }
        return Integer.parseInt(m);
    }

    private static String readable() {
        return String.join(" and ", ResultsJson.READABLE_MAJORS.stream()
                .map(m -> "\"" + ResultsJson.SCHEMA_PREFIX + m + "\"").toList());
    }

    private static String firstLine(Exception e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }
}
