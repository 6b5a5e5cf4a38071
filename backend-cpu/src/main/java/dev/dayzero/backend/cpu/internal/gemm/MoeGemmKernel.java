package dev.dayzero.backend.cpu.internal.gemm;

import dev.dayzero.backend.cpu.internal.Bytes;
import dev.dayzero.backend.cpu.internal.CpuDevice;
import dev.dayzero.backend.cpu.internal.Kernel;
import dev.dayzero.backend.cpu.internal.WorkerPool;
import dev.dayzero.backend.cpu.internal.simd.Simd;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp8;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.TensorSpec;
import java.util.Arrays;
import java.util.List;

/**
 * MoE grouped GEMM, {@code out_e = X_e · W_eᵀ}, for every layout and type of {@link MoeGemmSpec}.
 *
 * <p>The computation is arranged as {@code out_eᵀ = W_e · X_eᵀ} so that the big operand, W, is never transposed: phase
 * one converts each expert's rows of X once into F32 {@code Xᵀ [K][mPad]} (columns past the expert's rows stay zero).
 * Phase two hands out work items of {@value #NB} weight rows of one expert ({@value #NB_SMALL} for the experts of the
 * few-rows paths below); for each K block of {@value #KC} an item converts its weight rows to an F32 panel (BF16 by
 * shifting, FP8 through a lookup table times the block scale, INT8 exactly) and runs the shared register-blocked GEMM:
 * a weight scalar broadcast against vectors of {@code Xᵀ}. INT8 blocks are exact in F32 (|partial sum| &lt; 2^24) and
 * are drained into I32 accumulators after each block. Only the valid rows of each expert are written, so masked slots
 * past the valid count stay untouched.
 *
 * <p>Experts with at most {@value #SMALL_ROWS} rows (decode) take another path, since padding their rows to 16 would
 * waste most of the work: their rows of X are converted once to F32 row-major, and each work item streams its weight
 * rows once, {@value #KD} deep at a time through an L1-sized panel, into the dot-product micro-kernel
 * {@code Simd.gemmNT} (vectors along K, several weight rows and X rows per tile).
 *
 * <p>Weight formats enter only through {@link WeightDecoder}: one decoder per format turns a row segment into F32
 * (vectorised: BF16 by shifting, E4M3 by exponent arithmetic times the block scale, INT8 by widening).
 *
 * <p>UE8M0 scales (FP8_BLOCK with {@code scaleType} UE8M0, the 1×128 activation scales of MXFP4_FP8) are converted to
 * F32 once per launch at entry, so the loops read F32 scales as before. MXFP4 weights are decoded by {@link Mxfp4Panel}
 * (through {@link WeightDecoder}); their activations take the FP8_BLOCK (MXFP4_FP8) or BF16 (MXFP4_BF16) path.
 */
public final class MoeGemmKernel implements Kernel {
    /** Weight rows (output columns) per work item of an expert with many rows: a multiple of the 6-row GEMM tile. */
    static final int NB = 96;
    /**
     * Weight rows per work item of an expert with at most {@value #SMALL_ROWS} rows: one 128-row scale block, so an
     * FP8 item scales its rows of X for one block only and its register tiles never stop at a block's edge (JMH at
     * batch 8, FP8: 164-174 GFLOP/s with items of 96 rows, 188-202 with 128; docs/design.md).
     */
    static final int NB_SMALL = 128;
    /** Depth of one K block; at most 1024 so INT8 partial sums stay exact in F32. */
    static final int KC = 256;
    private static final int XT_KB = 128;
    /** Experts with at most this many rows take the dot-product path. */
    static final int SMALL_ROWS = 8;
    /** Depth of one panel of the dot-product path (at most 1024 for exact INT8 partial sums). */
    static final int KD = 512;
    /** Depth of one exact INT8 partial sum on the one-row path (1024 · 127 · 128 < 2^24). */
    private static final int KC_I8 = 1024;
    /** Experts with at least this many rows (and at most {@value #SMALL_ROWS}) take the eight-row tiles when fused. */
    static final int TILE8_MIN_ROWS = 5;
    /** Depth of one chunk of the eight-row tiles: the eight rows of X they read stay in L1 (8 · 1024 · 4 bytes). */
    static final int KD8 = 1024;
    /**
     * Weight rows the eight-row tiles take through all of K before the next ones: their partial sums (16 · 16 · 4
     * bytes a pair with 16 lanes) stay in L1 beside the chunk of X. 1024 and 16 measured best of 256-2048 × 16-96
     * (JMH; again for INT8's 4 × 4 halves: 8, 32 rows and 512, 2048 deep were slower or no faster).
     */
    static final int TILE8_ROWS = 16;
    /** The same with the 8 × 3 tile ({@code Simd.tile8x3}): three groups of six (not tuned further). */
    static final int TILE8_ROWS_8X3 = 18;
    /** Weight rows decoded together on the dot-product path: a multiple of gemmNT's 3-column (4-row) and 4-column (1-row) tiles, so no column falls to the one-accumulator dot. */
    private static final int RG = 12;

    private final MoeGemmSpec spec;
    /** The type whose activation path applies: the spec's, or FP8_BLOCK / BF16 for the MXFP4 types. */
    private final MoeGemmSpec.Type type;
    private final boolean mxfp4;
    private final boolean ue8m0;
    private final byte[] xsF32;     // UE8M0 activation scales as F32 bytes, refilled each launch (UE8M0 only)
    private final byte[] wsF32;     // UE8M0 weight scales likewise (FP8_BLOCK with UE8M0 only)
    private final boolean oneRow;   // some expert has one row and its weights are FP8 or INT8: oneRowBlock
    private final boolean[] tile8;  // by expert: 5 to 8 rows, FP8 or INT8 weights: tile8Block (rows padded to 8 in xr)
    private final float[] wsF;      // FP8 weight block scales as floats for the fused paths, refilled each launch
    private final boolean[] mx8;    // per expert: MXFP4 or BF16 with five to eight rows, on Simd.dot8x1E2m1 / dot8x1Bf16
    private final int[] mxOff;      // per expert: its eight interleaved rows of X in mxX (-1: none)
    private final float[] mxX;      // mx8 experts' rows of X, padded to eight, interleaved (Simd.interleave8Scaled's layout)
    private final float[][] xPair;  // per worker, bf16OneRowBlock's row of X in the pair-split order (null: not BF16)
    private final long[] xPairKey;  // per worker, what xPair holds: launch << 32 | expert; -1: nothing
    private final float[][] xScaled; // per worker, oneRowBlock's row of X times one 128-row block's scales · 2^120
    private final float[][] xInter; // per worker, tile8Block's eight rows of X, scaled and interleaved (8 × K)
    private final float[][] lastPairKept; // per worker, lastPairAsHalf's saved sums of one weight row
    private int launches;           // counts run calls, so no launch uses X prepared by the one before
    private final float[][] part;   // per worker, tile8Block's partial sums: [NB_SMALL / 2][8 rows][2][partialWidth]
    private final int[][] ipart;    // per worker, INT8 only: the partial sums emptied into integers
    private final Simd simd;
    private final WorkerPool pool;
    private final int n;
    private final int k;
    private final int[] itemExpert; // phase two's work items: the expert of each
    private final int[] itemN0;     // and its first weight row
    private final int[] active;     // experts with at least one row
    private final int[] rows;       // valid rows, by expert
    private final int[] firstRow;   // first stored row, by expert
    private final int[] mPad;       // rows rounded up to 16, by expert
    private final int[] xtOff;      // offset of the expert's X^T in xt, by expert
    private final float[] xt;
    private final float[][] panel;  // per worker: [NB][KC]
    private final float[][] acc;    // per worker: [NB][max mPad], or [8][NB_SMALL] on the few-rows paths
    private final int[][] iacc;     // per worker, INT8 only
    private final float[] fp8 = Fp8.decodeTable(DType.F8_E4M3FN);
    private final WeightDecoder.Factory decoders;
    private final int[] xrOff;      // offset of a small expert's rows in xr, by expert (-1: blocked path)
    private final float[] xr;       // small experts' rows of X, F32 row-major [rows][ldx]
    private final int ldx;          // row stride of xr: K plus a pad, so the rows of X do not share cache sets

    public MoeGemmKernel(MoeGemmSpec spec, CpuDevice device) {
        this.spec = spec;
        this.type = switch (spec.type()) {
            case MXFP4_FP8 -> MoeGemmSpec.Type.FP8_BLOCK;
            case MXFP4_BF16 -> MoeGemmSpec.Type.BF16;
            default -> spec.type();
        };
        this.mxfp4 = spec.type().isMxfp4();
        this.ue8m0 = spec.scaleType() == DType.UE8M0;
        this.simd = device.simd();
        this.pool = device.pool();
        this.n = spec.n();
        this.k = spec.k();
        int experts = spec.experts();
        rows = new int[experts];
        firstRow = new int[experts];
        mPad = new int[experts];
        xtOff = new int[experts];
        xrOff = new int[experts];
        tile8 = new boolean[experts];
        int activeCount = 0;
        long offset = 0;
        long rowOffset = 0;
        this.ldx = xrStride(spec);
        int maxPad = 16;
        for (int e = 0; e < experts; e++) {
            rows[e] = spec.rowsPerExpert().get(e);
            firstRow[e] = Math.toIntExact(spec.firstRow(e));
            boolean small = rows[e] <= SMALL_ROWS;
            tile8[e] = tile8(spec, rows[e]);
            mPad[e] = small ? 0 : (rows[e] + 15) / 16 * 16;
            xtOff[e] = Math.toIntExact(offset);
            offset += (long) mPad[e] * k;
            xrOff[e] = small ? Math.toIntExact(rowOffset) : -1;
            rowOffset += small ? (long) (tile8[e] ? 8 : rows[e]) * ldx : 0;
            maxPad = Math.max(maxPad, mPad[e]);
            if (rows[e] > 0) {
                activeCount++;
            }
        }
        active = new int[activeCount];
        int items = 0;
        for (int e = 0, i = 0; e < experts; e++) {
            if (rows[e] > 0) {
                active[i++] = e;
                items += (n + itemRows(e) - 1) / itemRows(e);
            }
        }
        itemExpert = new int[items];
        itemN0 = new int[items];
        int item = 0;
        for (int e : active) {
            for (int n0 = 0; n0 < n; n0 += itemRows(e)) {
                itemExpert[item] = e;
                itemN0[item++] = n0;
            }
        }
        xt = new float[Math.toIntExact(offset)];
        xr = new float[Math.toIntExact(rowOffset)];
        mx8 = new boolean[experts];
        mxOff = new int[experts];
        long mxTotal = 0;
        for (int e = 0; e < experts; e++) {
            boolean eight = rows[e] >= TILE8_MIN_ROWS && rows[e] <= SMALL_ROWS;
            mx8[e] = eight && (mxfp4 ? simd.mxfp4RegisterTiles() && k % 32 == 0
                    : spec.type() == MoeGemmSpec.Type.BF16 && simd.registerTiles()
                    && k % (2 * simd.partialWidth()) == 0 && KD8 % (2 * simd.partialWidth()) == 0);
            mxOff[e] = mx8[e] ? Math.toIntExact(mxTotal) : -1;
            mxTotal += mx8[e] ? 8L * k : 0;
        }
        mxX = new float[Math.toIntExact(mxTotal)];
        int workers = pool.threads();
        panel = new float[workers][Math.max(NB * KC, RG * KD)];
        int accSize = Math.max(NB * maxPad, NB_SMALL * SMALL_ROWS);
        acc = new float[workers][accSize];
        iacc = type == MoeGemmSpec.Type.INT8_W8A8 ? new int[workers][accSize] : null;
        decoders = WeightDecoder.factory(spec, simd);
        // per-launch conversions write into arrays sized here, so a timed launch allocates nothing
        List<TensorSpec> operands = spec.operands();
        boolean scaled = type != MoeGemmSpec.Type.BF16;
        xsF32 = scaled && ue8m0 ? new byte[Math.toIntExact(operands.get(1).elements() * 4)] : null;
        wsF32 = scaled && ue8m0 && !mxfp4 ? new byte[Math.toIntExact(operands.get(3).elements() * 4)] : null;
        oneRow = fused(spec) && Arrays.stream(active).anyMatch(e -> rows[e] == 1);
        boolean anyTile8 = Arrays.stream(active).anyMatch(e -> tile8[e]);
        wsF = (oneRow || anyTile8) && type == MoeGemmSpec.Type.FP8_BLOCK
                ? new float[Math.toIntExact(operands.get(3).elements())] : null;
        xScaled = oneRow && type == MoeGemmSpec.Type.FP8_BLOCK && simd.registerTiles() ? new float[workers][k] : null;
        boolean bf16One = spec.type() == MoeGemmSpec.Type.BF16 && simd.registerTiles()
                && k % (2 * simd.partialWidth()) == 0
                && Arrays.stream(active).anyMatch(e -> rows[e] == 1);
        xPair = bf16One ? new float[workers][k] : null;
        xPairKey = new long[workers];
        Arrays.fill(xPairKey, -1);
        xInter = anyTile8 && type == MoeGemmSpec.Type.FP8_BLOCK && simd.registerTiles()
                ? new float[workers][8 * k] : null;
        lastPairKept = new float[workers][xInter == null ? 0 : 8 * simd.partialWidth()];
        int partial = anyTile8 || mxTotal > 0 ? NB_SMALL * 8 * simd.partialWidth() : 0;
        part = new float[workers][partial];
        ipart = type == MoeGemmSpec.Type.INT8_W8A8 ? new int[workers][partial] : null;
    }

    /** Weight rows per work item of expert e: {@value #NB_SMALL} on the few-rows paths (X in xr), else {@value #NB}. */
    private int itemRows(int e) {
        return xrOff[e] >= 0 ? NB_SMALL : NB;
    }

    /** The largest scratch array a launch of {@code spec} holds, in floats, for supports(). */
    public static long scratchFloats(MoeGemmSpec spec) {
        long xt = 0;
        long xr = 0;
        for (int r : spec.rowsPerExpert()) {
            if (r <= SMALL_ROWS) {
                xr += (long) (tile8(spec, r) ? 8 : r) * xrStride(spec);
            } else {
                xt += (long) (r + 15) / 16 * 16 * spec.k();
            }
        }
        return Math.max(xt, xr);
    }

    @Override
    public void run(byte[][] ops) {
        launches++;
        boolean scaled = type != MoeGemmSpec.Type.BF16;
        byte[] x = ops[0];
        byte[] w = ops[scaled ? 2 : 1];
        // UE8M0 scales to F32 once per launch, so the loops below read F32 scales; MXFP4 keeps its bytes
        byte[] xs = !scaled ? null : ue8m0 ? Mxfp4Panel.ue8m0ToF32Bytes(ops[1], xsF32) : ops[1];
        byte[] ws = mxfp4 ? ops[scaled ? 3 : 2]
                : !scaled ? null : ue8m0 ? Mxfp4Panel.ue8m0ToF32Bytes(ops[3], wsF32) : ops[3];
        byte[] out = ops[ops.length - 1];
        int kChunks = (k + XT_KB * 4 - 1) / (XT_KB * 4);
        pool.forEach(active.length * kChunks, (worker, item) -> {
            int e = active[item / kChunks];
            int k0 = (item % kChunks) * XT_KB * 4;
            if (xrOff[e] >= 0) {
                int kEnd = Math.min(k, k0 + XT_KB * 4);
                rowsX(e, k0, kEnd, x, xs);
                if (mxfp4) { // the MXFP4 panels hold each 32-block's even positions first: X the same way
                    for (int i = 0; i < rows[e]; i++) {
                        Mxfp4Panel.permute(xr, xrOff[e] + i * ldx + k0, kEnd - k0, panel[worker]);
                    }
                    if (mx8[e]) {
                        interleaveMx(e, k0, kEnd);
                    }
                } else if (mx8[e]) { // BF16 at five to eight rows: X interleaved in the pair-split order
                    interleaveMx(e, k0, kEnd);
                }
            } else {
                transposeX(e, k0, x, xs);
            }
        });
        WeightDecoder dec = decoders.bind(w, ws);
        if (wsF != null) {
            Bytes.floats(ws, wsF);
        }
        pool.forEach(itemExpert.length, (worker, item) -> {
            int e = itemExpert[item];
            int n0 = itemN0[item];
            if (oneRow && rows[e] == 1) {
                oneRowBlock(worker, e, n0, w, wsF, ws, xs, out);
            } else if (tile8[e]) {
                tile8Block(worker, e, n0, w, wsF, ws, xs, out);
            } else if (mxfp4 && rows[e] == 1 && xrOff[e] >= 0 && simd.mxfp4RegisterTiles()) {
                mxfp4OneRowBlock(worker, e, n0, w, ws, xs, out);
            } else if (mx8[e]) {
                mxfp4Tile8Block(worker, e, n0, w, ws, xs, out);
            } else if (xPair != null && rows[e] == 1 && xrOff[e] >= 0) {
                bf16OneRowBlock(worker, e, n0, w, xs, out);
            } else if (xrOff[e] >= 0) {
                smallBlock(worker, e, n0, dec, ws, xs, out);
            } else {
                block(worker, e, n0, dec, ws, xs, out);
            }
        });
    }

    /** Columns [k0, kEnd) of a small expert's rows of X, to F32 row-major in xr. */
    private void rowsX(int e, int k0, int kEnd, byte[] x, byte[] xs) {
        for (int i = 0; i < rows[e]; i++) {
            long row = firstRow[e] + i;
            int dst = xrOff[e] + i * ldx + k0;
            int len = kEnd - k0;
            switch (type) {
                case BF16 -> simd.bf16ToF32(x, Math.toIntExact((row * k + k0) * 2), xr, dst, len);
                case FP8_BLOCK -> {
                    int src = Math.toIntExact(row * k + k0);
                    simd.e4m3ToF32(x, src, xr, dst, len);
                    for (int j = 0; j < len; j += 128) {
                        float s = Bytes.getFloat(xs, Math.toIntExact((row * (k / 128) + (k0 + j) / 128) * 4));
                        simd.scale(xr, dst + j, Math.min(128, len - j), s);
                    }
                }
                case INT8_W8A8 -> simd.i8ToF32(x, Math.toIntExact(row * k + k0), xr, dst, len);
            }
        }
    }

    /**
     * Output columns [n0, n0 + NB_SMALL) of a small expert: each weight row is decoded once, {@value #KD} deep at a
     * time, and multiplied in dot-product form with the expert's rows; acc is [rows][NB_SMALL].
     */
    private void smallBlock(int worker, int e, int n0, WeightDecoder dec, byte[] ws, byte[] xs, byte[] out) {
        int m = rows[e];
        int nCount = Math.min(NB_SMALL, n - n0);
        float[] p = panel[worker];
        float[] c = acc[worker];
        int[] ic = iacc == null ? null : iacc[worker];
        Arrays.fill(c, 0, m * NB_SMALL, 0f);
        if (ic != null) {
            Arrays.fill(ic, 0, m * NB_SMALL, 0);
        }
        for (int k0 = 0; k0 < k; k0 += KD) {
            int kd = Math.min(KD, k - k0);
            for (int r0 = 0; r0 < nCount; r0 += RG) {
                int rg = Math.min(RG, nCount - r0);
                for (int r = 0; r < rg; r++) {
                    dec.decode(e, n0 + r0 + r, k0, kd, p, r * KD);
                }
                simd.gemmNT(m, rg, kd, xr, xrOff[e] + k0, ldx, p, 0, KD, c, r0, NB_SMALL);
            }
            if (ic != null) {
                for (int i = 0; i < m * NB_SMALL; i++) {
                    ic[i] += (int) c[i];
                    c[i] = 0f;
                }
            }
        }
        writeOut(e, n0, nCount, 1, NB_SMALL, c, ic, xs, ws, out);
    }

    /**
     * Output columns [n0, n0 + NB_SMALL) of an MXFP4 expert with one row (decode at batch 1): four weight rows a pass
     * over the row of X (stored in the panels' evens-first order by {@link #run}), each 32-block decoded in registers
     * ({@code Simd.dot1x4E2m1}), so no F32 panel is written and read back; a last group of fewer than four rows goes
     * one row at a time (the tile on the same row four times, {@code ldw} 0).
     */
    private void mxfp4OneRowBlock(int worker, int e, int n0, byte[] w, byte[] ws, byte[] xs, byte[] out) {
        int nCount = Math.min(NB_SMALL, n - n0);
        float[] c = acc[worker];
        float[] four = panel[worker];
        int blocks = k / 32;
        for (int r = 0; r < nCount; r += 4) {
            long row = (long) e * n + n0 + r;
            int wOff = Math.toIntExact(row * k / 2);
            int sOff = Math.toIntExact(row * blocks);
            if (r + 4 <= nCount) {
                simd.dot1x4E2m1(k, xr, xrOff[e], w, wOff, k / 2, ws, sOff, blocks, c, r);
            } else {
                simd.dot1x4E2m1(k, xr, xrOff[e], w, wOff, 0, ws, sOff, 0, four, 0);
                c[r] = four[0];
                for (int j = r + 1; j < nCount; j++) {
                    long rj = (long) e * n + n0 + j;
                    simd.dot1x4E2m1(k, xr, xrOff[e], w, Math.toIntExact(rj * k / 2), 0, ws,
                            Math.toIntExact(rj * blocks), 0, four, 0);
                    c[j] = four[0];
                }
            }
        }
        writeOut(e, n0, nCount, 1, NB_SMALL, c, null, xs, ws, out);
    }

    /**
     * Positions [k0, kEnd) of an mx8 expert's rows of X into mxX, zero rows to eight: MXFP4 rows are already in the
     * panels' order; BF16 rows go into {@code Simd.dot1x4Bf16}'s pair-split order on the way.
     */
    private void interleaveMx(int e, int k0, int kEnd) {
        int pw = simd.partialWidth();
        for (int i = 0; i < 8; i++) {
            for (int kk = k0; kk < kEnd; kk++) {
                int q = mxfp4 ? kk : Simd.pairSplit(kk, pw);
                mxX[mxOff[e] + ((q / pw) * 8 + i) * pw + q % pw] = i < rows[e] ? xr[xrOff[e] + i * ldx + kk] : 0f;
            }
        }
    }

    /**
     * Output columns [n0, n0 + NB_SMALL) of an MXFP4 or BF16 expert with five to eight rows (decode at batch 8): each
     * weight row runs through {@code Simd.dot8x1E2m1} / {@code dot8x1Bf16} against the expert's eight interleaved rows
     * of X (in the order of each format's tile), {@value #KD8} deep at a time so that chunk of X stays in L1 while
     * {@value #TILE8_ROWS} weight rows pass; each 32-block is decoded once, in registers, for all eight rows.
     */
    private void mxfp4Tile8Block(int worker, int e, int n0, byte[] w, byte[] ws, byte[] xs, byte[] out) {
        int nCount = Math.min(NB_SMALL, n - n0);
        int pw = simd.partialWidth();
        float[] pf = part[worker];
        Arrays.fill(pf, 0, nCount * 8 * pw, 0f);
        int blocks = k / 32;
        for (int g0 = 0; g0 < nCount; g0 += TILE8_ROWS) {
            int g1 = Math.min(nCount, g0 + TILE8_ROWS);
            for (int k0 = 0; k0 < k; k0 += KD8) {
                int kd = Math.min(KD8, k - k0);
                for (int r = g0; r < g1; r++) {
                    long row = (long) e * n + n0 + r;
                    if (mxfp4) {
                        simd.dot8x1E2m1(kd, mxX, mxOff[e] + 8 * k0, w, Math.toIntExact((row * k + k0) / 2), ws,
                                Math.toIntExact(row * blocks + k0 / 32), pf, r * 8 * pw);
                    } else {
                        simd.dot8x1Bf16(kd, mxX, mxOff[e] + 8 * k0, w, Math.toIntExact((row * k + k0) * 2), pf,
                                r * 8 * pw);
                    }
                }
            }
        }
        float[] c = acc[worker];
        for (int r = 0; r < nCount; r++) {
            for (int i = 0; i < rows[e]; i++) {
                c[i * NB_SMALL + r] = simd.sumPartial(pf, (r * 8 + i) * pw);
            }
        }
        writeOut(e, n0, nCount, 1, NB_SMALL, c, null, xs, ws, out);
    }

    /**
     * Output columns [n0, n0 + NB_SMALL) of a BF16 expert with one row (decode at batch 1): eight, then four weight
     * rows a pass over the row of X ({@code Simd.dot1x8Bf16}, {@code dot1x4Bf16}: each 64-byte load is 32 weights as
     * two F32 vectors, evens and odds, with no panel), X copied once per worker and launch into the pair-split order; a
     * last group of fewer than four rows goes one row at a time.
     */
    private void bf16OneRowBlock(int worker, int e, int n0, byte[] w, byte[] xs, byte[] out) {
        int nCount = Math.min(NB_SMALL, n - n0);
        float[] x = xPair[worker];
        long key = ((long) launches << 32) | e;
        if (xPairKey[worker] != key) {
            int pw = simd.partialWidth();
            for (int kk = 0; kk < k; kk++) {
                x[Simd.pairSplit(kk, pw)] = xr[xrOff[e] + kk];
            }
            xPairKey[worker] = key;
        }
        float[] c = acc[worker];
        float[] four = panel[worker];
        int r = 0;
        for (; r + 8 <= nCount; r += 8) { // eight weight rows a pass: one step serves eight rows
            simd.dot1x8Bf16(k, x, 0, w, Math.toIntExact(((long) e * n + n0 + r) * k * 2), k, c, r);
        }
        for (; r + 4 <= nCount; r += 4) {
            simd.dot1x4Bf16(k, x, 0, w, Math.toIntExact(((long) e * n + n0 + r) * k * 2), k, c, r);
        }
        for (; r < nCount; r++) {
            simd.dot1x4Bf16(k, x, 0, w, Math.toIntExact(((long) e * n + n0 + r) * k * 2), 0, four, 0);
            c[r] = four[0];
        }
        writeOut(e, n0, nCount, 1, NB_SMALL, c, null, xs, null, out);
    }

    /**
     * Whether the weights are decoded in registers on the few-rows paths ({@link #oneRowBlock}, {@link #tile8Block}):
     * FP8 block-scaled or INT8 weights (not MXFP4, not BF16).
     */
    private static boolean fused(MoeGemmSpec spec) {
        return spec.type() == MoeGemmSpec.Type.FP8_BLOCK || spec.type() == MoeGemmSpec.Type.INT8_W8A8;
    }

    /** The row stride of xr: K plus 64 floats (K is often a multiple of 4 KiB, which would put every row's k-th
     * element in the same cache set). */
    private static int xrStride(MoeGemmSpec spec) {
        return spec.k() + 64;
    }

    /** Whether an expert of {@code rows} rows takes {@link #tile8Block}. */
    private static boolean tile8(MoeGemmSpec spec, int rows) {
        return fused(spec) && rows >= TILE8_MIN_ROWS && rows <= SMALL_ROWS && spec.k() % 128 == 0;
    }

    /**
     * Output columns [n0, n0 + NB_SMALL) of an expert with five to eight rows (decode at batch 8), its rows of X padded
     * to eight with zero rows, {@value #KD8} deep at a time so the eight rows of X stay in cache while the weight rows
     * pass: INT8 four weight rows at a time against X's rows 0-3, then the same four again, from cache, against rows
     * 4-7 ({@code Simd.dot4x4I8}: twice the weight bytes a step of the 8 × 2 tile while they stream from memory), the
     * rest in pairs ({@code dot8x2I8}); FP8 with the scales on the weights in pairs ({@code dot8x2E4m3}). Each weight
     * is decoded in registers. The kernels leave vector-wide partial sums, added up at the end (INT8: emptied into
     * integers before any lane could have summed more than 1024 products, so the sums stay exact).
     */
    private void tile8Block(int worker, int e, int n0, byte[] w, float[] wsF, byte[] ws, byte[] xs, byte[] out) {
        int nCount = Math.min(NB_SMALL, n - n0);
        int pairs = (nCount + 1) / 2;
        int pw = simd.partialWidth();
        float[] pf = part[worker];
        int[] pi = ipart == null ? null : ipart[worker];
        int size = pairs * 16 * pw;
        Arrays.fill(pf, 0, size, 0f);
        if (pi != null) {
            Arrays.fill(pi, 0, size, 0);
        }
        int kBlocks = k / 128;
        int nScaleBlocks = (n + 127) / 128;
        int exact = 1024 * pw; // INT8: depth a lane may sum before its partial sum is emptied
        if (pi == null && prescaledTile8(worker, e, n0, nCount, w, wsF, pf)) {
            sumPartials(worker, e, n0, nCount, pairs, pw, xs, ws, out);
            return;
        }
        for (int p0 = 0; p0 < pairs; p0 += TILE8_ROWS / 2) {
            int p1 = Math.min(pairs, p0 + TILE8_ROWS / 2);
            int since = 0;
            for (int k0 = 0; k0 < k; k0 += KD8) {
                int kd = Math.min(KD8, k - k0);
                if (pi != null && since + kd > exact) {
                    drain(pf, pi, size);
                    since = 0;
                }
                since += kd;
                int pQuads = p0; // INT8: pairs [p0, pQuads) four rows at a time, X's rows 0-3 then 4-7
                if (pi != null && simd.registerTiles()) {
                    pQuads = p0 + (Math.min(nCount, 2 * p1) - 2 * p0) / 4 * 2;
                    for (int half = 0; half < 2; half++) {
                        for (int p = p0; p < pQuads; p += 2) {
                            int wOff = Math.toIntExact(((long) e * n + n0 + 2 * p) * k + k0);
                            simd.dot4x4I8(kd, xr, xrOff[e] + k0, ldx, half, w, wOff, k, pf, p * 16 * pw);
                        }
                    }
                }
                for (int p = pQuads; p < p1; p++) {
                    int row = n0 + 2 * p;
                    int ldw = row + 1 < n0 + nCount ? k : 0; // an odd last row pairs with itself
                    int wOff = Math.toIntExact(((long) e * n + row) * k + k0);
                    if (pi == null) {
                        simd.dot8x2E4m3(kd, xr, xrOff[e] + k0, ldx, w, wOff, ldw, wsF,
                                (e * nScaleBlocks + row / 128) * kBlocks + k0 / 128, pf, p * 16 * pw);
                    } else {
                        simd.dot8x2I8(kd, xr, xrOff[e] + k0, ldx, w, wOff, ldw, pf, p * 16 * pw);
                    }
                }
            }
        }
        sumPartials(worker, e, n0, nCount, pairs, pw, xs, ws, out);
    }

    /**
     * The FP8 tiles with the weight blocks' scales folded into X ({@code Simd.interleave8Scaled}, then
     * {@code dot8x2E4m3Prescaled}, or where {@code Simd.tile8x3} says so {@code dot8x3E4m3Prescaled} on six rows at a
     * time; INT8's 4 × 4 halves gained nothing here, see docs/design.md): the item's {@value #NB_SMALL} rows start at a
     * multiple of 128, so they are one weight block's; its eight rows of X are scaled and interleaved once (8 × K
     * floats, in L2), and the rows run on them in the order of tile8Block (groups of six start at an even row, so they
     * cover three whole pairs). False, having added nothing, when the block's scales cannot be folded in exactly (see
     * {@code interleave8Scaled}): the caller then runs the tiles with the scales on the weights.
     */
    private boolean prescaledTile8(int worker, int e, int n0, int nCount, byte[] w, float[] wsF, float[] pf) {
        if (xInter == null) {
            return false;
        }
        float[] xi = xInter[worker];
        int kBlocks = k / 128;
        if (!simd.interleave8Scaled(xr, xrOff[e], ldx, k, wsF, (e * ((n + 127) / 128) + n0 / 128) * kBlocks, xi)) {
            return false;
        }
        int pw = simd.partialWidth();
        boolean sextets = simd.tile8x3();
        int end = n0 + nCount;
        // as tile8Block: a group of weight rows passes over one KD8-deep chunk of X (then in L1) before the next; where
        // the 8 × 3 tile compiles well, six rows at a time (its two halves), the rest in pairs
        int group = sextets ? TILE8_ROWS_8X3 : TILE8_ROWS;
        for (int g0 = n0; g0 < end; g0 += group) {
            int g1 = Math.min(end, g0 + group);
            for (int k0 = 0; k0 < k; k0 += KD8) {
                int kd = Math.min(KD8, k - k0);
                int row = g0;
                for (; sextets && row + 6 <= g1; row += 6) {
                    int wOff = Math.toIntExact(((long) e * n + row) * k + k0);
                    int accOff = (row - n0) / 2 * 16 * pw;
                    simd.dot8x3E4m3Prescaled(kd, xi, 8 * k0, 0, w, wOff, k, pf, accOff);
                    simd.dot8x3E4m3Prescaled(kd, xi, 8 * k0, 1, w, wOff, k, pf, accOff);
                    simd.nanCodesToPartials(w, wOff, k, 6, kd, pf, accOff);
                }
                for (; row < g1; row += 2) { // n0 and g0 are even
                    int ldw = row + 1 < end ? k : 0; // an odd last row pairs with itself
                    int wOff = Math.toIntExact(((long) e * n + row) * k + k0);
                    if (sextets && row + 2 == g1 && ldw != 0 && row - 4 >= n0) {
                        lastPairAsHalf(worker, kd, xi, k0, w, wOff, pf, (row - n0) / 2 * 16 * pw);
                    } else {
                        simd.dot8x2E4m3Prescaled(kd, xi, 8 * k0, w, wOff, ldw, pf, (row - n0) / 2 * 16 * pw);
                    }
                }
            }
        }
        return true;
    }

    /**
     * The pair of weight rows at {@code wOff} (partial sums at {@code accOff}) that ends a block's rows, as the second
     * half of the 8 × 3 tile on the sextet that ends with it (the four rows before it are in the same block): three
     * rows' work for two, against the 8 × 2 tile's two at about twice the time a row (the block's last pair was 3 % of
     * a batch-8 launch's samples for 1.6 % of its rows). The half's first row already has its sums from its own
     * sextet: they are put back after the call. Then the pair's NaN-code scan.
     */
    private void lastPairAsHalf(int worker, int kd, float[] xi, int k0, byte[] w, int wOff, float[] pf, int accOff) {
        int pw = simd.partialWidth();
        int base = accOff - 2 * 16 * pw; // the sextet's partial sums start two pairs earlier
        int kept = base + Simd.pairSlot(3, 0) * pw; // its column 3 (the row before the pair), X row i at + 2·i·pw
        float[] saved = lastPairKept[worker];
        for (int i = 0; i < 8; i++) {
            System.arraycopy(pf, kept + 2 * i * pw, saved, i * pw, pw);
        }
        simd.dot8x3E4m3Prescaled(kd, xi, 8 * k0, 1, w, wOff - 4 * k, k, pf, base);
        for (int i = 0; i < 8; i++) {
            System.arraycopy(saved, i * pw, pf, kept + 2 * i * pw, pw);
        }
        simd.nanCodesToPartials(w, wOff, k, 2, kd, pf, accOff);
    }

    /** Adds up tile8Block's partial sums per output and writes the expert's columns [n0, n0 + nCount). */
    private void sumPartials(int worker, int e, int n0, int nCount, int pairs, int pw, byte[] xs, byte[] ws,
                             byte[] out) {
        float[] pf = part[worker];
        int[] pi = ipart == null ? null : ipart[worker];
        float[] c = acc[worker];
        int[] ic = iacc == null ? null : iacc[worker];
        for (int p = 0; p < pairs; p++) {
            for (int i = 0; i < 8; i++) {
                for (int j = 0; j < 2 && 2 * p + j < nCount; j++) {
                    int a = p * 16 * pw + (i * 2 + j) * pw;
                    int o = i * NB_SMALL + 2 * p + j;
                    if (ic == null) {
                        c[o] = simd.sumPartial(pf, a);
                    } else {
                        ic[o] = simd.sumPartialInt(pf, pi, a);
                    }
                }
            }
        }
        writeOut(e, n0, nCount, 1, NB_SMALL, c, ic, xs, ws, out);
    }

    private static void drain(float[] pf, int[] pi, int size) {
        for (int t = 0; t < size; t++) {
            pi[t] += (int) pf[t];
            pf[t] = 0f;
        }
    }

    /**
     * Output columns [n0, n0 + NB_SMALL) of an expert with one row (decode at batch 1): each weight row is decoded in
     * registers and dotted with the row of X in one pass along K, so no F32 copy of the weights is written and read
     * back: eight rows a pass while eight remain ({@code Simd.dot1x8E4m3Prescaled} on X times the block's scales,
     * {@code dot1x8I8}), then four ({@code dot1x4E4m3Prescaled}, or {@code dot1x4E4m3} where the scales cannot be
     * folded into X; {@code dot1x4I8}), then one ({@code dotE4m3Scaled}); INT8 in exact chunks of {@value #KC_I8}.
     */
    private void oneRowBlock(int worker, int e, int n0, byte[] w, float[] wsF, byte[] ws, byte[] xs, byte[] out) {
        int nCount = Math.min(NB_SMALL, n - n0);
        float[] c = acc[worker];
        int[] ic = iacc == null ? null : iacc[worker];
        int xOff = xrOff[e];
        int kBlocks = k / 128;
        int nScaleBlocks = (n + 127) / 128;
        int r = 0;
        int foldedBlock = -1; // the 128-row weight block whose scales were last folded into xsc ...
        boolean folded = false; // ... and whether they could be (else the tiles keep them on the weights)
        float[] xsc = xScaled == null ? null : xScaled[worker];
        // eight weight rows a pass while eight remain, then four: one step of X serves them all. Groups of eight start
        // at multiples of 8 (NB_SMALL is one), so they share a 128-row scale block.
        for (int rows; r + 4 <= nCount; r += rows) {
            rows = r + 8 <= nCount ? 8 : 4;
            int row = n0 + r;
            int wOff = Math.toIntExact(((long) e * n + row) * k);
            if (ic == null) {
                int sOff = (e * nScaleBlocks + row / 128) * kBlocks;
                if (xsc != null && foldedBlock != row / 128) {
                    foldedBlock = row / 128;
                    folded = simd.foldScales(xr, xOff, k, wsF, sOff, xsc);
                }
                if (folded && rows == 8) {
                    simd.dot1x8E4m3Prescaled(k, xsc, 0, w, wOff, k, c, r);
                } else if (folded) {
                    simd.dot1x4E4m3Prescaled(k, xsc, 0, w, wOff, k, c, r);
                } else {
                    for (int q = 0; q < rows; q += 4) {
                        simd.dot1x4E4m3(k, xr, xOff, w, wOff + q * k, k, wsF, sOff, c, r + q);
                    }
                }
            } else {
                Arrays.fill(ic, r, r + rows, 0);
                for (int k0 = 0; k0 < k; k0 += KC_I8) {
                    if (rows == 8) {
                        simd.dot1x8I8(Math.min(KC_I8, k - k0), xr, xOff + k0, w, wOff + k0, k, c, r);
                    } else {
                        simd.dot1x4I8(Math.min(KC_I8, k - k0), xr, xOff + k0, w, wOff + k0, k, c, r);
                    }
                    for (int j = 0; j < rows; j++) {
                        ic[r + j] += (int) c[r + j];
                    }
                }
            }
        }
        for (; r < nCount; r++) {
            int row = n0 + r;
            int wOff = Math.toIntExact(((long) e * n + row) * k);
            if (ic == null) {
                c[r] = simd.dotE4m3Scaled(w, wOff, xr, xOff, k, wsF, (e * nScaleBlocks + row / 128) * kBlocks);
            } else {
                int sum = 0;
                for (int k0 = 0; k0 < k; k0 += KC_I8) {
                    sum += (int) simd.dotI8(w, wOff + k0, xr, xOff + k0, Math.min(KC_I8, k - k0));
                }
                ic[r] = sum;
            }
        }
        writeOut(e, n0, nCount, 1, NB_SMALL, c, ic, xs, ws, out);
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
                            xt[base + xk(kk) * ld] = Bytes.getBf16(x, src + 2 * kk);
                        }
                    }
                    case FP8_BLOCK -> {
                        int src = Math.toIntExact(row * k);
                        float s = Bytes.getFloat(xs, Math.toIntExact((row * (k / 128) + kb / 128) * 4));
                        for (int kk = kb; kk < ke; kk++) {
                            xt[base + xk(kk) * ld] = fp8[x[src + kk] & 0xff] * s;
                        }
                    }
                    case INT8_W8A8 -> {
                        int src = Math.toIntExact(row * k);
                        for (int kk = kb; kk < ke; kk++) {
                            xt[base + xk(kk) * ld] = x[src + kk];
                        }
                    }
                }
            }
        }
    }

    /** Where K position {@code kk} of X goes: itself, or for MXFP4 weights its place in the panels' order. */
    private int xk(int kk) {
        return mxfp4 ? Mxfp4Panel.position(kk) : kk;
    }

    /** Output columns [n0, n0 + NB) of expert e, over all of K. */
    private void block(int worker, int e, int n0, WeightDecoder dec, byte[] ws, byte[] xs, byte[] out) {
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
                dec.decode(e, n0 + r, k0, kc, p, r * KC);
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
        writeOut(e, n0, nCount, ld, 1, c, ic, xs, ws, out);
    }

    /** Writes the valid rows; the result for weight row r and X row i is at {@code c[r·rs + i·is]}. */
    private void writeOut(int e, int n0, int nCount, int rs, int is, float[] c, int[] ic, byte[] xs, byte[] ws,
                          byte[] out) {
        for (int i = 0; i < rows[e]; i++) {
            long row = firstRow[e] + i;
            int dst = Math.toIntExact((row * n + n0) * 2);
            if (ic == null) {
                for (int r = 0; r < nCount; r++) {
                    Bytes.putBf16(out, dst + 2 * r, c[r * rs + i * is]);
                }
            } else {
                float sx = Bytes.getFloat(xs, Math.toIntExact(row * 4));
                int wsBase = Math.toIntExact(((long) e * n + n0) * 4);
                for (int r = 0; r < nCount; r++) {
                    float sw = Bytes.getFloat(ws, wsBase + 4 * r);
                    Bytes.putBf16(out, dst + 2 * r, (float) ic[r * rs + i * is] * sx * sw);
                }
            }
        }
    }

    MoeGemmSpec spec() {
        return spec;
    }
}
