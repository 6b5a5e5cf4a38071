package dev.dayzero.bench.fleet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.bench.workload.WorkloadCase;
import dev.dayzero.hal.op.MoeGemmSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShardingTest {

    private static WorkloadCase gemm(String id, int n) {
        return WorkloadCase.of(id, "m", "decode", "gemm", MoeGemmSpec.contiguous(MoeGemmSpec.Type.BF16, n, n,
                List.of(n)), "test");
    }

    /** Six big cases first, then eighteen small ones: cutting by count alone puts all the big ones together. */
    private static List<WorkloadCase> skewed() {
        List<WorkloadCase> cases = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            cases.add(gemm("m/big-" + i, 8192));
        }
        for (int i = 0; i < 18; i++) {
            cases.add(gemm("m/small-" + String.format("%02d", i), 64));
        }
        return cases;
    }

    @Test
    void everyCaseLandsInExactlyOneShardAndShardsKeepPlanOrder() {
        List<WorkloadCase> cases = skewed();
        Set<String> seen = new HashSet<>();
        for (int i = 1; i <= 4; i++) {
            List<WorkloadCase> mine = Sharding.select(cases, new Shard(i, 4));
            for (WorkloadCase c : mine) {
                assertTrue(seen.add(c.id()), c.id() + " is in two shards");
            }
            List<Integer> positions = mine.stream().map(cases::indexOf).toList();
            List<Integer> sorted = new ArrayList<>(positions);
            Collections.sort(sorted);
            assertEquals(sorted, positions, "plan order within shard " + i);
        }
        assertEquals(cases.size(), seen.size());
    }

    @Test
    void balancedByCostNotByCount() {
        List<WorkloadCase> cases = skewed();
        double[] loads = Sharding.loads(cases, 3);
        double total = Arrays.stream(loads).sum();
        double max = Arrays.stream(loads).max().orElseThrow();
        // contiguous slices by count: shards of 8 cases, the first holding all six big ones
        double countCutMax = 0;
        for (int s = 0; s < 3; s++) {
            double load = 0;
            for (WorkloadCase c : cases.subList(s * 8, s * 8 + 8)) {
                load += Sharding.cost(c);
            }
            countCutMax = Math.max(countCutMax, load);
        }
        assertTrue(max <= total / 3 * 1.05, "within 5% of a perfect third: " + Arrays.toString(loads));
        assertTrue(max < countCutMax * 0.6, "far better than cutting by count: " + max + " vs " + countCutMax);
        int[] sizes = Sharding.sizes(cases, 3);
        assertEquals(24, Arrays.stream(sizes).sum());
        for (int s = 1; s <= 3; s++) {
            long big = Sharding.select(cases, new Shard(s, 3)).stream().filter(c -> c.id().contains("big")).count();
            assertEquals(2, big, "two of the six big cases in shard " + s);
        }
    }

    @Test
    void theSameOnEveryMachineWhateverTheOrderCasesArriveIn() {
        List<WorkloadCase> cases = skewed();
        Map<String, Integer> reference = Sharding.byId(cases, 5);
        for (long seed = 1; seed <= 5; seed++) {
            List<WorkloadCase> shuffled = new ArrayList<>(cases);
            Collections.shuffle(shuffled, new Random(seed));
            assertEquals(reference, Sharding.byId(shuffled, 5), "seed " + seed);
        }
        assertArrayEquals(Sharding.assign(cases, 5), Sharding.assign(List.copyOf(cases), 5), "twice, the same");
        Map<Integer, Integer> counts = new HashMap<>();
        reference.values().forEach(s -> counts.merge(s, 1, Integer::sum));
        assertEquals(5, counts.size(), "every shard gets cases");
    }

    @Test
    void moreShardsThanCasesLeavesSomeEmpty() {
        List<WorkloadCase> cases = skewed().subList(0, 3);
        int[] sizes = Sharding.sizes(cases, 5);
        assertArrayEquals(new int[] {1, 1, 1, 0, 0}, sizes);
        assertTrue(Sharding.select(cases, new Shard(5, 5)).isEmpty());
    }

    @Test
    void parsesShardsAndRefusesTheRest() {
        assertEquals(new Shard(3, 8), Shard.parse("3/8"));
        assertEquals("1/1", Shard.parse(" 1/1 ").toString());
        for (String bad : List.of("0/0", "5/4", "x", "0/4", "1/0", "-1/4", "1/", "/4", "1/2/3", "1.5/4", "")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shard.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("--shard"), e.getMessage());
            assertEquals(1, e.getMessage().lines().count());
        }
    }

    @Test
    void theFingerprintFollowsCasesSpecsAndTheBuild() {
        List<WorkloadCase> cases = skewed();
        String fp = PlanFingerprint.of(cases, "0.1.0", "abc");
        assertEquals(64, fp.length());
        assertEquals(fp, PlanFingerprint.of(List.copyOf(cases), "0.1.0", "abc"), "deterministic");
        assertNotEquals(fp, PlanFingerprint.of(cases, "0.1.0", "abd"), "another commit");
        assertNotEquals(fp, PlanFingerprint.of(cases, "0.2.0", "abc"), "another version");
        List<WorkloadCase> reordered = new ArrayList<>(cases);
        Collections.swap(reordered, 0, 1);
        assertNotEquals(fp, PlanFingerprint.of(reordered, "0.1.0", "abc"), "another order");
        List<WorkloadCase> reshaped = new ArrayList<>(cases);
        reshaped.set(0, gemm(cases.get(0).id(), 2048));
        assertNotEquals(fp, PlanFingerprint.of(reshaped, "0.1.0", "abc"), "the same id with another shape");
        assertEquals(PlanFingerprint.SHORT, PlanFingerprint.shortForm(fp).length());
    }
}
