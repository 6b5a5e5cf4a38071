package dev.dayzero.backend.cpu.internal.indexer;

import dev.dayzero.backend.cpu.internal.Bytes;
import dev.dayzero.backend.cpu.internal.CpuDevice;
import dev.dayzero.backend.cpu.internal.Kernel;
import dev.dayzero.backend.cpu.internal.WorkerPool;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.IndexerSpec.KeyType;
import dev.dayzero.hal.op.IndexerSpec.PagedKeys;
import java.util.ArrayList;
import java.util.List;

/**
 * The decode indexer over a paged key cache: {@link IndexerSpec.PagedIndexerTopK} (scores, then the
 * top-k of each row) and {@link IndexerSpec.IndexerLogits} (the scores themselves, {@code -inf} from each
 * row's length on).
 *
 * <p>Per launch the queries (transposed) and weights are decoded to F32 once. A work item is one sequence and a chunk
 * of {@value #CHUNK} of its keys: tile by tile the keys are decoded (only those below the longest of the
 * sequence's {@code context_lens}: slots past it and pages the block table does not name are never
 * read) and scored against every head of all its {@code nextN} queries in one GEMM. Top-k then runs per
 * row on all workers.
 */
public final class PagedIndexerKernel implements Kernel {
    /** Keys per work item. */
    static final int CHUNK = 8 * IndexerTile.TILE;

    private final PagedKeys cache;
    private final boolean logits;
    private final int topk;
    private final WorkerPool pool;
    private final KeyType type;
    private final int heads;
    private final int dim;
    private final int nextN;
    private final int batch;
    private final int pageSize;
    private final int width;
    private final long blockBytes;
    private final int[] itemSeq;
    private final int[] itemStart;
    /** Each sequence's queries, decoded and transposed: {@code [B][headDim][nextN · heads]}. */
    private final float[] q;
    private final float[] w;
    private final int[] lens;
    private final float[][] scores;
    private final IndexerTile[] tiles;
    private final float[][] rows;

    public PagedIndexerKernel(IndexerSpec spec, CpuDevice device) {
        if (spec instanceof IndexerSpec.PagedIndexerTopK p) {
            this.cache = p.cache();
            this.logits = false;
            this.topk = p.topk();
        } else if (spec instanceof IndexerSpec.IndexerLogits l) {
            this.cache = l.cache();
            this.logits = true;
            this.topk = 0;
        } else {
            throw new IllegalArgumentException("not a paged indexer spec: " + spec.describe());
        }
        this.pool = device.pool();
        this.type = cache.keyType();
        this.heads = cache.heads();
        this.dim = cache.headDim();
        this.nextN = cache.nextN();
        this.batch = cache.batch();
        this.pageSize = cache.pageSize();
        this.width = Math.max(1, cache.maxKeys());
        this.blockBytes = cache.blockBytes();
        List<int[]> items = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            for (int k0 = 0; k0 < cache.keys(b); k0 += CHUNK) {
                items.add(new int[] {b, k0});
            }
        }
        this.itemSeq = items.stream().mapToInt(i -> i[0]).toArray();
        this.itemStart = items.stream().mapToInt(i -> i[1]).toArray();
        int queries = batch * nextN;
        this.q = new float[queries * heads * dim];
        this.w = new float[queries * heads];
        this.lens = new int[queries];
        this.scores = new float[logits ? 0 : queries][];
        for (int r = 0; r < scores.length; r++) {
            scores[r] = new float[cache.keys(r / nextN)];
        }
        this.tiles = new IndexerTile[pool.threads()];
        this.rows = new float[pool.threads()][dim];
        for (int i = 0; i < tiles.length; i++) {
            tiles[i] = new IndexerTile(device.simd(), type, heads, dim, nextN * heads);
        }
    }

    /** F32 values the decoded queries of a decode indexer take (0 for the prefill one, which decodes per item). */
    public static long queryFloats(IndexerSpec spec) {
        return spec instanceof IndexerSpec.IndexerTopK ? 0 : spec.queries() * spec.heads() * spec.headDim();
    }

    @Override
    public void run(byte[][] ops) {
        byte[] qb = ops[0];
        byte[] kc = ops[1];
        byte[] wb = ops[2];
        byte[] ctx = ops[3];
        byte[] table = ops[4];
        byte[] out = ops[5];
        for (int r = 0; r < lens.length; r++) {
            int len = Bytes.getInt(ctx, 4 * r);
            int keys = cache.keys(r / nextN);
            if (len < 0 || len > keys) {
                throw new IllegalArgumentException("context_lens[" + r / nextN + ", " + r % nextN + "] = " + len
                        + " is outside [0, " + keys + "], the keys the spec caches for that sequence");
            }
            lens[r] = len;
        }
        int rowValues = nextN * heads * dim;
        pool.forEach(batch, (worker, b) -> {
            int qBytes = type.valueType().bits() / 8;
            tiles[worker].queries(qb, b * rowValues * qBytes, nextN * heads, q, b * rowValues, rows[worker]);
            for (int i = b * nextN * heads; i < (b + 1) * nextN * heads; i++) {
                w[i] = Bytes.getFloat(wb, 4 * i);
            }
        });
        pool.forEach(itemSeq.length, (worker, item) -> chunk(tiles[worker], itemSeq[item], itemStart[item], kc, table, out));
        pool.forEach(lens.length, (worker, r) -> finish(tiles[worker], r, out));
    }

    private void chunk(IndexerTile tile, int b, int k0, byte[] kc, byte[] table, byte[] out) {
        int seen = 0;
        for (int j = 0; j < nextN; j++) {
            seen = Math.max(seen, lens[b * nextN + j]);
        }
        int end = Math.min(k0 + CHUNK, seen);
        int maxBlocks = cache.maxBlocks();
        for (int t0 = k0; t0 < end; t0 += IndexerTile.TILE) {
            int count = Math.min(IndexerTile.TILE, end - t0);
            for (int t = 0; t < count; t++) {
                int k = t0 + t;
                int entry = k / pageSize;
                int page = Bytes.getInt(table, 4 * (b * maxBlocks + entry));
                if (page < 0 || page >= cache.numPages()) {
                    throw new IllegalArgumentException("block_table[" + b + ", " + entry + "] = " + page
                            + " is not a page id in [0, " + cache.numPages() + ")");
                }
                int slot = k % pageSize;
                if (type == KeyType.FP8) {
                    int block = Math.toIntExact(page * blockBytes);
                    tile.key(t, kc, block + slot * dim, Bytes.getFloat(kc, block + pageSize * dim + 4 * slot));
                } else {
                    tile.key(t, kc, Math.toIntExact(((long) page * pageSize + slot) * dim * 2), 1f);
                }
            }
            tile.scores(nextN * heads, count, q, b * nextN * heads * dim);
            for (int j = 0; j < nextN; j++) {
                int r = b * nextN + j;
                int n = Math.min(count, lens[r] - t0);
                if (n <= 0) {
                    continue;
                }
                tile.reduce(j * heads, 0, n, w, r * heads);
                if (logits) {
                    int base = 4 * (r * width + t0);
                    for (int t = 0; t < n; t++) {
                        Bytes.putFloat(out, base + 4 * t, tile.acc[t]);
                    }
                } else {
                    System.arraycopy(tile.acc, 0, scores[r], t0, n);
                }
            }
        }
    }

    private void finish(IndexerTile tile, int r, byte[] out) {
        if (logits) {
            for (int k = lens[r]; k < width; k++) {
                Bytes.putFloat(out, 4 * (r * width + k), Float.NEGATIVE_INFINITY);
            }
        } else {
            TopK.select(scores[r], 0, lens[r], topk, 0, out, 4 * r * topk, tile.hist);
        }
    }
}
