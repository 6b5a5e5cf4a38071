package dev.dayzero.bench.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * The plan a run belongs to, optional in {@code results.json} (field {@code plan}, added within schema
 * {@code dayzero.results/2}; a reader that does not know it ignores it): the plan's fingerprint and size, and,
 * for a run of one shard ({@code dayzero run --shard i/N}), which shard and its cases. Reports fold the shards of
 * one plan on one kind of device into one column and check that every shard and case is there.
 *
 * @param fingerprint the plan's fingerprint: SHA-256 (64 hex digits) of the Dayzero version and commit and of the
 *                    ordered case ids, seeds and specs of the whole plan
 * @param caseIds     every case of the whole plan, in plan order (a report lists what a missing shard held, and
 *                    orders a folded column as one run would)
 * @param shard       which shard this run is, null for a run of the whole plan
 */
public record PlanInfo(String fingerprint, List<String> caseIds,
                       @JsonInclude(JsonInclude.Include.NON_NULL) ShardInfo shard) {

    public PlanInfo {
        Objects.requireNonNull(fingerprint, "fingerprint");
        caseIds = caseIds == null ? List.of() : List.copyOf(caseIds);
    }

    /** How many cases the whole plan has. */
    public int size() {
        return caseIds.size();
    }

    /**
     * One shard of a plan.
     *
     * @param index   which shard, 1 to {@code count}
     * @param count   how many shards the plan is cut into
     * @param caseIds the shard's cases, in plan order
     */
    public record ShardInfo(int index, int count, List<String> caseIds) {
        public ShardInfo {
            if (count < 1 || index < 1 || index > count) {
                throw new IllegalArgumentException("plan.shard " + index + "/" + count + ": expected 1 <= index <= count");
            }
            caseIds = caseIds == null ? List.of() : List.copyOf(caseIds);
        }

        @Override
        public String toString() {
            return index + "/" + count;
        }
    }
}
