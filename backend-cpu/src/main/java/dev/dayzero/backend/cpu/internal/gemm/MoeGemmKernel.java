package dev.dayzero.backend.cpu.internal.gemm;

import dev.dayzero.backend.cpu.internal.Bytes;
import dev.dayzero.backend.cpu.internal.CpuDevice;
import dev.dayzero.backend.cpu.internal.Kernel;
import dev.dayzero.backend.cpu.internal.WorkerPool;
import dev.dayzero.backend.cpu.internal.simd.Simd;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp8;
import dev.dayzero.hal.op.MoeGemmSpec;
import java.util.Arrays;

/**
 * MoE grouped GEMM, {@code out_e = X_e · W_eᵀ}, for every layout and type of {@link MoeGemmSpec}.
 *
 * <p>The computation is arranged as {@code out_eᵀ = W_e · X_eᵀ} so that the big operand, W, is never
 * transposed: phase one converts each expert's rows of X once into F32 {@code Xᵀ [K][mPad]} (columns
 * past the expert's rows stay zero). Phase two hands out work items of {@value #NB} weight rows of one
 * expert; for each K block of {@value #KC} an item converts its weight rows to an F32 panel (BF16 by
 * shifting, FP8 through a lookup table times the block scale, INT8 exactly) and runs the shared
 * register-blocked GEMM: a weight scalar broadcast against vectors of {@code Xᵀ}. INT8 blocks are
 * exact in F32 (|partial sum| &lt; 2^24) and are drained into I32 accumulators after each block.
 * Only the valid rows of each expert are written, so masked slots past the valid count stay untouched.
 *
 * <p>UE8M0 scales (FP8_BLOCK with {@code scaleType} UE8M0, the 1×128 activation scales of MXFP4_FP8) are
 * converted to F32 once per launch at entry, so the loops read F32 scales as before. MXFP4 weights are
 * decoded by {@link Mxfp4Panel}; their activations take the FP8_BLOCK (MXFP4_FP8) or BF16 (MXFP4_BF16)
 * path.
 */
public final class MoeGemmKernel implements Kernel {
    /** Weight rows (output columns) per work item: a multiple of the 6-row register tile. */
    static final int NB = 96;
    /** Depth of one K block; at most 1024 so INT8 partial sums stay exact in F32. */
    static final int KC = 256;
    private static final int XT_KB = 128;

    private final MoeGemmSpec spec;
    /** The type whose activation path applies: the spec's, or FP8_BLOCK / BF16 for the MXFP4 types. */
    private final MoeGemmSpec.Type type;
    private final Mxfp4Panel mx;    // MXFP4 weights only
    private final boolean ue8m0;
    private final Simd simd;
    private final WorkerPool pool;
    private final int n;
    private final int k;
    private final int nBlocks;
    private final int[] active;     // experts with at least one row
    private final int[] rows;       // valid rows, by expert
    private final int[] firstRow;   // first stored row, by expert
    private final int[] mPad;       // rows rounded up to 16, by expert
    private final int[] xtOff;      // offset of the expert's X^T in xt, by expert
    private final float[] xt;
    private final float[][] panel;  // per worker: [NB][KC]
    private final float[][] acc;    // per worker: [NB][max mPad]
    private final int[][] iacc;     // per worker, INT8 only
    private final float[] fp8 = Fp8.decodeTable(DType.F8_E4M3FN);

    public MoeGemmKernel(MoeGemmSpec spec, CpuDevice device) {
        this.spec = spec;
        this.type = switch (spec.type()) {
            case MXFP4_FP8 -> MoeGemmSpec.Type.FP8_BLOCK;
            case MXFP4_BF16 -> MoeGemmSpec.Type.BF16;
            default -> spec.type();
        };
        this.mx = spec.type().isMxfp4() ? new Mxfp4Panel(spec.n(), spec.k()) : null;
        this.ue8m0 = spec.scaleType() == DType.UE8M0;
        this.simd = device.simd();
        this.pool = device.pool();
        this.n = spec.n();
        this.k = spec.k();
        this.nBlocks = (n + NB - 1) / NB;
        int experts = spec.experts();
        rows = new int[experts];
        firstRow = new int[experts];
        mPad = new int[experts];
        xtOff = new int[experts];
        int activeCount = 0;
        long offset = 0;
        int maxPad = 16;
        for (int e = 0; e < experts; e++) {
            rows[e] = spec.rowsPerExpert().get(e);
            firstRow[e] = Math.toIntExact(spec.firstRow(e));
            mPad[e] = (rows[e] + 15) / 16 * 16;
            xtOff[e] = Math.toIntExact(offset);
            offset += (long) mPad[e] * k;
            maxPad = Math.max(maxPad, mPad[e]);
            if (rows[e] > 0) {
                activeCount++;
            }
        }
        active = new int[activeCount];
        for (int e = 0, i = 0; e < experts; e++) {
            if (rows[e] > 0) {
                active[i++] = e;
            }
        }
        xt = new float[Math.toIntExact(offset)];
        int workers = pool.threads();
        panel = new float[workers][NB * KC];
        acc = new float[workers][NB * maxPad];
        iacc = type == MoeGemmSpec.Type.INT8_W8A8 ? new int[workers][NB * maxPad] : null;
    }

    /** Scratch a launch of {@code spec} holds for {@code workers} threads, in floats, for supports(). */
    public static long scratchFloats(MoeGemmSpec spec) {
        long xt = 0;
        for (int r : spec.rowsPerExpert()) {
            xt += (long) (r + 15) / 16 * 16 * spec.k();
        }
        return xt;
    }

    @Override
    public void run(byte[][] ops) {
        boolean scaled = type != MoeGemmSpec.Type.BF16;
        byte[] x = ops[0];
        byte[] w = ops[scaled ? 2 : 1];
        // UE8M0 scales to F32 once per launch, so the loops below read F32 scales; MXFP4 keeps its bytes
        byte[] xs = !scaled ? null : ue8m0 ? Mxfp4Panel.ue8m0ToF32Bytes(ops[1]) : ops[1];
        byte[] ws = mx != null ? ops[scaled ? 3 : 2]
                : !scaled ? null : ue8m0 ? Mxfp4Panel.ue8m0ToF32Bytes(ops[3]) : ops[3];
        byte[] out = ops[ops.length - 1];
        int kChunks = (k + XT_KB * 4 - 1) / (XT_KB * 4);
        pool.forEach(active.length * kChunks, (worker, item) ->
                transposeX(active[item / kChunks], (item % kChunks) * XT_KB * 4, x, xs));
        pool.forEach(active.length * nBlocks, (worker, item) ->
                block(worker, active[item / nBlocks], (item % nBlocks) * NB, w, ws, xs, out));
    }

    /** Fills columns of X_e^T for K in [k0, k0 + 512), in cache-sized blocks. */
    private void transposeX(int e, int k0, byte[] x, byte[] xs) {
        int m = rows[e];
        int ld = mPad[e];
        int kEnd = Math.min(k, k0 + XT_KB * 4);
        for (int kb = k0; kb < kEnd; kb += XT_KB) {
            int ke = Math.min(kEnd, kb + XT_KB);
            for (int i = 0; i < m; i++) {
                long row = firstRow[e] + i;
                int base = xtOff[e] + i;
                switch (type) {
                    case BF16 -> {
                        int src = Math.toIntExact((row * k) * 2);
                        for (int kk = kb; kk < ke; kk++) {
                            xt[base + kk * ld] = Bytes.getBf16(x, src + 2 * kk);
                        }
                    }
                    case FP8_BLOCK -> {
                        int src = Math.toIntExact(row * k);
                        float s = Bytes.getFloat(xs, Math.toIntExact((row * (k / 128) + kb / 128) * 4));
                        for (int kk = kb; kk < ke; kk++) {
                            xt[base + kk * ld] = fp8[x[src + kk] & 0xff] * s;
                        }
                    }
                    case INT8_W8A8 -> {
                        int src = Math.toIntExact(row * k);
                        for (int kk = kb; kk < ke; kk++) {
                            xt[base + kk * ld] = x[src + kk];
                        }
                    }
                }
            }
        }
    }

    /** Output columns [n0, n0 + NB) of expert e, over all of K. */
    private void block(int worker, int e, int n0, byte[] w, byte[] ws, byte[] xs, byte[] out) {
        int nCount = Math.min(NB, n - n0);
        int nPad = (nCount + 5) / 6 * 6;
        int ld = mPad[e];
        float[] p = panel[worker];
        float[] c = acc[worker];
        int[] ic = iacc == null ? null : iacc[worker];
        Arrays.fill(c, 0, nPad * ld, 0f);
        if (ic != null) {
            Arrays.fill(ic, 0, nPad * ld, 0);
        }
        for (int k0 = 0; k0 < k; k0 += KC) {
            int kc = Math.min(KC, k - k0);
            for (int r = 0; r < nCount; r++) {
                convertWeights(e, n0 + r, k0, kc, w, ws, p, r * KC);
            }
            Arrays.fill(p, nCount * KC, nPad * KC, 0f);
            simd.gemm(nPad, ld, kc, p, 0, KC, 1, xt, xtOff[e] + k0 * ld, ld, c, 0, ld);
            if (ic != null) {
                for (int i = 0; i < nPad * ld; i++) {
                    ic[i] += (int) c[i];
                    c[i] = 0f;
                }
            }
        }
        writeOut(e, n0, nCount, ld, c, ic, xs, ws, out);
    }

    private void convertWeights(int e, int row, int k0, int kc, byte[] w, byte[] ws, float[] p, int dst) {
        if (mx != null) {
            mx.decode(e, row, k0, kc, w, ws, p, dst);
            return;
        }
        long elem = ((long) e * n + row) * k + k0;
        switch (type) {
            case BF16 -> simd.bf16ToF32(w, Math.toIntExact(elem * 2), p, dst, kc);
            case FP8_BLOCK -> {
                int kBlocks = k / 128;
                long scaleRow = ((long) e * ((n + 127) / 128) + row / 128) * kBlocks;
                int src = Math.toIntExact(elem);
                for (int j = 0; j < kc; ) {
                    int kk = k0 + j;
                    float s = Bytes.getFloat(ws, Math.toIntExact((scaleRow + kk / 128) * 4));
                    int end = Math.min(kc, j + 128 - kk % 128);
                    for (; j < end; j++) {
                        p[dst + j] = fp8[w[src + j] & 0xff] * s;
                    }
                }
            }
            case INT8_W8A8 -> {
                int src = Math.toIntExact(elem);
                for (int j = 0; j < kc; j++) {
                    p[dst + j] = w[src + j];
                }
            }
        }
    }

    private void writeOut(int e, int n0, int nCount, int ld, float[] c, int[] ic, byte[] xs, byte[] ws, byte[] out) {
        for (int i = 0; i < rows[e]; i++) {
            long row = firstRow[e] + i;
            int dst = Math.toIntExact((row * n + n0) * 2);
            if (ic == null) {
                for (int r = 0; r < nCount; r++) {
                    Bytes.putBf16(out, dst + 2 * r, c[r * ld + i]);
                }
            } else {
                float sx = Bytes.getFloat(xs, Math.toIntExact(row * 4));
                int wsBase = Math.toIntExact(((long) e * n + n0) * 4);
                for (int r = 0; r < nCount; r++) {
                    float sw = Bytes.getFloat(ws, wsBase + 4 * r);
                    Bytes.putBf16(out, dst + 2 * r, (float) ic[r * ld + i] * sx * sw);
                }
            }
        }
    }

    MoeGemmSpec spec() {
        return spec;
    }
}
