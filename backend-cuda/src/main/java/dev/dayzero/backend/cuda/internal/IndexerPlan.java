package dev.dayzero.backend.cuda.internal;

import dev.dayzero.hal.op.IndexerSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The work of one launch of {@code indexer.cu}'s logits kernel, computed on the host from the spec at prepare:
 * {@link Group}s of query rows that share their keys (decode: the {@code nextN} queries of one sequence; prefill:
 * up to {@code 128 / heads} consecutive tokens of one sequence, so that a block's rows — queries × heads — are at
 * most {@value #MAX_ROWS}) against the keys they see, cut into items of at most {@link #tilesPerItem()} tiles of
 * {@value #TILE} keys: one thread block each, longest first. The tiles an item takes are chosen so that the items
 * number about {@value #ITEMS_PER_SM} per SM, between 1 and {@value #MAX_TILES_PER_ITEM} tiles (Q, up to 32 KiB of
 * BF16, is read again by every item of a group).
 *
 * <p>Key ranges: {@link IndexerSpec.PagedIndexerTopK}: {@code [0, validKeys(b, nextN - 1))} (the last query sees
 * the most); {@link IndexerSpec.IndexerLogits}: {@code [0, max(1, maxKeys))} for every sequence, since every column
 * of the output is written ({@code -inf} past a row's length); {@link IndexerSpec.IndexerTopK}: the global key rows
 * {@code [o, o + last + 1)} of a group of tokens of a sequence starting at row {@code o}.
 */
final class IndexerPlan {
    /** Keys of a tile. */
    static final int TILE = 64;
    /** Most query rows (queries × heads) of a block. */
    static final int MAX_ROWS = 128;
    /** Ints an item takes in the kernel's item table. */
    static final int ITEM_INTS = 8;
    /** Most tiles of one item. */
    static final int MAX_TILES_PER_ITEM = 16;
    /** Items aimed at per SM. */
    static final int ITEMS_PER_SM = 4;

    /**
     * Query rows sharing their keys.
     *
     * @param queryBase first query row (of {@code q}, {@code weights} and the output)
     * @param queries   query rows (1..128 / heads)
     * @param seq       the sequence (block-table row; prefill: informative)
     * @param keyStart  first key (decode: position in the sequence; prefill: global row)
     * @param keyEnd    end key, exclusive ({@code > keyStart})
     */
    record Group(int queryBase, int queries, int seq, int keyStart, int keyEnd) {
        Group {
            if (queries < 1 || keyEnd <= keyStart) {
                throw new IllegalArgumentException("group of " + queries + " queries over keys [" + keyStart + ", "
                        + keyEnd + ")");
            }
        }

        int tiles() {
            return (int) ((keyEnd - (long) keyStart + TILE - 1) / TILE);
        }
    }

    private final int[] items;
    private final int tilesPerItem;
    private final int groups;

    private IndexerPlan(int[] items, int tilesPerItem, int groups) {
        this.items = items;
        this.tilesPerItem = tilesPerItem;
        this.groups = groups;
    }

    /** Queries a prefill group takes: as many as fit {@value #MAX_ROWS} rows with every head. */
    static int prefillQueriesPerGroup(int heads) {
        return Math.max(1, MAX_ROWS / heads);
    }

    /** The groups of {@code spec}. */
    static List<Group> groups(IndexerSpec spec) {
        List<Group> groups = new ArrayList<>();
        if (spec instanceof IndexerSpec.PagedIndexerTopK p) {
            IndexerSpec.PagedKeys c = p.cache();
            for (int b = 0; b < c.batch(); b++) {
                int keys = c.validKeys(b, c.nextN() - 1);
                if (keys > 0) {
                    groups.add(new Group(b * c.nextN(), c.nextN(), b, 0, keys));
                }
            }
        } else if (spec instanceof IndexerSpec.IndexerLogits l) {
            IndexerSpec.PagedKeys c = l.cache();
            int cols = Math.max(1, c.maxKeys());
            for (int b = 0; b < c.batch(); b++) {
                groups.add(new Group(b * c.nextN(), c.nextN(), b, 0, cols));
            }
        } else if (spec instanceof IndexerSpec.IndexerTopK t) {
            int per = prefillQueriesPerGroup(t.heads());
            int offset = 0;
            for (int s = 0; s < t.seqLens().size(); s++) {
                int len = t.seqLens().get(s);
                for (int g = 0; g < len; g += per) {
                    int n = Math.min(per, len - g);
                    groups.add(new Group(offset + g, n, s, offset, offset + g + n));
                }
                offset += len;
            }
        } else {
            throw new IllegalArgumentException("no indexer plan for " + spec.describe());
        }
        return groups;
    }

    /** The plan of {@code spec} on {@code sms} SMs. */
    static IndexerPlan of(IndexerSpec spec, int sms) {
        List<Group> groups = groups(spec);
        long tiles = 0;
        for (Group g : groups) {
            tiles += g.tiles();
        }
        long target = (long) ITEMS_PER_SM * Math.max(1, sms);
        int per = (int) Math.max(1, Math.min(MAX_TILES_PER_ITEM, (tiles + target - 1) / target));
        record Item(int[] fields, int keys) {
        }
        List<Item> list = new ArrayList<>();
        long span = (long) per * TILE;
        for (Group g : groups) {
            for (long k = g.keyStart(); k < g.keyEnd(); k += span) {
                int end = (int) Math.min(g.keyEnd(), k + span);
                list.add(new Item(new int[] {g.queryBase(), g.queries(), g.seq(), (int) k, end, 0, 0, 0},
                        end - (int) k));
            }
        }
        list.sort(Comparator.comparingInt(Item::keys).reversed());
        int[] items = new int[list.size() * ITEM_INTS];
        for (int i = 0; i < list.size(); i++) {
            System.arraycopy(list.get(i).fields(), 0, items, i * ITEM_INTS, ITEM_INTS);
        }
        return new IndexerPlan(items, per, groups.size());
    }

    /**
     * Items (blocks of the logits launch) {@code spec} needs on {@code sms} SMs, without building the table: for the
     * support rules' grid limit.
     */
    static long itemCount(IndexerSpec spec, int sms) {
        List<Group> groups = groups(spec);
        long tiles = 0;
        for (Group g : groups) {
            tiles += g.tiles();
        }
        long target = (long) ITEMS_PER_SM * Math.max(1, sms);
        long per = Math.max(1, Math.min(MAX_TILES_PER_ITEM, (tiles + target - 1) / target));
        long items = 0;
        for (Group g : groups) {
            items += (g.tiles() + per - 1) / per;
        }
        return items;
    }

    /** The kernel's item table: {@link #blocks()} × {@value #ITEM_INTS} ints (query base, queries, sequence, first
     *  key, end key, 0, 0, 0). */
    int[] items() {
        return items.clone();
    }

    /** Blocks of the logits launch (0: no query sees a key). */
    int blocks() {
        return items.length / ITEM_INTS;
    }

    /** Most tiles of {@value #TILE} keys an item takes. */
    int tilesPerItem() {
        return tilesPerItem;
    }

    /** Groups of query rows. */
    int groups() {
        return groups;
    }
}
