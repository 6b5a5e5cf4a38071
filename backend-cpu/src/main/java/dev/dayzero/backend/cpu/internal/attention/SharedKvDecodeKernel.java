package dev.dayzero.backend.cpu.internal.attention;

import dev.dayzero.backend.cpu.internal.Bytes;
import dev.dayzero.backend.cpu.internal.CpuDevice;
import dev.dayzero.backend.cpu.internal.Kernel;
import dev.dayzero.backend.cpu.internal.WorkerPool;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.AttentionSpec.KvIndexSet;
import dev.dayzero.hal.op.SharedKvFormat;

/**
 * Sparse shared-KV decode (DeepSeek-V4): {@link SparseLatentDecodeKernel}'s structure over two caches. A work
 * item is one query token and a chunk of its heads; it gathers the tokens named by the leftmost
 * {@code lengths[b]} entries of the main and then the extra index row ({@code -1} skipped) tile by tile into
 * one online softmax, the value being the key row's first 512 values (all of a 512-wide MODEL1 token, RoPE
 * included). Then lse = m + ln l, and the sink's factor {@code 1/(1 + e^(sink − lse))} scales the output. A
 * query with no token writes zeros and lse {@code +∞}.
 */
public final class SharedKvDecodeKernel implements Kernel {
    private final AttentionSpec.SparseSharedKvDecode spec;
    private final WorkerPool pool;
    private final SharedKvTokens mainTokens;
    private final SharedKvTokens extraTokens;
    private final int dk;
    private final int dv;
    private final int chunks;
    private final Scratch[] scratch;

    public SharedKvDecodeKernel(AttentionSpec.SparseSharedKvDecode spec, CpuDevice device) {
        this.spec = spec;
        this.pool = device.pool();
        this.dk = spec.headDim();
        this.dv = SharedKvFormat.VALUE_DIM;
        KvIndexSet main = spec.main();
        this.mainTokens = new SharedKvTokens(device.simd(), spec.format(), dk, main.numPages(), main.pageBlockSize());
        this.extraTokens = spec.extra().map(x -> new SharedKvTokens(device.simd(), spec.format(), dk, x.numPages(),
                x.pageBlockSize())).orElse(null);
        int hq = spec.numHeads();
        this.chunks = (hq + LatentDecodeKernel.MAX_ROWS - 1) / LatentDecodeKernel.MAX_ROWS;
        this.scratch = Scratch.perWorkerLatent(device, Math.min(hq, LatentDecodeKernel.MAX_ROWS), dk, dv,
                spec.softmaxScale());
    }

    @Override
    public void run(byte[][] ops) {
        int n = spec.inputs().size();
        byte[] sink = spec.sink() ? ops[n - 1] : null;
        byte[] out = ops[n];
        byte[] lse = spec.returnLse() ? ops[n + 1] : null;
        int queries = Math.toIntExact(spec.queries());
        pool.forEach(queries * chunks, (worker, item) -> item(worker, item / chunks, item % chunks, ops, sink, out, lse));
    }

    private void item(int worker, int query, int chunk, byte[][] ops, byte[] sink, byte[] out, byte[] lse) {
        int hq = spec.numHeads();
        int sq = spec.queriesPerSeq();
        int b = query / sq;
        int s = query % sq;
        int h0 = chunk * LatentDecodeKernel.MAX_ROWS;
        int rows = Math.min(LatentDecodeKernel.MAX_ROWS, hq - h0);
        int row0 = query * hq + h0;
        FlashState fs = scratch[worker].state();
        fs.begin(rows);
        for (int r = 0; r < rows; r++) {
            fs.query(r, ops[0], (row0 + r) * dk * 2, Integer.MAX_VALUE);
        }
        float[] buf = scratch[worker].keys();
        int count = gather(fs, buf, 0, mainTokens, spec.main(), ops[1], ops[2], ops[3], query, b);
        if (extraTokens != null) {
            count = gather(fs, buf, count, extraTokens, spec.extra().get(), ops[4], ops[5], ops[6], query, b);
        }
        if (count > 0) {
            fs.tile(count, 0, buf, 0, dk, buf, 0, dk);
        }
        for (int r = 0; r < rows; r++) {
            int h = h0 + r;
            float l = fs.lse(r);
            float factor = sink == null ? 1f : (float) (1 / (1 + Math.exp((double) Bytes.getFloat(sink, 4 * h) - l)));
            fs.write(r, out, (row0 + r) * dv * 2, factor);
            if (lse != null) {
                Bytes.putFloat(lse, 4 * ((b * hq + h) * sq + s), l);
            }
        }
    }

    /** Folds in one index set's tokens; returns the tokens left in the tile buffer. */
    private int gather(FlashState fs, float[] buf, int count, SharedKvTokens tokens, KvIndexSet set, byte[] cache,
                       byte[] indices, byte[] lengths, int query, int b) {
        int topk = set.topk();
        int len = Bytes.getInt(lengths, 4 * b);
        if (len < 0 || len > topk) {
            throw new IllegalArgumentException("topk_length[" + b + "] = " + len + " is outside [0, " + topk + "]");
        }
        int base = query * topk * 4;
        for (int i = 0; i < len; i++) {
            int slot = Bytes.getInt(indices, base + 4 * i);
            if (slot == -1) {
                continue;
            }
            tokens.read(cache, slot, buf, count * dk);
            if (++count == FlashState.TILE) {
                fs.tile(count, 0, buf, 0, dk, buf, 0, dk);
                count = 0;
            }
        }
        return count;
    }
}
