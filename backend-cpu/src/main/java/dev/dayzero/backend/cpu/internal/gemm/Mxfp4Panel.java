package dev.dayzero.backend.cpu.internal.gemm;

import dev.dayzero.backend.cpu.internal.Bytes;
import dev.dayzero.hal.Fp4;
import dev.dayzero.hal.Ue8m0;

/**
 * Decodes MXFP4 expert weights ({@link dev.dayzero.hal.op.MoeGemmSpec.Type#MXFP4_FP8},
 * {@link dev.dayzero.hal.op.MoeGemmSpec.Type#MXFP4_BF16}) into the F32 panel of {@link MoeGemmKernel}:
 * {@code w [E, N, K]} E2M1 codes packed two a byte (element {@code 2i} of a row in the low nibble of
 * byte {@code i}), {@code w_scale [E, N, K/32]} UE8M0. Each byte becomes two floats through a 256-entry
 * table of code pairs, times the block's scale from a 256-entry UE8M0 table: exact in F32.
 */
final class Mxfp4Panel {
    private static final int BLOCK = 32;
    /** byte → (low value, high value), unscaled. */
    private static final float[] PAIRS = new float[512];
    private static final float[] SCALES = new float[256];

    static {
        for (int b = 0; b < 256; b++) {
            PAIRS[2 * b] = Fp4.decode(b & 0xf);
            PAIRS[2 * b + 1] = Fp4.decode(b >>> 4);
            SCALES[b] = Ue8m0.decode((byte) b);
        }
    }

    private final int n;
    private final int k;

    Mxfp4Panel(int n, int k) {
        this.n = n;
        this.k = k;
    }

    /** Row {@code row} of expert {@code e}, values {@code [k0, k0 + kc)} (k0 and kc even), into {@code p[dst..]}. */
    void decode(int e, int row, int k0, int kc, byte[] w, byte[] ws, float[] p, int dst) {
        long rowIndex = (long) e * n + row;
        int src = Math.toIntExact((rowIndex * k + k0) >>> 1);
        int scaleRow = Math.toIntExact(rowIndex * (k / BLOCK));
        for (int j = 0; j < kc; ) {
            int kk = k0 + j;
            float s = SCALES[ws[scaleRow + kk / BLOCK] & 0xff];
            int end = Math.min(kc, j + BLOCK - kk % BLOCK);
            for (; j < end; j += 2) {
                int pair = (w[src + (j >>> 1)] & 0xff) << 1;
                p[dst + j] = PAIRS[pair] * s;
                p[dst + j + 1] = PAIRS[pair + 1] * s;
            }
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
