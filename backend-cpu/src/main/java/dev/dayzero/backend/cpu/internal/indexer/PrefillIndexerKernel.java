package dev.dayzero.backend.cpu.internal.indexer;

import dev.dayzero.backend.cpu.internal.Bytes;
import dev.dayzero.backend.cpu.internal.CpuDevice;
import dev.dayzero.backend.cpu.internal.Kernel;
import dev.dayzero.backend.cpu.internal.WorkerPool;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.IndexerSpec.KeyType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The prefill indexer ({@link IndexerSpec.IndexerTopK}): every token's top-k among the keys its
 * {@code [ks, ke)} range names. A work item is a block of up to {@link #block} consecutive tokens of one
 * sequence (enough that all their heads make about 128 GEMM columns); it decodes their queries once, walks
 * the union of their key ranges tile by tile (each tile decoded once for all of them), keeps each
 * token's scores and finishes with their top-k. Items run longest first, since a causal range grows
 * with the position.
 */
public final class PrefillIndexerKernel implements Kernel {
    private final WorkerPool pool;
    private final KeyType type;
    private final int heads;
    private final int dim;
    private final int topk;
    private final int tokens;
    private final int block;
    /** Longest key range one query may have: the longest sequence. */
    private final int capacity;
    private final int[] itemStart;
    private final int[] itemCount;
    private final Worker[] workers;

    private record Worker(IndexerTile tile, float[] q, float[] row, float[] w, float[] scores, int[] ks, int[] ke) {
    }

    public PrefillIndexerKernel(IndexerSpec.IndexerTopK spec, CpuDevice device) {
        this.pool = device.pool();
        this.type = spec.keyType();
        this.heads = spec.heads();
        this.dim = spec.headDim();
        this.topk = spec.topk();
        this.tokens = Math.toIntExact(spec.totalTokens());
        this.block = Math.max(1, Math.min(8, (128 + heads - 1) / heads));
        int longest = 0;
        List<int[]> items = new ArrayList<>(); // start, count, last position
        int start = 0;
        for (int len : spec.seqLens()) {
            longest = Math.max(longest, len);
            for (int i = 0; i < len; i += block) {
                int n = Math.min(block, len - i);
                items.add(new int[] {start + i, n, i + n});
            }
            start += len;
        }
        items.sort(Comparator.comparingInt((int[] it) -> it[2]).reversed());
        this.capacity = longest;
        this.itemStart = items.stream().mapToInt(i -> i[0]).toArray();
        this.itemCount = items.stream().mapToInt(i -> i[1]).toArray();
        this.workers = new Worker[pool.threads()];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(new IndexerTile(device.simd(), type, heads, dim, block * heads),
                    new float[block * heads * dim], new float[dim], new float[block * heads], new float[block * capacity],
                    new int[block], new int[block]);
        }
    }

    @Override
    public void run(byte[][] ops) {
        byte[] q = ops[0];
        byte[] k = ops[1];
        byte[] kScale = ops[2];
        byte[] w = ops[3];
        byte[] ks = ops[4];
        byte[] ke = ops[5];
        byte[] out = ops[6];
        pool.forEach(itemStart.length,
                (worker, item) -> item(workers[worker], itemStart[item], itemCount[item], q, k, kScale, w, ks, ke, out));
    }

    private void item(Worker wk, int i0, int nq, byte[] qb, byte[] kb, byte[] kScale, byte[] wb, byte[] ksb,
                      byte[] keb, byte[] out) {
        IndexerTile tile = wk.tile();
        int lo = Integer.MAX_VALUE;
        int hi = Integer.MIN_VALUE;
        for (int i = 0; i < nq; i++) {
            int s = Bytes.getInt(ksb, 4 * (i0 + i));
            int e = Bytes.getInt(keb, 4 * (i0 + i));
            if (s < 0 || s > e || e > tokens) {
                throw new IllegalArgumentException("ks, ke of token " + (i0 + i) + " = " + s + ", " + e
                        + " is not a range of the " + tokens + " key rows");
            }
            wk.ks()[i] = s;
            wk.ke()[i] = e;
            if (s < e) {
                lo = Math.min(lo, s);
                hi = Math.max(hi, e);
            }
        }
        if (lo < hi) {
            if (hi - lo > capacity) {
                throw new IllegalArgumentException("the key ranges of tokens " + i0 + ".." + (i0 + nq - 1) + " span "
                        + (hi - lo) + " rows; the cpu kernel takes ranges within one sequence (at most " + capacity + ")");
            }
            int qBytes = type.valueType().bits() / 8;
            tile.queries(qb, i0 * heads * dim * qBytes, nq * heads, wk.q(), 0, wk.row());
            for (int i = 0; i < nq * heads; i++) {
                wk.w()[i] = Bytes.getFloat(wb, 4 * (i0 * heads + i));
            }
            for (int t0 = lo; t0 < hi; t0 += IndexerTile.TILE) {
                int count = Math.min(IndexerTile.TILE, hi - t0);
                for (int t = 0; t < count; t++) {
                    int row = t0 + t;
                    tile.key(t, kb, row * dim * qBytes, type == KeyType.FP8 ? Bytes.getFloat(kScale, 4 * row) : 1f);
                }
                tile.scores(nq * heads, count, wk.q(), 0);
                for (int i = 0; i < nq; i++) {
                    int a = Math.max(wk.ks()[i], t0);
                    int e = Math.min(wk.ke()[i], t0 + count);
                    if (a < e) {
                        tile.reduce(i * heads, a - t0, e - a, wk.w(), i * heads);
                        System.arraycopy(tile.acc, 0, wk.scores(), i * capacity + a - wk.ks()[i], e - a);
                    }
                }
            }
        }
        for (int i = 0; i < nq; i++) {
            TopK.select(wk.scores(), i * capacity, wk.ke()[i] - wk.ks()[i], topk, wk.ks()[i], out, 4 * (i0 + i) * topk,
                    tile.hist);
        }
    }
}
