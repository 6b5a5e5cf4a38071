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
 * query with no token writes zeros and lse {@code +∞}. With fewer items than workers, the concatenated index
 * list (main, then extra) is split into ranges ({@link TokenSplit}) merged before the sink's factor.
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
    private final TokenSplit split;

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
        int longest = main.topk() + spec.extra().map(KvIndexSet::topk).orElse(0);
        this.split = new TokenSplit(Math.toIntExact(spec.queries()) * chunks, Math.min(hq, LatentDecodeKernel.MAX_ROWS),
                dv, pool.threads(), longest);
    }

    @Override
    public void run(byte[][] ops) {
        int n = spec.inputs().size();
        byte[] sink = spec.sink() ? ops[n - 1] : null;
        byte[] out = ops[n];
        byte[] lse = spec.returnLse() ? ops[n + 1] : null;
        int queries = Math.toIntExact(spec.queries());
        int hq = spec.numHeads();
        split.forEach(pool, queries * chunks,
                (worker, g, part) -> item(worker, g / chunks, g % chunks, part, ops, sink, out, lse),
                (worker, g) -> {
                    int query = g / chunks;
                    int h0 = (g % chunks) * LatentDecodeKernel.MAX_ROWS;
                    float[] acc = scratch[worker].keys();
                    for (int r = 0; r < Math.min(LatentDecodeKernel.MAX_ROWS, hq - h0); r++) {
                        float l = split.merge(g, r, acc);
                        int h = h0 + r;
                        // a row that saw nothing writes zeros whatever its sink (the factor can be NaN for lse +∞)
                        float factor = l == Float.POSITIVE_INFINITY ? 0f : sinkFactor(sink, h, l);
                        int off = (query * hq + h) * dv * 2;
                        for (int d = 0; d < dv; d++) {
                            Bytes.putBf16(out, off + 2 * d, acc[d] * factor);
                        }
                        putLse(lse, query, h, l);
                    }
                });
    }

    private void item(int worker, int query, int chunk, int part, byte[][] ops, byte[] sink, byte[] out, byte[] lse) {
        int hq = spec.numHeads();
        int b = query / spec.queriesPerSeq();
        int h0 = chunk * LatentDecodeKernel.MAX_ROWS;
        int rows = Math.min(LatentDecodeKernel.MAX_ROWS, hq - h0);
        int row0 = query * hq + h0;
        FlashState fs = scratch[worker].state();
        fs.begin(rows);
        for (int r = 0; r < rows; r++) {
            fs.query(r, ops[0], (row0 + r) * dk * 2, Integer.MAX_VALUE);
        }
        float[] buf = scratch[worker].keys();
        // this item's range of the main index row followed by the extra one
        int mainLen = length(spec.main(), ops[3], b);
        int extraLen = extraTokens == null ? 0 : length(spec.extra().get(), ops[6], b);
        int from = split.from(part, mainLen + extraLen);
        int to = split.to(part, mainLen + extraLen);
        int count = gather(fs, buf, 0, mainTokens, spec.main(), ops[1], ops[2], query, from, Math.min(to, mainLen));
        if (extraTokens != null) {
            count = gather(fs, buf, count, extraTokens, spec.extra().get(), ops[4], ops[5], query,
                    Math.max(0, from - mainLen), Math.max(0, to - mainLen));
        }
        if (count > 0) {
            fs.tile(count, 0, buf, 0, dk, buf, 0, dk);
        }
        if (split.splits() > 1) {
            split.keep(query * chunks + chunk, part, fs, rows);
            return;
        }
        for (int r = 0; r < rows; r++) {
            int h = h0 + r;
            float l = fs.lse(r);
            fs.write(r, out, (row0 + r) * dv * 2, sinkFactor(sink, h, l));
            putLse(lse, query, h, l);
        }
    }

    /** The sink's factor {@code 1/(1 + e^(sink − lse))} for head {@code h}; 1 without a sink. */
    private static float sinkFactor(byte[] sink, int h, float l) {
        return sink == null ? 1f : (float) (1 / (1 + Math.exp((double) Bytes.getFloat(sink, 4 * h) - l)));
    }

    private void putLse(byte[] lse, int query, int h, float l) {
        if (lse != null) {
            int sq = spec.queriesPerSeq();
            Bytes.putFloat(lse, 4 * (((query / sq) * spec.numHeads() + h) * sq + query % sq), l);
        }
    }

    /** {@code lengths[b]}, checked against the set's top-k. */
    private static int length(KvIndexSet set, byte[] lengths, int b) {
        int len = Bytes.getInt(lengths, 4 * b);
        if (len < 0 || len > set.topk()) {
            throw new IllegalArgumentException("topk_length[" + b + "] = " + len + " is outside [0, " + set.topk() + "]");
        }
        return len;
    }

    /** Folds in one index set's tokens at positions {@code [from, to)}; returns the tokens left in the tile buffer. */
    private int gather(FlashState fs, float[] buf, int count, SharedKvTokens tokens, KvIndexSet set, byte[] cache,
                       byte[] indices, int query, int from, int to) {
        int base = query * set.topk() * 4;
        for (int i = from; i < to; i++) {
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
