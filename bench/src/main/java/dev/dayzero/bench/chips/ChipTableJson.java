package dev.dayzero.bench.chips;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dayzero.bench.chips.ChipSpec.Figure;
import dev.dayzero.bench.chips.ChipSpec.Match;
import dev.dayzero.bench.chips.ChipSpec.Status;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a chips file ({@code schema: dayzero.chips/1}) with plain {@link JsonNode}s. Every error is an
 * {@link IllegalArgumentException} of one line: the origin (file or resource), the JSON path of the field
 * ({@code chips[3].peaks.bf16.status}) and what was expected. Unknown fields are refused (a misspelt
 * {@code bandwith} would otherwise vanish silently) unless their name starts with {@code _} (comments).
 */
final class ChipTableJson {
    static final String SCHEMA = "dayzero.chips/1";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TOP = Set.of("schema", "chips");
    private static final Set<String> ENTRY = Set.of("id", "name", "vendor", "match", "peaks", "bandwidth", "memory",
            "absent", "notes");
    private static final Set<String> MATCH = Set.of("backends", "contains", "regex");
    private static final Set<String> FIGURE = Set.of("value", "unit", "status", "source", "formula");

    private ChipTableJson() {
    }

    /** The entries of one chips file, in file order; ids unique within the file. */
    static List<ChipSpec> read(InputStream in, String origin) {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(origin + ": not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr()), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(origin + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw fail(origin, "(top level)", "must be a JSON object with \"schema\": \"" + SCHEMA + "\" and \"chips\": [...]");
        }
        known(origin, "", root, TOP);
        JsonNode schema = root.get("schema");
        if (schema == null || !schema.isTextual() || !schema.asText().equals(SCHEMA)) {
            throw fail(origin, "schema", "must be \"" + SCHEMA + "\", got " + (schema == null ? "nothing" : schema));
        }
        JsonNode chips = root.get("chips");
        if (chips == null || !chips.isArray()) {
            throw fail(origin, "chips", "must be an array of chip entries");
        }
        List<ChipSpec> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < chips.size(); i++) {
            String path = "chips[" + i + "]";
            ChipSpec spec = entry(origin, path, chips.get(i));
            if (!ids.add(spec.id())) {
                throw fail(origin, path + ".id", "'" + spec.id() + "' appears twice in the file");
            }
            out.add(spec);
        }
        return List.copyOf(out);
    }

    private static ChipSpec entry(String origin, String path, JsonNode n) {
        if (!n.isObject()) {
            throw fail(origin, path, "must be an object");
        }
        known(origin, path + ".", n, ENTRY);
        String id = text(origin, path + ".id", n.get("id"), true);
        String name = text(origin, path + ".name", n.get("name"), true);
        String vendor = text(origin, path + ".vendor", n.get("vendor"), false);
        Match match = match(origin, path + ".match", n.get("match"));
        Map<String, Figure> peaks = new LinkedHashMap<>();
        JsonNode p = n.get("peaks");
        if (p != null) {
            if (!p.isObject()) {
                throw fail(origin, path + ".peaks", "must be an object of precision → figure");
            }
            for (Map.Entry<String, JsonNode> e : p.properties()) {
                String fp = path + ".peaks." + e.getKey();
                if (!ChipSpec.PRECISIONS.contains(e.getKey())) {
                    throw fail(origin, fp, "unknown precision; expected one of " + ChipSpec.PRECISIONS);
                }
                Figure f = figure(origin, fp, e.getValue());
                if (!f.unit().equals(Figure.TFLOPS) && !f.unit().equals(Figure.TOPS)) {
                    throw fail(origin, fp + ".unit", "must be " + Figure.TFLOPS + " or " + Figure.TOPS + ", got '" + f.unit() + "'");
                }
                peaks.put(e.getKey(), f);
            }
        }
        Optional<Figure> bandwidth = optionalFigure(origin, path + ".bandwidth", n.get("bandwidth"));
        if (bandwidth.isPresent() && !bandwidth.get().unit().equals(Figure.GBPS)) {
            throw fail(origin, path + ".bandwidth.unit", "must be " + Figure.GBPS + ", got '" + bandwidth.get().unit() + "'");
        }
        Optional<Figure> memory = optionalFigure(origin, path + ".memory", n.get("memory"));
        if (memory.isPresent() && !memory.get().unit().equals(Figure.GB) && !memory.get().unit().equals(Figure.GIB)) {
            throw fail(origin, path + ".memory.unit", "must be " + Figure.GB + " or " + Figure.GIB + ", got '"
                    + memory.get().unit() + "'");
        }
        Map<String, String> absent = new LinkedHashMap<>();
        JsonNode a = n.get("absent");
        if (a != null) {
            if (!a.isObject()) {
                throw fail(origin, path + ".absent", "must be an object of precision → reason");
            }
            for (Map.Entry<String, JsonNode> e : a.properties()) {
                String ap = path + ".absent." + e.getKey();
                if (!ChipSpec.PRECISIONS.contains(e.getKey())) {
                    throw fail(origin, ap, "unknown precision; expected one of " + ChipSpec.PRECISIONS);
                }
                if (peaks.containsKey(e.getKey())) {
                    throw fail(origin, ap, "the entry also has a peak for " + e.getKey() + "; give one or the other");
                }
                absent.put(e.getKey(), text(origin, ap, e.getValue(), true));
            }
        }
        List<String> notes = strings(origin, path + ".notes", n.get("notes"));
        try {
            return new ChipSpec(id, name, vendor, match, peaks, bandwidth, memory, absent, notes);
        } catch (IllegalArgumentException e) {
            throw fail(origin, path, e.getMessage());
        }
    }

    private static Match match(String origin, String path, JsonNode n) {
        if (n == null || !n.isObject()) {
            throw fail(origin, path, "must be an object with \"contains\" and/or \"regex\" (and optional \"backends\")");
        }
        known(origin, path + ".", n, MATCH);
        List<String> backends = strings(origin, path + ".backends", n.get("backends"));
        List<String> contains = strings(origin, path + ".contains", n.get("contains"));
        List<String> regex = strings(origin, path + ".regex", n.get("regex"));
        if (contains.isEmpty() && regex.isEmpty() && backends.isEmpty()) {
            throw fail(origin, path, "has no rule: give \"contains\", \"regex\" or \"backends\"");
        }
        for (int i = 0; i < regex.size(); i++) {
            try {
                java.util.regex.Pattern.compile(regex.get(i));
            } catch (java.util.regex.PatternSyntaxException e) {
                throw fail(origin, path + ".regex[" + i + "]", "not a valid regular expression: " + e.getDescription());
            }
        }
        return new Match(backends, contains, regex);
    }

    private static Optional<Figure> optionalFigure(String origin, String path, JsonNode n) {
        return n == null || n.isNull() ? Optional.empty() : Optional.of(figure(origin, path, n));
    }

    private static Figure figure(String origin, String path, JsonNode n) {
        if (!n.isObject()) {
            throw fail(origin, path, "must be an object {value, unit, status, source, formula}");
        }
        known(origin, path + ".", n, FIGURE);
        JsonNode v = n.get("value");
        if (v == null || !v.isNumber() || !(v.asDouble() > 0) || !Double.isFinite(v.asDouble())) {
            throw fail(origin, path + ".value", "must be a positive number, got " + (v == null ? "nothing" : v));
        }
        String unit = text(origin, path + ".unit", n.get("unit"), true);
        String statusText = text(origin, path + ".status", n.get("status"), true);
        Status status = Status.of(statusText).orElseThrow(() -> fail(origin, path + ".status",
                "must be one of official, unofficial, derived, unconfirmed, estimated; got '" + statusText + "'"));
        String source = text(origin, path + ".source", n.get("source"), true);
        String formula = text(origin, path + ".formula", n.get("formula"), false);
        if (status.needsFormula() && formula.isBlank()) {
            throw fail(origin, path + ".formula", "a " + status.label() + " figure must give the formula it was computed by");
        }
        return new Figure(v.asDouble(), unit, status, source, formula);
    }

    private static String text(String origin, String path, JsonNode n, boolean required) {
        if (n == null || n.isNull()) {
            if (required) {
                throw fail(origin, path, "is missing; must be a non-empty string");
            }
            return "";
        }
        if (!n.isTextual() || (required && n.asText().isBlank())) {
            throw fail(origin, path, "must be a non-empty string, got " + n);
        }
        return n.asText();
    }

    private static List<String> strings(String origin, String path, JsonNode n) {
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (n.isTextual()) {
            return List.of(text(origin, path, n, true));
        }
        if (!n.isArray()) {
            throw fail(origin, path, "must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            out.add(text(origin, path + "[" + i + "]", n.get(i), true));
        }
        return out;
    }

    private static void known(String origin, String prefix, JsonNode n, Set<String> fields) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.startsWith("_") && !fields.contains(f)) {
                throw fail(origin, prefix + f, "unknown field; expected one of " + new java.util.TreeSet<>(fields)
                        + " (names starting with _ are comments)");
            }
        }
    }

    private static IllegalArgumentException fail(String origin, String path, String what) {
        return new IllegalArgumentException(origin + ": " + path + ": " + what);
    }
}
