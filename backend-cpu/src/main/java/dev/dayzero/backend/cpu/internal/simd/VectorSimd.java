package dev.dayzero.backend.cpu.internal.simd;

import dev.dayzero.backend.cpu.CpuConfig;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp8;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.Vector;
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
    /** {@code 2L} shorts: one float vector's bits. */
    private static final VectorSpecies<Short> S2 = VectorSpecies.of(short.class, F.vectorShape());
    /** Bytes for one float vector's worth of BF16 values. */
    private static final VectorSpecies<Byte> B2 = VectorSpecies.of(byte.class, S.vectorShape());
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    /** Doubles of F's shape: half as many lanes (the INT8 partial sums' exact total). */
    private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, F.vectorShape());
    /** The bits of 2^127: a float's magnitude bits ({@code bits & 0x7fffffff}) are below them iff it is below 2^127. */
    private static final int BITS_2_127 = Float.floatToRawIntBits(0x1p127f);
    /** Bytes for one float vector's worth of FP8 codes (at least 64 bits, the narrowest shape). */
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * 8)));
    /** Bytes for two float vectors' worth of BF16 values: {@code 2L} BF16 read as {@code L} ints or {@code 2L} shorts. */
    private static final VectorSpecies<Byte> BF = VectorSpecies.of(byte.class, F.vectorShape());
    /** Bytes per NaN-code check: the widest byte vector. */
    private static final VectorSpecies<Byte> BW = ByteVector.SPECIES_PREFERRED;
    private static final int ROWS = 6;
    private static final boolean X86 = Set.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
    private static final PlainSimd TAIL = new PlainSimd();
    /** The E4M3 code of each E2M1 code's value (sign in bit 3 → bit 7): 0, 0.5, 1, 1.5, 2, 3, 4, 6 and negatives. */
    private static final byte[] E4M3_OF_E2M1 = {0x00, 0x30, 0x38, 0x3C, 0x40, 0x44, 0x48, 0x4C,
        (byte) 0x80, (byte) 0xB0, (byte) 0xB8, (byte) 0xBC, (byte) 0xC0, (byte) 0xC4, (byte) 0xC8, (byte) 0xCC};

    private final boolean tile8x3 = CpuConfig.tile8x3();

    private VectorSimd() {
    }

    static Simd create() {
        if (L < 4 || L > 16) {
            throw new IllegalStateException("the Vector API reports " + L + " float lanes; the cpu kernels expect 4 to 16");
        }
        primeOperatorCaches();
        return new VectorSimd();
    }

    /**
     * The lanewise and reduction operators the kernels here use ({@code VectorSimdPrimingTest} checks this file's
     * source against it): {@link #primeOperatorCaches} applies each once.
     */
    static final List<VectorOperators.Operator> PRIMED = List.of(VectorOperators.ABS, VectorOperators.NEG,
            VectorOperators.EXP, VectorOperators.ADD, VectorOperators.SUB, VectorOperators.MUL, VectorOperators.DIV,
            VectorOperators.MAX, VectorOperators.MIN, VectorOperators.AND, VectorOperators.OR, VectorOperators.XOR,
            VectorOperators.AND_NOT, VectorOperators.LSHL, VectorOperators.LSHR, VectorOperators.ASHR,
            VectorOperators.FMA);

    /**
     * Applies every operator of {@link #PRIMED} once to a float, int, short and byte vector (where the element type
     * has it), before any kernel runs. The Vector API finds each operator's implementation in a per-element-type cache
     * ({@code VectorOperators.ImplCache.find}), filling a slot on the operator's first use through a call whose
     * receiver class differs from operator to operator. When that first use happens in code C2 has already compiled,
     * the call's class check fails and the trap is counted in {@code find}'s profile; every compilation that inlines
     * {@code find} (once per Vector API call, 30 times in the 8 × 3 tile) adds that count to its total, and past
     * {@code PerMethodTrapLimit} (100) C2 emits no more class checks, so a tile whose calls it inlined late keeps
     * virtual calls and boxes its vectors (docs/design.md, "The 8 × 3 tile"). Filled here, in the interpreter, no
     * slot is filled later and {@code find} records no such trap.
     */
    static Set<VectorOperators.Operator> primeOperatorCaches() {
        Set<VectorOperators.Operator> applied = new HashSet<>();
        prime(FloatVector.broadcast(F, 1.5f), applied);
        prime(IntVector.broadcast(I, 3), applied);
        prime(ShortVector.broadcast(S2, (short) 7), applied);
        prime(ByteVector.broadcast(BW, (byte) 5), applied);
        return applied;
    }

    /** Each operator of {@link #PRIMED} on {@code v} where its element type has it; those applied go to {@code applied}. */
    private static <E> void prime(Vector<E> v, Set<VectorOperators.Operator> applied) {
        for (VectorOperators.Operator op : PRIMED) {
            try {
                if (op instanceof VectorOperators.Unary u) {
                    v.lanewise(u);
                } else if (op instanceof VectorOperators.Binary b) {
                    v.lanewise(b, v);
                    v.lanewise(b, 1L); // a scalar operand: the shifts' own cache
                } else if (op instanceof VectorOperators.Ternary t) {
                    v.lanewise(t, v, v);
                } else {
                    continue; // not a lanewise operator (a conversion, a comparison): no cache to fill
                }
                if (op instanceof VectorOperators.Associative a) {
                    v.reduceLanesToLong(a);
                }
                applied.add(op);
            } catch (UnsupportedOperationException | IllegalArgumentException e) {
                // not an operator of this element type (a bitwise one on floats, EXP or FMA on integers)
            }
        }
    }

    static String describe() {
        int bits = F.vectorBitSize();
        String isa = X86 ? (bits >= 512 ? "AVX-512" : bits >= 256 ? "AVX2" : "SSE") : (bits + "-bit SIMD");
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
            bf16(src, srcOff + 2 * i).intoArray(dst, dstOff + i);
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
            e4m3(src, srcOff + i).intoArray(dst, dstOff + i);
        }
        if (i < count) {
            TAIL.e4m3ToF32(src, srcOff + i, dst, dstOff + i, count - i);
        }
    }

    @Override
    public void e4m3ToF32Scaled(byte[] src, int srcOff, float[] dst, int dstOff, int count, float s) {
        int i = 0;
        for (; i + B.length() <= count; i += L) {
            e4m3(src, srcOff + i).mul(s).intoArray(dst, dstOff + i);
        }
        if (i < count) {
            TAIL.e4m3ToF32Scaled(src, srcOff + i, dst, dstOff + i, count - i, s);
        }
    }

    /**
     * E2M1 by integer arithmetic on the nibbles, {@code L} bytes a step: a magnitude {@code m} (2 exponent bits, 1
     * mantissa bit) of 2 or more is the F32 with bits {@code (m << 22) + (126 << 23)} (exponent e + 126, the mantissa
     * bit on top), m = 1 is 0.5 ({@code 0x3F000000}) and m = 0 is 0, chosen by the mask {@code -((m + 6) >>> 3)} with
     * no compare; the sign is bit 3 moved to bit 31; one multiply by the scale, as the table path. Written out for
     * both nibbles (a helper returning a vector could box). Interleaving the halves back (a scatter) cost more than
     * the table lookups it replaced, hence the evens-first order.
     */
    @Override
    public void e2m1ToF32Split(byte[] src, int srcOff, float[] dst, int dstOff, int pairs, float s) {
        if (B.length() != L || pairs % L != 0) {
            TAIL.e2m1ToF32Split(src, srcOff, dst, dstOff, pairs, s);
            return;
        }
        for (int i = 0; i < pairs; i += L) {
            IntVector c = (IntVector) ByteVector.fromArray(B, src, srcOff + i).convertShape(VectorOperators.B2I, I, 0);
            IntVector lo = c.and(0xf);
            IntVector hi = c.lanewise(VectorOperators.LSHR, 4).and(0xf);
            IntVector mLo = lo.and(7);
            IntVector zLo = mLo.add(6).lanewise(VectorOperators.LSHR, 3); // 1 where m >= 2, else 0
            IntVector bLo = mLo.lanewise(VectorOperators.LSHL, 22).add(126 << 23).and(zLo.neg())
                    .or(mLo.and(zLo.sub(1)).neg().and(0x3F000000))
                    .or(lo.and(8).lanewise(VectorOperators.LSHL, 28));
            IntVector mHi = hi.and(7);
            IntVector zHi = mHi.add(6).lanewise(VectorOperators.LSHR, 3);
            IntVector bHi = mHi.lanewise(VectorOperators.LSHL, 22).add(126 << 23).and(zHi.neg())
                    .or(mHi.and(zHi.sub(1)).neg().and(0x3F000000))
                    .or(hi.and(8).lanewise(VectorOperators.LSHL, 28));
            bLo.reinterpretAsFloats().mul(s).intoArray(dst, dstOff + i);
            bHi.reinterpretAsFloats().mul(s).intoArray(dst, dstOff + pairs + i);
        }
    }

    @Override
    public float dotE4m3Scaled(byte[] w, int wOff, float[] x, int xOff, int count, float[] s, int sOff) {
        if (count % 128 != 0 || 128 % (2 * L) != 0 || B.length() != L) { // B wider than L would read past the row
            return TAIL.dotE4m3Scaled(w, wOff, x, xOff, count, s, sOff);
        }
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < count; b += 128) {
            FloatVector p0 = FloatVector.zero(F);
            FloatVector p1 = p0;
            for (int i = b; i < b + 128; i += 2 * L) {
                p0 = e4m3(w, wOff + i).fma(FloatVector.fromArray(F, x, xOff + i), p0);
                p1 = e4m3(w, wOff + i + L).fma(FloatVector.fromArray(F, x, xOff + i + L), p1);
            }
            acc = p0.add(p1).fma(FloatVector.broadcast(F, s[sOff + b / 128]), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /**
     * {@code L} E4M3 codes at {@code off} (reading {@code B.length()} bytes) decoded exactly to F32 in registers: the
     * magnitude bits moved into an F32 exponent/mantissa and rescaled by 2^120, the sign moved over, NaN codes to NaN.
     */
    private static FloatVector e4m3(byte[] src, int off) {
        IntVector c = (IntVector) ByteVector.fromArray(B, src, off).convertShape(VectorOperators.B2I, I, 0);
        IntVector mag = c.and(0x7f);
        IntVector v = mag.lanewise(VectorOperators.LSHL, 20)
                .or(c.and(0x80).lanewise(VectorOperators.LSHL, 24))
                .reinterpretAsFloats().mul(0x1p120f).reinterpretAsInts();
        // the NaN blend on the int lanes: no mask cast between lane types (not intrinsic on JDK 17)
        return v.blend(0x7fc00000, mag.eq(0x7f)).reinterpretAsFloats();
    }

    @Override
    public float dotI8(byte[] w, int wOff, float[] x, int xOff, int count) {
        if (B.length() != L) { // B wider than L would read past the row
            return TAIL.dotI8(w, wOff, x, xOff, count);
        }
        FloatVector p0 = FloatVector.zero(F);
        FloatVector p1 = p0;
        int i = 0;
        for (; i + 2 * L <= count; i += 2 * L) {
            p0 = i8(w, wOff + i).fma(FloatVector.fromArray(F, x, xOff + i), p0);
            p1 = i8(w, wOff + i + L).fma(FloatVector.fromArray(F, x, xOff + i + L), p1);
        }
        float acc = p0.add(p1).reduceLanes(VectorOperators.ADD);
        return i < count ? acc + TAIL.dotI8(w, wOff + i, x, xOff + i, count - i) : acc;
    }

    @Override
    public int partialWidth() {
        return L;
    }

    @Override
    public float sumPartial(float[] src, int off) {
        return FloatVector.fromArray(F, src, off).reduceLanes(VectorOperators.ADD);
    }

    /**
     * The float lanes widened to double (two halves, {@code F2D}: intrinsic on JDK 17, unlike {@code F2I}, which C2 17
     * leaves to Java and boxes) and added there exactly, then the integer lanes: a dozen vector instructions for the
     * scalar loop's sixteen conversions and 32 additions (that loop was 6 % of a batch-8 INT8 launch's samples).
     */
    @Override
    public int sumPartialInt(float[] pf, int[] pi, int off) {
        FloatVector v = FloatVector.fromArray(F, pf, off);
        DoubleVector lo = (DoubleVector) v.convertShape(VectorOperators.F2D, D, 0);
        DoubleVector hi = (DoubleVector) v.convertShape(VectorOperators.F2D, D, 1);
        return (int) (long) lo.add(hi).reduceLanes(VectorOperators.ADD)
                + IntVector.fromArray(I, pi, off).reduceLanes(VectorOperators.ADD);
    }

    /**
     * {@code CpuConfig.tile8x3()}, read when the instance is made (true unless said otherwise: with the operator
     * caches primed the 8 × 3 tile compiled whole in every JVM tried on JDK 17 and 25; before, on JDK 17, it boxed in
     * about one JVM in two), where the register tiles run at all.
     */
    @Override
    public boolean tile8x3() {
        return tile8x3 && registerTiles();
    }

    @Override
    public boolean registerTiles() {
        return B.length() == L && BF.length() == 4 * L && 128 % BW.length() == 0 && 128 % L == 0;
    }

    /** A 32-block is one 16-byte load: 2L must be 32 (AVX-512); narrower vectors keep the panel path. */
    @Override
    public boolean mxfp4RegisterTiles() {
        return B.length() == L && 2 * L == 32;
    }

    /**
     * The 8×2 tile: 16 accumulators, two weight vectors decoded per step and each used for eight rows. The decode is
     * short: the magnitude bits shifted into an F32 and masked (with the sign) give {@code Fp8.decode(code) · 2^-120}
     * exactly, so one multiply by {@code s · 2^120} (exact while |s| &lt; 2^7) gives the product rounded once, as
     * decode-then-scale does; NaN codes are found per row segment by a byte scan and their rows' sums set to NaN, so
     * the step needs no blend. A call with a scale of 2^7 or more (or not finite) takes the plain loop.
     *
     * <p>The accumulators are loaded from {@code acc} and stored back, with no vector work after the loop: JDK 17's C2
     * parses this method close to its node-count cutoff for inlining (18000 nodes), and an epilogue of sixteen
     * load-add-store triples took it past: the last stores were then left as calls, each boxing its vector (JMH
     * {@code -prof gc}: 55-77 MB a launch of the b8 MoE GEMM, and 6x slower on 16 threads, where the allocation is
     * shared).
     */
    @Override
    public void dot8x2E4m3(int depth, float[] x, int xOff, int ldx, byte[] w, int wOff, int ldw, float[] s, int sOff,
                           float[] acc, int accOff) {
        if (depth % 128 != 0 || 128 % L != 0 || B.length() != L || 128 % BW.length() != 0
                || !shortDecodeScales(s, sOff, depth / 128)) {
            TAIL.dot8x2E4m3Lanes(depth, x, xOff, ldx, w, wOff, ldw, s, sOff, acc, accOff, L);
            return;
        }
        // from acc and back to it, nothing after the loop but stores (see the Javadoc)
        FloatVector a00 = FloatVector.fromArray(F, acc, accOff), a01 = FloatVector.fromArray(F, acc, accOff + L);
        FloatVector a10 = FloatVector.fromArray(F, acc, accOff + 2 * L), a11 = FloatVector.fromArray(F, acc, accOff + 3 * L);
        FloatVector a20 = FloatVector.fromArray(F, acc, accOff + 4 * L), a21 = FloatVector.fromArray(F, acc, accOff + 5 * L);
        FloatVector a30 = FloatVector.fromArray(F, acc, accOff + 6 * L), a31 = FloatVector.fromArray(F, acc, accOff + 7 * L);
        FloatVector a40 = FloatVector.fromArray(F, acc, accOff + 8 * L), a41 = FloatVector.fromArray(F, acc, accOff + 9 * L);
        FloatVector a50 = FloatVector.fromArray(F, acc, accOff + 10 * L), a51 = FloatVector.fromArray(F, acc, accOff + 11 * L);
        FloatVector a60 = FloatVector.fromArray(F, acc, accOff + 12 * L), a61 = FloatVector.fromArray(F, acc, accOff + 13 * L);
        FloatVector a70 = FloatVector.fromArray(F, acc, accOff + 14 * L), a71 = FloatVector.fromArray(F, acc, accOff + 15 * L);
        int x1 = xOff + ldx, x2 = x1 + ldx, x3 = x2 + ldx, x4 = x3 + ldx, x5 = x4 + ldx, x6 = x5 + ldx, x7 = x6 + ldx;
        int w1 = wOff + ldw;
        for (int k = 0; k < depth; k += L) {
            float sk = s[sOff + k / 128] * 0x1p120f; // the block scale, times 2^120 for the short decode
            // Fp8.decode(code) · 2^-120 exactly (an F32 subnormal for exponent field 0): the sign-extended code shifted
            // left 20 puts the sign at bit 31 and the magnitude bits at 26..20, the mask clears the sign extension
            // between them; NaN codes come out finite (hasNanCode finds them). Written out here: a helper returning a
            // vector that C2 does not inline (this method is large) would box it on every step.
            IntVector c0 = (IntVector) ByteVector.fromArray(B, w, wOff + k).convertShape(VectorOperators.B2I, I, 0);
            IntVector c1 = (IntVector) ByteVector.fromArray(B, w, w1 + k).convertShape(VectorOperators.B2I, I, 0);
            FloatVector v0 = c0.lanewise(VectorOperators.LSHL, 20).and(0x87F00000).reinterpretAsFloats().mul(sk);
            FloatVector v1 = c1.lanewise(VectorOperators.LSHL, 20).and(0x87F00000).reinterpretAsFloats().mul(sk);
            FloatVector xv = FloatVector.fromArray(F, x, xOff + k);
            a00 = xv.fma(v0, a00);
            a01 = xv.fma(v1, a01);
            xv = FloatVector.fromArray(F, x, x1 + k);
            a10 = xv.fma(v0, a10);
            a11 = xv.fma(v1, a11);
            xv = FloatVector.fromArray(F, x, x2 + k);
            a20 = xv.fma(v0, a20);
            a21 = xv.fma(v1, a21);
            xv = FloatVector.fromArray(F, x, x3 + k);
            a30 = xv.fma(v0, a30);
            a31 = xv.fma(v1, a31);
            xv = FloatVector.fromArray(F, x, x4 + k);
            a40 = xv.fma(v0, a40);
            a41 = xv.fma(v1, a41);
            xv = FloatVector.fromArray(F, x, x5 + k);
            a50 = xv.fma(v0, a50);
            a51 = xv.fma(v1, a51);
            xv = FloatVector.fromArray(F, x, x6 + k);
            a60 = xv.fma(v0, a60);
            a61 = xv.fma(v1, a61);
            xv = FloatVector.fromArray(F, x, x7 + k);
            a70 = xv.fma(v0, a70);
            a71 = xv.fma(v1, a71);
        }
        a00.intoArray(acc, accOff);
        a01.intoArray(acc, accOff + L);
        a10.intoArray(acc, accOff + 2 * L);
        a11.intoArray(acc, accOff + 3 * L);
        a20.intoArray(acc, accOff + 4 * L);
        a21.intoArray(acc, accOff + 5 * L);
        a30.intoArray(acc, accOff + 6 * L);
        a31.intoArray(acc, accOff + 7 * L);
        a40.intoArray(acc, accOff + 8 * L);
        a41.intoArray(acc, accOff + 9 * L);
        a50.intoArray(acc, accOff + 10 * L);
        a51.intoArray(acc, accOff + 11 * L);
        a60.intoArray(acc, accOff + 12 * L);
        a61.intoArray(acc, accOff + 13 * L);
        a70.intoArray(acc, accOff + 14 * L);
        a71.intoArray(acc, accOff + 15 * L);
        // a NaN code makes its weight row's eight sums NaN: one NaN lane of a partial sum is enough (lanes are summed)
        if (hasNanCode(w, wOff, depth)) {
            nanRows(acc, accOff, 0);
        }
        if (hasNanCode(w, w1, depth)) {
            nanRows(acc, accOff, 1);
        }
    }

    @Override
    public boolean foldScales(float[] x, int xOff, int depth, float[] s, int sOff, float[] dst) {
        if (depth % 128 != 0 || 128 % L != 0) {
            return Simd.super.foldScales(x, xOff, depth, s, sOff, dst);
        }
        // the range test as interleave8Scaled's, on the largest magnitude's bits once at the end (the scalar loop
        // with a running Math.max was 9 % of a batch-1 FP8 launch); the scales checked first and one flat loop: with
        // the vector carried through nested loops and a return between them, C2 boxed it (11 MB a batch-1 launch)
        for (int b = 0; b < depth / 128; b++) {
            if (!(Math.abs(s[sOff + b]) < 0x1p7f)) {
                return false;
            }
        }
        IntVector m = IntVector.zero(I);
        for (int i = 0; i < depth; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, xOff + i).mul(s[sOff + i / 128] * 0x1p120f);
            m = m.max(v.reinterpretAsInts().and(0x7fffffff));
            v.intoArray(dst, i);
        }
        return m.reduceLanes(VectorOperators.MAX) < BITS_2_127;
    }

    @Override
    public boolean interleave8Scaled(float[] x, int xOff, int ldx, int depth, float[] s, int sOff, float[] dst) {
        if (depth % 128 != 0 || 128 % L != 0) {
            return Simd.super.interleave8Scaled(x, xOff, ldx, depth, s, sOff, dst);
        }
        // the range test on the largest magnitude's bits, once at the end: a compare and a branch a vector made the
        // pass a third slower (harness, 10.4 against 7.1-7.6 us for K = 7168); a NaN's bits are above 2^127's too
        IntVector m = IntVector.zero(I);
        for (int b = 0; b < depth / 128; b++) {
            float f = s[sOff + b] * 0x1p120f;
            for (int i = 0; i < 8; i++) {
                int src = xOff + i * ldx + b * 128;
                for (int c = 0; c < 128; c += L) {
                    FloatVector v = FloatVector.fromArray(F, x, src + c).mul(f);
                    m = m.max(v.reinterpretAsInts().and(0x7fffffff));
                    v.intoArray(dst, ((b * 128 + c) / L * 8 + i) * L);
                }
            }
        }
        return m.reduceLanes(VectorOperators.MAX) < BITS_2_127;
    }

    /**
     * The 8×2 tile of {@link #dot8x2E4m3} on prescaled, interleaved X: per step two short decodes (widen, shift,
     * mask), eight row loads from one address and sixteen FMAs; no scale multiply. The accumulators go from {@code acc}
     * and back, nothing after the loop but stores (the C2 cutoff of {@link #dot8x2E4m3}).
     */
    @Override
    public void dot8x2E4m3Prescaled(int depth, float[] xi, int xiOff, byte[] w, int wOff, int ldw, float[] acc,
                                    int accOff) {
        if (depth % 128 != 0 || 128 % L != 0 || B.length() != L || 128 % BW.length() != 0) {
            Simd.super.dot8x2E4m3Prescaled(depth, xi, xiOff, w, wOff, ldw, acc, accOff);
            return;
        }
        FloatVector a00 = FloatVector.fromArray(F, acc, accOff + 0 * L), a01 = FloatVector.fromArray(F, acc, accOff + 1 * L);
        FloatVector a10 = FloatVector.fromArray(F, acc, accOff + 2 * L), a11 = FloatVector.fromArray(F, acc, accOff + 3 * L);
        FloatVector a20 = FloatVector.fromArray(F, acc, accOff + 4 * L), a21 = FloatVector.fromArray(F, acc, accOff + 5 * L);
        FloatVector a30 = FloatVector.fromArray(F, acc, accOff + 6 * L), a31 = FloatVector.fromArray(F, acc, accOff + 7 * L);
        FloatVector a40 = FloatVector.fromArray(F, acc, accOff + 8 * L), a41 = FloatVector.fromArray(F, acc, accOff + 9 * L);
        FloatVector a50 = FloatVector.fromArray(F, acc, accOff + 10 * L), a51 = FloatVector.fromArray(F, acc, accOff + 11 * L);
        FloatVector a60 = FloatVector.fromArray(F, acc, accOff + 12 * L), a61 = FloatVector.fromArray(F, acc, accOff + 13 * L);
        FloatVector a70 = FloatVector.fromArray(F, acc, accOff + 14 * L), a71 = FloatVector.fromArray(F, acc, accOff + 15 * L);
        int w1 = wOff + ldw;
        for (int k = 0; k < depth; k += L) {
            // the short decode written out (see dot8x2E4m3); the block scale is in xi
            IntVector c0 = (IntVector) ByteVector.fromArray(B, w, wOff + k).convertShape(VectorOperators.B2I, I, 0);
            IntVector c1 = (IntVector) ByteVector.fromArray(B, w, w1 + k).convertShape(VectorOperators.B2I, I, 0);
            FloatVector v0 = c0.lanewise(VectorOperators.LSHL, 20).and(0x87F00000).reinterpretAsFloats();
            FloatVector v1 = c1.lanewise(VectorOperators.LSHL, 20).and(0x87F00000).reinterpretAsFloats();
            int xb = xiOff + 8 * k;
            FloatVector xv = FloatVector.fromArray(F, xi, xb + 0 * L);
            a00 = xv.fma(v0, a00);
            a01 = xv.fma(v1, a01);
            xv = FloatVector.fromArray(F, xi, xb + 1 * L);
            a10 = xv.fma(v0, a10);
            a11 = xv.fma(v1, a11);
            xv = FloatVector.fromArray(F, xi, xb + 2 * L);
            a20 = xv.fma(v0, a20);
            a21 = xv.fma(v1, a21);
            xv = FloatVector.fromArray(F, xi, xb + 3 * L);
            a30 = xv.fma(v0, a30);
            a31 = xv.fma(v1, a31);
            xv = FloatVector.fromArray(F, xi, xb + 4 * L);
            a40 = xv.fma(v0, a40);
            a41 = xv.fma(v1, a41);
            xv = FloatVector.fromArray(F, xi, xb + 5 * L);
            a50 = xv.fma(v0, a50);
            a51 = xv.fma(v1, a51);
            xv = FloatVector.fromArray(F, xi, xb + 6 * L);
            a60 = xv.fma(v0, a60);
            a61 = xv.fma(v1, a61);
            xv = FloatVector.fromArray(F, xi, xb + 7 * L);
            a70 = xv.fma(v0, a70);
            a71 = xv.fma(v1, a71);
        }
        a00.intoArray(acc, accOff + 0 * L);
        a01.intoArray(acc, accOff + 1 * L);
        a10.intoArray(acc, accOff + 2 * L);
        a11.intoArray(acc, accOff + 3 * L);
        a20.intoArray(acc, accOff + 4 * L);
        a21.intoArray(acc, accOff + 5 * L);
        a30.intoArray(acc, accOff + 6 * L);
        a31.intoArray(acc, accOff + 7 * L);
        a40.intoArray(acc, accOff + 8 * L);
        a41.intoArray(acc, accOff + 9 * L);
        a50.intoArray(acc, accOff + 10 * L);
        a51.intoArray(acc, accOff + 11 * L);
        a60.intoArray(acc, accOff + 12 * L);
        a61.intoArray(acc, accOff + 13 * L);
        a70.intoArray(acc, accOff + 14 * L);
        a71.intoArray(acc, accOff + 15 * L);
        if (hasNanCode(w, wOff, depth)) {
            nanRows(acc, accOff, 0);
        }
        if (hasNanCode(w, w1, depth)) {
            nanRows(acc, accOff, 1);
        }
    }

    /**
     * The 8 × 3 half: per step three short decodes (widen, shift, mask), eight row loads of X from one address and 24
     * FMAs, 24 accumulators, three decoded weights, one row of X and the mask in 29 of the 32 vector registers.
     * Loading a row of X for every three FMAs keeps it FMA-bound even when X comes from L2: in a throwaway harness
     * (one thread, 2026-12-05) 217 GFLOP/s with X in L1 and 211-218 with X in L2, against 177-182 and 112-113 for the
     * 8 × 2 tile. Nothing after the loop but stores (the NaN scans are the caller's). On JDK 17 C2 parses it past its
     * node-count cutoff and inlines most FMAs and the stores late; that compiles whole only while the Vector API's
     * operator caches record no class-check traps, which {@link #primeOperatorCaches} sees to.
     */
    @Override
    public void dot8x3E4m3Prescaled(int depth, float[] xi, int xiOff, int half, byte[] w, int wOff, int ldw,
                                    float[] acc, int accOff) {
        if (depth % 128 != 0 || 128 % L != 0 || B.length() != L || 128 % BW.length() != 0) {
            Simd.super.dot8x3E4m3Prescaled(depth, xi, xiOff, half, w, wOff, ldw, acc, accOff);
            return;
        }
        int c0 = 3 * half;
        int o0 = accOff + Simd.pairSlot(c0, 0) * L; // column c's partial sums for X row i at o_c + 2·i·L
        int o1 = accOff + Simd.pairSlot(c0 + 1, 0) * L;
        int o2 = accOff + Simd.pairSlot(c0 + 2, 0) * L;
        FloatVector a00 = FloatVector.fromArray(F, acc, o0 + 0 * L);
        FloatVector a01 = FloatVector.fromArray(F, acc, o1 + 0 * L);
        FloatVector a02 = FloatVector.fromArray(F, acc, o2 + 0 * L);
        FloatVector a10 = FloatVector.fromArray(F, acc, o0 + 2 * L);
        FloatVector a11 = FloatVector.fromArray(F, acc, o1 + 2 * L);
        FloatVector a12 = FloatVector.fromArray(F, acc, o2 + 2 * L);
        FloatVector a20 = FloatVector.fromArray(F, acc, o0 + 4 * L);
        FloatVector a21 = FloatVector.fromArray(F, acc, o1 + 4 * L);
        FloatVector a22 = FloatVector.fromArray(F, acc, o2 + 4 * L);
        FloatVector a30 = FloatVector.fromArray(F, acc, o0 + 6 * L);
        FloatVector a31 = FloatVector.fromArray(F, acc, o1 + 6 * L);
        FloatVector a32 = FloatVector.fromArray(F, acc, o2 + 6 * L);
        FloatVector a40 = FloatVector.fromArray(F, acc, o0 + 8 * L);
        FloatVector a41 = FloatVector.fromArray(F, acc, o1 + 8 * L);
        FloatVector a42 = FloatVector.fromArray(F, acc, o2 + 8 * L);
        FloatVector a50 = FloatVector.fromArray(F, acc, o0 + 10 * L);
        FloatVector a51 = FloatVector.fromArray(F, acc, o1 + 10 * L);
        FloatVector a52 = FloatVector.fromArray(F, acc, o2 + 10 * L);
        FloatVector a60 = FloatVector.fromArray(F, acc, o0 + 12 * L);
        FloatVector a61 = FloatVector.fromArray(F, acc, o1 + 12 * L);
        FloatVector a62 = FloatVector.fromArray(F, acc, o2 + 12 * L);
        FloatVector a70 = FloatVector.fromArray(F, acc, o0 + 14 * L);
        FloatVector a71 = FloatVector.fromArray(F, acc, o1 + 14 * L);
        FloatVector a72 = FloatVector.fromArray(F, acc, o2 + 14 * L);
        int w0 = wOff + c0 * ldw;
        int w1 = w0 + ldw;
        int w2 = w1 + ldw;
        for (int k = 0; k < depth; k += L) {
            // the short decode written out (see dot8x2E4m3); the block scale is in xi
            IntVector d0 = (IntVector) ByteVector.fromArray(B, w, w0 + k).convertShape(VectorOperators.B2I, I, 0);
            IntVector d1 = (IntVector) ByteVector.fromArray(B, w, w1 + k).convertShape(VectorOperators.B2I, I, 0);
            IntVector d2 = (IntVector) ByteVector.fromArray(B, w, w2 + k).convertShape(VectorOperators.B2I, I, 0);
            FloatVector v0 = d0.lanewise(VectorOperators.LSHL, 20).and(0x87F00000).reinterpretAsFloats();
            FloatVector v1 = d1.lanewise(VectorOperators.LSHL, 20).and(0x87F00000).reinterpretAsFloats();
            FloatVector v2 = d2.lanewise(VectorOperators.LSHL, 20).and(0x87F00000).reinterpretAsFloats();
            int xb = xiOff + 8 * k;
            FloatVector xv;
            xv = FloatVector.fromArray(F, xi, xb + 0 * L);
            a00 = xv.fma(v0, a00);
            a01 = xv.fma(v1, a01);
            a02 = xv.fma(v2, a02);
            xv = FloatVector.fromArray(F, xi, xb + 1 * L);
            a10 = xv.fma(v0, a10);
            a11 = xv.fma(v1, a11);
            a12 = xv.fma(v2, a12);
            xv = FloatVector.fromArray(F, xi, xb + 2 * L);
            a20 = xv.fma(v0, a20);
            a21 = xv.fma(v1, a21);
            a22 = xv.fma(v2, a22);
            xv = FloatVector.fromArray(F, xi, xb + 3 * L);
            a30 = xv.fma(v0, a30);
            a31 = xv.fma(v1, a31);
            a32 = xv.fma(v2, a32);
            xv = FloatVector.fromArray(F, xi, xb + 4 * L);
            a40 = xv.fma(v0, a40);
            a41 = xv.fma(v1, a41);
            a42 = xv.fma(v2, a42);
            xv = FloatVector.fromArray(F, xi, xb + 5 * L);
            a50 = xv.fma(v0, a50);
            a51 = xv.fma(v1, a51);
            a52 = xv.fma(v2, a52);
            xv = FloatVector.fromArray(F, xi, xb + 6 * L);
            a60 = xv.fma(v0, a60);
            a61 = xv.fma(v1, a61);
            a62 = xv.fma(v2, a62);
            xv = FloatVector.fromArray(F, xi, xb + 7 * L);
            a70 = xv.fma(v0, a70);
            a71 = xv.fma(v1, a71);
            a72 = xv.fma(v2, a72);
        }
        a00.intoArray(acc, o0 + 0 * L);
        a01.intoArray(acc, o1 + 0 * L);
        a02.intoArray(acc, o2 + 0 * L);
        a10.intoArray(acc, o0 + 2 * L);
        a11.intoArray(acc, o1 + 2 * L);
        a12.intoArray(acc, o2 + 2 * L);
        a20.intoArray(acc, o0 + 4 * L);
        a21.intoArray(acc, o1 + 4 * L);
        a22.intoArray(acc, o2 + 4 * L);
        a30.intoArray(acc, o0 + 6 * L);
        a31.intoArray(acc, o1 + 6 * L);
        a32.intoArray(acc, o2 + 6 * L);
        a40.intoArray(acc, o0 + 8 * L);
        a41.intoArray(acc, o1 + 8 * L);
        a42.intoArray(acc, o2 + 8 * L);
        a50.intoArray(acc, o0 + 10 * L);
        a51.intoArray(acc, o1 + 10 * L);
        a52.intoArray(acc, o2 + 10 * L);
        a60.intoArray(acc, o0 + 12 * L);
        a61.intoArray(acc, o1 + 12 * L);
        a62.intoArray(acc, o2 + 12 * L);
        a70.intoArray(acc, o0 + 14 * L);
        a71.intoArray(acc, o1 + 14 * L);
        a72.intoArray(acc, o2 + 14 * L);
    }

    @Override
    public void nanCodesToPartials(byte[] w, int wOff, int ldw, int cols, int depth, float[] acc, int accOff) {
        if (depth % BW.length() != 0) {
            Simd.super.nanCodesToPartials(w, wOff, ldw, cols, depth, acc, accOff);
            return;
        }
        if (!anyNanCode(w, wOff, ldw, cols, depth)) { // the usual case: one pass over every row, one test at the end
            return;
        }
        for (int c = 0; c < cols; c++) {
            if (hasNanCode(w, wOff + c * ldw, depth)) {
                nanRows(acc, accOff + Simd.pairSlot(c - c % 2, 0) * L, c % 2); // column c % 2 of pair c / 2
            }
        }
    }

    /**
     * Whether any of {@code rows} rows of {@code count} codes (a multiple of the byte vector), {@code ld} apart, holds an
     * E4M3 NaN: {@link #hasNanCode} two rows a loop, two running maxima and one test a pair (the scans were 9 % of a
     * batch-8 FP8 launch). No vector lives across the pairs: one carried through nested loops was boxed.
     */
    private static boolean anyNanCode(byte[] w, int off, int ld, int rows, int count) {
        int r = 0;
        for (; r + 2 <= rows; r += 2) {
            if (hasNanCode2(w, off + r * ld, off + (r + 1) * ld, count)) {
                return true;
            }
        }
        return r < rows && hasNanCode(w, off + r * ld, count);
    }

    /** {@link #hasNanCode} on two rows at once. */
    private static boolean hasNanCode2(byte[] w, int o0, int o1, int count) {
        ByteVector m0 = ByteVector.zero(BW);
        ByteVector m1 = m0;
        for (int i = 0; i < count; i += BW.length()) {
            m0 = m0.max(ByteVector.fromArray(BW, w, o0 + i).and((byte) 0x7f));
            m1 = m1.max(ByteVector.fromArray(BW, w, o1 + i).and((byte) 0x7f));
        }
        return m0.max(m1).eq((byte) 0x7f).anyTrue();
    }

    /**
     * {@link #dot8x2I8}'s step for four weight rows and half of X's rows: four decodes, four row loads, sixteen FMAs
     * (twice the weight bytes a step, so more of the weight stream in flight; half 1 finds the weights in cache).
     */
    @Override
    public void dot4x4I8(int depth, float[] x, int xOff, int ldx, int half, byte[] w, int wOff, int ldw, float[] acc,
                         int accOff) {
        if (depth % L != 0 || B.length() != L) {
            Simd.super.dot4x4I8(depth, x, xOff, ldx, half, w, wOff, ldw, acc, accOff);
            return;
        }
        int r = 8 * half; // X row i's partial sums start at slot 2·i
        FloatVector a00 = FloatVector.fromArray(F, acc, accOff + r * L);
        FloatVector a01 = FloatVector.fromArray(F, acc, accOff + (r + 1) * L);
        FloatVector a02 = FloatVector.fromArray(F, acc, accOff + (r + 16) * L);
        FloatVector a03 = FloatVector.fromArray(F, acc, accOff + (r + 17) * L);
        FloatVector a10 = FloatVector.fromArray(F, acc, accOff + (r + 2) * L);
        FloatVector a11 = FloatVector.fromArray(F, acc, accOff + (r + 3) * L);
        FloatVector a12 = FloatVector.fromArray(F, acc, accOff + (r + 18) * L);
        FloatVector a13 = FloatVector.fromArray(F, acc, accOff + (r + 19) * L);
        FloatVector a20 = FloatVector.fromArray(F, acc, accOff + (r + 4) * L);
        FloatVector a21 = FloatVector.fromArray(F, acc, accOff + (r + 5) * L);
        FloatVector a22 = FloatVector.fromArray(F, acc, accOff + (r + 20) * L);
        FloatVector a23 = FloatVector.fromArray(F, acc, accOff + (r + 21) * L);
        FloatVector a30 = FloatVector.fromArray(F, acc, accOff + (r + 6) * L);
        FloatVector a31 = FloatVector.fromArray(F, acc, accOff + (r + 7) * L);
        FloatVector a32 = FloatVector.fromArray(F, acc, accOff + (r + 22) * L);
        FloatVector a33 = FloatVector.fromArray(F, acc, accOff + (r + 23) * L);
        int w1 = wOff + ldw, w2 = w1 + ldw, w3 = w2 + ldw;
        int x0 = xOff + 4 * half * ldx, x1 = x0 + ldx, x2 = x1 + ldx, x3 = x2 + ldx;
        for (int k = 0; k < depth; k += L) {
            FloatVector v0 = i8(w, wOff + k);
            FloatVector v1 = i8(w, w1 + k);
            FloatVector v2 = i8(w, w2 + k);
            FloatVector v3 = i8(w, w3 + k);
            FloatVector xv = FloatVector.fromArray(F, x, x0 + k);
            a00 = xv.fma(v0, a00); a01 = xv.fma(v1, a01);
            a02 = xv.fma(v2, a02); a03 = xv.fma(v3, a03);
            xv = FloatVector.fromArray(F, x, x1 + k);
            a10 = xv.fma(v0, a10); a11 = xv.fma(v1, a11);
            a12 = xv.fma(v2, a12); a13 = xv.fma(v3, a13);
            xv = FloatVector.fromArray(F, x, x2 + k);
            a20 = xv.fma(v0, a20); a21 = xv.fma(v1, a21);
            a22 = xv.fma(v2, a22); a23 = xv.fma(v3, a23);
            xv = FloatVector.fromArray(F, x, x3 + k);
            a30 = xv.fma(v0, a30); a31 = xv.fma(v1, a31);
            a32 = xv.fma(v2, a32); a33 = xv.fma(v3, a33);
        }
        a00.intoArray(acc, accOff + r * L);
        a01.intoArray(acc, accOff + (r + 1) * L);
        a02.intoArray(acc, accOff + (r + 16) * L);
        a03.intoArray(acc, accOff + (r + 17) * L);
        a10.intoArray(acc, accOff + (r + 2) * L);
        a11.intoArray(acc, accOff + (r + 3) * L);
        a12.intoArray(acc, accOff + (r + 18) * L);
        a13.intoArray(acc, accOff + (r + 19) * L);
        a20.intoArray(acc, accOff + (r + 4) * L);
        a21.intoArray(acc, accOff + (r + 5) * L);
        a22.intoArray(acc, accOff + (r + 20) * L);
        a23.intoArray(acc, accOff + (r + 21) * L);
        a30.intoArray(acc, accOff + (r + 6) * L);
        a31.intoArray(acc, accOff + (r + 7) * L);
        a32.intoArray(acc, accOff + (r + 22) * L);
        a33.intoArray(acc, accOff + (r + 23) * L);
    }

    /**
     * The same 8×2 tile as {@link #dot8x2E4m3} with the INT8 decode. The two bodies stay separate on purpose: one
     * body choosing its decode per format (a vector-valued conditional, or a decode helper) made C2 box the 16
     * accumulators on JDK 17 (JMH -prof gc: GB per launch, 10x slower).
     */
    @Override
    public void dot8x2I8(int depth, float[] x, int xOff, int ldx, byte[] w, int wOff, int ldw, float[] acc,
                         int accOff) {
        if (depth % L != 0 || B.length() != L) {
            TAIL.dot8x2I8Lanes(depth, x, xOff, ldx, w, wOff, ldw, acc, accOff, L);
            return;
        }
        // from acc and back to it, nothing after the loop but stores (see the Javadoc)
        FloatVector a00 = FloatVector.fromArray(F, acc, accOff), a01 = FloatVector.fromArray(F, acc, accOff + L);
        FloatVector a10 = FloatVector.fromArray(F, acc, accOff + 2 * L), a11 = FloatVector.fromArray(F, acc, accOff + 3 * L);
        FloatVector a20 = FloatVector.fromArray(F, acc, accOff + 4 * L), a21 = FloatVector.fromArray(F, acc, accOff + 5 * L);
        FloatVector a30 = FloatVector.fromArray(F, acc, accOff + 6 * L), a31 = FloatVector.fromArray(F, acc, accOff + 7 * L);
        FloatVector a40 = FloatVector.fromArray(F, acc, accOff + 8 * L), a41 = FloatVector.fromArray(F, acc, accOff + 9 * L);
        FloatVector a50 = FloatVector.fromArray(F, acc, accOff + 10 * L), a51 = FloatVector.fromArray(F, acc, accOff + 11 * L);
        FloatVector a60 = FloatVector.fromArray(F, acc, accOff + 12 * L), a61 = FloatVector.fromArray(F, acc, accOff + 13 * L);
        FloatVector a70 = FloatVector.fromArray(F, acc, accOff + 14 * L), a71 = FloatVector.fromArray(F, acc, accOff + 15 * L);
        int x1 = xOff + ldx, x2 = x1 + ldx, x3 = x2 + ldx, x4 = x3 + ldx, x5 = x4 + ldx, x6 = x5 + ldx, x7 = x6 + ldx;
        int w1 = wOff + ldw;
        for (int k = 0; k < depth; k += L) {
            FloatVector v0 = i8(w, wOff + k);
            FloatVector v1 = i8(w, w1 + k);
            FloatVector xv = FloatVector.fromArray(F, x, xOff + k);
            a00 = xv.fma(v0, a00);
            a01 = xv.fma(v1, a01);
            xv = FloatVector.fromArray(F, x, x1 + k);
            a10 = xv.fma(v0, a10);
            a11 = xv.fma(v1, a11);
            xv = FloatVector.fromArray(F, x, x2 + k);
            a20 = xv.fma(v0, a20);
            a21 = xv.fma(v1, a21);
            xv = FloatVector.fromArray(F, x, x3 + k);
            a30 = xv.fma(v0, a30);
            a31 = xv.fma(v1, a31);
            xv = FloatVector.fromArray(F, x, x4 + k);
            a40 = xv.fma(v0, a40);
            a41 = xv.fma(v1, a41);
            xv = FloatVector.fromArray(F, x, x5 + k);
            a50 = xv.fma(v0, a50);
            a51 = xv.fma(v1, a51);
            xv = FloatVector.fromArray(F, x, x6 + k);
            a60 = xv.fma(v0, a60);
            a61 = xv.fma(v1, a61);
            xv = FloatVector.fromArray(F, x, x7 + k);
            a70 = xv.fma(v0, a70);
            a71 = xv.fma(v1, a71);
        }
        a00.intoArray(acc, accOff);
        a01.intoArray(acc, accOff + L);
        a10.intoArray(acc, accOff + 2 * L);
        a11.intoArray(acc, accOff + 3 * L);
        a20.intoArray(acc, accOff + 4 * L);
        a21.intoArray(acc, accOff + 5 * L);
        a30.intoArray(acc, accOff + 6 * L);
        a31.intoArray(acc, accOff + 7 * L);
        a40.intoArray(acc, accOff + 8 * L);
        a41.intoArray(acc, accOff + 9 * L);
        a50.intoArray(acc, accOff + 10 * L);
        a51.intoArray(acc, accOff + 11 * L);
        a60.intoArray(acc, accOff + 12 * L);
        a61.intoArray(acc, accOff + 13 * L);
        a70.intoArray(acc, accOff + 14 * L);
        a71.intoArray(acc, accOff + 15 * L);
    }

    /** Sets lane 0 of weight row {@code j}'s eight partial sums to NaN (the 8×2 tiles' layout: [row i][j][L]). */
    private static void nanRows(float[] acc, int accOff, int j) {
        for (int i = 0; i < 8; i++) {
            acc[accOff + (2 * i + j) * L] = Float.NaN;
        }
    }

    /** The 1×4 tile: X loaded once a step for four weight rows, four accumulators; the decode as {@link #dot8x2E4m3}'s. */
    @Override
    public void dot1x4E4m3(int depth, float[] x, int xOff, byte[] w, int wOff, int ldw, float[] s, int sOff,
                           float[] out, int outOff) {
        if (depth % 128 != 0 || 128 % L != 0 || B.length() != L || 128 % BW.length() != 0
                || !shortDecodeScales(s, sOff, depth / 128)) {
            Simd.super.dot1x4E4m3(depth, x, xOff, w, wOff, ldw, s, sOff, out, outOff);
            return;
        }
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int w1 = wOff + ldw;
        int w2 = w1 + ldw;
        int w3 = w2 + ldw;
        for (int k = 0; k < depth; k += L) {
            float sk = s[sOff + k / 128] * 0x1p120f;
            FloatVector xv = FloatVector.fromArray(F, x, xOff + k);
            // the short decode written out (see dot8x2E4m3)
            IntVector c0 = (IntVector) ByteVector.fromArray(B, w, wOff + k).convertShape(VectorOperators.B2I, I, 0);
            IntVector c1 = (IntVector) ByteVector.fromArray(B, w, w1 + k).convertShape(VectorOperators.B2I, I, 0);
            IntVector c2 = (IntVector) ByteVector.fromArray(B, w, w2 + k).convertShape(VectorOperators.B2I, I, 0);
            IntVector c3 = (IntVector) ByteVector.fromArray(B, w, w3 + k).convertShape(VectorOperators.B2I, I, 0);
            a0 = c0.lanewise(VectorOperators.LSHL, 20).and(0x87F00000).reinterpretAsFloats().mul(sk).fma(xv, a0);
            a1 = c1.lanewise(VectorOperators.LSHL, 20).and(0x87F00000).reinterpretAsFloats().mul(sk).fma(xv, a1);
            a2 = c2.lanewise(VectorOperators.LSHL, 20).and(0x87F00000).reinterpretAsFloats().mul(sk).fma(xv, a2);
            a3 = c3.lanewise(VectorOperators.LSHL, 20).and(0x87F00000).reinterpretAsFloats().mul(sk).fma(xv, a3);
        }
        out[outOff] = a0.reduceLanes(VectorOperators.ADD) + (hasNanCode(w, wOff, depth) ? Float.NaN : 0f);
        out[outOff + 1] = a1.reduceLanes(VectorOperators.ADD) + (hasNanCode(w, w1, depth) ? Float.NaN : 0f);
        out[outOff + 2] = a2.reduceLanes(VectorOperators.ADD) + (hasNanCode(w, w2, depth) ? Float.NaN : 0f);
        out[outOff + 3] = a3.reduceLanes(VectorOperators.ADD) + (hasNanCode(w, w3, depth) ? Float.NaN : 0f);
    }

    /**
     * The 1×4 tile on X prescaled by the caller ({@code x · s · 2^120}): each step is four byte loads, their short
     * decode (widen, shift, mask) and four FMAs, with no scale multiply or broadcast, about a third fewer instructions
     * a weight byte than {@link #dot1x4E4m3}; at batch 1 the weight stream from memory then keeps more loads in flight.
     */
    @Override
    public void dot1x4E4m3Prescaled(int depth, float[] xs, int xOff, byte[] w, int wOff, int ldw, float[] out,
                                    int outOff) {
        if (depth % L != 0 || B.length() != L || depth % BW.length() != 0) {
            Simd.super.dot1x4E4m3Prescaled(depth, xs, xOff, w, wOff, ldw, out, outOff);
            return;
        }
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int w1 = wOff + ldw;
        int w2 = w1 + ldw;
        int w3 = w2 + ldw;
        for (int k = 0; k < depth; k += L) {
            FloatVector xv = FloatVector.fromArray(F, xs, xOff + k);
            // the short decode written out (see dot8x2E4m3)
            IntVector c0 = (IntVector) ByteVector.fromArray(B, w, wOff + k).convertShape(VectorOperators.B2I, I, 0);
            IntVector c1 = (IntVector) ByteVector.fromArray(B, w, w1 + k).convertShape(VectorOperators.B2I, I, 0);
            IntVector c2 = (IntVector) ByteVector.fromArray(B, w, w2 + k).convertShape(VectorOperators.B2I, I, 0);
            IntVector c3 = (IntVector) ByteVector.fromArray(B, w, w3 + k).convertShape(VectorOperators.B2I, I, 0);
            a0 = c0.lanewise(VectorOperators.LSHL, 20).and(0x87F00000).reinterpretAsFloats().fma(xv, a0);
            a1 = c1.lanewise(VectorOperators.LSHL, 20).and(0x87F00000).reinterpretAsFloats().fma(xv, a1);
            a2 = c2.lanewise(VectorOperators.LSHL, 20).and(0x87F00000).reinterpretAsFloats().fma(xv, a2);
            a3 = c3.lanewise(VectorOperators.LSHL, 20).and(0x87F00000).reinterpretAsFloats().fma(xv, a3);
        }
        out[outOff] = a0.reduceLanes(VectorOperators.ADD) + (hasNanCode(w, wOff, depth) ? Float.NaN : 0f);
        out[outOff + 1] = a1.reduceLanes(VectorOperators.ADD) + (hasNanCode(w, w1, depth) ? Float.NaN : 0f);
        out[outOff + 2] = a2.reduceLanes(VectorOperators.ADD) + (hasNanCode(w, w2, depth) ? Float.NaN : 0f);
        out[outOff + 3] = a3.reduceLanes(VectorOperators.ADD) + (hasNanCode(w, w3, depth) ? Float.NaN : 0f);
    }

    /**
     * {@link #dot1x4E4m3Prescaled} with eight weight rows a pass: one load of X and one loop step serve eight rows
     * instead of four, so fewer instructions go to each weight byte. The NaN scans run after the loop, one row at a
     * time (one inlined copy, not eight).
     */
    @Override
    public void dot1x8E4m3Prescaled(int depth, float[] xs, int xOff, byte[] w, int wOff, int ldw, float[] out,
                                    int outOff) {
        if (depth % L != 0 || B.length() != L || depth % BW.length() != 0) {
            Simd.super.dot1x8E4m3Prescaled(depth, xs, xOff, w, wOff, ldw, out, outOff);
            return;
        }
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        int w1 = wOff + ldw;
        int w2 = w1 + ldw;
        int w3 = w2 + ldw;
        int w4 = w3 + ldw;
        int w5 = w4 + ldw;
        int w6 = w5 + ldw;
        int w7 = w6 + ldw;
        for (int k = 0; k < depth; k += L) {
            FloatVector xv = FloatVector.fromArray(F, xs, xOff + k);
            // the short decode written out (see dot8x2E4m3)
            IntVector c0 = (IntVector) ByteVector.fromArray(B, w, wOff + k).convertShape(VectorOperators.B2I, I, 0);
            IntVector c1 = (IntVector) ByteVector.fromArray(B, w, w1 + k).convertShape(VectorOperators.B2I, I, 0);
            IntVector c2 = (IntVector) ByteVector.fromArray(B, w, w2 + k).convertShape(VectorOperators.B2I, I, 0);
            IntVector c3 = (IntVector) ByteVector.fromArray(B, w, w3 + k).convertShape(VectorOperators.B2I, I, 0);
            IntVector c4 = (IntVector) ByteVector.fromArray(B, w, w4 + k).convertShape(VectorOperators.B2I, I, 0);
            IntVector c5 = (IntVector) ByteVector.fromArray(B, w, w5 + k).convertShape(VectorOperators.B2I, I, 0);
            IntVector c6 = (IntVector) ByteVector.fromArray(B, w, w6 + k).convertShape(VectorOperators.B2I, I, 0);
            IntVector c7 = (IntVector) ByteVector.fromArray(B, w, w7 + k).convertShape(VectorOperators.B2I, I, 0);
            a0 = c0.lanewise(VectorOperators.LSHL, 20).and(0x87F00000).reinterpretAsFloats().fma(xv, a0);
            a1 = c1.lanewise(VectorOperators.LSHL, 20).and(0x87F00000).reinterpretAsFloats().fma(xv, a1);
            a2 = c2.lanewise(VectorOperators.LSHL, 20).and(0x87F00000).reinterpretAsFloats().fma(xv, a2);
            a3 = c3.lanewise(VectorOperators.LSHL, 20).and(0x87F00000).reinterpretAsFloats().fma(xv, a3);
            a4 = c4.lanewise(VectorOperators.LSHL, 20).and(0x87F00000).reinterpretAsFloats().fma(xv, a4);
            a5 = c5.lanewise(VectorOperators.LSHL, 20).and(0x87F00000).reinterpretAsFloats().fma(xv, a5);
            a6 = c6.lanewise(VectorOperators.LSHL, 20).and(0x87F00000).reinterpretAsFloats().fma(xv, a6);
            a7 = c7.lanewise(VectorOperators.LSHL, 20).and(0x87F00000).reinterpretAsFloats().fma(xv, a7);
        }
        out[outOff] = a0.reduceLanes(VectorOperators.ADD);
        out[outOff + 1] = a1.reduceLanes(VectorOperators.ADD);
        out[outOff + 2] = a2.reduceLanes(VectorOperators.ADD);
        out[outOff + 3] = a3.reduceLanes(VectorOperators.ADD);
        out[outOff + 4] = a4.reduceLanes(VectorOperators.ADD);
        out[outOff + 5] = a5.reduceLanes(VectorOperators.ADD);
        out[outOff + 6] = a6.reduceLanes(VectorOperators.ADD);
        out[outOff + 7] = a7.reduceLanes(VectorOperators.ADD);
        for (int j = 0; j < 8; j++) {
            if (hasNanCode(w, wOff + j * ldw, depth)) {
                out[outOff + j] = Float.NaN;
            }
        }
    }

    /**
     * The MXFP4 1×4 tile, decoded in registers: 16 bytes of a row are one 32-block; their low and high nibbles go
     * through a 16-byte table ({@code selectFrom}) to the E4M3 codes of the same values (every E2M1 value is one,
     * all normal), then the FP8 short decode ({@code Fp8.decode · 2^-120}, exact) and one multiply by
     * {@code 2^(s - 127) · 2^120} (exact: a power of two, while the scale code is at most 134; larger codes, and NaN
     * scales, take the plain loop). The low nibbles pair with the block's first 16 values of X, the high ones with
     * its last 16 ({@code e2m1ToF32Split}'s order).
     */
    @Override
    public void dot1x4E2m1(int depth, float[] x, int xOff, byte[] w, int wOff, int ldw, byte[] s, int sOff, int lds,
                           float[] out, int outOff) {
        if (B.length() != L || 2 * L != 32 || depth % 32 != 0 || !shortE2m1Scales(s, sOff, lds, 4, depth / 32)) {
            Simd.super.dot1x4E2m1(depth, x, xOff, w, wOff, ldw, s, sOff, lds, out, outOff);
            return;
        }
        ByteVector tab = ByteVector.fromArray(B, E4M3_OF_E2M1, 0);
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int w1 = wOff + ldw;
        int w2 = w1 + ldw;
        int w3 = w2 + ldw;
        int s1 = sOff + lds;
        int s2 = s1 + lds;
        int s3 = s2 + lds;
        for (int k = 0; k < depth; k += 32) {
            int b = k >>> 5;
            FloatVector xe = FloatVector.fromArray(F, x, xOff + k);
            FloatVector xo = FloatVector.fromArray(F, x, xOff + k + L);
            ByteVector v0 = ByteVector.fromArray(B, w, wOff + (k >>> 1));
            float sc0 = Float.intBitsToFloat(((s[sOff + b] & 0xff) + 120) << 23);
            IntVector lo0 = (IntVector) v0.and((byte) 0xf).selectFrom(tab).convertShape(VectorOperators.B2I, I, 0);
            IntVector hi0 = (IntVector) v0.lanewise(VectorOperators.LSHR, 4).and((byte) 0xf).selectFrom(tab)
                    .convertShape(VectorOperators.B2I, I, 0);
            a0 = lo0.lanewise(VectorOperators.LSHL, 20).and(0x87F00000).reinterpretAsFloats().mul(sc0).fma(xe, a0);
            a0 = hi0.lanewise(VectorOperators.LSHL, 20).and(0x87F00000).reinterpretAsFloats().mul(sc0).fma(xo, a0);
            ByteVector v1 = ByteVector.fromArray(B, w, w1 + (k >>> 1));
            float sc1 = Float.intBitsToFloat(((s[s1 + b] & 0xff) + 120) << 23);
            IntVector lo1 = (IntVector) v1.and((byte) 0xf).selectFrom(tab).convertShape(VectorOperators.B2I, I, 0);
            IntVector hi1 = (IntVector) v1.lanewise(VectorOperators.LSHR, 4).and((byte) 0xf).selectFrom(tab)
                    .convertShape(VectorOperators.B2I, I, 0);
            a1 = lo1.lanewise(VectorOperators.LSHL, 20).and(0x87F00000).reinterpretAsFloats().mul(sc1).fma(xe, a1);
            a1 = hi1.lanewise(VectorOperators.LSHL, 20).and(0x87F00000).reinterpretAsFloats().mul(sc1).fma(xo, a1);
            ByteVector v2 = ByteVector.fromArray(B, w, w2 + (k >>> 1));
            float sc2 = Float.intBitsToFloat(((s[s2 + b] & 0xff) + 120) << 23);
            IntVector lo2 = (IntVector) v2.and((byte) 0xf).selectFrom(tab).convertShape(VectorOperators.B2I, I, 0);
            IntVector hi2 = (IntVector) v2.lanewise(VectorOperators.LSHR, 4).and((byte) 0xf).selectFrom(tab)
                    .convertShape(VectorOperators.B2I, I, 0);
            a2 = lo2.lanewise(VectorOperators.LSHL, 20).and(0x87F00000).reinterpretAsFloats().mul(sc2).fma(xe, a2);
            a2 = hi2.lanewise(VectorOperators.LSHL, 20).and(0x87F00000).reinterpretAsFloats().mul(sc2).fma(xo, a2);
            ByteVector v3 = ByteVector.fromArray(B, w, w3 + (k >>> 1));
            float sc3 = Float.intBitsToFloat(((s[s3 + b] & 0xff) + 120) << 23);
            IntVector lo3 = (IntVector) v3.and((byte) 0xf).selectFrom(tab).convertShape(VectorOperators.B2I, I, 0);
            IntVector hi3 = (IntVector) v3.lanewise(VectorOperators.LSHR, 4).and((byte) 0xf).selectFrom(tab)
                    .convertShape(VectorOperators.B2I, I, 0);
            a3 = lo3.lanewise(VectorOperators.LSHL, 20).and(0x87F00000).reinterpretAsFloats().mul(sc3).fma(xe, a3);
            a3 = hi3.lanewise(VectorOperators.LSHL, 20).and(0x87F00000).reinterpretAsFloats().mul(sc3).fma(xo, a3);
        }
        out[outOff] = a0.reduceLanes(VectorOperators.ADD);
        out[outOff + 1] = a1.reduceLanes(VectorOperators.ADD);
        out[outOff + 2] = a2.reduceLanes(VectorOperators.ADD);
        out[outOff + 3] = a3.reduceLanes(VectorOperators.ADD);
    }

    /**
     * The MXFP4 8×1 tile: each 32-block of the weight row decoded once in registers as {@link #dot1x4E2m1} does (table
     * to E4M3 codes, short decode, one exact multiply by the scale) and used for the eight interleaved rows of X; the
     * accumulators go from {@code acc} and back with nothing after the loop but stores (see {@link #dot8x2E4m3}).
     */
    @Override
    public void dot8x1E2m1(int depth, float[] xi, int xiOff, byte[] w, int wOff, byte[] s, int sOff, float[] acc,
                           int accOff) {
        if (B.length() != L || 2 * L != 32 || depth % 32 != 0 || !shortE2m1Scales(s, sOff, 0, 1, depth / 32)) {
            Simd.super.dot8x1E2m1(depth, xi, xiOff, w, wOff, s, sOff, acc, accOff);
            return;
        }
        ByteVector tab = ByteVector.fromArray(B, E4M3_OF_E2M1, 0);
        FloatVector a0 = FloatVector.fromArray(F, acc, accOff + 0 * L);
        FloatVector a1 = FloatVector.fromArray(F, acc, accOff + 1 * L);
        FloatVector a2 = FloatVector.fromArray(F, acc, accOff + 2 * L);
        FloatVector a3 = FloatVector.fromArray(F, acc, accOff + 3 * L);
        FloatVector a4 = FloatVector.fromArray(F, acc, accOff + 4 * L);
        FloatVector a5 = FloatVector.fromArray(F, acc, accOff + 5 * L);
        FloatVector a6 = FloatVector.fromArray(F, acc, accOff + 6 * L);
        FloatVector a7 = FloatVector.fromArray(F, acc, accOff + 7 * L);
        for (int k = 0; k < depth; k += 32) {
            ByteVector v = ByteVector.fromArray(B, w, wOff + (k >>> 1));
            float sc = Float.intBitsToFloat(((s[sOff + (k >>> 5)] & 0xff) + 120) << 23);
            FloatVector lo = ((IntVector) v.and((byte) 0xf).selectFrom(tab).convertShape(VectorOperators.B2I, I, 0))
                    .lanewise(VectorOperators.LSHL, 20).and(0x87F00000).reinterpretAsFloats().mul(sc);
            FloatVector hi = ((IntVector) v.lanewise(VectorOperators.LSHR, 4).and((byte) 0xf).selectFrom(tab)
                    .convertShape(VectorOperators.B2I, I, 0))
                    .lanewise(VectorOperators.LSHL, 20).and(0x87F00000).reinterpretAsFloats().mul(sc);
            int xb = xiOff + 8 * k;
            a0 = FloatVector.fromArray(F, xi, xb + 0 * L).fma(lo, a0);
            a1 = FloatVector.fromArray(F, xi, xb + 1 * L).fma(lo, a1);
            a2 = FloatVector.fromArray(F, xi, xb + 2 * L).fma(lo, a2);
            a3 = FloatVector.fromArray(F, xi, xb + 3 * L).fma(lo, a3);
            a4 = FloatVector.fromArray(F, xi, xb + 4 * L).fma(lo, a4);
            a5 = FloatVector.fromArray(F, xi, xb + 5 * L).fma(lo, a5);
            a6 = FloatVector.fromArray(F, xi, xb + 6 * L).fma(lo, a6);
            a7 = FloatVector.fromArray(F, xi, xb + 7 * L).fma(lo, a7);
            a0 = FloatVector.fromArray(F, xi, xb + 8 * L).fma(hi, a0);
            a1 = FloatVector.fromArray(F, xi, xb + 9 * L).fma(hi, a1);
            a2 = FloatVector.fromArray(F, xi, xb + 10 * L).fma(hi, a2);
            a3 = FloatVector.fromArray(F, xi, xb + 11 * L).fma(hi, a3);
            a4 = FloatVector.fromArray(F, xi, xb + 12 * L).fma(hi, a4);
            a5 = FloatVector.fromArray(F, xi, xb + 13 * L).fma(hi, a5);
            a6 = FloatVector.fromArray(F, xi, xb + 14 * L).fma(hi, a6);
            a7 = FloatVector.fromArray(F, xi, xb + 15 * L).fma(hi, a7);
        }
        a0.intoArray(acc, accOff + 0 * L);
        a1.intoArray(acc, accOff + 1 * L);
        a2.intoArray(acc, accOff + 2 * L);
        a3.intoArray(acc, accOff + 3 * L);
        a4.intoArray(acc, accOff + 4 * L);
        a5.intoArray(acc, accOff + 5 * L);
        a6.intoArray(acc, accOff + 6 * L);
        a7.intoArray(acc, accOff + 7 * L);
    }

    /**
     * The BF16 8×1 tile: one 64-byte load of the weight row is 32 weights as two F32 vectors (evens by a shift, odds
     * by a mask, as {@link #dot1x4Bf16}), each used for the eight interleaved rows of X; the accumulators go from
     * {@code acc} and back with nothing after the loop but stores (see {@link #dot8x2E4m3}).
     */
    @Override
    public void dot8x1Bf16(int depth, float[] xi, int xiOff, byte[] w, int wOff, float[] acc, int accOff) {
        if (BF.length() != 4 * L || depth % (2 * L) != 0) {
            Simd.super.dot8x1Bf16(depth, xi, xiOff, w, wOff, acc, accOff);
            return;
        }
        FloatVector a0 = FloatVector.fromArray(F, acc, accOff + 0 * L);
        FloatVector a1 = FloatVector.fromArray(F, acc, accOff + 1 * L);
        FloatVector a2 = FloatVector.fromArray(F, acc, accOff + 2 * L);
        FloatVector a3 = FloatVector.fromArray(F, acc, accOff + 3 * L);
        FloatVector a4 = FloatVector.fromArray(F, acc, accOff + 4 * L);
        FloatVector a5 = FloatVector.fromArray(F, acc, accOff + 5 * L);
        FloatVector a6 = FloatVector.fromArray(F, acc, accOff + 6 * L);
        FloatVector a7 = FloatVector.fromArray(F, acc, accOff + 7 * L);
        for (int k = 0; k < depth; k += 2 * L) {
            IntVector p = ByteVector.fromArray(BF, w, wOff + 2 * k).reinterpretAsInts();
            FloatVector e = p.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
            FloatVector o = p.and(0xffff0000).reinterpretAsFloats();
            int xb = xiOff + 8 * k;
            a0 = FloatVector.fromArray(F, xi, xb + 0 * L).fma(e, a0);
            a1 = FloatVector.fromArray(F, xi, xb + 1 * L).fma(e, a1);
            a2 = FloatVector.fromArray(F, xi, xb + 2 * L).fma(e, a2);
            a3 = FloatVector.fromArray(F, xi, xb + 3 * L).fma(e, a3);
            a4 = FloatVector.fromArray(F, xi, xb + 4 * L).fma(e, a4);
            a5 = FloatVector.fromArray(F, xi, xb + 5 * L).fma(e, a5);
            a6 = FloatVector.fromArray(F, xi, xb + 6 * L).fma(e, a6);
            a7 = FloatVector.fromArray(F, xi, xb + 7 * L).fma(e, a7);
            a0 = FloatVector.fromArray(F, xi, xb + 8 * L).fma(o, a0);
            a1 = FloatVector.fromArray(F, xi, xb + 9 * L).fma(o, a1);
            a2 = FloatVector.fromArray(F, xi, xb + 10 * L).fma(o, a2);
            a3 = FloatVector.fromArray(F, xi, xb + 11 * L).fma(o, a3);
            a4 = FloatVector.fromArray(F, xi, xb + 12 * L).fma(o, a4);
            a5 = FloatVector.fromArray(F, xi, xb + 13 * L).fma(o, a5);
            a6 = FloatVector.fromArray(F, xi, xb + 14 * L).fma(o, a6);
            a7 = FloatVector.fromArray(F, xi, xb + 15 * L).fma(o, a7);
        }
        a0.intoArray(acc, accOff + 0 * L);
        a1.intoArray(acc, accOff + 1 * L);
        a2.intoArray(acc, accOff + 2 * L);
        a3.intoArray(acc, accOff + 3 * L);
        a4.intoArray(acc, accOff + 4 * L);
        a5.intoArray(acc, accOff + 5 * L);
        a6.intoArray(acc, accOff + 6 * L);
        a7.intoArray(acc, accOff + 7 * L);
    }

    /** Whether {@code rows} rows' {@code blocks} UE8M0 scale codes are all at most 134 ({@code 2^(s - 7)} stays finite). */
    private static boolean shortE2m1Scales(byte[] s, int sOff, int lds, int rows, int blocks) {
        for (int j = 0; j < rows; j++) {
            for (int b = 0; b < blocks; b++) {
                if ((s[sOff + j * lds + b] & 0xff) > 134) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * The BF16 1×4 tile: one 64-byte load a row gives 32 BF16 values as {@code L} ints, whose low halves (the even
     * elements) shifted left 16 and high halves masked are two F32 vectors with no widening, dotted with the
     * pair-split X ({@link Simd#dot1x4Bf16}); two integer operations and two FMAs a 64 bytes.
     */
    @Override
    public void dot1x4Bf16(int depth, float[] x, int xOff, byte[] w, int wOff, int ldw, float[] out, int outOff) {
        if (BF.length() != 4 * L || depth % (2 * L) != 0) {
            Simd.super.dot1x4Bf16(depth, x, xOff, w, wOff, ldw, out, outOff);
            return;
        }
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int w1 = wOff + 2 * ldw;
        int w2 = w1 + 2 * ldw;
        int w3 = w2 + 2 * ldw;
        for (int k = 0; k < depth; k += 2 * L) {
            FloatVector xe = FloatVector.fromArray(F, x, xOff + k);
            FloatVector xo = FloatVector.fromArray(F, x, xOff + k + L);
            IntVector p0 = ByteVector.fromArray(BF, w, wOff + 2 * k).reinterpretAsInts();
            a0 = p0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a0);
            a0 = p0.and(0xffff0000).reinterpretAsFloats().fma(xo, a0);
            IntVector p1 = ByteVector.fromArray(BF, w, w1 + 2 * k).reinterpretAsInts();
            a1 = p1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a1);
            a1 = p1.and(0xffff0000).reinterpretAsFloats().fma(xo, a1);
            IntVector p2 = ByteVector.fromArray(BF, w, w2 + 2 * k).reinterpretAsInts();
            a2 = p2.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a2);
            a2 = p2.and(0xffff0000).reinterpretAsFloats().fma(xo, a2);
            IntVector p3 = ByteVector.fromArray(BF, w, w3 + 2 * k).reinterpretAsInts();
            a3 = p3.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a3);
            a3 = p3.and(0xffff0000).reinterpretAsFloats().fma(xo, a3);
        }
        out[outOff] = a0.reduceLanes(VectorOperators.ADD);
        out[outOff + 1] = a1.reduceLanes(VectorOperators.ADD);
        out[outOff + 2] = a2.reduceLanes(VectorOperators.ADD);
        out[outOff + 3] = a3.reduceLanes(VectorOperators.ADD);
    }

    /** {@link #dot1x4Bf16} with eight weight rows a pass: two loads of X and one loop step serve eight rows. */
    @Override
    public void dot1x8Bf16(int depth, float[] x, int xOff, byte[] w, int wOff, int ldw, float[] out, int outOff) {
        if (BF.length() != 4 * L || depth % (2 * L) != 0) {
            Simd.super.dot1x8Bf16(depth, x, xOff, w, wOff, ldw, out, outOff);
            return;
        }
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        int w1 = wOff + 2 * ldw;
        int w2 = w1 + 2 * ldw;
        int w3 = w2 + 2 * ldw;
        int w4 = w3 + 2 * ldw;
        int w5 = w4 + 2 * ldw;
        int w6 = w5 + 2 * ldw;
        int w7 = w6 + 2 * ldw;
        for (int k = 0; k < depth; k += 2 * L) {
            FloatVector xe = FloatVector.fromArray(F, x, xOff + k);
            FloatVector xo = FloatVector.fromArray(F, x, xOff + k + L);
            IntVector p0 = ByteVector.fromArray(BF, w, wOff + 2 * k).reinterpretAsInts();
            a0 = p0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a0);
            a0 = p0.and(0xffff0000).reinterpretAsFloats().fma(xo, a0);
            IntVector p1 = ByteVector.fromArray(BF, w, w1 + 2 * k).reinterpretAsInts();
            a1 = p1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a1);
            a1 = p1.and(0xffff0000).reinterpretAsFloats().fma(xo, a1);
            IntVector p2 = ByteVector.fromArray(BF, w, w2 + 2 * k).reinterpretAsInts();
            a2 = p2.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a2);
            a2 = p2.and(0xffff0000).reinterpretAsFloats().fma(xo, a2);
            IntVector p3 = ByteVector.fromArray(BF, w, w3 + 2 * k).reinterpretAsInts();
            a3 = p3.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a3);
            a3 = p3.and(0xffff0000).reinterpretAsFloats().fma(xo, a3);
            IntVector p4 = ByteVector.fromArray(BF, w, w4 + 2 * k).reinterpretAsInts();
            a4 = p4.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a4);
            a4 = p4.and(0xffff0000).reinterpretAsFloats().fma(xo, a4);
            IntVector p5 = ByteVector.fromArray(BF, w, w5 + 2 * k).reinterpretAsInts();
            a5 = p5.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a5);
            a5 = p5.and(0xffff0000).reinterpretAsFloats().fma(xo, a5);
            IntVector p6 = ByteVector.fromArray(BF, w, w6 + 2 * k).reinterpretAsInts();
            a6 = p6.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a6);
            a6 = p6.and(0xffff0000).reinterpretAsFloats().fma(xo, a6);
            IntVector p7 = ByteVector.fromArray(BF, w, w7 + 2 * k).reinterpretAsInts();
            a7 = p7.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xe, a7);
            a7 = p7.and(0xffff0000).reinterpretAsFloats().fma(xo, a7);
        }
        out[outOff] = a0.reduceLanes(VectorOperators.ADD);
        out[outOff + 1] = a1.reduceLanes(VectorOperators.ADD);
        out[outOff + 2] = a2.reduceLanes(VectorOperators.ADD);
        out[outOff + 3] = a3.reduceLanes(VectorOperators.ADD);
        out[outOff + 4] = a4.reduceLanes(VectorOperators.ADD);
        out[outOff + 5] = a5.reduceLanes(VectorOperators.ADD);
        out[outOff + 6] = a6.reduceLanes(VectorOperators.ADD);
        out[outOff + 7] = a7.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void dot1x4I8(int depth, float[] x, int xOff, byte[] w, int wOff, int ldw, float[] out, int outOff) {
        if (depth % L != 0 || B.length() != L) {
            Simd.super.dot1x4I8(depth, x, xOff, w, wOff, ldw, out, outOff);
            return;
        }
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        int w1 = wOff + ldw;
        int w2 = w1 + ldw;
        int w3 = w2 + ldw;
        for (int k = 0; k < depth; k += L) {
            FloatVector xv = FloatVector.fromArray(F, x, xOff + k);
            a0 = ((FloatVector) ByteVector.fromArray(B, w, wOff + k).convertShape(VectorOperators.B2I, I, 0)
                    .convert(VectorOperators.I2F, 0)).fma(xv, a0);
            a1 = ((FloatVector) ByteVector.fromArray(B, w, w1 + k).convertShape(VectorOperators.B2I, I, 0)
                    .convert(VectorOperators.I2F, 0)).fma(xv, a1);
            a2 = ((FloatVector) ByteVector.fromArray(B, w, w2 + k).convertShape(VectorOperators.B2I, I, 0)
                    .convert(VectorOperators.I2F, 0)).fma(xv, a2);
            a3 = ((FloatVector) ByteVector.fromArray(B, w, w3 + k).convertShape(VectorOperators.B2I, I, 0)
                    .convert(VectorOperators.I2F, 0)).fma(xv, a3);
        }
        out[outOff] = a0.reduceLanes(VectorOperators.ADD);
        out[outOff + 1] = a1.reduceLanes(VectorOperators.ADD);
        out[outOff + 2] = a2.reduceLanes(VectorOperators.ADD);
        out[outOff + 3] = a3.reduceLanes(VectorOperators.ADD);
    }

    /** {@link #dot1x4I8} with eight weight rows a pass (see {@link #dot1x8E4m3Prescaled}). */
    @Override
    public void dot1x8I8(int depth, float[] x, int xOff, byte[] w, int wOff, int ldw, float[] out, int outOff) {
        if (depth % L != 0 || B.length() != L) {
            Simd.super.dot1x8I8(depth, x, xOff, w, wOff, ldw, out, outOff);
            return;
        }
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        int w1 = wOff + ldw;
        int w2 = w1 + ldw;
        int w3 = w2 + ldw;
        int w4 = w3 + ldw;
        int w5 = w4 + ldw;
        int w6 = w5 + ldw;
        int w7 = w6 + ldw;
        for (int k = 0; k < depth; k += L) {
            FloatVector xv = FloatVector.fromArray(F, x, xOff + k);
            a0 = ((FloatVector) ByteVector.fromArray(B, w, wOff + k).convertShape(VectorOperators.B2I, I, 0)
                    .convert(VectorOperators.I2F, 0)).fma(xv, a0);
            a1 = ((FloatVector) ByteVector.fromArray(B, w, w1 + k).convertShape(VectorOperators.B2I, I, 0)
                    .convert(VectorOperators.I2F, 0)).fma(xv, a1);
            a2 = ((FloatVector) ByteVector.fromArray(B, w, w2 + k).convertShape(VectorOperators.B2I, I, 0)
                    .convert(VectorOperators.I2F, 0)).fma(xv, a2);
            a3 = ((FloatVector) ByteVector.fromArray(B, w, w3 + k).convertShape(VectorOperators.B2I, I, 0)
                    .convert(VectorOperators.I2F, 0)).fma(xv, a3);
            a4 = ((FloatVector) ByteVector.fromArray(B, w, w4 + k).convertShape(VectorOperators.B2I, I, 0)
                    .convert(VectorOperators.I2F, 0)).fma(xv, a4);
            a5 = ((FloatVector) ByteVector.fromArray(B, w, w5 + k).convertShape(VectorOperators.B2I, I, 0)
                    .convert(VectorOperators.I2F, 0)).fma(xv, a5);
            a6 = ((FloatVector) ByteVector.fromArray(B, w, w6 + k).convertShape(VectorOperators.B2I, I, 0)
                    .convert(VectorOperators.I2F, 0)).fma(xv, a6);
            a7 = ((FloatVector) ByteVector.fromArray(B, w, w7 + k).convertShape(VectorOperators.B2I, I, 0)
                    .convert(VectorOperators.I2F, 0)).fma(xv, a7);
        }
        out[outOff] = a0.reduceLanes(VectorOperators.ADD);
        out[outOff + 1] = a1.reduceLanes(VectorOperators.ADD);
        out[outOff + 2] = a2.reduceLanes(VectorOperators.ADD);
        out[outOff + 3] = a3.reduceLanes(VectorOperators.ADD);
        out[outOff + 4] = a4.reduceLanes(VectorOperators.ADD);
        out[outOff + 5] = a5.reduceLanes(VectorOperators.ADD);
        out[outOff + 6] = a6.reduceLanes(VectorOperators.ADD);
        out[outOff + 7] = a7.reduceLanes(VectorOperators.ADD);
    }

    /** Whether every one of {@code blocks} scales is finite and below 2^7 in magnitude (so {@code s · 2^120} is exact). */
    private static boolean shortDecodeScales(float[] s, int off, int blocks) {
        for (int b = 0; b < blocks; b++) {
            if (!(Math.abs(s[off + b]) < 0x1p7f)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code count} codes at {@code off} (a multiple of the byte vector) hold an E4M3 NaN (magnitude 0x7f). */
    private static boolean hasNanCode(byte[] w, int off, int count) {
        ByteVector m = ByteVector.zero(BW);
        for (int i = 0; i < count; i += BW.length()) {
            m = m.max(ByteVector.fromArray(BW, w, off + i).and((byte) 0x7f));
        }
        return m.eq((byte) 0x7f).anyTrue();
    }

    /** {@code L} signed bytes to F32 in registers. */
    private static FloatVector i8(byte[] src, int off) {
        IntVector v = (IntVector) ByteVector.fromArray(B, src, off).convertShape(VectorOperators.B2I, I, 0);
        return (FloatVector) v.convert(VectorOperators.I2F, 0);
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

    @Override
    public void gemmNT(int rows, int cols, int depth, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc) {
        int dv = depth / L * L;
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            int j = 0;
            for (; j + 3 <= cols; j += 3) {
                nt4x3(dv, depth, a, aOff + r * lda, lda, b, bOff + j * ldb, ldb, c, cOff + r * ldc + j, ldc);
            }
            for (; j < cols; j++) {
                for (int rr = r; rr < r + 4; rr++) {
                    c[cOff + rr * ldc + j] += dot(dv, depth, a, aOff + rr * lda, b, bOff + j * ldb);
                }
            }
        }
        for (; r < rows; r++) {
            int j = 0;
            for (; j + 4 <= cols; j += 4) {
                nt1x4(dv, depth, a, aOff + r * lda, b, bOff + j * ldb, ldb, c, cOff + r * ldc + j);
            }
            for (; j < cols; j++) {
                c[cOff + r * ldc + j] += dot(dv, depth, a, aOff + r * lda, b, bOff + j * ldb);
            }
        }
    }

    private static float dot(int dv, int depth, float[] a, int ai, float[] b, int bi) {
        FloatVector acc = FloatVector.zero(F);
        for (int k = 0; k < dv; k += L) {
            acc = FloatVector.fromArray(F, a, ai + k).fma(FloatVector.fromArray(F, b, bi + k), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (int k = dv; k < depth; k++) {
            s += a[ai + k] * b[bi + k];
        }
        return s;
    }

    /** One A row against four B rows: the tile for one to three rows per expert. */
    private static void nt1x4(int dv, int depth, float[] a, int ai, float[] b, int bi, int ldb, float[] c, int ci) {
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        int b0 = bi;
        int b1 = b0 + ldb;
        int b2 = b1 + ldb;
        int b3 = b2 + ldb;
        for (int k = 0; k < dv; k += L) {
            FloatVector x = FloatVector.fromArray(F, a, ai + k);
            s0 = x.fma(FloatVector.fromArray(F, b, b0 + k), s0);
            s1 = x.fma(FloatVector.fromArray(F, b, b1 + k), s1);
            s2 = x.fma(FloatVector.fromArray(F, b, b2 + k), s2);
            s3 = x.fma(FloatVector.fromArray(F, b, b3 + k), s3);
        }
        float t0 = s0.reduceLanes(VectorOperators.ADD);
        float t1 = s1.reduceLanes(VectorOperators.ADD);
        float t2 = s2.reduceLanes(VectorOperators.ADD);
        float t3 = s3.reduceLanes(VectorOperators.ADD);
        for (int k = dv; k < depth; k++) {
            float x = a[ai + k];
            t0 += x * b[b0 + k];
            t1 += x * b[b1 + k];
            t2 += x * b[b2 + k];
            t3 += x * b[b3 + k];
        }
        c[ci] += t0;
        c[ci + 1] += t1;
        c[ci + 2] += t2;
        c[ci + 3] += t3;
    }

    /** Four A rows against three B rows: 12 accumulators, each B and A vector loaded once per step. */
    private static void nt4x3(int dv, int depth, float[] a, int ai, int lda, float[] b, int bi, int ldb, float[] c,
                              int ci, int ldc) {
        FloatVector s00 = FloatVector.zero(F);
        FloatVector s01 = s00;
        FloatVector s02 = s00;
        FloatVector s10 = s00;
        FloatVector s11 = s00;
        FloatVector s12 = s00;
        FloatVector s20 = s00;
        FloatVector s21 = s00;
        FloatVector s22 = s00;
        FloatVector s30 = s00;
        FloatVector s31 = s00;
        FloatVector s32 = s00;
        int a0 = ai;
        int a1 = a0 + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        int b0 = bi;
        int b1 = b0 + ldb;
        int b2 = b1 + ldb;
        for (int k = 0; k < dv; k += L) {
            FloatVector w0 = FloatVector.fromArray(F, b, b0 + k);
            FloatVector w1 = FloatVector.fromArray(F, b, b1 + k);
            FloatVector w2 = FloatVector.fromArray(F, b, b2 + k);
            FloatVector x = FloatVector.fromArray(F, a, a0 + k);
            s00 = x.fma(w0, s00);
            s01 = x.fma(w1, s01);
            s02 = x.fma(w2, s02);
            x = FloatVector.fromArray(F, a, a1 + k);
            s10 = x.fma(w0, s10);
            s11 = x.fma(w1, s11);
            s12 = x.fma(w2, s12);
            x = FloatVector.fromArray(F, a, a2 + k);
            s20 = x.fma(w0, s20);
            s21 = x.fma(w1, s21);
            s22 = x.fma(w2, s22);
            x = FloatVector.fromArray(F, a, a3 + k);
            s30 = x.fma(w0, s30);
            s31 = x.fma(w1, s31);
            s32 = x.fma(w2, s32);
        }
        addTail(s00, dv, depth, a, a0, b, b0, c, ci);
        addTail(s01, dv, depth, a, a0, b, b1, c, ci + 1);
        addTail(s02, dv, depth, a, a0, b, b2, c, ci + 2);
        addTail(s10, dv, depth, a, a1, b, b0, c, ci + ldc);
        addTail(s11, dv, depth, a, a1, b, b1, c, ci + ldc + 1);
        addTail(s12, dv, depth, a, a1, b, b2, c, ci + ldc + 2);
        addTail(s20, dv, depth, a, a2, b, b0, c, ci + 2 * ldc);
        addTail(s21, dv, depth, a, a2, b, b1, c, ci + 2 * ldc + 1);
        addTail(s22, dv, depth, a, a2, b, b2, c, ci + 2 * ldc + 2);
        addTail(s30, dv, depth, a, a3, b, b0, c, ci + 3 * ldc);
        addTail(s31, dv, depth, a, a3, b, b1, c, ci + 3 * ldc + 1);
        addTail(s32, dv, depth, a, a3, b, b2, c, ci + 3 * ldc + 2);
    }

    private static void addTail(FloatVector s, int dv, int depth, float[] a, int ai, float[] b, int bi, float[] c, int ci) {
        float t = s.reduceLanes(VectorOperators.ADD);
        for (int k = dv; k < depth; k++) {
            t += a[ai + k] * b[bi + k];
        }
        c[ci] += t;
    }

    @Override
    public void i8ToF32(byte[] src, int srcOff, float[] dst, int dstOff, int count) {
        int i = 0;
        for (; i + B.length() <= count; i += L) {
            i8(src, srcOff + i).intoArray(dst, dstOff + i);
        }
        if (i < count) {
            TAIL.i8ToF32(src, srcOff + i, dst, dstOff + i, count - i);
        }
    }

    @Override
    public void scale(float[] x, int off, int count, float s) {
        int i = 0;
        for (; i + L <= count; i += L) {
            FloatVector.fromArray(F, x, off + i).mul(s).intoArray(x, off + i);
        }
        for (; i < count; i++) {
            x[off + i] *= s;
        }
    }

    @Override
    public float amax(float[] x, int off, int count) {
        FloatVector m0 = FloatVector.zero(F);
        FloatVector m1 = m0;
        int i = 0;
        for (; i + 2 * L <= count; i += 2 * L) {
            m0 = m0.max(FloatVector.fromArray(F, x, off + i).abs());
            m1 = m1.max(FloatVector.fromArray(F, x, off + i + L).abs());
        }
        for (; i + L <= count; i += L) {
            m0 = m0.max(FloatVector.fromArray(F, x, off + i).abs());
        }
        float m = m0.max(m1).reduceLanes(VectorOperators.MAX);
        for (; i < count; i++) {
            m = Math.max(m, Math.abs(x[off + i]));
        }
        return m;
    }

    /**
     * The recipe's codes by integer arithmetic on the F32 bits of {@code x / scale} ({@link #fp8Code}); INT8 is
     * {@code rint(clamp(q, ±127))}.
     */
    @Override
    public void encode(dev.dayzero.hal.op.QuantizeSpec spec, float[] x, int xOff, int count, float scale, byte[] q,
                       int qOff) {
        int i = 0;
        int step = B.length();
        if (spec.format() == DType.I8) {
            for (; i + step <= count; i += L) {
                i8Code(FloatVector.fromArray(F, x, xOff + i).div(scale), q, qOff + i);
            }
        } else {
            Fp8Rounding r = Fp8Rounding.of(spec.format());
            for (; i + step <= count; i += L) {
                fp8Code(FloatVector.fromArray(F, x, xOff + i).div(scale), r, q, qOff + i);
            }
        }
        if (i < count) {
            TAIL.encode(spec, x, xOff + i, count - i, scale, q, qOff + i);
        }
    }

    @Override
    public void encodeBf16(dev.dayzero.hal.op.QuantizeSpec spec, byte[] x, int xOff, int count, float scale, byte[] q,
                           int qOff) {
        int i = 0;
        int step = B.length();
        if (spec.format() == DType.I8) {
            for (; i + step <= count; i += L) {
                i8Code(bf16(x, xOff + 2 * i).div(scale), q, qOff + i);
            }
        } else {
            Fp8Rounding r = Fp8Rounding.of(spec.format());
            for (; i + step <= count; i += L) {
                fp8Code(bf16(x, xOff + 2 * i).div(scale), r, q, qOff + i);
            }
        }
        if (i < count) {
            TAIL.encodeBf16(spec, x, xOff + 2 * i, count - i, scale, q, qOff + i);
        }
    }

    /**
     * On the BF16 bits: a non-negative float's bits order as its value, so the largest {@code bits & 0x7fff} is the
     * largest magnitude — a NaN's bits are above infinity's, so a NaN anywhere gives a NaN, as {@code Math.max}
     * would — and 2L values take three short-lane operations, with no conversion to F32.
     */
    @Override
    public float amaxBf16(byte[] x, int xOff, int count) {
        ShortVector m0 = ShortVector.zero(S2);
        ShortVector m1 = m0;
        int i = 0;
        for (; i + 4 * L <= count; i += 4 * L) {
            m0 = m0.max(ByteVector.fromArray(BF, x, xOff + 2 * i).reinterpretAsShorts().and((short) 0x7fff));
            m1 = m1.max(ByteVector.fromArray(BF, x, xOff + 2 * (i + 2 * L)).reinterpretAsShorts().and((short) 0x7fff));
        }
        int bits = m0.max(m1).reduceLanes(VectorOperators.MAX) & 0xffff;
        for (; i < count; i++) {
            bits = Math.max(bits, ((x[xOff + 2 * i + 1] & 0x7f) << 8) | (x[xOff + 2 * i] & 0xff));
        }
        return Float.intBitsToFloat(bits << 16);
    }

    /**
     * Every unit's maximum first (no unit's codes wait on its own reduction), then the scales, then the codes. A
     * unit whose largest quotient {@code amax / scale} stays below the format's rounding limit (the usual case: the
     * scale comes from that maximum) can neither saturate nor hold a NaN, and takes {@link #encodeBf16Fast}; any
     * other unit, and INT8, take {@link #encodeBf16}. When every unit of the row is on the fast path and the unit is
     * a power of two of at least {@code 2L} columns (DeepSeek's 1×128 groups), the whole row is one loop that finds
     * each step's scale by a shift: a unit of four steps is otherwise mostly loop entry and exit (1×128 groups 4.3
     * → 6.3 billion values a second on one core of the 2-vCPU Zen 5 VM, in cache).
     */
    @Override
    public void quantizeRowBf16(dev.dayzero.hal.op.QuantizeSpec spec, byte[] x, int xOff, int count, int unit,
                                float[] scales, byte[] q, int qOff) {
        int units = 0;
        if (unit == 4 * S2.length() && count % unit == 0) {
            units = count / unit;
            unitMaxima4(x, xOff, units, scales); // the maxima until the next loop
        } else {
            for (int c = 0; c < count; c += unit, units++) {
                scales[units] = amaxBf16(x, xOff + 2 * c, Math.min(unit, count - c)); // the maximum until the next loop
            }
        }
        boolean fp8 = spec.format() != DType.I8;
        Fp8Rounding r = fp8 ? Fp8Rounding.of(spec.format()) : null;
        if (fp8 && unit >= 2 * L && Integer.bitCount(unit) == 1 && count % unit == 0) {
            boolean allFast = true;
            for (int g = 0; g < units; g++) {
                float amax = scales[g];
                scales[g] = spec.scaleFor(amax);
                allFast &= fastUnit(amax);
            }
            if (allFast) {
                encodeBf16Fast(x, xOff, count, scales, 0, Integer.numberOfTrailingZeros(unit), r, q, qOff);
                return;
            }
            for (int c = 0, g = 0; c < count; c += unit, g++) { // rare: a unit saturates or holds a NaN
                scales[g] = amaxBf16(x, xOff + 2 * c, unit);
            }
        }
        for (int c = 0, g = 0; c < count; c += unit, g++) {
            float amax = scales[g];
            float scale = spec.scaleFor(amax);
            scales[g] = scale;
            int n = Math.min(unit, count - c);
            int steps = fp8 && fastUnit(amax)
                    ? encodeBf16Fast(x, xOff + 2 * c, n, scales, g, Integer.SIZE - 1, r, q, qOff + c) : 0;
            if (steps < n) {
                encodeBf16(spec, x, xOff + 2 * (c + steps), n - steps, scale, q, qOff + c + steps);
            }
        }
    }

    /**
     * The largest magnitude of each of {@code units} units of {@code 4 · S2.length()} BF16 values (128 with 512-bit
     * vectors: DeepSeek's groups) at byte offset {@code xOff}, as F32 in {@code max}: four loads a unit and one
     * reduction, no loop inside a unit (a call of {@link #amaxBf16} per unit, with its loop and tail, made the whole
     * row's quantization about 10 % slower in cache).
     */
    private static void unitMaxima4(byte[] x, int xOff, int units, float[] max) {
        int unitBytes = 8 * S2.length();
        for (int g = 0; g < units; g++) {
            int o = xOff + g * unitBytes;
            ShortVector m0 = ByteVector.fromArray(BF, x, o).reinterpretAsShorts().and((short) 0x7fff);
            ShortVector m1 = ByteVector.fromArray(BF, x, o + unitBytes / 4).reinterpretAsShorts().and((short) 0x7fff);
            m0 = m0.max(ByteVector.fromArray(BF, x, o + unitBytes / 2).reinterpretAsShorts().and((short) 0x7fff));
            m1 = m1.max(ByteVector.fromArray(BF, x, o + 3 * unitBytes / 4).reinterpretAsShorts().and((short) 0x7fff));
            max[g] = Float.intBitsToFloat((m0.max(m1).reduceLanes(VectorOperators.MAX) & 0xffff) << 16);
        }
    }

    /**
     * Whether a unit whose largest BF16 magnitude is {@code amax} can take {@link #encodeBf16Fast}: whether {@code
     * amax / scaleFor(amax)} lies below the format's fast limit. For a BF16 maximum that is its finiteness, with no
     * division: the scale is at least {@code amax / fmax} rounded down, so the quotient is at most {@code fmax · (1 +
     * 2^-23)}, below the limit (SimdTest checks every finite BF16 magnitude, both formats and scale types); a NaN or
     * infinite maximum takes the general encoder.
     */
    private static boolean fastUnit(float amax) {
        return amax <= Float.MAX_VALUE;
    }

    /** The quotient below which an FP8 format's fast encoding applies (see {@link Fp8Rounding}); for tests. */
    static float fastLimit(DType format) {
        return Fp8Rounding.of(format).fastLimit();
    }

    /**
     * FP8 codes of the first {@code count / 2L · 2L} of {@code count} BF16 values whose quotients all lie below
     * {@code r.fastLimit()} in magnitude (no saturation, no NaN); value {@code i}'s scale is
     * {@code scales[g + (i >>> log2Unit)]} (one scale for all: {@code log2Unit} 31). Returns how many values it
     * encoded. {@code 2L} values a step, read as {@code L} ints — an int's low half is an even element, its high half
     * the next odd one, so with the signs cleared, {@code bits << 16} and {@code bits & 0xffff0000} are the two
     * magnitudes as F32 with no widening. Their codes go back as {@code even | odd << 16 | signs}, the signs moved
     * from bits 15 and 31 of the input to 7 and 23 by one shift, and the ints narrowed as shorts to bytes: the
     * input's order.
     *
     * <p>The rounding has no masks (JDK 17's C2 turns a compare-and-blend into four instructions) and one F32
     * addition: with {@code e} the exponent bits of a quotient {@code v} raised to at least the smallest normal's,
     * {@code M = 2^(e + 23 - mb)} has an F32 ulp of exactly the FP8 step at {@code v} (the subnormal step below the
     * normals), so {@code v + M} rounds {@code v} to nearest even, and its bits minus {@code M}'s count the steps,
     * {@code n}. The code is then {@code n + (e >>> (23 - mb)) - K} (a carry into the next binade lands on the right
     * code too). It is written out for both halves rather than called: C2 leaves a call out of line once the method
     * it compiles passes its node-count cutoff, and a vector passed to a call that is not inlined is boxed (the
     * second half's call was, once {@link #quantizeRowBf16} grew: 176 MB a launch, a quarter of the speed).
     */
    private static int encodeBf16Fast(byte[] x, int xOff, int count, float[] scales, int g, int log2Unit,
                                      Fp8Rounding r, byte[] q, int qOff) {
        int i = 0;
        for (; i + 2 * L <= count; i += 2 * L) {
            float scale = scales[g + (i >>> log2Unit)];
            IntVector pair = ByteVector.fromArray(BF, x, xOff + 2 * i).reinterpretAsInts();
            IntVector magnitudes = pair.and(0x7fff7fff);
            FloatVector even = magnitudes.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().div(scale);
            FloatVector odd = magnitudes.and(0xffff0000).reinterpretAsFloats().div(scale);
            IntVector e0 = even.reinterpretAsInts().max(r.minNormalBits()).and(0x7f800000);
            IntVector e1 = odd.reinterpretAsInts().max(r.minNormalBits()).and(0x7f800000);
            IntVector n0 = even.add(e0.add(r.magicOffset()).reinterpretAsFloats()).reinterpretAsInts().sub(e0);
            IntVector n1 = odd.add(e1.add(r.magicOffset()).reinterpretAsFloats()).reinterpretAsInts().sub(e1);
            IntVector c0 = n0.add(e0.lanewise(VectorOperators.LSHR, r.shift())).sub(r.codeOffset());
            IntVector c1 = n1.add(e1.lanewise(VectorOperators.LSHR, r.shift())).sub(r.codeOffset());
            IntVector codes = c0.or(c1.lanewise(VectorOperators.LSHL, 16))
                    .or(pair.lanewise(VectorOperators.LSHR, 8).and(0x00800080));
            codes.reinterpretAsShorts().convertShape(VectorOperators.S2B, B2, 0).reinterpretAsBytes()
                    .intoArray(q, qOff + i);
        }
        return i;
    }

    /** {@code L} BF16 values at byte offset {@code off} (little-endian) as F32, in registers. */
    private static FloatVector bf16(byte[] src, int off) {
        // bytes reinterpreted as shorts: the Vector API defines that in little-endian lane order on every platform
        // (ShortVector.fromByteArray, the direct way, is gone after JDK 19: NoSuchMethodError on JDK 21 and 25)
        ShortVector s = ByteVector.fromArray(B2, src, off).reinterpretAsShorts();
        return ((IntVector) s.convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, 16)
                .reinterpretAsFloats();
    }

    /** The INT8 codes of the quotients {@code v}, stored at {@code q[off]}: rint(clamp(v, ±127)). */
    private static void i8Code(FloatVector v, byte[] q, int off) {
        // rint by the 1.5 · 2^23 magic number; the integer is then the low bits of the sum
        IntVector r = v.max(-127f).min(127f).add(0x1.8p23f).reinterpretAsInts().sub(0x4b400000);
        r.convertShape(VectorOperators.I2B, B, 0).reinterpretAsBytes().intoArray(q, off);
    }

    /** An FP8 format's rounding constants (see {@link #fp8Code}). */
    private record Fp8Rounding(int shift, int rebias, int minNormalBits, float subScale, int maxCode, int nanCode,
                               int magicOffset, int codeOffset, float fastLimit) {
        private static final Fp8Rounding E4M3 = of(3, 7, 0x7e, 0x7f, Fp8.max(DType.F8_E4M3FN));
        private static final Fp8Rounding E5M2 = of(2, 15, 0x7b, 0x7e, Fp8.max(DType.F8_E5M2));

        /** The constants of an FP8 format, made once (encode runs once per scaling unit). */
        static Fp8Rounding of(DType format) {
            return format == DType.F8_E4M3FN ? E4M3 : E5M2;
        }

        /**
         * {@code fastLimit}: the midpoint between the largest finite value and the next step up, below which every
         * quotient rounds to a finite code without saturating. {@code magicOffset}, {@code codeOffset}: see
         * {@link #encodeBf16Fast} ({@code M}'s exponent above {@code E}'s; {@code K}).
         */
        private static Fp8Rounding of(int mb, int bias, int maxCode, int nanCode, float maxFinite) {
            int shift = 23 - mb;
            int rebias = (127 - bias) << mb;
            return new Fp8Rounding(shift, rebias, Float.floatToIntBits(Math.scalb(1f, 1 - bias)),
                    Math.scalb(1f, bias - 1 + mb), maxCode, nanCode, shift << 23, (shift << 23) + rebias + (1 << mb),
                    maxFinite + halfStep(maxFinite, mb));
        }

        /** Half the step between FP8 values at {@code v}'s exponent. */
        private static float halfStep(float v, int mb) {
            return Math.scalb(1f, Math.getExponent(v) - mb - 1);
        }
    }

    /**
     * The FP8 codes of the quotients {@code v}, stored at {@code q[off]}: normals round their mantissa to nearest even
     * by adding {@code half - 1 + lsb} before the shift (as {@code Fp8.encode}); subnormals are
     * {@code rint(|v| · 2^(bias - 1 + mantissa bits))} (rint by the 2^23 magic number: one rounding, exact for these
     * small values; letting F32's own subnormals do it would round twice, wrong next to a midpoint); then saturation,
     * NaN and the sign.
     */
    private static void fp8Code(FloatVector v, Fp8Rounding r, byte[] q, int off) {
        IntVector bits = v.reinterpretAsInts();
        IntVector abs = bits.and(0x7fffffff);
        IntVector lsb = abs.lanewise(VectorOperators.LSHR, r.shift()).and(1);
        IntVector normal = abs.add((1 << (r.shift() - 1)) - 1).add(lsb)
                .lanewise(VectorOperators.LSHR, r.shift()).sub(r.rebias());
        IntVector sub = abs.reinterpretAsFloats().mul(r.subScale()).add(0x1p23f).reinterpretAsInts().sub(0x4b000000);
        IntVector code = normal.blend(sub, abs.compare(VectorOperators.LT, r.minNormalBits())).min(r.maxCode());
        code = code.blend(r.nanCode(), abs.compare(VectorOperators.GT, 0x7f800000))
                .or(bits.lanewise(VectorOperators.LSHR, 24).and(0x80));
        code.convertShape(VectorOperators.I2B, B, 0).reinterpretAsBytes().intoArray(q, off);
    }

    @Override
    public void scaleAndMax(float[] st, int count, int ld, int rows, float scale, float[] max) {
        int r = 0;
        for (; r + L <= rows; r += L) {
            FloatVector m = FloatVector.fromArray(F, max, r);
            for (int t = 0; t < count; t++) {
                FloatVector v = FloatVector.fromArray(F, st, t * ld + r).mul(scale);
                v.intoArray(st, t * ld + r);
                m = m.max(v);
            }
            m.intoArray(max, r);
        }
        PlainSimd.scaleAndMax(st, count, ld, r, rows, scale, max);
    }

    /**
     * The exponential by the Vector API's {@code EXP}: an intrinsic on x86 (Intel's short-vector math library in the
     * JDK, within an ulp of {@code Math.exp}); elsewhere the JDK 17 API computes it lane by lane in Java, slower than
     * the scalar loop, so other architectures take that loop.
     */
    @Override
    public void expAndSum(float[] st, int count, int ld, int rows, float[] ref, float[] sum) {
        int r = 0;
        for (; X86 && r + L <= rows; r += L) {
            FloatVector base = FloatVector.fromArray(F, ref, r);
            FloatVector acc = FloatVector.fromArray(F, sum, r);
            for (int t = 0; t < count; t++) {
                FloatVector p = FloatVector.fromArray(F, st, t * ld + r).sub(base).lanewise(VectorOperators.EXP);
                p.intoArray(st, t * ld + r);
                acc = acc.add(p);
            }
            acc.intoArray(sum, r);
        }
        PlainSimd.expAndSum(st, count, ld, r, rows, ref, sum);
    }

    @Override
    public float fmaChain(long iterations, float seed) {
        FloatVector m = FloatVector.broadcast(F, 0.999999f);
        FloatVector d = FloatVector.broadcast(F, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(F, seed);
        FloatVector a1 = a0.add(1f);
        FloatVector a2 = a0.add(2f);
        FloatVector a3 = a0.add(3f);
        FloatVector a4 = a0.add(4f);
        FloatVector a5 = a0.add(5f);
        FloatVector a6 = a0.add(6f);
        FloatVector a7 = a0.add(7f);
        FloatVector a8 = a0.add(8f);
        FloatVector a9 = a0.add(9f);
        FloatVector a10 = a0.add(10f);
        FloatVector a11 = a0.add(11f);
        for (long it = 0; it < iterations; it++) {
            a0 = a0.fma(m, d);
            a1 = a1.fma(m, d);
            a2 = a2.fma(m, d);
            a3 = a3.fma(m, d);
            a4 = a4.fma(m, d);
            a5 = a5.fma(m, d);
            a6 = a6.fma(m, d);
            a7 = a7.fma(m, d);
            a8 = a8.fma(m, d);
            a9 = a9.fma(m, d);
            a10 = a10.fma(m, d);
            a11 = a11.fma(m, d);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }

    @Override
    public int fmaChainFlops() {
        return 12 * 2 * L;
    }
}
