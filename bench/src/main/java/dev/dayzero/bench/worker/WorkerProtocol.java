package dev.dayzero.bench.worker;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dayzero.bench.results.BackendEntry;
import dev.dayzero.bench.results.CaseRecord;
import dev.dayzero.bench.results.ResultsJson;
import dev.dayzero.bench.workload.WorkloadCase;
import dev.dayzero.hal.BindingReport;
import java.util.Optional;

/**
 * The coordinator ⇄ worker protocol: one JSON object per line, UTF-8, over the worker's stdin and stdout.
 * Every message carries {@code "protocol": "dayzero.worker/1"}; a stdout line without it (a native library
 * printing to fd 1, the JVM's crash banner) is not a message and goes to the stderr tail instead.
 *
 * <pre>
 * worker → {"protocol":…,"type":"hello","pid":N,"backend":{BackendEntry}}          once, after probe and open
 * coord  → {"protocol":…,"type":"case","workloadCase":{WorkloadCase},"options":{CaseOptions}}
 * worker → {"protocol":…,"type":"result","pid":N,"record":{CaseRecord}}            one per case
 * coord  → {"protocol":…,"type":"exit"}                                              or stdin closed
 * </pre>
 *
 * <p>The doctor's child ({@link DoctorChild}) speaks the same protocol: a hello after the probe, then
 * {@code {"protocol":…,"type":"bindings","pid":N,"bindings":{BindingReport}}}, then it exits.
 */
public final class WorkerProtocol {
    /** Protocol version tag carried by every message. */
    public static final String VERSION = "dayzero.worker/1";

    private WorkerProtocol() {
    }

    /** Coordinator to worker. */
    public record Request(String protocol, String type, WorkloadCase workloadCase, CaseOptions options) {
        public static Request runCase(WorkloadCase c, CaseOptions o) {
            return new Request(VERSION, "case", c, o);
        }

        public static Request exit() {
            return new Request(VERSION, "exit", null, null);
        }
    }

    /** Worker to coordinator. */
    public record Reply(String protocol, String type, long pid, BackendEntry backend, CaseRecord record,
                        @JsonInclude(JsonInclude.Include.NON_NULL) BindingReport bindings) {
        public static Reply hello(long pid, BackendEntry backend) {
            return new Reply(VERSION, "hello", pid, backend, null, null);
        }

        public static Reply result(long pid, CaseRecord record) {
            return new Reply(VERSION, "result", pid, null, record, null);
        }

        /** The doctor's child ({@link DoctorChild}): what the backend's bindings resolve. */
        public static Reply bindings(long pid, BindingReport report) {
            return new Reply(VERSION, "bindings", pid, null, null, report);
        }
    }

    /** One line holding {@code message}. */
    public static String encode(Object message) {
        try {
            return ResultsJson.mapper().writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a worker message: " + e.getMessage(), e);
        }
    }

    /** The request on {@code line}. */
    public static Request decodeRequest(String line) {
        try {
            Request r = ResultsJson.mapper().readValue(line, Request.class);
            if (!VERSION.equals(r.protocol())) {
                throw new IllegalArgumentException("expected protocol " + VERSION + ", got " + r.protocol());
            }
            return r;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed request: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The reply on {@code line}, or empty when the line is not a protocol message.
     *
     * @throws IllegalArgumentException when the line is tagged as a message but does not decode
     */
    public static Optional<Reply> decodeReply(String line) {
        String t = line.trim();
        if (!t.startsWith("{") || !t.contains(VERSION)) {
            return Optional.empty();
        }
        JsonNode node;
        try {
            node = ResultsJson.mapper().readTree(t);
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
        if (node == null || !VERSION.equals(node.path("protocol").asText())) {
            return Optional.empty();
        }
        try {
            return Optional.of(ResultsJson.mapper().treeToValue(node, Reply.class));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed worker reply: " + e.getOriginalMessage(), e);
        }
    }
}
