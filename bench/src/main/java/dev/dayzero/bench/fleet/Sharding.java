package dev.dayzero.bench.fleet;

import dev.dayzero.bench.workload.WorkloadCase;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts a plan's cases into shards, the same way on every machine: no randomness, no hash order, nothing of the
 * machine it runs on. Cases are sorted by estimated cost (largest first, then by case id), and each goes to the
 * shard with the least estimated cost so far (the lowest index on a tie): the longest-processing-time greedy rule,
 * whose largest shard is within 4/3 of the best possible. A shard runs its cases in plan order.
 *
 * <p>The cost is an estimate of a case's relative cost, not a prediction of its time: a fixed part for what every
 * case pays (a worker round trip, input generation, at least {@code --min-time} of sampling), plus its FLOPs and its
 * operand bytes at rates of the order of a host running the reference and generating inputs. It only has to rank
 * a 100-GFLOP MoE prefill above a 1-MFLOP decode quantize.
 */
public final class Sharding {
    /** The cost every case pays, in the estimate's units (about a second). */
    static final double FIXED = 1.0;
    /** FLOPs per cost unit. */
    static final double FLOPS_PER_UNIT = 1e11;
    /** Operand bytes per cost unit. */
    static final double BYTES_PER_UNIT = 1e9;

    private Sharding() {
    }

    /** The estimated cost of one case (see the class comment); always at least {@link #FIXED}. */
    public static double cost(WorkloadCase c) {
        return FIXED + Math.max(0, c.spec().flops()) / FLOPS_PER_UNIT + Math.max(0, c.memoryBytes()) / BYTES_PER_UNIT;
    }

    /**
     * Which shard (1 to {@code count}) each case goes to.
     *
     * @return one index per case, in the order of {@code cases}
     */
    public static int[] assign(List<WorkloadCase> cases, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("the shard count must be at least 1, got " + count);
        }
        List<Integer> order = new ArrayList<>(cases.size());
        for (int i = 0; i < cases.size(); i++) {
            order.add(i);
        }
        double[] costs = cases.stream().mapToDouble(Sharding::cost).toArray();
        order.sort(Comparator.comparingDouble((Integer i) -> -costs[i]).thenComparing(i -> cases.get(i).id()));
        double[] load = new double[count];
        int[] shardOf = new int[cases.size()];
        for (int i : order) {
            int best = 0;
            for (int s = 1; s < count; s++) {
                if (load[s] < load[best]) {
                    best = s;
                }
            }
            load[best] += costs[i];
            shardOf[i] = best + 1;
        }
        return shardOf;
    }

    /** The cases of {@code shard}, in plan order. */
    public static List<WorkloadCase> select(List<WorkloadCase> cases, Shard shard) {
        int[] shardOf = assign(cases, shard.count());
        List<WorkloadCase> out = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            if (shardOf[i] == shard.index()) {
                out.add(cases.get(i));
            }
        }
        return out;
    }

    /** Each shard's estimated cost, shard 1 first. */
    public static double[] loads(List<WorkloadCase> cases, int count) {
        int[] shardOf = assign(cases, count);
        double[] load = new double[count];
        for (int i = 0; i < cases.size(); i++) {
            load[shardOf[i] - 1] += cost(cases.get(i));
        }
        return load;
    }

    /** How many cases each shard gets, shard 1 first. */
    public static int[] sizes(List<WorkloadCase> cases, int count) {
        int[] shardOf = assign(cases, count);
        int[] n = new int[count];
        for (int s : shardOf) {
            n[s - 1]++;
        }
        return n;
    }

    /** Case id → shard (the tests check the cut does not depend on the order cases arrive in). */
    static Map<String, Integer> byId(List<WorkloadCase> cases, int count) {
        int[] shardOf = assign(cases, count);
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < cases.size(); i++) {
            m.put(cases.get(i).id(), shardOf[i]);
        }
        return m;
    }
}
