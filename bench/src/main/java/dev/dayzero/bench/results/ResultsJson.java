package dev.dayzero.bench.results;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.dayzero.bench.spec.SpecJson;
import dev.dayzero.hal.op.OpSpec;
import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * The one Jackson configuration for results files, {@code cases.jsonl} and the worker protocol. Plain data
 * only: no default typing and no type ids; operator specs go through {@link SpecJson} (the {@code family}
 * field picks an explicit constructor); durations are ISO-8601 strings ({@code PT0.1S}); fields are written
 * in record component order and map entries sorted by key, so the output is deterministic; unknown fields
 * are ignored on reading (a newer writer of the same schema version may add some), and a field added within a
 * major version is optional: a reader of that major treats it as absent (null, or the component's default).
 */
public final class ResultsJson {
    /**
     * The schema version of results files this code writes. Version 2 added the {@code indexer} operator
     * family and the attention variant {@code sparse-prefill}; a file of version 1 is a valid version-2
     * file (nothing was removed or renamed), so {@link ResultsReader} reads both. Within version 2, the optional
     * {@code plan} object (plan fingerprint and shard, {@link PlanInfo}) was added for runs over many machines.
     */
    public static final String SCHEMA = "dayzero.results/2";

    /** The prefix of every results schema name; the major version follows it. */
    public static final String SCHEMA_PREFIX = "dayzero.results/";

    /** Schema majors {@link ResultsReader} reads. */
    public static final java.util.List<Integer> READABLE_MAJORS = java.util.List.of(1, 2);

    private static final ObjectMapper MAPPER = build();

    private ResultsJson() {
    }

    /** The shared, thread-safe mapper. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    private static ObjectMapper build() {
        SimpleModule module = new SimpleModule("dayzero-results");
        module.addSerializer(OpSpec.class, new StdSerializer<OpSpec>(OpSpec.class) {
            private static final long serialVersionUID = 1L;

            @Override
            public void serialize(OpSpec value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeTree(SpecJson.toJson(value));
            }
        });
        module.addDeserializer(OpSpec.class, new StdDeserializer<OpSpec>(OpSpec.class) {
            private static final long serialVersionUID = 1L;

            @Override
            public OpSpec deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                JsonNode node = p.readValueAsTree();
                try {
                    return SpecJson.fromJson(node);
                } catch (IllegalArgumentException e) {
                    throw JsonMappingException.from(p, e.getMessage(), e);
                }
            }
        });
        module.addSerializer(Duration.class, new StdSerializer<Duration>(Duration.class) {
            private static final long serialVersionUID = 1L;

            @Override
            public void serialize(Duration value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeString(value.toString());
            }
        });
        module.addDeserializer(Duration.class, new StdDeserializer<Duration>(Duration.class) {
            private static final long serialVersionUID = 1L;

            @Override
            public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                String text = p.getValueAsString();
                try {
                    return Duration.parse(text);
                } catch (DateTimeParseException | NullPointerException e) {
                    throw JsonMappingException.from(p, "expected an ISO-8601 duration such as PT0.1S, got " + text, e);
                }
            }
        });
        return JsonMapper.builder()
                .addModule(module)
                .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .build();
    }
}
