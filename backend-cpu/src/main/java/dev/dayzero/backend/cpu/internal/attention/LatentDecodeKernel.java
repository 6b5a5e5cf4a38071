package dev.dayzero.backend.cpu.internal.attention;

import dev.dayzero.backend.cpu.internal.CpuDevice;
import dev.dayzero.backend.cpu.internal.Kernel;
import dev.dayzero.backend.cpu.internal.WorkerPool;
import dev.dayzero.hal.op.AttentionSpec;

/**
 * Latent MQA decode (absorbed MLA, FlashMLA semantics). All {@code Sq · Hq} query rows of a sequence
 * share its one KV head, so a work item is one sequence and a chunk of up to {@value #MAX_ROWS} rows;
 * each tile of tokens is converted to F32 once and serves as keys (all Dk columns) and values (the
 * first Dv columns) alike. With fewer items than workers (batch 1 or 2), each item's tokens are split into
 * ranges ({@link TokenSplit}) merged at the end.
 */
public final class LatentDecodeKernel implements Kernel {
    static final int MAX_ROWS = 64;

    private final AttentionSpec.LatentDecode spec;
    private final WorkerPool pool;
    private final LatentTokens tokens;
    private final int dk;
    private final int dv;
    private final int rowsPerSeq;
    private final int chunks;
    private final Scratch[] scratch;
    private final TokenSplit split;

    public LatentDecodeKernel(AttentionSpec.LatentDecode spec, CpuDevice device) {
        this.spec = spec;
        this.pool = device.pool();
        this.dk = spec.headDim();
        this.dv = spec.valueDim();
        this.tokens = new LatentTokens(device.simd(), spec.kvCache(), dk, spec.numPages(), spec.pageSize());
        this.rowsPerSeq = spec.queriesPerSeq() * spec.numHeads();
        this.chunks = (rowsPerSeq + MAX_ROWS - 1) / MAX_ROWS;
        this.scratch = Scratch.perWorkerLatent(device, Math.min(MAX_ROWS, rowsPerSeq), dk, dv, spec.softmaxScale());
        int longest = 0;
        for (int b = 0; b < spec.batch(); b++) {
            longest = Math.max(longest, spec.visible(b, spec.queriesPerSeq() - 1));
        }
        this.split = new TokenSplit(spec.batch() * chunks, Math.min(MAX_ROWS, rowsPerSeq), dv, pool.threads(), longest);
    }

    @Override
    public void run(byte[][] ops) {
        byte[] q = ops[0];
        byte[] cache = ops[1];
        byte[] table = ops[2];
        byte[] out = ops[4];
        split.forEach(pool, spec.batch() * chunks,
                (worker, g, s) -> item(worker, g / chunks, g % chunks, s, q, cache, table, out),
                (worker, g) -> {
                    int r0 = (g % chunks) * MAX_ROWS;
                    int seqRow0 = (g / chunks) * rowsPerSeq + r0;
                    for (int r = 0; r < Math.min(MAX_ROWS, rowsPerSeq - r0); r++) {
                        split.write(g, r, out, (seqRow0 + r) * dv * 2, scratch[worker].keys());
                    }
                });
    }

    private void item(int worker, int b, int chunk, int s, byte[] q, byte[] cache, byte[] table, byte[] out) {
        int hq = spec.numHeads();
        int r0 = chunk * MAX_ROWS;
        int rows = Math.min(MAX_ROWS, rowsPerSeq - r0);
        int seqRow0 = b * rowsPerSeq + r0; // row index in [B, Sq, Hq]
        FlashState fs = scratch[worker].state();
        fs.begin(rows);
        int end = 0;
        for (int r = 0; r < rows; r++) {
            int j = (r0 + r) / hq;
            int visible = spec.visible(b, j);
            end = Math.max(end, visible);
            fs.query(r, q, (seqRow0 + r) * dk * 2, visible);
        }
        int pageSize = spec.pageSize();
        float[] buf = scratch[worker].keys();
        int to = split.to(s, end);
        for (int t0 = split.from(s, end); t0 < to; t0 += FlashState.TILE) {
            int count = Math.min(FlashState.TILE, to - t0);
            for (int t = 0; t < count; t++) {
                int pos = t0 + t;
                int entry = pos / pageSize;
                int page = PrefillKernel.checkedPage(PrefillKernel.blockTable(table, spec.maxBlocks(), b, entry),
                        spec.numPages(), b, entry);
                tokens.read(cache, (long) page * pageSize + pos % pageSize, buf, t * dk);
            }
            fs.tile(count, t0, buf, 0, dk, buf, 0, dk);
        }
        if (split.splits() > 1) {
            split.keep(b * chunks + chunk, s, fs, rows);
            return;
        }
        for (int r = 0; r < rows; r++) {
            fs.write(r, out, (seqRow0 + r) * dv * 2);
        }
    }
}
