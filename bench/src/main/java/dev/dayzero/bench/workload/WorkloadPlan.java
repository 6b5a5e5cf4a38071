package dev.dayzero.bench.workload;

import dev.dayzero.bench.model.LeftOut;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What {@link Workloads#derive} produced for a model: the cases to run, in a stable order, and the
 * model's operators that no case covers, each with its reason.
 *
 * @param cases   the cases; ids are unique
 * @param leftOut operators left out, with reasons
 * @param notes   lines for the run's summary (e.g. DeepSeek-V4's layers of each type)
 */
public record WorkloadPlan(List<WorkloadCase> cases, List<LeftOut> leftOut, List<String> notes) {
    public WorkloadPlan {
        cases = List.copyOf(cases);
        leftOut = List.copyOf(leftOut);
        notes = notes == null ? List.of() : List.copyOf(notes);
        Set<String> ids = new HashSet<>();
        for (WorkloadCase c : cases) {
            if (!ids.add(c.id())) {
                throw new IllegalArgumentException("WorkloadPlan: duplicate case id " + c.id());
            }
        }
    }

    /** A plan without notes. */
    public WorkloadPlan(List<WorkloadCase> cases, List<LeftOut> leftOut) {
        this(cases, leftOut, List.of());
    }

    /** Planned device memory of the largest case. */
    public long maxMemoryBytes() {
        return cases.stream().mapToLong(WorkloadCase::memoryBytes).max().orElse(0);
    }
}
