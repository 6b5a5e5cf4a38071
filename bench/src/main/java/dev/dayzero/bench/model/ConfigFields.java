package dev.dayzero.bench.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Field look-up in a {@code config.json} as released: a nested {@code text_config} (multimodal wrappers)
 * is searched before the top level, the first of several field-name variants present wins, JSON
 * {@code null} counts as absent, and every error names the file and the field as it is spelt there.
 */
final class ConfigFields {
    private final String file;
    private final JsonNode root;
    private final JsonNode text;

    ConfigFields(String file, JsonNode root) {
        this.file = file;
        this.root = root;
        JsonNode t = root.get("text_config");
        this.text = t != null && t.isObject() ? t : null;
    }

    String file() {
        return file;
    }

    /** A located field: its node and its path for messages ({@code text_config.hidden_size}). */
    record Field(String path, JsonNode node) {
    }

    /** The first of {@code names} present (not null), in text_config then at the top level. */
    Optional<Field> find(String... names) {
        for (String name : names) {
            if (text != null) {
                JsonNode n = text.get(name);
                if (n != null && !n.isNull()) {
                    return Optional.of(new Field("text_config." + name, n));
                }
            }
            JsonNode n = root.get(name);
            if (n != null && !n.isNull()) {
                return Optional.of(new Field(name, n));
            }
        }
        return Optional.empty();
    }

    boolean has(String... names) {
        return find(names).isPresent();
    }

    /** A positive integer under one of {@code names}, if present; present but not one is an error. */
    OptionalInt positiveInt(String... names) {
        Optional<Field> f = find(names);
        if (f.isEmpty()) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(positive(f.get()));
    }

    /** A non-negative integer under one of {@code names}, if present. */
    OptionalInt nonNegativeInt(String... names) {
        Optional<Field> f = find(names);
        if (f.isEmpty()) {
            return OptionalInt.empty();
        }
        int v = integer(f.get(), "a non-negative integer");
        if (v < 0) {
            throw error(f.get().path(), "must be a non-negative integer", f.get().node());
        }
        return OptionalInt.of(v);
    }

    /** A positive integer that must be present; {@code why} says what needs it. */
    int requirePositive(String why, String... names) {
        OptionalInt v = positiveInt(names);
        if (v.isEmpty()) {
            throw missing(why, names);
        }
        return v.getAsInt();
    }

    int positive(Field f) {
        int v = integer(f, "a positive integer");
        if (v <= 0) {
            throw error(f.path(), "must be a positive integer", f.node());
        }
        return v;
    }

    private int integer(Field f, String expected) {
        JsonNode n = f.node();
        if (n.isIntegralNumber() && n.canConvertToInt()) {
            return n.intValue();
        }
        if (n.isNumber() && n.doubleValue() == Math.rint(n.doubleValue()) && Math.abs(n.doubleValue()) < Integer.MAX_VALUE) {
            return (int) n.doubleValue();
        }
        throw error(f.path(), "must be " + expected, n);
    }

    /** A number under one of {@code names}, if present. */
    Optional<Double> number(String... names) {
        Optional<Field> f = find(names);
        if (f.isEmpty()) {
            return Optional.empty();
        }
        if (!f.get().node().isNumber()) {
            throw error(f.get().path(), "must be a number", f.get().node());
        }
        return Optional.of(f.get().node().doubleValue());
    }

    /** A boolean under one of {@code names}, if present (a non-boolean is read as absent). */
    Optional<Boolean> bool(String... names) {
        Optional<Field> f = find(names);
        return f.isPresent() && f.get().node().isBoolean() ? Optional.of(f.get().node().booleanValue())
                : Optional.empty();
    }

    /** A string under one of {@code names}, if present. */
    Optional<String> string(String... names) {
        Optional<Field> f = find(names);
        if (f.isEmpty()) {
            return Optional.empty();
        }
        if (!f.get().node().isTextual()) {
            throw error(f.get().path(), "must be a string", f.get().node());
        }
        return Optional.of(f.get().node().textValue());
    }

    /** The first string of an array field (e.g. {@code architectures}), if present. */
    Optional<String> firstString(String name) {
        Optional<Field> f = find(name);
        if (f.isEmpty()) {
            return Optional.empty();
        }
        JsonNode n = f.get().node();
        if (n.isArray() && n.size() > 0 && n.get(0).isTextual()) {
            return Optional.of(n.get(0).textValue());
        }
        if (n.isTextual()) {
            return Optional.of(n.textValue());
        }
        throw error(f.get().path(), "must be a list of strings", n);
    }

    /** The string elements of an array field, if present. */
    Optional<List<String>> strings(String name) {
        Optional<Field> f = find(name);
        if (f.isEmpty()) {
            return Optional.empty();
        }
        JsonNode n = f.get().node();
        if (!n.isArray()) {
            throw error(f.get().path(), "must be a list", n);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : n) {
            out.add(e.isTextual() ? e.textValue() : e.toString());
        }
        return Optional.of(out);
    }

    /** The integer elements of an array field, if present. */
    Optional<List<Integer>> ints(String name) {
        Optional<Field> f = find(name);
        if (f.isEmpty()) {
            return Optional.empty();
        }
        JsonNode n = f.get().node();
        if (!n.isArray()) {
            throw error(f.get().path(), "must be a list of integers", n);
        }
        List<Integer> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isIntegralNumber()) {
                throw error(f.get().path(), "must be a list of integers", n);
            }
            out.add(e.intValue());
        }
        return Optional.of(out);
    }

    /** The object under one of {@code names}, if present. */
    Optional<Field> object(String... names) {
        Optional<Field> f = find(names);
        if (f.isPresent() && !f.get().node().isObject()) {
            throw error(f.get().path(), "must be an object", f.get().node());
        }
        return f;
    }

    ModelConfigException error(String path, String expected, JsonNode got) {
        String shown = got == null ? "nothing" : abbreviate(got.toString());
        return new ModelConfigException(file + ": " + path + " " + expected + ", got " + shown);
    }

    ModelConfigException missing(String why, String... names) {
        String field = names.length == 1 ? names[0] : String.join(" | ", names);
        return new ModelConfigException(file + ": " + field + " is missing; " + why + " needs it as a positive integer");
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
