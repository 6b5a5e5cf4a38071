package dev.dayzero.backend.cpu.internal.attention;

import dev.dayzero.backend.cpu.internal.CpuDevice;
import dev.dayzero.backend.cpu.internal.Kernel;
import dev.dayzero.backend.cpu.internal.WorkerPool;
import dev.dayzero.backend.cpu.internal.simd.Simd;
import dev.dayzero.hal.op.AttentionSpec;

/**
 * Paged GQA decode. A work item is one sequence and one KV head; its rows are the query heads of that
 * group. Tokens are gathered page by page through the block table, reading only the entries the
 * sequence's length needs. With fewer items than workers, each item's tokens are split into ranges
 * ({@link TokenSplit}) merged at the end.
 */
public final class PagedDecodeKernel implements Kernel {
    private final AttentionSpec.PagedDecode spec;
    private final WorkerPool pool;
    private final Simd simd;
    private final int hq;
    private final int hkv;
    private final int group;
    private final int d;
    private final Scratch[] scratch;
    private final TokenSplit split;

    public PagedDecodeKernel(AttentionSpec.PagedDecode spec, CpuDevice device) {
        this.spec = spec;
        this.pool = device.pool();
        this.simd = device.simd();
        this.hq = spec.numHeads();
        this.hkv = spec.numKvHeads();
        this.group = hq / hkv;
        this.d = spec.headDim();
        this.scratch = Scratch.perWorker(device, group, d, d, spec.softmaxScale());
        int longest = spec.seqLens().stream().mapToInt(Integer::intValue).max().orElse(0);
        this.split = new TokenSplit(spec.batch() * hkv, group, d, pool.threads(), longest);
    }

    @Override
    public void run(byte[][] ops) {
        byte[] q = ops[0];
        byte[] kc = ops[1];
        byte[] vc = ops[2];
        byte[] table = ops[3];
        byte[] out = ops[5];
        split.forEach(pool, spec.batch() * hkv,
                (worker, i, s) -> item(worker, i / hkv, i % hkv, s, q, kc, vc, table, out),
                (worker, i) -> {
                    for (int h = 0; h < group; h++) {
                        split.write(i, h, out, (i * group + h) * d * 2, scratch[worker].keys());
                    }
                });
    }

    private void item(int worker, int b, int g, int s, byte[] q, byte[] kc, byte[] vc, byte[] table, byte[] out) {
        int len = spec.seqLens().get(b);
        int pageSize = spec.pageSize();
        FlashState fs = scratch[worker].state();
        fs.begin(group);
        for (int h = 0; h < group; h++) {
            fs.query(h, q, (b * hq + g * group + h) * d * 2, len);
        }
        float[] kf = scratch[worker].keys();
        float[] vf = scratch[worker].values();
        int to = split.to(s, len);
        for (int t0 = split.from(s, len); t0 < to; t0 += FlashState.TILE) {
            int count = Math.min(FlashState.TILE, to - t0);
            for (int t = 0; t < count; t++) {
                int pos = t0 + t;
                int entry = pos / pageSize;
                int page = PrefillKernel.checkedPage(PrefillKernel.blockTable(table, spec.maxBlocks(), b, entry),
                        spec.numPages(), b, entry);
                long src = ((((long) page * pageSize + pos % pageSize) * hkv) + g) * d * 2;
                simd.bf16ToF32(kc, Math.toIntExact(src), kf, t * d, d);
                simd.bf16ToF32(vc, Math.toIntExact(src), vf, t * d, d);
            }
            fs.tile(count, t0, kf, 0, d, vf, 0, d);
        }
        if (split.splits() > 1) {
            split.keep(b * hkv + g, s, fs, group);
            return;
        }
        for (int h = 0; h < group; h++) {
            fs.write(h, out, (b * hq + g * group + h) * d * 2);
        }
    }
}
