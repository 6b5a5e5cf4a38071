package dev.dayzero.backend.cpu.internal.simd;

import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp4;
import dev.dayzero.hal.Fp8;
import dev.dayzero.hal.Ue8m0;

/**
 * The arithmetic inner loops every kernel family shares, in two implementations: {@link PlainSimd}
 * (loops the JIT auto-vectorises) and {@code VectorSimd} (the incubating Vector API, loaded only when
 * the config enables it). Arrays are F32 scratch the kernels own.
 */
public interface Simd {

    /** A short label: {@code plain} or the vector species. */
    String name();

    /**
     * {@code c[cOff + r·ldc + j] += Σ_k a[aOff + r·ars + k·aks] · b[bOff + k·ldb + j]} for
     * {@code r < rows, j < cols, k < depth}: a small GEMM whose A operand is read as scalars (any
     * strides), B and C row-major. F32 accumulation; the order of the sum over k is unspecified.
     */
    void gemm(int rows, int cols, int depth, float[] a, int aOff, int ars, int aks, float[] b, int bOff, int ldb,
              float[] c, int cOff, int ldc);

    /** {@code count} BF16 values at byte offset {@code srcOff} of {@code src} (little-endian), to F32. */
    void bf16ToF32(byte[] src, int srcOff, float[] dst, int dstOff, int count);

    /**
     * {@code count} F8_E4M3FN codes at byte offset {@code srcOff} of {@code src} to their exact F32 values
     * (as {@code Fp8.decode}; the NaN codes to NaN).
     */
    void e4m3ToF32(byte[] src, int srcOff, float[] dst, int dstOff, int count);

    /**
     * {@code count} F8_E4M3FN codes to {@code Fp8.decode(code) · s} in F32, each product rounded once: the same
     * values as {@link #e4m3ToF32} then {@link #scale}, in one pass (a block-scaled weight row segment).
     */
    default void e4m3ToF32Scaled(byte[] src, int srcOff, float[] dst, int dstOff, int count, float s) {
        e4m3ToF32(src, srcOff, dst, dstOff, count);
        scale(dst, dstOff, count, s);
    }

    /**
     * {@code pairs} bytes of packed FP4 E2M1 codes (element {@code 2i} in the low nibble of byte {@code i}, element
     * {@code 2i + 1} in the high one) to {@code Fp4.decode(code) · s} in F32, each product rounded once (exact for an
     * MXFP4 block's power-of-two scale), <em>evens first</em>: the {@code pairs} low-nibble values at
     * {@code dst[dstOff ..]}, then the {@code pairs} high-nibble values (contiguous stores; the caller orders the
     * other operand of its dot products the same way).
     */
    void e2m1ToF32Split(byte[] src, int srcOff, float[] dst, int dstOff, int pairs, float s);

    /**
     * {@code Σ_i w[wOff + i] · max(x[xOff + i], 0)} for {@code i < n}: the indexer's weighted ReLU over one
     * key's head scores. F32 accumulation in an unspecified order.
     */
    float reluDot(int n, float[] w, int wOff, float[] x, int xOff);

    /**
     * {@code c[cOff + r·ldc + j] += Σ_k a[aOff + r·lda + k] · b[bOff + j·ldb + k]} for {@code r < rows,
     * j < cols, k < depth}: a GEMM in dot-product form, both operands contiguous along depth (A = activations
     * row-major, B = decoded weight rows). The form for few rows per expert, where vectors run along K.
     * F32 accumulation in an unspecified order.
     */
    void gemmNT(int rows, int cols, int depth, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                float[] c, int cOff, int ldc);

    /**
     * {@code Σ_k Fp8.decode(w[wOff + k]) · x[xOff + k] · s[sOff + k / 128]} for {@code k < count} ({@code count} a
     * multiple of 128): one weight row against one activation row with the weights' 1×128 block scales, decoded
     * in registers (no F32 copy of the row). F32 accumulation in an unspecified order; NaN codes give NaN.
     */
    float dotE4m3Scaled(byte[] w, int wOff, float[] x, int xOff, int count, float[] s, int sOff);

    /**
     * {@code Σ_k w[wOff + k] · x[xOff + k]} for {@code k < count} with signed-byte weights and integer-valued
     * {@code x} (INT8 activations as F32): exact while every partial sum stays below 2^24 in magnitude, which
     * {@code count ≤ 1024} guarantees for INT8 operands (1024 · 127 · 128 < 2^24).
     */
    default float dotI8(byte[] w, int wOff, float[] x, int xOff, int count) {
        float acc = 0f;
        for (int i = 0; i < count; i++) {
            acc += w[wOff + i] * x[xOff + i];
        }
        return acc;
    }

    /**
     * One activation row against four FP8 weight rows that share their 1×128 block scales (decode at batch 1):
     * {@code out[outOff + j] = Σ_k x[xOff + k] · Fp8.decode(w[wOff + j·ldw + k]) · s[sOff + k / 128]} for
     * {@code j < 4}, {@code depth} a multiple of 128; X is read once for the four rows, each weight decoded once in
     * registers. Values as {@link #dot8x2E4m3}'s (each decoded weight rounded once; a NaN code makes its row's sum NaN).
     */
    default void dot1x4E4m3(int depth, float[] x, int xOff, byte[] w, int wOff, int ldw, float[] s, int sOff,
                            float[] out, int outOff) {
        for (int j = 0; j < 4; j++) {
            out[outOff + j] = dotE4m3Scaled(w, wOff + j * ldw, x, xOff, depth, s, sOff);
        }
    }

    /**
     * {@link #dot1x4E4m3} with the block scales already folded into X: {@code out[outOff + j] = Σ_k xs[xOff + k] ·
     * Fp8.decode(w[wOff + j·ldw + k]) · 2^-120} for {@code j < 4}, where the caller stored {@code xs = x · s · 2^120}
     * (exact scaling; the kernel keeps {@code |x · s| < 2^7}, so every xs is finite). The weights then need no multiply
     * in the inner loop: their
     * short decode (the code's bits moved into an F32, {@code Fp8.decode · 2^-120} exactly) goes straight into the
     * FMA, whose product {@code decode · fl(x · s)} is exact. A NaN code makes its row's sum NaN.
     */
    default void dot1x4E4m3Prescaled(int depth, float[] xs, int xOff, byte[] w, int wOff, int ldw, float[] out,
                                     int outOff) {
        for (int j = 0; j < 4; j++) {
            float sum = 0f;
            for (int k = 0; k < depth; k++) {
                sum = Math.fma(Fp8.decode(DType.F8_E4M3FN, w[wOff + j * ldw + k]) * 0x1p-120f, xs[xOff + k], sum);
            }
            out[outOff + j] = sum;
        }
    }

    /** {@link #dot1x4E4m3Prescaled} for eight weight rows: {@code out[outOff + j]} for {@code j < 8}. */
    default void dot1x8E4m3Prescaled(int depth, float[] xs, int xOff, byte[] w, int wOff, int ldw, float[] out,
                                     int outOff) {
        dot1x4E4m3Prescaled(depth, xs, xOff, w, wOff, ldw, out, outOff);
        dot1x4E4m3Prescaled(depth, xs, xOff, w, wOff + 4 * ldw, ldw, out, outOff + 4);
    }

    /**
     * One activation row against four MXFP4 weight rows (decode at batch 1): {@code out[outOff + j] = Σ_k
     * Fp4.decode(code_jk) · Ue8m0.decode(s[sOff + j·lds + k / 32]) · x[xOff + p(k)]} for {@code j < 4, k < depth}
     * ({@code depth} a multiple of 32), row j's codes packed two a byte from {@code w[wOff + j·ldw]} (element 2i in
     * the low nibble of byte i), with X in {@link #e2m1ToF32Split}'s order: within each 32-block {@code p} puts the
     * even positions first, then the odd ones. F32 accumulation in an unspecified order; each decoded weight times
     * its scale is exact (a power of two) unless it overflows; a NaN scale code gives NaN.
     */
    default void dot1x4E2m1(int depth, float[] x, int xOff, byte[] w, int wOff, int ldw, byte[] s, int sOff, int lds,
                            float[] out, int outOff) {
        for (int j = 0; j < 4; j++) {
            float sum = 0f;
            for (int b = 0; b < depth / 32; b++) {
                float sc = Ue8m0.decode(s[sOff + j * lds + b]);
                for (int i = 0; i < 16; i++) {
                    byte v = w[wOff + j * ldw + b * 16 + i];
                    sum = Math.fma(Fp4.decode(v & 0xf) * sc, x[xOff + b * 32 + i], sum);
                    sum = Math.fma(Fp4.decode((v >> 4) & 0xf) * sc, x[xOff + b * 32 + 16 + i], sum);
                }
            }
            out[outOff + j] = sum;
        }
    }

    /**
     * Eight activation rows against one MXFP4 weight row (decode at batch 8), X interleaved as
     * {@link #interleave8Scaled} lays it out (without scales) and in {@link #e2m1ToF32Split}'s order within each
     * 32-block: with {@code P = partialWidth()} and {@code q} a position in that order (the block's even elements
     * first), {@code xi[xiOff + ((q / P)·8 + i)·P + q % P] · Fp4.decode(code) · Ue8m0.decode(s[sOff + q / 32])} is
     * added to {@code acc[accOff + i·P + q % P]} for {@code i < 8}, {@code q < depth} (a multiple of 32). Each decoded
     * weight times its scale is exact unless it overflows; a NaN scale code gives NaN.
     */
    default void dot8x1E2m1(int depth, float[] xi, int xiOff, byte[] w, int wOff, byte[] s, int sOff, float[] acc,
                            int accOff) {
        int pw = partialWidth();
        for (int q = 0; q < depth; q++) {
            int b = q / 32;
            int h = q % 32;
            byte v = w[wOff + b * 16 + h % 16];
            float d = Fp4.decode(h < 16 ? v & 0xf : (v >> 4) & 0xf) * Ue8m0.decode(s[sOff + b]);
            for (int i = 0; i < 8; i++) {
                int a = accOff + i * pw + q % pw;
                acc[a] = Math.fma(xi[xiOff + ((q / pw) * 8 + i) * pw + q % pw], d, acc[a]);
            }
        }
    }

    /**
     * Where element {@code k} sits in the pair-split order of blocks of {@code 2p} values: within each block the even
     * elements first, then the odd ones ({@code e2m1ToF32Split}'s order is this with {@code p} = 16; the BF16 tiles'
     * with {@code p = partialWidth()}).
     */
    static int pairSplit(int k, int p) {
        int b = k - k % (2 * p);
        return b + ((k - b) % 2) * p + (k - b) / 2;
    }

    /**
     * One activation row against four BF16 weight rows (decode at batch 1): {@code out[outOff + j] = Σ_k
     * bf16(w, wOff + 2·(j·ldw + k)) · x[xOff + p(k)]} for {@code j < 4}, {@code k < depth} ({@code depth} a multiple
     * of {@code 2·partialWidth()}; {@code wOff} and {@code ldw}: bytes and elements), with X in the pair-split order:
     * within each block of {@code 2P} values ({@code P = partialWidth()}) the even positions first, then the odd ones
     * ({@code k = b + 2i → p = b + i}, {@code k = b + 2i + 1 → p = b + P + i}). F32 accumulation in an unspecified
     * order.
     */
    default void dot1x4Bf16(int depth, float[] x, int xOff, byte[] w, int wOff, int ldw, float[] out, int outOff) {
        int pw = partialWidth();
        for (int j = 0; j < 4; j++) {
            float sum = 0f;
            for (int k = 0; k < depth; k++) {
                int at = wOff + 2 * (j * ldw + k);
                float v = Float.intBitsToFloat(((w[at + 1] & 0xff) << 24) | ((w[at] & 0xff) << 16));
                sum = Math.fma(v, x[xOff + pairSplit(k, pw)], sum);
            }
            out[outOff + j] = sum;
        }
    }

    /** {@link #dot1x4Bf16} for eight weight rows: {@code out[outOff + j]} for {@code j < 8}. */
    default void dot1x8Bf16(int depth, float[] x, int xOff, byte[] w, int wOff, int ldw, float[] out, int outOff) {
        dot1x4Bf16(depth, x, xOff, w, wOff, ldw, out, outOff);
        dot1x4Bf16(depth, x, xOff, w, wOff + 2 * 4 * ldw, ldw, out, outOff + 4);
    }

    /**
     * Eight activation rows against one BF16 weight row (decode at batch 8), X interleaved as {@link #dot8x1E2m1}
     * reads it but in {@link #dot1x4Bf16}'s pair-split order: with {@code P = partialWidth()} and {@code q} a position
     * in that order (element {@code k} of block {@code b = k - k % 2P} at {@code q = b + (k - b) / 2} when even, at
     * {@code q = b + P + (k - b) / 2} when odd), {@code xi[xiOff + ((q / P)·8 + i)·P + q % P] · bf16(w, wOff + 2k)} is
     * added to {@code acc[accOff + i·P + q % P]} for {@code i < 8}, {@code k < depth} (a multiple of 2P).
     */
    default void dot8x1Bf16(int depth, float[] xi, int xiOff, byte[] w, int wOff, float[] acc, int accOff) {
        int pw = partialWidth();
        for (int k = 0; k < depth; k++) {
            int q = pairSplit(k, pw);
            int at = wOff + 2 * k;
            float v = Float.intBitsToFloat(((w[at + 1] & 0xff) << 24) | ((w[at] & 0xff) << 16));
            for (int i = 0; i < 8; i++) {
                int a = accOff + i * pw + q % pw;
                acc[a] = Math.fma(xi[xiOff + ((q / pw) * 8 + i) * pw + q % pw], v, acc[a]);
            }
        }
    }

    /**
     * {@link #dotI8} of one activation row against four weight rows: {@code out[outOff + j] = Σ_k x[xOff + k] ·
     * w[wOff + j·ldw + k]}, exact for {@code depth ≤ 1024}.
     */
    default void dot1x4I8(int depth, float[] x, int xOff, byte[] w, int wOff, int ldw, float[] out, int outOff) {
        for (int j = 0; j < 4; j++) {
            out[outOff + j] = dotI8(w, wOff + j * ldw, x, xOff, depth);
        }
    }

    /** {@link #dot1x4I8} for eight weight rows: {@code out[outOff + j]} for {@code j < 8}, exact for {@code depth ≤ 1024}. */
    default void dot1x8I8(int depth, float[] x, int xOff, byte[] w, int wOff, int ldw, float[] out, int outOff) {
        dot1x4I8(depth, x, xOff, w, wOff, ldw, out, outOff);
        dot1x4I8(depth, x, xOff, w, wOff + 4 * ldw, ldw, out, outOff + 4);
    }

    /**
     * Lanes of the partial sums the 8×2 dot kernels keep ({@link #dot8x2E4m3}, {@link #dot8x2I8}): the float vector's
     * lane count, 1 for the plain loops.
     */
    int partialWidth();

    /**
     * The sum of one output's {@link #partialWidth()} partial sums at {@code src[off]} (the layout of the 8×2 tiles):
     * in lane order here; the vector form adds them as a tree, so the outputs' sums overlap instead of each waiting
     * on a chain of {@code partialWidth()} dependent additions.
     */
    default float sumPartial(float[] src, int off) {
        float sum = 0f;
        for (int l = 0; l < partialWidth(); l++) {
            sum += src[off + l];
        }
        return sum;
    }

    /**
     * The INT8 total of one output: its {@link #partialWidth()} float partial sums at {@code pf[off]} (integers below
     * 2^24 in magnitude, as the INT8 tiles leave them) plus the integer ones at {@code pi[off]}, in 32-bit integer
     * arithmetic (wrapping as an int accumulator does), exactly: here each float lane is converted on its own; the
     * vector form adds them in double, where their sum is exact in any order.
     */
    default int sumPartialInt(float[] pf, int[] pi, int off) {
        int sum = 0;
        for (int l = 0; l < partialWidth(); l++) {
            sum += pi[off + l] + (int) pf[off + l];
        }
        return sum;
    }

    /**
     * Whether the register-decoding tiles that need a multiply-free prepared X ({@link #dot1x4E4m3Prescaled},
     * {@link #dot8x2E4m3Prescaled}, {@link #dot1x4Bf16}) run vectorised here: their defaults are plain scalar loops,
     * slower than the panel paths the plain implementation otherwise takes, so a kernel uses them only when true.
     */
    default boolean registerTiles() {
        return false;
    }

    /**
     * Whether FP8 experts of five to eight rows take {@link #dot8x3E4m3Prescaled} (groups of six weight rows) instead
     * of {@link #dot8x2E4m3Prescaled} alone: the vector form, unless {@code CpuConfig.tile8x3} says no; the plain loops
     * have no register tiles.
     */
    default boolean tile8x3() {
        return false;
    }

    /** Whether the MXFP4 register tiles ({@link #dot1x4E2m1}, {@link #dot8x1E2m1}) run vectorised here (see {@link #registerTiles}). */
    default boolean mxfp4RegisterTiles() {
        return false;
    }

    /**
     * Eight activation rows against two FP8 weight rows with their 1×128 block scale, the tile for experts of five to
     * eight rows (decode at batch 8): for {@code i < 8, j < 2} the sum over {@code k < depth} of
     * {@code x[xOff + i·ldx + k] · Fp8.decode(w[wOff + j·ldw + k]) · s[sOff + k / 128]} is added to the
     * {@code P = partialWidth()} partial sums {@code acc[accOff + (i·2 + j)·P + l]}, {@code l < P} (their sum is the
     * dot product; which k goes to which lane is unspecified). {@code depth} is a multiple of 128; each weight is
     * decoded once in registers and used for all eight rows. Each decoded weight equals {@code Fp8.decode(code) · s}
     * rounded once; a NaN code makes its row's sums NaN.
     */
    void dot8x2E4m3(int depth, float[] x, int xOff, int ldx, byte[] w, int wOff, int ldw, float[] s, int sOff,
                    float[] acc, int accOff);

    /**
     * One row of X with a weight block's scales folded in, for {@link #dot1x4E4m3Prescaled} and
     * {@link #dot1x8E4m3Prescaled}: {@code dst[i] = x[xOff + i] · s[sOff + i / 128] · 2^120} for {@code i < depth} (a
     * multiple of 128). False, leaving {@code dst} unusable, when some scale has {@code |s| ≥ 2^7} or some
     * {@code |x · s| ≥ 2^7} (the scaled value would reach 2^127), or a NaN: the caller then keeps the scales on the
     * weights.
     */
    default boolean foldScales(float[] x, int xOff, int depth, float[] s, int sOff, float[] dst) {
        for (int b = 0; b < depth / 128; b++) {
            float sb = s[sOff + b];
            if (!(Math.abs(sb) < 0x1p7f)) {
                return false;
            }
            float f = sb * 0x1p120f;
            float max = 0f;
            for (int i = b * 128; i < (b + 1) * 128; i++) {
                float v = x[xOff + i];
                max = Math.max(max, Math.abs(v));
                dst[i] = v * f;
            }
            if (!(max * Math.abs(sb) < 0x1p7f)) { // NaN fails too
                return false;
            }
        }
        return true;
    }

    /**
     * Eight rows of X with one weight block's scales folded in, interleaved for {@link #dot8x2E4m3Prescaled}: with
     * {@code P = partialWidth()}, {@code dst[((k / P)·8 + i)·P + k % P] = x[xOff + i·ldx + k] · s[sOff + k / 128] ·
     * 2^120} for {@code i < 8, k < depth} ({@code depth} a multiple of 128), so one step of the tile reads its eight
     * row vectors from one base address. False, leaving {@code dst} unusable, when a scaled value would reach 2^127
     * ({@code |x · s| ≥ 2^7}) or is NaN: the caller then keeps the scales on the weights ({@link #dot8x2E4m3}).
     */
    default boolean interleave8Scaled(float[] x, int xOff, int ldx, int depth, float[] s, int sOff, float[] dst) {
        int pw = partialWidth();
        for (int i = 0; i < 8; i++) {
            for (int k = 0; k < depth; k++) {
                float v = x[xOff + i * ldx + k] * (s[sOff + k / 128] * 0x1p120f);
                if (!(Math.abs(v) < 0x1p127f)) {
                    return false;
                }
                dst[((k / pw) * 8 + i) * pw + k % pw] = v;
            }
        }
        return true;
    }

    /**
     * {@link #dot8x2E4m3} on X prepared by {@link #interleave8Scaled} (scales folded in, rows interleaved): for
     * {@code i < 8, j < 2} the products {@code xi[((k / P)·8 + i)·P + k % P] · Fp8.decode(w[wOff + j·ldw + k]) ·
     * 2^-120} are added to the partial sums {@code acc[accOff + (i·2 + j)·P + k % P]}. A step needs no scale
     * multiply or broadcast and one address for its eight row vectors; the product {@code decode · fl(x · s)} is
     * exact in the FMA. A NaN code makes its row's sums NaN.
     */
    default void dot8x2E4m3Prescaled(int depth, float[] xi, int xiOff, byte[] w, int wOff, int ldw, float[] acc,
                                     int accOff) {
        int pw = partialWidth();
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 2; j++) {
                int a = accOff + (i * 2 + j) * pw;
                for (int k = 0; k < depth; k++) {
                    float d = Fp8.decode(DType.F8_E4M3FN, w[wOff + j * ldw + k]) * 0x1p-120f;
                    acc[a + k % pw] = Math.fma(xi[xiOff + ((k / pw) * 8 + i) * pw + k % pw], d, acc[a + k % pw]);
                }
            }
        }
    }

    /**
     * Where, in units of {@link #partialWidth()}, the partial sums of column {@code c} of a group of pairs (column
     * {@code c % 2} of pair {@code c / 2}) for X row {@code i} start, in the layout of {@link #dot8x2E4m3Prescaled}
     * calls on consecutive pairs (16 slots a pair: X row {@code i}'s two columns at {@code 2·i} and {@code 2·i + 1}).
     */
    static int pairSlot(int c, int i) {
        return (c / 2) * 16 + i * 2 + c % 2;
    }

    /**
     * Half of the 8 × 6 tile: weight rows {@code wOff + c·ldw} for the columns {@code c = 3·half … 3·half + 2} of a
     * group of six against the eight rows of X prepared by {@link #interleave8Scaled}, adding to the partial sums in
     * the layout of three {@link #dot8x2E4m3Prescaled} calls on the group's pairs, {@code acc[accOff + ((c / 2)·16 +
     * i·2 + c % 2)·P + k % P]} for X row {@code i} (P = {@link #partialWidth()}), the products {@code xi[xiOff + ((k /
     * P)·8 + i)·P + k % P] · Fp8.decode(w[wOff + c·ldw + k]) · 2^-120}, each exact as in {@link #dot8x2E4m3Prescaled}
     * and added in the same order, so half 0 then half 1 add bit for bit what those three calls add. Each step loads
     * eight row vectors of X for three decoded weight vectors (24 FMAs), a row of X for every three FMAs instead of
     * two. NaN codes are not looked for: the caller follows with {@link #nanCodesToPartials}. Used only where
     * {@link #tile8x3()} says it compiles well.
     */
    default void dot8x3E4m3Prescaled(int depth, float[] xi, int xiOff, int half, byte[] w, int wOff, int ldw,
                                     float[] acc, int accOff) {
        int pw = partialWidth();
        for (int c = 3 * half; c < 3 * half + 3; c++) {
            for (int i = 0; i < 8; i++) {
                int a = accOff + pairSlot(c, i) * pw;
                for (int k = 0; k < depth; k++) {
                    float d = Fp8.decode(DType.F8_E4M3FN, w[wOff + c * ldw + k]) * 0x1p-120f;
                    acc[a + k % pw] = Math.fma(xi[xiOff + ((k / pw) * 8 + i) * pw + k % pw], d, acc[a + k % pw]);
                }
            }
        }
    }

    /**
     * Makes NaN the partial sums, in the layout of {@link #dot8x3E4m3Prescaled} (all eight rows of X), of each weight
     * row {@code c < cols} at {@code wOff + c·ldw} whose {@code depth} E4M3 codes hold a NaN (magnitude 0x7f): the
     * tiles' short decode turns those codes into finite values.
     */
    default void nanCodesToPartials(byte[] w, int wOff, int ldw, int cols, int depth, float[] acc, int accOff) {
        int pw = partialWidth();
        for (int c = 0; c < cols; c++) {
            for (int k = 0; k < depth; k++) {
                if (Float.isNaN(Fp8.decode(DType.F8_E4M3FN, w[wOff + c * ldw + k]))) {
                    for (int i = 0; i < 8; i++) {
                        acc[accOff + pairSlot(c, i) * pw] = Float.NaN;
                    }
                    break;
                }
            }
        }
    }

    /**
     * Half of the work of two {@link #dot8x2I8} calls, on four weight rows: X rows {@code 4·half … 4·half + 3} (row i
     * at {@code xOff + i·ldx}) against signed-byte weight rows {@code wOff + c·ldw}, {@code c < 4}, adding to the
     * partial sums the calls on the pairs (0, 1) and (2, 3) would, {@code acc[accOff + ((c / 2)·16 + i·2 + c % 2)·P +
     * k % P]} for X row {@code i} (P = {@link #partialWidth()}); exact under {@link #dot8x2I8}'s depth limit. Half 0
     * then half 1 over the same weights is the batch-8 tile: half 0 streams the weights with twice the weight bytes a
     * step of the 8 × 2 tile, half 1 reads them again from cache.
     */
    default void dot4x4I8(int depth, float[] x, int xOff, int ldx, int half, byte[] w, int wOff, int ldw, float[] acc,
                          int accOff) {
        int pw = partialWidth();
        for (int i = 4 * half; i < 4 * half + 4; i++) {
            for (int c = 0; c < 4; c++) {
                int a = accOff + pairSlot(c, i) * pw;
                for (int k = 0; k < depth; k++) {
                    acc[a + k % pw] += x[xOff + i * ldx + k] * w[wOff + c * ldw + k];
                }
            }
        }
    }

    /**
     * {@link #dot8x2E4m3} for signed-byte weights without scales and integer-valued {@code x} (INT8 activations as
     * F32): every partial sum is exact while each lane has summed at most 1024 products, i.e. for at most
     * {@code 1024 · partialWidth()} depth since the partial sums were last emptied.
     */
    void dot8x2I8(int depth, float[] x, int xOff, int ldx, byte[] w, int wOff, int ldw, float[] acc, int accOff);

    /** {@code count} signed bytes at {@code srcOff} of {@code src} to F32. */
    void i8ToF32(byte[] src, int srcOff, float[] dst, int dstOff, int count);

    /** {@code x[off + i] *= s} for {@code i < count}. */
    void scale(float[] x, int off, int count, float s);

    /** {@code max |x[off + i]|} for {@code i < count} (0 for none). */
    float amax(float[] x, int off, int count);

    /**
     * {@code q[qOff + i] = spec.encode(x[xOff + i], scale)} for {@code i < count}, bit for bit the recipe of
     * {@code QuantizeSpec#encode}: F32 division, then FP8 (round to nearest even, saturating) or INT8.
     */
    void encode(dev.dayzero.hal.op.QuantizeSpec spec, float[] x, int xOff, int count, float scale, byte[] q, int qOff);

    /**
     * {@link #encode} of {@code count} BF16 values at byte offset {@code xOff} of {@code x} (little-endian), read
     * straight from the input: the same codes as converting them to F32 first.
     */
    void encodeBf16(dev.dayzero.hal.op.QuantizeSpec spec, byte[] x, int xOff, int count, float scale, byte[] q, int qOff);

    /** {@code max |x|} of {@code count} BF16 values at byte offset {@code xOff} of {@code x} (0 for none). */
    float amaxBf16(byte[] x, int xOff, int count);

    /**
     * One row of {@code count} BF16 values at byte offset {@code xOff} of {@code x}, quantized in one-row-high
     * scaling units of {@code unit} columns (the last may be shorter): for unit {@code g},
     * {@code scales[g] = spec.scaleFor(max |x| over the unit)} and its codes at {@code q[qOff + g·unit …]} are
     * {@code spec.encode(x, scales[g])} — bit for bit {@link #amaxBf16} then {@link #encodeBf16} per unit.
     * {@code scales} holds at least {@code ceil(count / unit)} values.
     */
    default void quantizeRowBf16(dev.dayzero.hal.op.QuantizeSpec spec, byte[] x, int xOff, int count, int unit,
                                 float[] scales, byte[] q, int qOff) {
        for (int c = 0, g = 0; c < count; c += unit, g++) {
            scales[g] = spec.scaleFor(amaxBf16(x, xOff + 2 * c, Math.min(unit, count - c)));
        }
        for (int c = 0, g = 0; c < count; c += unit, g++) {
            encodeBf16(spec, x, xOff + 2 * c, Math.min(unit, count - c), scales[g], q, qOff + c);
        }
    }

    /**
     * Scores of an attention tile, {@code count} tokens × {@code rows} query rows stored {@code st[t·ld + r]}:
     * each multiplied by {@code scale} in place, and {@code max[r]} raised to the largest of row {@code r}'s.
     */
    void scaleAndMax(float[] st, int count, int ld, int rows, float scale, float[] max);

    /**
     * The softmax numerators of an attention tile laid out as in {@link #scaleAndMax}: {@code st[t·ld + r] =
     * exp(st[t·ld + r] - ref[r])} in place, and their sum over {@code t} added to {@code sum[r]}. The vector path's
     * exponential may differ from {@code Math.exp} by an ulp.
     */
    void expAndSum(float[] st, int count, int ld, int rows, float[] ref, float[] sum);

    /**
     * A register-resident FMA chain, {@code iterations} steps of {@link #fmaChainFlops()} FLOP each, for the
     * calibration's peak: independent accumulators, no memory traffic. Returns a value that depends on all of
     * them (so the JIT keeps the work).
     */
    float fmaChain(long iterations, float seed);

    /** FLOP one step of {@link #fmaChain} does. */
    int fmaChainFlops();
}
