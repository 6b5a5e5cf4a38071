package dev.dayzero.backend.cpu.internal.simd;

import dev.dayzero.backend.cpu.internal.Bytes;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp4;
import dev.dayzero.hal.Fp8;

/**
 * Plain-Java inner loops, written as axpy sweeps over contiguous rows ({@code c[j] += a · b[j]}) that
 * C2 auto-vectorises; depth is unrolled by four to cut loads and stores of C. The row copies live in a
 * small per-thread scratch that grows to the largest tile seen.
 */
public final class PlainSimd implements Simd {
    private static final ThreadLocal<Rows> SCRATCH = ThreadLocal.withInitial(Rows::new);

    @Override
    public String name() {
        return "plain";
    }

    @Override
    public void gemm(int rows, int cols, int depth, float[] a, int aOff, int ars, int aks, float[] b, int bOff,
                     int ldb, float[] c, int cOff, int ldc) {
        Rows s = SCRATCH.get().ensure(rows, cols);
        float[][] cr = s.c;
        float[] b0 = s.b[0];
        float[] b1 = s.b[1];
        float[] b2 = s.b[2];
        float[] b3 = s.b[3];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(c, cOff + r * ldc, cr[r], 0, cols);
        }
        int k = 0;
        for (; k + 4 <= depth; k += 4) {
            int bk = bOff + k * ldb;
            System.arraycopy(b, bk, b0, 0, cols);
            System.arraycopy(b, bk + ldb, b1, 0, cols);
            System.arraycopy(b, bk + 2 * ldb, b2, 0, cols);
            System.arraycopy(b, bk + 3 * ldb, b3, 0, cols);
            for (int r = 0; r < rows; r++) {
                int ar = aOff + r * ars + k * aks;
                axpy4(cols, a[ar], a[ar + aks], a[ar + 2 * aks], a[ar + 3 * aks], b0, b1, b2, b3, cr[r]);
            }
        }
        for (; k < depth; k++) {
            System.arraycopy(b, bOff + k * ldb, b0, 0, cols);
            for (int r = 0; r < rows; r++) {
                axpy(cols, a[aOff + r * ars + k * aks], b0, cr[r]);
            }
        }
        for (int r = 0; r < rows; r++) {
            System.arraycopy(cr[r], 0, c, cOff + r * ldc, cols);
        }
    }

    // Every array is indexed from 0: C2 (JDK 17) does not vectorise loops whose arrays carry
    // different loop-invariant offsets, so rows of B and C are copied into these first.
    private static void axpy4(int n, float a0, float a1, float a2, float a3, float[] b0, float[] b1, float[] b2,
                              float[] b3, float[] c) {
        for (int j = 0; j < n; j++) {
            c[j] += (a0 * b0[j] + a1 * b1[j]) + (a2 * b2[j] + a3 * b3[j]);
        }
    }

    private static void axpy(int n, float a, float[] b, float[] c) {
        for (int j = 0; j < n; j++) {
            c[j] += a * b[j];
        }
    }

    /** Per-thread copies of C's rows and four B rows, grown on demand. */
    private static final class Rows {
        float[][] c = new float[0][];
        final float[][] b = new float[4][0];

        Rows ensure(int rows, int cols) {
            if (b[0].length < cols) {
                for (int i = 0; i < 4; i++) {
                    b[i] = new float[cols];
                }
                c = new float[0][];
            }
            if (c.length < rows) {
                float[][] grown = new float[rows][];
                System.arraycopy(c, 0, grown, 0, c.length);
                for (int r = c.length; r < rows; r++) {
                    grown[r] = new float[b[0].length];
                }
                c = grown;
            }
            return this;
        }
    }

    @Override
    public void bf16ToF32(byte[] src, int srcOff, float[] dst, int dstOff, int count) {
        for (int i = 0; i < count; i++) {
            dst[dstOff + i] = Float.intBitsToFloat(Bytes.getShort(src, srcOff + 2 * i) << 16);
        }
    }

    private static final float[] E4M3 = Fp8.decodeTable(DType.F8_E4M3FN);
    private static final float[] E2M1 = Fp4.decodeTable();

    @Override
    public void e2m1ToF32Split(byte[] src, int srcOff, float[] dst, int dstOff, int pairs, float s) {
        for (int i = 0; i < pairs; i++) {
            int b = src[srcOff + i] & 0xff;
            dst[dstOff + i] = E2M1[b & 0xf] * s;
            dst[dstOff + pairs + i] = E2M1[b >>> 4] * s;
        }
    }

    @Override
    public void e4m3ToF32(byte[] src, int srcOff, float[] dst, int dstOff, int count) {
        for (int i = 0; i < count; i++) {
            dst[dstOff + i] = E4M3[src[srcOff + i] & 0xff];
        }
    }

    @Override
    public float dotE4m3Scaled(byte[] w, int wOff, float[] x, int xOff, int count, float[] s, int sOff) {
        float acc = 0f;
        for (int b = 0; b < count; b += 128) {
            float p0 = 0f;
            float p1 = 0f;
            for (int i = b; i < b + 128; i += 2) {
                p0 += E4M3[w[wOff + i] & 0xff] * x[xOff + i];
                p1 += E4M3[w[wOff + i + 1] & 0xff] * x[xOff + i + 1];
            }
            acc += (p0 + p1) * s[sOff + b / 128];
        }
        return acc;
    }

    @Override
    public int partialWidth() {
        return 1;
    }

    @Override
    public void dot8x2E4m3(int depth, float[] x, int xOff, int ldx, byte[] w, int wOff, int ldw, float[] s, int sOff,
                           float[] acc, int accOff) {
        dot8x2E4m3Lanes(depth, x, xOff, ldx, w, wOff, ldw, s, sOff, acc, accOff, 1);
    }

    @Override
    public void dot8x2I8(int depth, float[] x, int xOff, int ldx, byte[] w, int wOff, int ldw, float[] acc,
                         int accOff) {
        dot8x2I8Lanes(depth, x, xOff, ldx, w, wOff, ldw, acc, accOff, 1);
    }

    /**
     * {@link #dot8x2E4m3} into partial sums {@code lanes} wide, product k into lane {@code k % lanes} (also the vector
     * path's loop for shapes its vectors do not fit).
     */
    void dot8x2E4m3Lanes(int depth, float[] x, int xOff, int ldx, byte[] w, int wOff, int ldw, float[] s, int sOff,
                         float[] acc, int accOff, int lanes) {
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 2; j++) {
                int a = accOff + (i * 2 + j) * lanes;
                for (int k = 0; k < depth; k++) {
                    acc[a + k % lanes] += x[xOff + i * ldx + k] * (E4M3[w[wOff + j * ldw + k] & 0xff] * s[sOff + k / 128]);
                }
            }
        }
    }

    /** {@link #dot8x2I8} into partial sums {@code lanes} wide, product k into lane {@code k % lanes}. */
    void dot8x2I8Lanes(int depth, float[] x, int xOff, int ldx, byte[] w, int wOff, int ldw, float[] acc, int accOff,
                       int lanes) {
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 2; j++) {
                int a = accOff + (i * 2 + j) * lanes;
                for (int k = 0; k < depth; k++) {
                    acc[a + k % lanes] += x[xOff + i * ldx + k] * w[wOff + j * ldw + k];
                }
            }
        }
    }

    @Override
    public float reluDot(int n, float[] w, int wOff, float[] x, int xOff) {
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            s0 += w[wOff + i] * Math.max(x[xOff + i], 0f);
            s1 += w[wOff + i + 1] * Math.max(x[xOff + i + 1], 0f);
            s2 += w[wOff + i + 2] * Math.max(x[xOff + i + 2], 0f);
            s3 += w[wOff + i + 3] * Math.max(x[xOff + i + 3], 0f);
        }
        for (; i < n; i++) {
            s0 += w[wOff + i] * Math.max(x[xOff + i], 0f);
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public void gemmNT(int rows, int cols, int depth, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc) {
        for (int r = 0; r < rows; r++) {
            int ar = aOff + r * lda;
            for (int j = 0; j < cols; j++) {
                int bj = bOff + j * ldb;
                float s0 = 0f;
                float s1 = 0f;
                float s2 = 0f;
                float s3 = 0f;
                int k = 0;
                for (; k + 4 <= depth; k += 4) {
                    s0 += a[ar + k] * b[bj + k];
                    s1 += a[ar + k + 1] * b[bj + k + 1];
                    s2 += a[ar + k + 2] * b[bj + k + 2];
                    s3 += a[ar + k + 3] * b[bj + k + 3];
                }
                for (; k < depth; k++) {
                    s0 += a[ar + k] * b[bj + k];
                }
                c[cOff + r * ldc + j] += (s0 + s1) + (s2 + s3);
            }
        }
    }

    @Override
    public void i8ToF32(byte[] src, int srcOff, float[] dst, int dstOff, int count) {
        for (int i = 0; i < count; i++) {
            dst[dstOff + i] = src[srcOff + i];
        }
    }

    @Override
    public void scale(float[] x, int off, int count, float s) {
        for (int i = 0; i < count; i++) {
            x[off + i] *= s;
        }
    }

    @Override
    public float amax(float[] x, int off, int count) {
        float a = 0f;
        for (int i = 0; i < count; i++) {
            a = Math.max(a, Math.abs(x[off + i]));
        }
        return a;
    }

    @Override
    public void encode(dev.dayzero.hal.op.QuantizeSpec spec, float[] x, int xOff, int count, float scale, byte[] q,
                       int qOff) {
        for (int i = 0; i < count; i++) {
            q[qOff + i] = spec.encode(x[xOff + i], scale);
        }
    }

    @Override
    public void encodeBf16(dev.dayzero.hal.op.QuantizeSpec spec, byte[] x, int xOff, int count, float scale, byte[] q,
                           int qOff) {
        for (int i = 0; i < count; i++) {
            q[qOff + i] = spec.encode(Bytes.getBf16(x, xOff + 2 * i), scale);
        }
    }

    @Override
    public float amaxBf16(byte[] x, int xOff, int count) {
        float m = 0f;
        for (int i = 0; i < count; i++) {
            m = Math.max(m, Math.abs(Bytes.getBf16(x, xOff + 2 * i)));
        }
        return m;
    }

    @Override
    public void scaleAndMax(float[] st, int count, int ld, int rows, float scale, float[] max) {
        scaleAndMax(st, count, ld, 0, rows, scale, max);
    }

    @Override
    public void expAndSum(float[] st, int count, int ld, int rows, float[] ref, float[] sum) {
        expAndSum(st, count, ld, 0, rows, ref, sum);
    }

    /** {@link #scaleAndMax} for rows {@code from ≤ r < to} (the rows a vector path leaves). */
    static void scaleAndMax(float[] st, int count, int ld, int from, int to, float scale, float[] max) {
        for (int t = 0; t < count; t++) {
            for (int r = from; r < to; r++) {
                float v = st[t * ld + r] * scale;
                st[t * ld + r] = v;
                max[r] = Math.max(max[r], v);
            }
        }
    }

    /** {@link #expAndSum} for rows {@code from ≤ r < to}, by {@code Math.exp}. */
    static void expAndSum(float[] st, int count, int ld, int from, int to, float[] ref, float[] sum) {
        for (int t = 0; t < count; t++) {
            for (int r = from; r < to; r++) {
                float p = (float) Math.exp(st[t * ld + r] - ref[r]);
                st[t * ld + r] = p;
                sum[r] += p;
            }
        }
    }

    @Override
    public float fmaChain(long iterations, float seed) {
        float a0 = seed;
        float a1 = seed + 1f;
        float a2 = seed + 2f;
        float a3 = seed + 3f;
        float a4 = seed + 4f;
        float a5 = seed + 5f;
        float a6 = seed + 6f;
        float a7 = seed + 7f;
        for (long it = 0; it < iterations; it++) {
            a0 = Math.fma(a0, 0.999999f, 1e-7f);
            a1 = Math.fma(a1, 0.999999f, 1e-7f);
            a2 = Math.fma(a2, 0.999999f, 1e-7f);
            a3 = Math.fma(a3, 0.999999f, 1e-7f);
            a4 = Math.fma(a4, 0.999999f, 1e-7f);
            a5 = Math.fma(a5, 0.999999f, 1e-7f);
            a6 = Math.fma(a6, 0.999999f, 1e-7f);
            a7 = Math.fma(a7, 0.999999f, 1e-7f);
        }
        return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
    }

    @Override
    public int fmaChainFlops() {
        return 16;
    }
}
