package dev.dayzero.backend.cpu.internal.attention;

import dev.dayzero.backend.cpu.internal.Bytes;
import dev.dayzero.backend.cpu.internal.WorkerPool;
import java.util.Arrays;

/**
 * Decode with fewer groups of query rows than workers (batch 1 and 2 above all) splits each group's tokens into
 * ranges, one work item each, as flash-decoding does: an item keeps its rows' unnormalised output, running maximum
 * and sum ({@link #keep}), and {@link #write} merges a group's ranges, {@code O = Σ_s e^(m_s - M) O_s / Σ_s e^(m_s - M)
 * l_s} with {@code M} the largest {@code m_s}. A range holds at least {@value #MIN_TOKENS} tokens and starts on a
 * tile boundary, so the tiles each range sees are the single pass's.
 */
final class TokenSplit {
    /** The fewest tokens worth a range of their own: four tiles. */
    static final int MIN_TOKENS = 4 * FlashState.TILE;

    private final int splits;
    private final int rows;
    private final int dv;
    private final float[] o; // [group][split][row][dv]
    private final float[] m; // [group][split][row]
    private final float[] l;

    /**
     * @param groups    groups of query rows (work items without a split)
     * @param rows      most rows a group has
     * @param dv        value width
     * @param threads   the workers
     * @param maxTokens most tokens a group reads
     */
    TokenSplit(int groups, int rows, int dv, int threads, int maxTokens) {
        this.splits = splits(groups, threads, maxTokens);
        this.rows = rows;
        this.dv = dv;
        int n = splits == 1 ? 0 : groups * splits * rows;
        this.o = new float[Math.multiplyExact(n, dv)];
        this.m = new float[n];
        this.l = new float[n];
    }

    /** Ranges a group's tokens are split into: enough to give every worker an item, at most one per {@value #MIN_TOKENS} tokens. */
    static int splits(int groups, int threads, int maxTokens) {
        if (groups <= 0 || groups >= threads) {
            return 1;
        }
        int wanted = (threads + groups - 1) / groups;
        return Math.max(1, Math.min(wanted, maxTokens / MIN_TOKENS));
    }

    int splits() {
        return splits;
    }

    /** One work item: range {@code range} of group {@code group}'s tokens (range 0 of 1 when not split). */
    @FunctionalInterface
    interface Range {
        void run(int worker, int group, int range);
    }

    /**
     * Runs every range of every group on {@code pool}; then, when split, {@code merge} for every group (which
     * writes the group's rows through {@link #write} or {@link #merge}).
     */
    void forEach(WorkerPool pool, int groups, Range item, WorkerPool.Body merge) {
        pool.forEach(groups * splits, (worker, i) -> item.run(worker, i / splits, i % splits));
        if (splits > 1) {
            pool.forEach(groups, merge);
        }
    }

    /** First token of range {@code s} of a group that reads tokens {@code [0, end)}. */
    int from(int s, int end) {
        return Math.min(end, s * span(end));
    }

    /** End (exclusive) of range {@code s} of a group that reads tokens {@code [0, end)}. */
    int to(int s, int end) {
        return Math.min(end, (s + 1) * span(end));
    }

    private int span(int end) {
        int perSplit = (end + splits - 1) / splits;
        return (perSplit + FlashState.TILE - 1) / FlashState.TILE * FlashState.TILE;
    }

    /** Keeps range {@code s}'s state of group {@code g}'s first {@code count} rows. */
    void keep(int g, int s, FlashState fs, int count) {
        int base = (g * splits + s) * rows;
        for (int r = 0; r < count; r++) {
            m[base + r] = fs.max(r);
            l[base + r] = fs.sum(r);
            fs.output(r, o, (base + r) * dv);
        }
    }

    /** Writes row {@code r} of group {@code g}, merged over its ranges, as {@code dv} BF16 values at byte {@code off}. */
    void write(int g, int r, byte[] out, int off, float[] acc) {
        merge(g, r, acc);
        for (int d = 0; d < dv; d++) {
            Bytes.putBf16(out, off + 2 * d, acc[d]);
        }
    }

    /**
     * Row {@code r} of group {@code g} merged over its ranges: its normalised output into {@code acc[0, dv)} (zeros
     * if no range saw a position), and its natural-log sum of exponentials as the return value ({@code +∞} then), as
     * {@link FlashState#lse} gives for a single pass.
     */
    float merge(int g, int r, float[] acc) {
        float top = Float.NEGATIVE_INFINITY;
        for (int s = 0; s < splits; s++) {
            top = Math.max(top, m[(g * splits + s) * rows + r]);
        }
        Arrays.fill(acc, 0, dv, 0f);
        float total = 0f;
        if (top != Float.NEGATIVE_INFINITY) {
            for (int s = 0; s < splits; s++) {
                int i = (g * splits + s) * rows + r;
                if (l[i] > 0) {
                    float w = (float) Math.exp(m[i] - top);
                    total += w * l[i];
                    int ob = i * dv;
                    for (int d = 0; d < dv; d++) {
                        acc[d] += w * o[ob + d];
                    }
                }
            }
        }
        if (!(total > 0)) {
            Arrays.fill(acc, 0, dv, 0f);
            return Float.POSITIVE_INFINITY;
        }
        float inv = 1f / total;
        for (int d = 0; d < dv; d++) {
            acc[d] *= inv;
        }
        return top + (float) Math.log(total);
    }
}
