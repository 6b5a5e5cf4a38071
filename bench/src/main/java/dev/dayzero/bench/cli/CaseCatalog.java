package dev.dayzero.bench.cli;

import dev.dayzero.bench.model.ModelConfig;
import dev.dayzero.bench.model.Presets;
import dev.dayzero.bench.workload.Phase;
import dev.dayzero.bench.workload.Routing;
import dev.dayzero.bench.workload.WorkloadCase;
import dev.dayzero.bench.workload.WorkloadOptions;
import dev.dayzero.bench.workload.Workloads;
import dev.dayzero.tck.ConformanceCase;
import dev.dayzero.tck.StandardCases;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds a case by its id: one of the kit's standard cases, or a workload case, rebuilt from what its id
 * encodes ({@code <model>/<phase>/b<batch>/ctx<N>|len<N>/tp<a>-ep<b>/<routing>/<operator>}), so the same
 * spec and seed come back on any machine.
 */
final class CaseCatalog {
    private static final Pattern WORKLOAD = Pattern.compile(
            "([^/]+)/(decode|prefill)/b(\\d+)/(ctx|len)(\\d+)/tp(\\d+)-ep(\\d+)/(uniform|skewed)/(.+)");

    private CaseCatalog() {
    }

    /** The kit's standard cases as workload cases (model {@code standard}, phase {@code conformance}). */
    static List<WorkloadCase> standard() {
        return StandardCases.all().stream().map(CaseCatalog::of).toList();
    }

    private static WorkloadCase of(ConformanceCase c) {
        return new WorkloadCase(c.id(), "standard", "conformance", c.spec().family(), c.spec(), c.seed(),
                WorkloadCase.memoryOf(c.spec()), c.origin());
    }

    /**
     * The case with this id; {@code model} overrides the preset named in the id (for cases of a raw
     * config.json, whose id starts with the config's model id).
     */
    static WorkloadCase find(String id, Optional<ModelConfig> model) {
        for (ConformanceCase c : StandardCases.all()) {
            if (c.id().equals(id)) {
                return of(c);
            }
        }
        Matcher m = WORKLOAD.matcher(id);
        if (!m.matches()) {
            throw new BadInputException("--case '" + id + "' is neither a standard case (dayzero conform lists them) nor "
                    + "a workload case id <model>/<phase>/b<batch>/ctx<N>|len<N>/tp<a>-ep<b>/<routing>/<operator>");
        }
        ModelConfig config = model.orElseGet(() -> {
            if (!Presets.exists(m.group(1))) {
                throw new BadInputException("--case '" + id + "': model '" + m.group(1) + "' is not a preset; pass "
                        + "--config with the config.json the run used");
            }
            return Presets.get(m.group(1));
        });
        Phase phase = Phase.parse(m.group(2));
        WorkloadOptions options = WorkloadOptions.defaults()
                .withPhases(List.of(phase))
                .withBatchSizes(List.of(Integer.parseInt(m.group(3))))
                .withTp(Integer.parseInt(m.group(6)))
                .withEp(Integer.parseInt(m.group(7)))
                .withRouting(Routing.parse(m.group(8)));
        int length = Integer.parseInt(m.group(5));
        options = m.group(4).equals("ctx") ? options.withContextLength(length) : options.withPrefillLength(length);
        List<WorkloadCase> cases = Workloads.derive(config, options).cases();
        return cases.stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow(() -> new BadInputException(
                "--case '" + id + "': that workload has no operator '" + m.group(9) + "'; it has: "
                        + String.join(", ", cases.stream().map(WorkloadCase::operator).toList())));
    }
}
