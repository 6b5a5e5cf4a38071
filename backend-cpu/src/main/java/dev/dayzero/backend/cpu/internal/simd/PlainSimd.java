package dev.dayzero.backend.cpu.internal.simd;

import dev.dayzero.backend.cpu.internal.Bytes;

/**
 * Plain-Java inner loops, written as axpy sweeps over contiguous rows ({@code c[j] += a · b[j]}) that
 * C2 auto-vectorises; depth is unrolled by four to cut loads and stores of C.
 */
public final class PlainSimd implements Simd {

    @Override
    public String name() {
        return "plain";
    }

    @Override
    public void gemm(int rows, int cols, int depth, float[] a, int aOff, int ars, int aks, float[] b, int bOff,
                     int ldb, float[] c, int cOff, int ldc) {
        for (int r = 0; r < rows; r++) {
            int ar = aOff + r * ars;
            int cr = cOff + r * ldc;
            int k = 0;
            for (; k + 4 <= depth; k += 4) {
                float a0 = a[ar + k * aks];
                float a1 = a[ar + (k + 1) * aks];
                float a2 = a[ar + (k + 2) * aks];
                float a3 = a[ar + (k + 3) * aks];
                int b0 = bOff + k * ldb;
                axpy4(cols, a0, a1, a2, a3, b, b0, b0 + ldb, b0 + 2 * ldb, b0 + 3 * ldb, c, cr);
            }
            for (; k < depth; k++) {
                axpy(cols, a[ar + k * aks], b, bOff + k * ldb, c, cr);
            }
        }
    }

    private static void axpy4(int n, float a0, float a1, float a2, float a3, float[] b, int b0, int b1, int b2,
                              int b3, float[] c, int co) {
        for (int j = 0; j < n; j++) {
            c[co + j] += (a0 * b[b0 + j] + a1 * b[b1 + j]) + (a2 * b[b2 + j] + a3 * b[b3 + j]);
        }
    }

    private static void axpy(int n, float a, float[] b, int bo, float[] c, int co) {
        for (int j = 0; j < n; j++) {
            c[co + j] += a * b[bo + j];
        }
    }

    @Override
    public void bf16ToF32(byte[] src, int srcOff, float[] dst, int dstOff, int count) {
        for (int i = 0; i < count; i++) {
            dst[dstOff + i] = Float.intBitsToFloat(Bytes.getShort(src, srcOff + 2 * i) << 16);
        }
    }
}
