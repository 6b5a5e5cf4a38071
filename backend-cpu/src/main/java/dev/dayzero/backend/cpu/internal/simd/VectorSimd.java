package dev.dayzero.backend.cpu.internal.simd;

import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Inner loops on the incubating Vector API. The GEMM is register-blocked: a 6-row × 4-vector tile of C
 * stays in 24 vector registers while the loop over depth broadcasts one A scalar per row and FMAs it
 * with four vectors of a B row. Loaded only when {@code CpuConfig.useVectorApi()} is true.
 */
final class VectorSimd implements Simd {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    /** Bytes for one float vector's worth of FP8 codes (at least 64 bits, the narrowest shape). */
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * 8)));
    private static final int ROWS = 6;
    private static final PlainSimd TAIL = new PlainSimd();

    private VectorSimd() {
    }

    static Simd create() {
        if (L < 4 || L > 16) {
            throw new IllegalStateException("the Vector API reports " + L + " float lanes; the cpu kernels expect 4 to 16");
        }
        return new VectorSimd();
    }

    static String describe() {
        int bits = F.vectorBitSize();
        String arch = System.getProperty("os.arch");
        boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
        String isa = x86 ? (bits >= 512 ? "AVX-512" : bits >= 256 ? "AVX2" : "SSE") : (bits + "-bit SIMD");
        return isa + " (FloatVector " + bits + "-bit, " + L + " lanes)";
    }

    @Override
    public String name() {
        return "FloatVector " + F.vectorBitSize() + "-bit";
    }

    @Override
    public void gemm(int rows, int cols, int depth, float[] a, int aOff, int ars, int aks, float[] b, int bOff,
                     int ldb, float[] c, int cOff, int ldc) {
        int j = 0;
        for (; j + 4 * L <= cols; j += 4 * L) {
            int r = 0;
            for (; r + ROWS <= rows; r += ROWS) {
                tile6x4(depth, a, aOff + r * ars, ars, aks, b, bOff + j, ldb, c, cOff + r * ldc + j, ldc);
            }
            for (; r < rows; r++) {
                tile1x4(depth, a, aOff + r * ars, aks, b, bOff + j, ldb, c, cOff + r * ldc + j);
            }
        }
        for (; j + L <= cols; j += L) {
            int r = 0;
            for (; r + ROWS <= rows; r += ROWS) {
                tile6x1(depth, a, aOff + r * ars, ars, aks, b, bOff + j, ldb, c, cOff + r * ldc + j, ldc);
            }
            for (; r < rows; r++) {
                tile1x1(depth, a, aOff + r * ars, aks, b, bOff + j, ldb, c, cOff + r * ldc + j);
            }
        }
        if (j < cols) {
            TAIL.gemm(rows, cols - j, depth, a, aOff, ars, aks, b, bOff + j, ldb, c, cOff + j, ldc);
        }
    }

    private static void tile6x4(int depth, float[] a, int ai, int ars, int aks, float[] b, int bi, int ldb,
                                float[] c, int ci, int ldc) {
        int c0 = ci;
        int c1 = c0 + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        int c4 = c3 + ldc;
        int c5 = c4 + ldc;
        FloatVector v00 = FloatVector.fromArray(F, c, c0);
        FloatVector v01 = FloatVector.fromArray(F, c, c0 + L);
        FloatVector v02 = FloatVector.fromArray(F, c, c0 + 2 * L);
        FloatVector v03 = FloatVector.fromArray(F, c, c0 + 3 * L);
        FloatVector v10 = FloatVector.fromArray(F, c, c1);
        FloatVector v11 = FloatVector.fromArray(F, c, c1 + L);
        FloatVector v12 = FloatVector.fromArray(F, c, c1 + 2 * L);
        FloatVector v13 = FloatVector.fromArray(F, c, c1 + 3 * L);
        FloatVector v20 = FloatVector.fromArray(F, c, c2);
        FloatVector v21 = FloatVector.fromArray(F, c, c2 + L);
        FloatVector v22 = FloatVector.fromArray(F, c, c2 + 2 * L);
        FloatVector v23 = FloatVector.fromArray(F, c, c2 + 3 * L);
        FloatVector v30 = FloatVector.fromArray(F, c, c3);
        FloatVector v31 = FloatVector.fromArray(F, c, c3 + L);
        FloatVector v32 = FloatVector.fromArray(F, c, c3 + 2 * L);
        FloatVector v33 = FloatVector.fromArray(F, c, c3 + 3 * L);
        FloatVector v40 = FloatVector.fromArray(F, c, c4);
        FloatVector v41 = FloatVector.fromArray(F, c, c4 + L);
        FloatVector v42 = FloatVector.fromArray(F, c, c4 + 2 * L);
        FloatVector v43 = FloatVector.fromArray(F, c, c4 + 3 * L);
        FloatVector v50 = FloatVector.fromArray(F, c, c5);
        FloatVector v51 = FloatVector.fromArray(F, c, c5 + L);
        FloatVector v52 = FloatVector.fromArray(F, c, c5 + 2 * L);
        FloatVector v53 = FloatVector.fromArray(F, c, c5 + 3 * L);
        int a0 = ai;
        int a1 = a0 + ars;
        int a2 = a1 + ars;
        int a3 = a2 + ars;
        int a4 = a3 + ars;
        int a5 = a4 + ars;
        for (int k = 0; k < depth; k++) {
            int bk = bi + k * ldb;
            int ak = k * aks;
            FloatVector b0 = FloatVector.fromArray(F, b, bk);
            FloatVector b1 = FloatVector.fromArray(F, b, bk + L);
            FloatVector b2 = FloatVector.fromArray(F, b, bk + 2 * L);
            FloatVector b3 = FloatVector.fromArray(F, b, bk + 3 * L);
            FloatVector x = FloatVector.broadcast(F, a[a0 + ak]);
            v00 = x.fma(b0, v00);
            v01 = x.fma(b1, v01);
            v02 = x.fma(b2, v02);
            v03 = x.fma(b3, v03);
            x = FloatVector.broadcast(F, a[a1 + ak]);
            v10 = x.fma(b0, v10);
            v11 = x.fma(b1, v11);
            v12 = x.fma(b2, v12);
            v13 = x.fma(b3, v13);
            x = FloatVector.broadcast(F, a[a2 + ak]);
            v20 = x.fma(b0, v20);
            v21 = x.fma(b1, v21);
            v22 = x.fma(b2, v22);
            v23 = x.fma(b3, v23);
            x = FloatVector.broadcast(F, a[a3 + ak]);
            v30 = x.fma(b0, v30);
            v31 = x.fma(b1, v31);
            v32 = x.fma(b2, v32);
            v33 = x.fma(b3, v33);
            x = FloatVector.broadcast(F, a[a4 + ak]);
            v40 = x.fma(b0, v40);
            v41 = x.fma(b1, v41);
            v42 = x.fma(b2, v42);
            v43 = x.fma(b3, v43);
            x = FloatVector.broadcast(F, a[a5 + ak]);
            v50 = x.fma(b0, v50);
            v51 = x.fma(b1, v51);
            v52 = x.fma(b2, v52);
            v53 = x.fma(b3, v53);
        }
        v00.intoArray(c, c0);
        v01.intoArray(c, c0 + L);
        v02.intoArray(c, c0 + 2 * L);
        v03.intoArray(c, c0 + 3 * L);
        v10.intoArray(c, c1);
        v11.intoArray(c, c1 + L);
        v12.intoArray(c, c1 + 2 * L);
        v13.intoArray(c, c1 + 3 * L);
        v20.intoArray(c, c2);
        v21.intoArray(c, c2 + L);
        v22.intoArray(c, c2 + 2 * L);
        v23.intoArray(c, c2 + 3 * L);
        v30.intoArray(c, c3);
        v31.intoArray(c, c3 + L);
        v32.intoArray(c, c3 + 2 * L);
        v33.intoArray(c, c3 + 3 * L);
        v40.intoArray(c, c4);
        v41.intoArray(c, c4 + L);
        v42.intoArray(c, c4 + 2 * L);
        v43.intoArray(c, c4 + 3 * L);
        v50.intoArray(c, c5);
        v51.intoArray(c, c5 + L);
        v52.intoArray(c, c5 + 2 * L);
        v53.intoArray(c, c5 + 3 * L);
    }

    private static void tile1x4(int depth, float[] a, int ai, int aks, float[] b, int bi, int ldb, float[] c, int ci) {
        FloatVector v0 = FloatVector.fromArray(F, c, ci);
        FloatVector v1 = FloatVector.fromArray(F, c, ci + L);
        FloatVector v2 = FloatVector.fromArray(F, c, ci + 2 * L);
        FloatVector v3 = FloatVector.fromArray(F, c, ci + 3 * L);
        for (int k = 0; k < depth; k++) {
            int bk = bi + k * ldb;
            FloatVector x = FloatVector.broadcast(F, a[ai + k * aks]);
            v0 = x.fma(FloatVector.fromArray(F, b, bk), v0);
            v1 = x.fma(FloatVector.fromArray(F, b, bk + L), v1);
            v2 = x.fma(FloatVector.fromArray(F, b, bk + 2 * L), v2);
            v3 = x.fma(FloatVector.fromArray(F, b, bk + 3 * L), v3);
        }
        v0.intoArray(c, ci);
        v1.intoArray(c, ci + L);
        v2.intoArray(c, ci + 2 * L);
        v3.intoArray(c, ci + 3 * L);
    }

    private static void tile6x1(int depth, float[] a, int ai, int ars, int aks, float[] b, int bi, int ldb,
                                float[] c, int ci, int ldc) {
        FloatVector v0 = FloatVector.fromArray(F, c, ci);
        FloatVector v1 = FloatVector.fromArray(F, c, ci + ldc);
        FloatVector v2 = FloatVector.fromArray(F, c, ci + 2 * ldc);
        FloatVector v3 = FloatVector.fromArray(F, c, ci + 3 * ldc);
        FloatVector v4 = FloatVector.fromArray(F, c, ci + 4 * ldc);
        FloatVector v5 = FloatVector.fromArray(F, c, ci + 5 * ldc);
        for (int k = 0; k < depth; k++) {
            FloatVector bv = FloatVector.fromArray(F, b, bi + k * ldb);
            int ak = ai + k * aks;
            v0 = FloatVector.broadcast(F, a[ak]).fma(bv, v0);
            v1 = FloatVector.broadcast(F, a[ak + ars]).fma(bv, v1);
            v2 = FloatVector.broadcast(F, a[ak + 2 * ars]).fma(bv, v2);
            v3 = FloatVector.broadcast(F, a[ak + 3 * ars]).fma(bv, v3);
            v4 = FloatVector.broadcast(F, a[ak + 4 * ars]).fma(bv, v4);
            v5 = FloatVector.broadcast(F, a[ak + 5 * ars]).fma(bv, v5);
        }
        v0.intoArray(c, ci);
        v1.intoArray(c, ci + ldc);
        v2.intoArray(c, ci + 2 * ldc);
        v3.intoArray(c, ci + 3 * ldc);
        v4.intoArray(c, ci + 4 * ldc);
        v5.intoArray(c, ci + 5 * ldc);
    }

    private static void tile1x1(int depth, float[] a, int ai, int aks, float[] b, int bi, int ldb, float[] c, int ci) {
        FloatVector v = FloatVector.fromArray(F, c, ci);
        for (int k = 0; k < depth; k++) {
            v = FloatVector.broadcast(F, a[ai + k * aks]).fma(FloatVector.fromArray(F, b, bi + k * ldb), v);
        }
        v.intoArray(c, ci);
    }

    @Override
    public void bf16ToF32(byte[] src, int srcOff, float[] dst, int dstOff, int count) {
        int i = 0;
        for (; i + L <= count; i += L) {
            ShortVector s = ShortVector.fromByteArray(S, src, srcOff + 2 * i, ByteOrder.LITTLE_ENDIAN);
            IntVector w = (IntVector) s.convertShape(VectorOperators.S2I, I, 0);
            w.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(dst, dstOff + i);
        }
        if (i < count) {
            TAIL.bf16ToF32(src, srcOff + 2 * i, dst, dstOff + i, count - i);
        }
    }

    /**
     * E4M3FN by arithmetic: the code's magnitude bits shifted into an F32's exponent and mantissa give
     * {@code 2^(e-127) · (1 + m/8)} (a subnormal F32 for e = 0), and {@code · 2^120} rebiases it exactly
     * to E4M3's {@code 2^(e-7) · (1 + m/8)} ({@code m · 2^-9} for subnormals); the sign bit is moved
     * over and magnitude {@code 0x7f} is NaN.
     */
    @Override
    public void e4m3ToF32(byte[] src, int srcOff, float[] dst, int dstOff, int count) {
        int i = 0;
        for (; i + B.length() <= count; i += L) {
            IntVector c = (IntVector) ByteVector.fromArray(B, src, srcOff + i).convertShape(VectorOperators.B2I, I, 0);
            IntVector mag = c.and(0x7f);
            FloatVector v = mag.lanewise(VectorOperators.LSHL, 20)
                    .or(c.and(0x80).lanewise(VectorOperators.LSHL, 24))
                    .reinterpretAsFloats().mul(0x1p120f);
            v.blend(Float.NaN, mag.eq(0x7f).cast(F)).intoArray(dst, dstOff + i);
        }
        if (i < count) {
            TAIL.e4m3ToF32(src, srcOff + i, dst, dstOff + i, count - i);
        }
    }

    @Override
    public float reluDot(int n, float[] w, int wOff, float[] x, int xOff) {
        FloatVector zero = FloatVector.zero(F);
        FloatVector a0 = zero;
        FloatVector a1 = zero;
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            a0 = FloatVector.fromArray(F, x, xOff + i).max(zero).fma(FloatVector.fromArray(F, w, wOff + i), a0);
            a1 = FloatVector.fromArray(F, x, xOff + i + L).max(zero).fma(FloatVector.fromArray(F, w, wOff + i + L), a1);
        }
        for (; i + L <= n; i += L) {
            a0 = FloatVector.fromArray(F, x, xOff + i).max(zero).fma(FloatVector.fromArray(F, w, wOff + i), a0);
        }
        float s = a0.add(a1).reduceLanes(VectorOperators.ADD);
        return i < n ? s + TAIL.reluDot(n - i, w, wOff + i, x, xOff + i) : s;
    }
}
