package dev.dayzero.bench.results;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a results file back. Plain data binding (no polymorphic typing); a file of another schema version
 * is refused with a message naming both versions.
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
        if (!ResultsJson.SCHEMA.equals(schema)) {
            throw new IllegalArgumentException(file + " has schema \"" + schema + "\", but this version of dayzero reads "
                    + "only \"" + ResultsJson.SCHEMA + "\"; use the dayzero version that wrote it");
        }
        try {
            return ResultsJson.mapper().treeToValue(root, ResultsFile.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " does not match schema " + ResultsJson.SCHEMA + ": "
                    + firstLine(e), e);
        }
    }

    private static String firstLine(Exception e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }
}
