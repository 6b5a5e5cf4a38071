package dev.dayzero.backend.cpu.internal.attention;

import dev.dayzero.backend.cpu.internal.Bytes;
import dev.dayzero.backend.cpu.internal.CpuDevice;
import dev.dayzero.backend.cpu.internal.Kernel;
import dev.dayzero.backend.cpu.internal.WorkerPool;
import dev.dayzero.hal.op.AttentionSpec;

/**
 * Sparse latent MQA decode (DSA): each query attends to the cache slots its top-k indices name
 * ({@code -1} = unused), gathered tile by tile. A work item is one query token and a chunk of its
 * heads; a query with no valid index writes zeros. With fewer items than workers, each item's index list is
 * split into ranges ({@link TokenSplit}) merged at the end.
 */
public final class SparseLatentDecodeKernel implements Kernel {
    private final AttentionSpec.SparseLatentDecode spec;
    private final WorkerPool pool;
    private final LatentTokens tokens;
    private final int dk;
    private final int dv;
    private final int chunks;
    private final Scratch[] scratch;
    private final TokenSplit split;

    public SparseLatentDecodeKernel(AttentionSpec.SparseLatentDecode spec, CpuDevice device) {
        this.spec = spec;
        this.pool = device.pool();
        this.dk = spec.headDim();
        this.dv = spec.valueDim();
        this.tokens = new LatentTokens(device.simd(), spec.kvCache(), dk, spec.numPages(), spec.pageSize());
        int hq = spec.numHeads();
        this.chunks = (hq + LatentDecodeKernel.MAX_ROWS - 1) / LatentDecodeKernel.MAX_ROWS;
        this.scratch = Scratch.perWorkerLatent(device, Math.min(hq, LatentDecodeKernel.MAX_ROWS), dk, dv,
                spec.softmaxScale());
        this.split = new TokenSplit(spec.batch() * spec.queriesPerSeq() * chunks,
                Math.min(hq, LatentDecodeKernel.MAX_ROWS), dv, pool.threads(), spec.topk());
    }

    @Override
    public void run(byte[][] ops) {
        byte[] q = ops[0];
        byte[] cache = ops[1];
        byte[] indices = ops[2];
        byte[] out = ops[3];
        int queries = spec.batch() * spec.queriesPerSeq();
        int hq = spec.numHeads();
        split.forEach(pool, queries * chunks,
                (worker, g, s) -> item(worker, g / chunks, g % chunks, s, q, cache, indices, out),
                (worker, g) -> {
                    int h0 = (g % chunks) * LatentDecodeKernel.MAX_ROWS;
                    int row0 = (g / chunks) * hq + h0;
                    for (int r = 0; r < Math.min(LatentDecodeKernel.MAX_ROWS, hq - h0); r++) {
                        split.write(g, r, out, (row0 + r) * dv * 2, scratch[worker].keys());
                    }
                });
    }

    private void item(int worker, int query, int chunk, int s, byte[] q, byte[] cache, byte[] indices, byte[] out) {
        int hq = spec.numHeads();
        int h0 = chunk * LatentDecodeKernel.MAX_ROWS;
        int rows = Math.min(LatentDecodeKernel.MAX_ROWS, hq - h0);
        int row0 = query * hq + h0;
        FlashState fs = scratch[worker].state();
        fs.begin(rows);
        for (int r = 0; r < rows; r++) {
            fs.query(r, q, (row0 + r) * dk * 2, Integer.MAX_VALUE);
        }
        int topk = spec.topk();
        int idxBase = query * topk * 4;
        float[] buf = scratch[worker].keys();
        int count = 0;
        for (int i = split.from(s, topk), to = split.to(s, topk); i < to; i++) {
            int slot = Bytes.getInt(indices, idxBase + 4 * i);
            if (slot < 0) {
                continue;
            }
            tokens.read(cache, slot, buf, count * dk);
            if (++count == FlashState.TILE) {
                fs.tile(count, 0, buf, 0, dk, buf, 0, dk);
                count = 0;
            }
        }
        if (count > 0) {
            fs.tile(count, 0, buf, 0, dk, buf, 0, dk);
        }
        if (split.splits() > 1) {
            split.keep(query * chunks + chunk, s, fs, rows);
            return;
        }
        for (int r = 0; r < rows; r++) {
            fs.write(r, out, (row0 + r) * dv * 2);
        }
    }
}
