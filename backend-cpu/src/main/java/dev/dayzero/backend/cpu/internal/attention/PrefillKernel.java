package dev.dayzero.backend.cpu.internal.attention;

import dev.dayzero.backend.cpu.internal.Bytes;
import dev.dayzero.backend.cpu.internal.CpuDevice;
import dev.dayzero.backend.cpu.internal.Kernel;
import dev.dayzero.backend.cpu.internal.WorkerPool;
import dev.dayzero.backend.cpu.internal.simd.Simd;
import dev.dayzero.hal.op.AttentionSpec;

/**
 * Prefill attention over packed variable-length sequences, causal or full, MHA or GQA. A work item is
 * one sequence, one KV head and a tile of queries; its rows are those queries times the query heads
 * of the group, so each converted K/V tile serves the whole group. Keys and queries are {@code Dk} wide,
 * values and outputs {@code Dv} (DeepSeek's MLA prefill: 192 and 128).
 */
public final class PrefillKernel implements Kernel {
    private static final int MAX_ROWS = 64;

    private final AttentionSpec.Prefill spec;
    private final WorkerPool pool;
    private final int hq;
    private final int hkv;
    private final int group;
    private final int d;
    private final int dv;
    private final int queriesPerItem;
    private final int[] itemSeq;
    private final int[] itemQ0;
    private final int[] seqStart;
    private final Scratch[] scratch;
    private final Simd simd;

    public PrefillKernel(AttentionSpec.Prefill spec, CpuDevice device) {
        this.spec = spec;
        this.pool = device.pool();
        this.simd = device.simd();
        this.hq = spec.numHeads();
        this.hkv = spec.numKvHeads();
        this.group = hq / hkv;
        this.d = spec.headDim();
        this.dv = spec.valueDim();
        this.queriesPerItem = Math.max(1, MAX_ROWS / group);
        int b = spec.batch();
        seqStart = new int[b];
        int items = 0;
        for (int i = 0, start = 0; i < b; i++) {
            seqStart[i] = start;
            start += spec.seqLens().get(i);
            items += (spec.seqLens().get(i) + queriesPerItem - 1) / queriesPerItem;
        }
        itemSeq = new int[items];
        itemQ0 = new int[items];
        for (int i = 0, it = 0; i < b; i++) {
            for (int q0 = 0; q0 < spec.seqLens().get(i); q0 += queriesPerItem, it++) {
                itemSeq[it] = i;
                itemQ0[it] = q0;
            }
        }
        this.scratch = Scratch.perWorker(device, queriesPerItem * group, d, dv, spec.softmaxScale());
    }

    @Override
    public void run(byte[][] ops) {
        byte[] q = ops[0];
        byte[] k = ops[1];
        byte[] v = ops[2];
        byte[] out = ops[4];
        pool.forEach(itemSeq.length * hkv, (worker, item) ->
                item(worker, item / hkv, item % hkv, q, k, v, out));
    }

    private void item(int worker, int it, int g, byte[] q, byte[] k, byte[] v, byte[] out) {
        int b = itemSeq[it];
        int len = spec.seqLens().get(b);
        int q0 = itemQ0[it];
        int nq = Math.min(queriesPerItem, len - q0);
        FlashState fs = scratch[worker].state();
        fs.begin(nq * group);
        for (int i = 0; i < nq; i++) {
            int token = seqStart[b] + q0 + i;
            for (int h = 0; h < group; h++) {
                int head = g * group + h;
                fs.query(i * group + h, q, ((token * hq) + head) * d * 2, spec.causal() ? q0 + i + 1 : len);
            }
        }
        int end = spec.causal() ? q0 + nq : len;
        float[] kf = scratch[worker].keys();
        float[] vf = scratch[worker].values();
        for (int t0 = 0; t0 < end; t0 += FlashState.TILE) {
            int count = Math.min(FlashState.TILE, end - t0);
            for (int t = 0; t < count; t++) {
                int kvToken = (seqStart[b] + t0 + t) * hkv + g;
                simd.bf16ToF32(k, kvToken * d * 2, kf, t * d, d);
                simd.bf16ToF32(v, kvToken * dv * 2, vf, t * dv, dv);
            }
            fs.tile(count, t0, kf, 0, d, vf, 0, dv);
        }
        for (int i = 0; i < nq; i++) {
            int token = seqStart[b] + q0 + i;
            for (int h = 0; h < group; h++) {
                fs.write(i * group + h, out, ((token * hq) + g * group + h) * dv * 2);
            }
        }
    }

    static int checkedPage(int page, int numPages, int b, int entry) {
        if (page < 0 || page >= numPages) {
            throw new IllegalArgumentException("block_table[" + b + ", " + entry + "] = " + page
                    + " is not a page id in [0, " + numPages + ")");
        }
        return page;
    }

    static int blockTable(byte[] table, int maxBlocks, int b, int entry) {
        return Bytes.getInt(table, (b * maxBlocks + entry) * 4);
    }
}
