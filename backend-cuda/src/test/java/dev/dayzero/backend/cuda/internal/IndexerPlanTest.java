package dev.dayzero.backend.cuda.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.IndexerSpec.KeyType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The indexer's work plan, kernel names, shared memory and workspace, and the sparse prefill plan, without a GPU. */
class IndexerPlanTest {

    /** Each group's key range is covered exactly once by its items, each item at most tilesPerItem tiles. */
    private static void covers(IndexerSpec spec, IndexerPlan plan) {
        Map<Integer, List<int[]>> byQuery = new HashMap<>();
        int[] items = plan.items();
        for (int i = 0; i < plan.blocks(); i++) {
            int[] it = java.util.Arrays.copyOfRange(items, i * IndexerPlan.ITEM_INTS, (i + 1) * IndexerPlan.ITEM_INTS);
            assertTrue(it[4] - it[3] <= plan.tilesPerItem() * IndexerPlan.TILE, "item within its tiles");
            assertTrue(it[1] * spec.heads() <= IndexerPlan.MAX_ROWS, "at most 128 rows a block");
            byQuery.computeIfAbsent(it[0], k -> new ArrayList<>()).add(it);
        }
        for (IndexerPlan.Group g : IndexerPlan.groups(spec)) {
            List<int[]> parts = byQuery.get(g.queryBase());
            parts.sort((a, b) -> Integer.compare(a[3], b[3]));
            int at = g.keyStart();
            for (int[] p : parts) {
                assertEquals(g.queries(), p[1]);
                assertEquals(g.seq(), p[2]);
                assertEquals(at, p[3], "contiguous");
                at = p[4];
            }
            assertEquals(g.keyEnd(), at, "up to the group's end");
        }
        int previous = Integer.MAX_VALUE;
        for (int i = 0; i < plan.blocks(); i++) {
            int len = items[i * IndexerPlan.ITEM_INTS + 4] - items[i * IndexerPlan.ITEM_INTS + 3];
            assertTrue(len <= previous, "longest first");
            previous = len;
        }
    }

    @Test
    void decodeGroupsAreTheSequencesQueriesOverWhatTheLastQuerySees() {
        IndexerSpec.PagedIndexerTopK spec = IndexerSpec.PagedIndexerTopK.of(List.of(4096, 1, 2049, 3000), 1, 64, 128,
                KeyType.FP8, 1, 2048);
        List<IndexerPlan.Group> groups = IndexerPlan.groups(spec);
        assertEquals(List.of(new IndexerPlan.Group(0, 1, 0, 0, 4096), new IndexerPlan.Group(1, 1, 1, 0, 1),
                new IndexerPlan.Group(2, 1, 2, 0, 2049), new IndexerPlan.Group(3, 1, 3, 0, 3000)), groups);
        IndexerPlan plan = IndexerPlan.of(spec, 132);
        assertEquals(1, plan.tilesPerItem(), "64 + 1 + 33 + 47 tiles for 528 items: one tile each");
        assertEquals(145, plan.blocks());
        covers(spec, plan);
        // one SM: the items take up to 16 tiles
        IndexerPlan one = IndexerPlan.of(spec, 1);
        assertEquals(16, one.tilesPerItem());
        assertEquals(4 + 1 + 3 + 3, one.blocks());
        covers(spec, one);
        // two MTP queries: the group is the sequence's two rows, over the keys the second one sees
        IndexerSpec.PagedIndexerTopK mtp = IndexerSpec.PagedIndexerTopK.of(List.of(32768, 5000), 2, 64, 128,
                KeyType.FP8, 1, 2048);
        assertEquals(List.of(new IndexerPlan.Group(0, 2, 0, 0, 32768), new IndexerPlan.Group(2, 2, 1, 0, 5000)),
                IndexerPlan.groups(mtp));
        covers(mtp, IndexerPlan.of(mtp, 132));
    }

    @Test
    void compressedKeysAndSequencesWithoutKeys() {
        // ratio 4: 3 tokens hold no key; 130 tokens hold 32 keys, the first query (of 2) seeing 32
        IndexerSpec.PagedIndexerTopK spec = IndexerSpec.PagedIndexerTopK.of(List.of(8192, 130, 3), 2, 64, 128,
                KeyType.FP8, 4, 512);
        List<IndexerPlan.Group> groups = IndexerPlan.groups(spec);
        assertEquals(List.of(new IndexerPlan.Group(0, 2, 0, 0, 2048), new IndexerPlan.Group(2, 2, 1, 0, 32)), groups);
        covers(spec, IndexerPlan.of(spec, 4));
    }

    @Test
    void logitsCoverEveryColumnOfEverySequence() {
        IndexerSpec.IndexerLogits spec = new IndexerSpec.IndexerLogits(
                IndexerSpec.PagedKeys.of(List.of(3, 130, 41), 2, 5, 32, KeyType.FP8, 3, 4));
        List<IndexerPlan.Group> groups = IndexerPlan.groups(spec);
        assertEquals(3, groups.size(), "a sequence with no key still writes its -inf row");
        for (IndexerPlan.Group g : groups) {
            assertEquals(0, g.keyStart());
            assertEquals(32, g.keyEnd(), "maxKeys = 130 / 4");
        }
        covers(spec, IndexerPlan.of(spec, 4));
        IndexerSpec.IndexerLogits none = new IndexerSpec.IndexerLogits(
                IndexerSpec.PagedKeys.of(List.of(3), 1, 5, 32, KeyType.FP8, 3, 4));
        assertEquals(1, IndexerPlan.groups(none).get(0).keyEnd(), "one -inf column when no sequence has a key");
    }

    @Test
    void prefillGroupsAreConsecutiveTokensOfOneSequenceOverTheirCausalKeys() {
        assertEquals(2, IndexerPlan.prefillQueriesPerGroup(64));
        assertEquals(4, IndexerPlan.prefillQueriesPerGroup(32));
        assertEquals(25, IndexerPlan.prefillQueriesPerGroup(5));
        assertEquals(128, IndexerPlan.prefillQueriesPerGroup(1));
        IndexerSpec.IndexerTopK spec = new IndexerSpec.IndexerTopK(List.of(5, 1, 3), 32, 128, KeyType.FP8, 4);
        List<IndexerPlan.Group> groups = IndexerPlan.groups(spec);
        assertEquals(List.of(new IndexerPlan.Group(0, 4, 0, 0, 4), new IndexerPlan.Group(4, 1, 0, 0, 5),
                new IndexerPlan.Group(5, 1, 1, 5, 6), new IndexerPlan.Group(6, 3, 2, 6, 9)), groups);
        IndexerSpec.IndexerTopK big = new IndexerSpec.IndexerTopK(List.of(2048, 700), 64, 128, KeyType.FP8, 2048);
        IndexerPlan plan = IndexerPlan.of(big, 132);
        covers(big, plan);
        assertEquals(1024 + 350, plan.groups());
    }

    @Test
    void itemCountMatchesThePlan() {
        IndexerSpec.IndexerTopK spec = new IndexerSpec.IndexerTopK(List.of(2048, 700), 64, 128, KeyType.FP8, 2048);
        for (int sms : new int[] {1, 4, 132, 1024}) {
            assertEquals(IndexerPlan.of(spec, sms).blocks(), IndexerPlan.itemCount(spec, sms), "sms " + sms);
        }
    }

    @Test
    void kernelNamesSharedMemoryAndWorkspace() {
        IndexerSpec.PagedIndexerTopK paged = IndexerSpec.PagedIndexerTopK.of(List.of(4096, 300), 1, 64, 128,
                KeyType.FP8, 1, 2048);
        assertEquals("dz_indexer_logits_paged_fp8_d128", IndexerOp.kernelName(paged));
        assertEquals("dz_indexer_logits_paged_bf16_d64", IndexerOp.kernelName(new IndexerSpec.IndexerLogits(
                IndexerSpec.PagedKeys.of(List.of(5), 1, 8, 64, KeyType.BF16, 16, 1))));
        assertEquals("dz_indexer_logits_flat_bf16_d32", IndexerOp.kernelName(new IndexerSpec.IndexerTopK(List.of(9),
                4, 32, KeyType.BF16, 4)));
        // static_assert'ed in indexer.cu (Smem<D>::bytes)
        assertEquals(54016, IndexerOp.sharedBytes(32));
        assertEquals(66304, IndexerOp.sharedBytes(64));
        assertEquals(90880, IndexerOp.sharedBytes(128));
        assertTrue(IndexerOp.sharedBytes(128) <= 163 * 1024, "fits an A100 block");
        assertEquals(4096, IndexerOp.workspaceWidth(paged));
        assertEquals(4L * 2 * 4096, IndexerOp.workspaceBytes(paged));
        IndexerSpec.IndexerTopK prefill = new IndexerSpec.IndexerTopK(List.of(700, 300), 32, 128, KeyType.FP8, 256);
        assertEquals(700, IndexerOp.workspaceWidth(prefill));
        assertEquals(4L * 1000 * 700, IndexerOp.workspaceBytes(prefill));
        assertEquals(0, IndexerOp.workspaceBytes(new IndexerSpec.IndexerLogits(paged.cache())));
        // GLM-5's longest context: one row of 202,752 F32 logits
        IndexerSpec.PagedIndexerTopK glm = IndexerSpec.PagedIndexerTopK.of(List.of(202_752), 1, 32, 128,
                KeyType.FP8, 1, 2048);
        assertEquals(202_752 * 4L, IndexerOp.workspaceBytes(glm));
    }

    @Test
    void sparsePrefillIsSparseDecodeOverOneTokenQueriesUnsplitOnceTheUnitsFillTheSms() {
        AttentionSpec.SparsePrefill spec = AttentionSpec.SparsePrefill.deepseek(List.of(600, 100), 128, 256);
        List<MlaPlan.Unit> units = SparsePrefillOp.units(spec);
        assertEquals(1400, units.size(), "700 tokens x 2 head groups");
        assertEquals(new MlaPlan.Unit(64, 64, 0, 0, 4), units.get(1));
        assertEquals(new MlaPlan.Unit(699 * 128 + 64, 64, 699, 699, 4), units.get(1399));
        MlaPlan plan = SparsePrefillOp.plan(spec, 132);
        assertEquals(1400, plan.blocks());
        assertEquals(0, plan.parts(), "no split-KV");
        // two tokens, 16 heads, top-2048: too few units for 132 SMs, split as decode would
        AttentionSpec.SparsePrefill few = AttentionSpec.SparsePrefill.deepseek(List.of(2), 16, 2048);
        MlaPlan split = SparsePrefillOp.plan(few, 132);
        assertTrue(split.parts() > 0 && split.blocks() > 2, "split: " + split.blocks());
        AttentionSpec.SparsePrefill many = AttentionSpec.SparsePrefill.deepseek(Collections.nCopies(4, 1000), 64,
                2048);
        assertEquals(4000, SparsePrefillOp.plan(many, 132).blocks());
    }
}
