package dev.dayzero.backend.cpu.internal.gemm;

import dev.dayzero.backend.cpu.internal.Bytes;
import dev.dayzero.backend.cpu.internal.simd.Simd;
import dev.dayzero.hal.Ue8m0;

/**
 * Decodes MXFP4 expert weights ({@link dev.dayzero.hal.op.MoeGemmSpec.Type#MXFP4_FP8},
 * {@link dev.dayzero.hal.op.MoeGemmSpec.Type#MXFP4_BF16}) into the F32 panel of {@link MoeGemmKernel}:
 * {@code w [E, N, K]} E2M1 codes packed two a byte (element {@code 2i} of a row in the low nibble of
 * byte {@code i}), {@code w_scale [E, N, K/32]} UE8M0. Each 32-value block goes through
 * {@code Simd.e2m1ToF32Split} (vectorised integer decode; plain: a 16-entry table) times the block's scale from a
 * 256-entry UE8M0 table, exact in F32, evens first ({@link #position}): the kernel stores the activations in the same
 * order, so every dot product sees the same pairs of factors.
 */
final class Mxfp4Panel {
    private static final int BLOCK = 32;
    private static final float[] SCALES = new float[256];

    static {
        for (int b = 0; b < 256; b++) {
            SCALES[b] = Ue8m0.decode((byte) b);
        }
    }

    private final int n;
    private final int k;
    private final Simd simd;

    Mxfp4Panel(int n, int k, Simd simd) {
        this.n = n;
        this.k = k;
        this.simd = simd;
    }

    /**
     * Where K position {@code kk} sits in a decoded panel and so in the activations it is dotted with: within each
     * 32-value block the even positions first, then the odd ones ({@code Simd.e2m1ToF32Split}'s order).
     */
    static int position(int kk) {
        return Simd.pairSplit(kk, BLOCK / 2);
    }

    /** Reorders {@code count} values at {@code x[off ..]} (whole 32-blocks) to {@link #position} order, using {@code tmp[0, 32)}. */
    static void permute(float[] x, int off, int count, float[] tmp) {
        for (int b = 0; b < count; b += BLOCK) {
            System.arraycopy(x, off + b, tmp, 0, BLOCK);
            for (int q = 0; q < BLOCK; q++) {
                x[off + b + position(q)] = tmp[q];
            }
        }
    }

    /**
     * Row {@code row} of expert {@code e}, values {@code [k0, k0 + kc)} (whole 32-blocks), into {@code p[dst..]} in
     * {@link #position} order.
     */
    void decode(int e, int row, int k0, int kc, byte[] w, byte[] ws, float[] p, int dst) {
        if (k0 % BLOCK != 0 || kc % BLOCK != 0) {
            throw new IllegalArgumentException("MXFP4 panels are whole 32-blocks: k0 " + k0 + ", kc " + kc);
        }
        long rowIndex = (long) e * n + row;
        int src = Math.toIntExact((rowIndex * k + k0) >>> 1);
        int scaleRow = Math.toIntExact(rowIndex * (k / BLOCK));
        for (int j = 0; j < kc; j += BLOCK) {
            float s = SCALES[ws[scaleRow + (k0 + j) / BLOCK] & 0xff];
            simd.e2m1ToF32Split(w, src + (j >>> 1), p, dst + j, BLOCK / 2, s);
        }
    }

    /**
     * UE8M0 scale bytes as little-endian F32 bytes into {@code out} (4 per code), returned, so the kernel's F32 scale
     * loops read them unchanged; done once per launch for the small FP8 block-scale tensors (1×128 activations,
     * 128×128 weights), into an array the kernel sized once.
     */
    static byte[] ue8m0ToF32Bytes(byte[] codes, byte[] out) {
        for (int i = 0; i < codes.length; i++) {
            Bytes.putFloat(out, 4 * i, SCALES[codes[i] & 0xff]);
        }
        return out;
    }
}
