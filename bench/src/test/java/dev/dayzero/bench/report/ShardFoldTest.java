package dev.dayzero.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.bench.chips.ChipTable;
import dev.dayzero.bench.results.CaseRecord;
import dev.dayzero.bench.results.PlanInfo;
import dev.dayzero.hal.DeviceInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Shards of one plan fold into one column; what is missing or does not belong is named. */
class ShardFoldTest {
    static final String PLAN = "a".repeat(64);
    static final String OTHER = "b".repeat(64);
    static final List<String> IDS = List.of("m/c0", "m/c1", "m/c2", "m/c3", "m/c4", "m/c5");

    /** Shard {@code index} of 3 on {@code host}: cases index-1, index+2 (so plan order interleaves). */
    static LoadedRun shard(String fingerprint, int index, String host, DeviceInfo device) {
        List<String> mine = List.of(IDS.get(index - 1), IDS.get(index + 2));
        List<CaseRecord> records = new ArrayList<>();
        mine.forEach(id -> records.add(ReportFixtures.timed(id, ReportFixtures.GEMM, device, index)));
        LoadedRun r = ReportFixtures.run(host, "2026-11-16T0" + index + ":00:00Z", List.of(device), records);
        return new LoadedRun(r.source(), r.file().withPlan(new PlanInfo(fingerprint, IDS,
                new PlanInfo.ShardInfo(index, 3, mine))), r.integrity());
    }

    @Test
    void threeShardsOnThreeHostsAreOneColumnInPlanOrder() {
        List<LoadedRun> runs = List.of(shard(PLAN, 2, "node-b", ReportFixtures.H100),
                shard(PLAN, 1, "node-a", ReportFixtures.H100), shard(PLAN, 3, "node-c", ReportFixtures.H100));
        ShardFold.Result r = ShardFold.fold(runs);
        assertEquals(List.of(), r.notes());
        assertEquals(1, r.runs().size());
        assertEquals(1, r.folds().size());
        ShardFold.Fold f = r.folds().get(0);
        assertTrue(f.complete(), f.summary());
        assertEquals(List.of(1, 2, 3), f.present());
        assertEquals(List.of("node-a", "node-b", "node-c"), f.hosts());
        ReportData data = ReportBuilder.build(r.runs(), ChipTable.defaults());
        assertEquals(IDS, data.rows().stream().map(ReportRow::caseId).toList(), "plan order, not shard order");
        assertEquals(1, data.rows().stream().map(ReportRow::device).distinct().count(), "one column");
        assertEquals("cuda:0 NVIDIA H100 80GB HBM3", data.rows().get(0).device());
        assertEquals("node-a+node-b+node-c", data.rows().get(0).host());
        Map<String, Double> medians = new TreeMap<>();
        data.rows().forEach(row -> medians.put(row.caseId(), row.medianMs()));
        assertEquals(2.0, medians.get("m/c1"), "each case keeps its own shard's figures");
    }

    @Test
    void aMissingShardIsNamedWithItsCases() {
        ShardFold.Result r = ShardFold.fold(List.of(shard(PLAN, 1, "n", ReportFixtures.H100),
                shard(PLAN, 2, "n", ReportFixtures.H100)));
        assertEquals(1, r.notes().size(), r.notes().toString());
        String note = r.notes().get(0);
        assertTrue(note.contains("shard 3 of 3 is missing"), note);
        assertTrue(note.contains("2 planned cases without a result: m/c2, m/c5"), note);
        assertFalse(r.folds().get(0).complete());
        assertEquals(4, r.folds().get(0).presentCases());
        assertTrue(r.folds().get(0).summary().contains("2 of 3 shards, 4 of 6 planned cases"), r.folds().get(0).summary());
    }

    @Test
    void shardsOfAnotherPlanAreNotFoldedAndSaySo() {
        ShardFold.Result r = ShardFold.fold(List.of(shard(PLAN, 1, "n", ReportFixtures.H100),
                shard(PLAN, 2, "n", ReportFixtures.H100), shard(OTHER, 3, "m", ReportFixtures.H100)));
        assertEquals(2, r.folds().size());
        String mismatch = r.notes().stream().filter(n -> n.contains("not folded together")).findFirst().orElseThrow();
        assertTrue(mismatch.contains("plan " + PLAN.substring(0, 12)) && mismatch.contains("plan "
                + OTHER.substring(0, 12)), mismatch);
        assertTrue(mismatch.contains("the same case ids with other shapes or seeds"), mismatch);
        assertEquals(1, mismatch.lines().count());
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("shard 3 of 3 is missing")), r.notes().toString());
        ReportData data = ReportBuilder.build(r.runs(), ChipTable.defaults());
        List<String> columns = data.rows().stream().map(ReportRow::device).distinct().toList();
        assertEquals(2, columns.size(), "each plan its own column: " + columns);
        assertEquals("cuda:0 NVIDIA H100 80GB HBM3 plan " + PLAN.substring(0, 12), columns.get(0),
                "one device name on two hosts: the plans tell the columns apart");
        assertTrue(columns.get(1).endsWith("plan " + OTHER.substring(0, 12)), columns.toString());
    }

    @Test
    void anotherDeviceKindIsAnotherColumnAndAShardTwiceIsNotMerged() {
        ShardFold.Result r = ShardFold.fold(List.of(shard(PLAN, 1, "n", ReportFixtures.H100),
                shard(PLAN, 2, "n", ReportFixtures.MYSTERY), shard(PLAN, 1, "m", ReportFixtures.H100)));
        assertEquals(2, r.folds().size(), "one per device kind");
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("is given twice")), r.notes().toString());
        assertEquals(3, r.runs().size(), "two folds and the repeated shard on its own");
        assertTrue(r.notes().stream().anyMatch(n -> n.startsWith("mystery Chip X1 (plan")
                && n.contains("shards 1 and 3 of 3 are missing")), r.notes().toString());
    }

    @Test
    void runsThatAreNotShardsPassThrough() {
        LoadedRun plain = ReportFixtures.run("box", "2026-11-16T09:30:00Z", List.of(ReportFixtures.H100),
                List.of(ReportFixtures.timed("m/c0", ReportFixtures.GEMM, ReportFixtures.H100, 1.0)));
        ShardFold.Result r = ShardFold.fold(List.of(plain));
        assertEquals(List.of(plain), r.runs());
        assertTrue(r.folds().isEmpty() && r.notes().isEmpty());
        assertTrue(ShardFold.section(r).isEmpty(), "no section without shards");
    }
}
