package dev.dayzero.bench.projection;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.dayzero.bench.results.CaseRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The projected decode step of one device: a sum of isolated operator times, not an end-to-end measurement.
 *
 * <p>For each step (the decode cases that share a case-id prefix {@code <model>/decode/b<batch>/ctx<n>/tp<t>-ep<e>/<routing>})
 * and each device: step time = Σ over the step's cases of {@code median × runsPerStep} (runs per step are layers of the
 * case's type × runs a layer, lm_head once); tokens per second per data-parallel rank = batch ÷ step time (× 2 with an
 * MTP draft token accepted every step is not assumed: the figure counts one token a sequence); per deployment ×
 * {@code dp = max(tp, ep) / tp} ranks. A breakdown by family. A case answered {@code alternative-only} counts with
 * its alternative's time and is named; a case that failed, was unsupported, timed out or was not timed blocks the
 * device's projection and is named; an emulated device gets none (an emulator's time is no chip's speed).
 *
 * @param step            the step's case-id prefix
 * @param batch           sequences per data-parallel rank
 * @param dpRanks         data-parallel ranks of the deployment
 * @param device          {@code backend} or {@code backend:ordinal}
 * @param deviceName      the device's name
 * @param state           {@link State}
 * @param stepMs          the projected step in ms (NaN unless {@link State#PROJECTED})
 * @param msByFamily      time by operator family (attention, indexer, moe-gemm, gemm, quantize, cache-write), in ms
 * @param alternatives    operators counted with their alternative's time
 * @param blockedBy       operators that block the projection, each with its status
 */
public record StepProjection(String step, int batch, int dpRanks, String device, String deviceName, State state,
                             @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = NaN.class) double stepMs,
                             Map<String, Double> msByFamily, List<String> alternatives,
                             List<String> blockedBy) {

    /** What the projection could say for a device. */
    public enum State {
        PROJECTED, BLOCKED, EMULATED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What the projection leaves out: say it beside every figure. */
    public static final String LEAVES_OUT = "expert-parallel all-to-all, tensor-parallel all-reduce, norms, RoPE,"
            + " activations, sampling, launch gaps, overlap between operators, and every operator listed as left out";

    /** The label every projected figure carries. */
    public static final String LABEL = "projected decode step: a sum of isolated operator times on one device, not"
            + " an end-to-end measurement";

    /** Leaves NaN figures out of {@code results.json} (a step that is not projected has none). */
    public static final class NaN {
        @Override
        public boolean equals(Object o) {
            return o instanceof Double d && d.isNaN();
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }

    public StepProjection {
        java.util.Objects.requireNonNull(step, "step");
        java.util.Objects.requireNonNull(state, "state");
        device = device == null ? "" : device;
        deviceName = deviceName == null ? "" : deviceName;
        stepMs = state == State.PROJECTED ? stepMs : Double.NaN;
        msByFamily = Map.copyOf(msByFamily == null ? Map.of() : msByFamily);
        alternatives = alternatives == null ? List.of() : alternatives;
        blockedBy = blockedBy == null ? List.of() : blockedBy;
        alternatives = List.copyOf(alternatives);
        blockedBy = List.copyOf(blockedBy);
    }

    /** Tokens a second of one data-parallel rank: {@code batch / step}; NaN unless projected. */
    @JsonProperty("tokensPerSecondPerRank")
    @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = NaN.class)
    public double tokensPerSecondPerRank() {
        return state == State.PROJECTED && stepMs > 0 ? batch * 1000.0 / stepMs : Double.NaN;
    }

    /** Tokens a second of the deployment: per rank × {@code dpRanks}. */
    @JsonProperty("tokensPerSecondPerDeployment")
    @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = NaN.class)
    public double tokensPerSecondPerDeployment() {
        return tokensPerSecondPerRank() * dpRanks;
    }

    /** {@link #LABEL}, written beside every projection in {@code results.json}. */
    @JsonProperty("label")
    public String label() {
        return LABEL;
    }

    /** {@link #LEAVES_OUT}, written beside every projection in {@code results.json}. */
    @JsonProperty("leavesOut")
    public String leavesOut() {
        return LEAVES_OUT;
    }

    /** One line for the text summary. */
    public String line() {
        return switch (state) {
            case EMULATED -> device + ": no projection (emulated device: its times are no chip's speed)";
            case BLOCKED -> device + ": no projection, blocked by " + String.join(", ", blockedBy);
            case PROJECTED -> String.format(Locale.ROOT, "%s: step %.3f ms, %.1f tok/s a rank, %.1f tok/s the deployment"
                    + " (x%d dp ranks); %s%s", device, stepMs, tokensPerSecondPerRank(), tokensPerSecondPerDeployment(),
                    dpRanks, breakdown(), alternatives.isEmpty() ? "" : "; counted with the alternative's time: "
                    + String.join(", ", alternatives));
        };
    }

    private String breakdown() {
        List<String> parts = new ArrayList<>();
        new TreeMap<>(msByFamily).forEach((f, ms) -> parts.add(String.format(Locale.ROOT, "%s %.3f ms", f, ms)));
        return String.join(", ", parts);
    }

    /** Projects every decode step in {@code records} on every device that ran it, in the records' order. */
    public static List<StepProjection> project(List<CaseRecord> records) {
        Map<String, Map<String, List<CaseRecord>>> bySteps = new LinkedHashMap<>();
        for (CaseRecord r : records) {
            if (r.stepRuns() <= 0 || !r.phase().equals("decode")) {
                continue;
            }
            String step = stepOf(r);
            String device = r.backend() + (r.deviceOrdinal() > 0 ? ":" + r.deviceOrdinal() : "");
            bySteps.computeIfAbsent(step, k -> new LinkedHashMap<>()).computeIfAbsent(device, k -> new ArrayList<>()).add(r);
        }
        List<StepProjection> out = new ArrayList<>();
        bySteps.forEach((step, devices) -> devices.forEach((device, rs) -> out.add(projectOne(step, device, rs))));
        return out;
    }

    /** The step a record belongs to: its case id without the operator. */
    static String stepOf(CaseRecord r) {
        String id = r.caseId();
        String suffix = "/" + r.operator();
        return id.endsWith(suffix) ? id.substring(0, id.length() - suffix.length()) : id.substring(0, id.lastIndexOf('/'));
    }

    static StepProjection projectOne(String step, String device, List<CaseRecord> rs) {
        int batch = segment(step, "b").orElse(1);
        int dp = dpRanks(step);
        String name = rs.get(0).deviceName();
        if (rs.stream().anyMatch(CaseRecord::emulated)) {
            return new StepProjection(step, batch, dp, device, name, State.EMULATED, Double.NaN, Map.of(), List.of(),
                    List.of());
        }
        Map<String, Double> byFamily = new TreeMap<>();
        List<String> alternatives = new ArrayList<>();
        List<String> blocked = new ArrayList<>();
        double total = 0;
        for (CaseRecord r : rs) {
            boolean counts = r.status().equals("passed") || r.status().equals("alternative-only")
                    || r.status().equals(CaseRecord.NOT_CHECKED);
            if (!counts || r.timing() == null || r.timing().stats() == null) {
                blocked.add(r.operator() + " (" + r.status() + (counts ? ", not timed" : "") + ")");
                continue;
            }
            double ms = r.timing().stats().median() * r.stepRuns();
            total += ms;
            byFamily.merge(r.spec().family(), ms, Double::sum);
            if (r.status().equals("alternative-only")) {
                alternatives.add(r.operator());
            }
        }
        if (!blocked.isEmpty()) {
            return new StepProjection(step, batch, dp, device, name, State.BLOCKED, Double.NaN, Map.of(), alternatives,
                    blocked);
        }
        return new StepProjection(step, batch, dp, device, name, State.PROJECTED, total, byFamily, alternatives,
                List.of());
    }

    /** The integer after {@code /<letter>} in a step id ({@code b8} → 8). */
    static Optional<Integer> segment(String step, String letter) {
        for (String part : step.split("/")) {
            if (part.matches(letter + "\\d+")) {
                return Optional.of(Integer.parseInt(part.substring(letter.length())));
            }
        }
        return Optional.empty();
    }

    /** {@code max(tp, ep) / tp} from the step's {@code tp<t>-ep<e>} segment; 1 when absent. */
    static int dpRanks(String step) {
        for (String part : step.split("/")) {
            if (part.matches("tp\\d+-ep\\d+")) {
                String[] te = part.substring(2).split("-ep");
                int tp = Integer.parseInt(te[0]);
                int ep = Integer.parseInt(te[1]);
                return Math.max(tp, ep) / tp;
            }
        }
        return 1;
    }
}
