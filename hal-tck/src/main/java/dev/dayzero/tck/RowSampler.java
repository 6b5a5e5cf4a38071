package dev.dayzero.tck;

import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.CacheWriteSpec;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.tck.data.SplitMix64;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Which output rows the oracle checks. Below {@link #FULL_CHECK_FLOPS} every valid row. Above, a seeded
 * sample of at least {@link #MIN_SAMPLE} rows spread over the groups (experts or sequences) in
 * proportion to their size, with every row of each group that has at most {@link #SMALL_GROUP} rows.
 */
public final class RowSampler {
    /** Specs up to this many FLOPs are checked in full. */
    public static final long FULL_CHECK_FLOPS = 2_000_000_000L;
    /** Fewest rows a sample holds (when there are that many). */
    public static final int MIN_SAMPLE = 256;
    /** Groups this small are always checked in full. */
    public static final int SMALL_GROUP = 16;

    private RowSampler() {
    }

    /** A run of valid output rows that belong together: an expert's rows, or a sequence's queries. */
    record Group(int start, int count) {
    }

    /** The valid output rows of {@code spec}, grouped. */
    static List<Group> groups(OpSpec spec) {
        List<Group> groups = new ArrayList<>();
        if (spec instanceof MoeGemmSpec m) {
            for (int e = 0; e < m.experts(); e++) {
                groups.add(new Group(Math.toIntExact(m.firstRow(e)), m.rowsPerExpert().get(e)));
            }
        } else if (spec instanceof AttentionSpec.Prefill p) {
            packed(p.seqLens(), groups);
        } else if (spec instanceof AttentionSpec.PagedDecode d) {
            for (int b = 0; b < d.batch(); b++) {
                groups.add(new Group(b, 1));
            }
        } else if (spec instanceof AttentionSpec.LatentDecode d) {
            for (int b = 0; b < d.batch(); b++) {
                groups.add(new Group(b * d.queriesPerSeq(), d.queriesPerSeq()));
            }
        } else if (spec instanceof AttentionSpec.SparseLatentDecode d) {
            for (int b = 0; b < d.batch(); b++) {
                groups.add(new Group(b * d.queriesPerSeq(), d.queriesPerSeq()));
            }
        } else if (spec instanceof AttentionSpec.SparseSharedKvDecode d) {
            for (int b = 0; b < d.batch(); b++) {
                groups.add(new Group(b * d.queriesPerSeq(), d.queriesPerSeq()));
            }
        } else if (spec instanceof CacheWriteSpec.QuantInsert w) {
            groups.add(new Group(0, w.tokens()));
        } else if (spec instanceof AttentionSpec.SparsePrefill p) {
            packed(p.seqLens(), groups);
        } else if (spec instanceof IndexerSpec.IndexerTopK p) {
            packed(p.seqLens(), groups);
        } else if (spec instanceof IndexerSpec.PagedIndexerTopK p) {
            perSequence(p.cache(), groups);
        } else if (spec instanceof IndexerSpec.IndexerLogits p) {
            perSequence(p.cache(), groups);
        } else {
            throw new IllegalArgumentException("no rows to sample for " + spec.describe());
        }
        return groups;
    }

    /** One group per packed sequence. */
    private static void packed(List<Integer> seqLens, List<Group> groups) {
        int start = 0;
        for (int len : seqLens) {
            groups.add(new Group(start, len));
            start += len;
        }
    }

    /** One group per decode sequence: its nextN query rows. */
    private static void perSequence(IndexerSpec.PagedKeys cache, List<Group> groups) {
        for (int b = 0; b < cache.batch(); b++) {
            groups.add(new Group(b * cache.nextN(), cache.nextN()));
        }
    }

    /** Valid output rows of {@code spec}. */
    public static long validRows(OpSpec spec) {
        long n = 0;
        for (Group g : groups(spec)) {
            n += g.count();
        }
        return n;
    }

    /** The rows to check, ascending. */
    public static int[] select(OpSpec spec, long seed) {
        List<Group> groups = groups(spec);
        long total = validRows(spec);
        boolean full = spec.flops() <= FULL_CHECK_FLOPS || total <= MIN_SAMPLE;
        TreeSet<Integer> rows = new TreeSet<>();
        SplitMix64 rnd = SplitMix64.forStream(seed, "rows");
        for (Group g : groups) {
            if (full || g.count() <= SMALL_GROUP) {
                for (int i = 0; i < g.count(); i++) {
                    rows.add(g.start() + i);
                }
                continue;
            }
            int want = (int) Math.min(g.count(),
                    Math.max(SMALL_GROUP, (MIN_SAMPLE * (long) g.count() + total - 1) / total));
            TreeSet<Integer> picked = new TreeSet<>();
            while (picked.size() < want) {
                picked.add(g.start() + rnd.nextInt(g.count()));
            }
            rows.addAll(picked);
        }
        return rows.stream().mapToInt(Integer::intValue).toArray();
    }
}
