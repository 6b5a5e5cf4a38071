package dev.dayzero.backend.cuda.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.KvCacheType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The split-KV plan of the MLA kernels, without a GPU. */
class MlaPlanTest {

    @Test
    void theTargetShapeFillsAnH100WithoutSplitting() {
        // DeepSeek decode, 128 heads, batch 64, context 4096: 128 blocks of 64 tiles for 132 SMs
        AttentionSpec.LatentDecode spec = AttentionSpec.LatentDecode.deepseek(Collections.nCopies(64, 4096), 128, 1,
                KvCacheType.BF16);
        MlaPlan plan = MlaPlan.of(MlaDecodeOp.units(spec), 132);
        assertEquals(128, plan.blocks());
        assertEquals(0, plan.parts());
        assertEquals(0, plan.mergeGroups());
        assertEquals(1, plan.piecesOfLongest());
        covers(MlaDecodeOp.units(spec), plan);
    }

    @Test
    void aLongSingleSequenceIsSplitAcrossTheSms() {
        AttentionSpec.LatentDecode spec = AttentionSpec.LatentDecode.deepseek(List.of(32768), 128, 1,
                KvCacheType.FP8_FLASHMLA);
        MlaPlan plan = MlaPlan.of(MlaDecodeOp.units(spec), 132);
        assertTrue(plan.blocks() >= 100 && plan.blocks() <= 132, "about one wave: " + plan.blocks());
        assertEquals(2, plan.mergeGroups(), "both 64-row units are split");
        assertEquals(plan.blocks(), plan.parts(), "every block writes a partial");
        assertTrue(plan.makespan() < 512 / 10.0, "far below the unsplit 512 tiles: " + plan.makespan());
        covers(MlaDecodeOp.units(spec), plan);
    }

    @Test
    void mixedLengthsSplitOnlyTheLongUnitsAndLaunchLongestFirst() {
        List<MlaPlan.Unit> units = List.of(new MlaPlan.Unit(0, 64, 0, 0, 100), new MlaPlan.Unit(64, 64, 1, 0, 3),
                new MlaPlan.Unit(128, 10, 2, 0, 1));
        MlaPlan plan = MlaPlan.of(units, 8);
        int[] items = plan.items();
        int previous = Integer.MAX_VALUE;
        for (int i = 0; i < plan.blocks(); i++) {
            int len = items[i * MlaPlan.ITEM_INTS + 5] - items[i * MlaPlan.ITEM_INTS + 4];
            assertTrue(len <= previous, "longest first");
            previous = len;
        }
        assertEquals(1, plan.mergeGroups());
        assertArrayEquals(new int[] {0, 64, 0, plan.parts()}, plan.groups());
        covers(units, plan);
    }

    @Test
    void sparseUnitsAreOneQueryEach() {
        AttentionSpec.SparseLatentDecode spec = AttentionSpec.SparseLatentDecode.deepseek(List.of(900, 130), 100, 2,
                256, KvCacheType.BF16);
        List<MlaPlan.Unit> units = SparseMlaDecodeOp.units(spec);
        assertEquals(8, units.size(), "4 queries x (64 + 36 heads)");
        assertEquals(new MlaPlan.Unit(364, 36, 1, 3, 4), units.get(7));
        covers(units, MlaPlan.of(units, 4));
    }

    @Test
    void rejectsEmptyWork() {
        assertThrows(IllegalArgumentException.class, () -> MlaPlan.of(List.of(), 132));
        assertThrows(IllegalArgumentException.class, () -> new MlaPlan.Unit(0, 65, 0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new MlaPlan.Unit(0, 64, 0, 0, 0));
    }

    /** Every tile of every unit is covered exactly once, split units use distinct consecutive partial slots. */
    private static void covers(List<MlaPlan.Unit> units, MlaPlan plan) {
        int[] items = plan.items();
        List<Integer> slots = new ArrayList<>();
        for (MlaPlan.Unit u : units) {
            boolean[] seen = new boolean[u.tiles()];
            int pieces = 0;
            for (int i = 0; i < plan.blocks(); i++) {
                int at = i * MlaPlan.ITEM_INTS;
                if (items[at] != u.rowBase()) {
                    continue;
                }
                assertEquals(u.rows(), items[at + 1]);
                assertEquals(u.seq(), items[at + 2]);
                assertEquals(u.third(), items[at + 3]);
                for (int t = items[at + 4]; t < items[at + 5]; t++) {
                    assertTrue(!seen[t], "tile " + t + " twice");
                    seen[t] = true;
                }
                pieces++;
                if (items[at + 6] >= 0) {
                    slots.add(items[at + 6]);
                }
            }
            for (boolean s : seen) {
                assertTrue(s, "every tile covered");
            }
            if (pieces == 1) {
                continue;
            }
            boolean grouped = false;
            int[] groups = plan.groups();
            for (int g = 0; g < plan.mergeGroups(); g++) {
                if (groups[g * MlaPlan.GROUP_INTS] == u.rowBase()) {
                    assertEquals(pieces, groups[g * MlaPlan.GROUP_INTS + 3]);
                    grouped = true;
                }
            }
            assertTrue(grouped, "a split unit is merged");
        }
        Collections.sort(slots);
        for (int i = 0; i < slots.size(); i++) {
            assertEquals(i, slots.get(i), "partial slots 0..parts-1, once each");
        }
        assertEquals(plan.parts(), slots.size());
    }
}
