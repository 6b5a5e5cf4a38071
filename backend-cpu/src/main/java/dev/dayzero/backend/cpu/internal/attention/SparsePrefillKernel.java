package dev.dayzero.backend.cpu.internal.attention;

import dev.dayzero.backend.cpu.internal.Bytes;
import dev.dayzero.backend.cpu.internal.CpuDevice;
import dev.dayzero.backend.cpu.internal.Kernel;
import dev.dayzero.backend.cpu.internal.WorkerPool;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.KvCacheType;

/**
 * Sparse prefill (FlashMLA's {@code flash_mla_sparse_fwd}): each token attends to the rows of the dense
 * latent KV {@code [T, 1, Dk]} its top-k indices name ({@code -1} = unused), the value being a row's
 * first Dv columns. As in {@link SparseLatentDecodeKernel}, a work item is one token and a chunk of its
 * heads; the named rows are gathered tile by tile into F32 and folded in with an online softmax. A token
 * with no valid index writes zeros.
 */
public final class SparsePrefillKernel implements Kernel {
    private final AttentionSpec.SparsePrefill spec;
    private final WorkerPool pool;
    private final LatentTokens rows;
    private final int dk;
    private final int dv;
    private final int tokens;
    private final int chunks;
    private final Scratch[] scratch;

    public SparsePrefillKernel(AttentionSpec.SparsePrefill spec, CpuDevice device) {
        this.spec = spec;
        this.pool = device.pool();
        this.dk = spec.headDim();
        this.dv = spec.valueDim();
        this.tokens = Math.toIntExact(spec.totalTokens());
        // the dense kv is a BF16 "cache" of T pages of one slot: row r is slot r
        this.rows = new LatentTokens(device.simd(), KvCacheType.BF16, dk, tokens, 1);
        int hq = spec.numHeads();
        this.chunks = (hq + LatentDecodeKernel.MAX_ROWS - 1) / LatentDecodeKernel.MAX_ROWS;
        this.scratch = Scratch.perWorkerLatent(device, Math.min(hq, LatentDecodeKernel.MAX_ROWS), dk, dv,
                spec.softmaxScale());
    }

    @Override
    public void run(byte[][] ops) {
        byte[] q = ops[0];
        byte[] kv = ops[1];
        byte[] indices = ops[2];
        byte[] out = ops[3];
        pool.forEach(tokens * chunks, (worker, item) -> item(worker, item / chunks, item % chunks, q, kv, indices, out));
    }

    private void item(int worker, int token, int chunk, byte[] q, byte[] kv, byte[] indices, byte[] out) {
        int hq = spec.numHeads();
        int h0 = chunk * LatentDecodeKernel.MAX_ROWS;
        int n = Math.min(LatentDecodeKernel.MAX_ROWS, hq - h0);
        int row0 = token * hq + h0;
        FlashState fs = scratch[worker].state();
        fs.begin(n);
        for (int r = 0; r < n; r++) {
            fs.query(r, q, (row0 + r) * dk * 2, Integer.MAX_VALUE);
        }
        int topk = spec.topk();
        int idxBase = token * topk * 4;
        float[] buf = scratch[worker].keys();
        int count = 0;
        for (int i = 0; i < topk; i++) {
            int row = Bytes.getInt(indices, idxBase + 4 * i);
            if (row < 0) {
                continue;
            }
            if (row >= tokens) {
                throw new IllegalArgumentException("indices[" + token + ", 0, " + i + "] = " + row
                        + " is not a kv row in [0, " + tokens + ")");
            }
            rows.read(kv, row, buf, count * dk);
            if (++count == FlashState.TILE) {
                fs.tile(count, 0, buf, 0, dk, buf, 0, dk);
                count = 0;
            }
        }
        if (count > 0) {
            fs.tile(count, 0, buf, 0, dk, buf, 0, dk);
        }
        for (int r = 0; r < n; r++) {
            fs.write(r, out, (row0 + r) * dv * 2);
        }
    }
}
