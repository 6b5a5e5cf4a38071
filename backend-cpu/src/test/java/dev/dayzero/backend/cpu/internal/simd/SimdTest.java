package dev.dayzero.backend.cpu.internal.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.backend.cpu.CpuConfig;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp4;
import dev.dayzero.hal.Fp8;
import dev.dayzero.hal.Ue8m0;
import dev.dayzero.hal.op.QuantizeSpec;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The indexer's inner loops on both paths, against scalar code. */
class SimdTest {

    private static Simd simd(boolean vector) {
        return Simds.create(new CpuConfig(1, vector));
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void e4m3DecodesEveryCodeExactlyAtAnyOffsetAndLength(boolean vector) {
        Simd s = simd(vector);
        byte[] codes = new byte[256 + 37];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = (byte) (i * 7 + 3);
        }
        for (int off : new int[] {0, 1, 5}) {
            for (int count : new int[] {256, 255, 17, 3}) {
                float[] dst = new float[count + 2];
                s.e4m3ToF32(codes, off, dst, 2, count);
                for (int i = 0; i < count; i++) {
                    float want = Fp8.decode(DType.F8_E4M3FN, codes[off + i]);
                    assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(dst[2 + i]),
                            "code 0x" + Integer.toHexString(codes[off + i] & 0xff) + ": " + dst[2 + i] + " != " + want);
                }
            }
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void e4m3ToF32ScaledIsTheDecodeTimesTheScaleRoundedOnce(boolean vector) {
        Simd s = simd(vector);
        byte[] codes = new byte[262];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = (byte) i;
        }
        for (float scale : new float[] {1f, 0.0078125f, 3.3e-3f, 1.7e4f, -2.5f}) {
            for (int off : new int[] {0, 1, 5}) {
                for (int count : new int[] {256, 255, 17, 3}) {
                    float[] dst = new float[count + 2];
                    s.e4m3ToF32Scaled(codes, off, dst, 2, count, scale);
                    for (int i = 0; i < count; i++) {
                        float want = Fp8.decode(DType.F8_E4M3FN, codes[off + i]) * scale;
                        assertEquals(Float.isNaN(want), Float.isNaN(dst[2 + i]), "NaN code stays NaN");
                        if (!Float.isNaN(want)) {
                            assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(dst[2 + i]), "code 0x"
                                    + Integer.toHexString(codes[off + i] & 0xff) + " x " + scale + ": " + dst[2 + i]);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void e2m1ToF32SplitIsEveryCodePairTimesTheScaleBitForBitEvensFirst(boolean vector) {
        Simd s = simd(vector);
        byte[] pairs = new byte[262];
        for (int i = 0; i < pairs.length; i++) {
            pairs[i] = (byte) i; // every byte: every (low, high) code pair, signs and zeros included
        }
        // UE8M0 scales from tiny to huge (products underflow to subnormals and overflow to infinity), and others
        for (float scale : new float[] {1f, 0x1p-127f, 0x1p-120f, 0x1p-3f, 0x1p10f, 0x1p126f, 0x1p127f, 0.37f, -2f}) {
            for (int off : new int[] {0, 1, 6}) {
                for (int count : new int[] {256, 16, 48, 17, 3}) {
                    float[] dst = new float[2 * count + 3];
                    s.e2m1ToF32Split(pairs, off, dst, 3, count, scale);
                    for (int i = 0; i < count; i++) {
                        int b = pairs[off + i] & 0xff;
                        float lo = Fp4.decode(b & 0xf) * scale;
                        float hi = Fp4.decode(b >>> 4) * scale;
                        assertEquals(Float.floatToIntBits(lo), Float.floatToIntBits(dst[3 + i]),
                                "low nibble of 0x" + Integer.toHexString(b) + " x " + scale + ", count " + count);
                        assertEquals(Float.floatToIntBits(hi), Float.floatToIntBits(dst[3 + count + i]),
                                "high nibble of 0x" + Integer.toHexString(b) + " x " + scale + ", count " + count);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void dotE4m3ScaledIsTheBlockScaledDotProduct(boolean vector) {
        Simd s = simd(vector);
        Random rnd = new Random(7);
        for (int count : new int[] {128, 384, 7168}) {
            byte[] w = new byte[count + 3];
            float[] x = new float[count + 5];
            float[] scales = new float[count / 128 + 2];
            for (int i = 0; i < w.length; i++) {
                int code = rnd.nextInt(256);
                w[i] = (byte) ((code & 0x7f) == 0x7f ? code & 0xfe : code); // no NaN codes here
            }
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextGaussian();
            }
            for (int i = 0; i < scales.length; i++) {
                scales[i] = (float) Math.scalb(1.0, rnd.nextInt(-12, 4)) * (1 + rnd.nextFloat());
            }
            double want = 0;
            double mag = 0;
            for (int i = 0; i < count; i++) {
                double t = Fp8.decode(DType.F8_E4M3FN, w[3 + i]) * (double) x[5 + i] * scales[1 + i / 128];
                want += t;
                mag += Math.abs(t);
            }
            float got = s.dotE4m3Scaled(w, 3, x, 5, count, scales, 1);
            assertEquals(want, got, 1e-5 * mag + 1e-30, "count " + count);
        }
        byte[] nan = new byte[128];
        nan[17] = 0x7f;
        assertTrue(Float.isNaN(s.dotE4m3Scaled(nan, 0, new float[128], 0, 128, new float[] {1f}, 0)), "a NaN code");
    }

    /** Sums of {@code dot8x2*}'s partial sums: [8 rows][2 weight rows]. */
    private static float[][] sums(Simd s, float[] acc, int off) {
        int pw = s.partialWidth();
        float[][] r = new float[8][2];
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 2; j++) {
                for (int l = 0; l < pw; l++) {
                    r[i][j] += acc[off + (i * 2 + j) * pw + l];
                }
            }
        }
        return r;
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void dot8x2E4m3IsEightRowsAgainstTwoBlockScaledWeightRows(boolean vector) {
        Simd s = simd(vector);
        Random rnd = new Random(11);
        int ldx = 1100;
        int ldw = 1031;
        for (int depth : new int[] {128, 1024}) {
            byte[] w = new byte[3 + ldw + depth];
            float[] x = new float[5 + 7 * ldx + depth];
            float[] scales = new float[depth / 128 + 1];
            for (int i = 0; i < w.length; i++) {
                int code = rnd.nextInt(256);
                w[i] = (byte) ((code & 0x7f) == 0x7f ? code & 0xfe : code); // NaN codes below
            }
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextGaussian();
            }
            // every code's exponent, and scales from tiny to just below 2^7 (where the short decode stops)
            for (int i = 0; i < scales.length; i++) {
                scales[i] = i == 1 ? 127.9f : (float) Math.scalb(1.0, rnd.nextInt(-40, 4)) * (1 + rnd.nextFloat());
            }
            int accOff = 3;
            float[] acc = new float[accOff + 16 * s.partialWidth()];
            acc[accOff] = 0.25f; // the kernel adds to what is there
            s.dot8x2E4m3(depth, x, 5, ldx, w, 3, ldw, scales, 1, acc, accOff);
            float[][] got = sums(s, acc, accOff);
            for (int i = 0; i < 8; i++) {
                for (int j = 0; j < 2; j++) {
                    double want = i == 0 && j == 0 ? 0.25 : 0;
                    double mag = 0;
                    for (int k = 0; k < depth; k++) {
                        // the decoded weight is Fp8.decode(code) * s rounded once to F32
                        float wk = Fp8.decode(DType.F8_E4M3FN, w[3 + j * ldw + k]) * scales[1 + k / 128];
                        double t = (double) wk * x[5 + i * ldx + k];
                        want += t;
                        mag += Math.abs(t);
                    }
                    assertEquals(want, got[i][j], 1e-5 * mag + 1e-30, "depth " + depth + " row " + i + " w " + j);
                }
            }
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void dot8x2E4m3NaNCodesAndLargeScales(boolean vector) {
        Simd s = simd(vector);
        byte[] w = new byte[256];
        java.util.Arrays.fill(w, (byte) 0x38); // 1.0
        w[128 + 77] = (byte) 0xff; // a NaN code in the second weight row only
        float[] x = new float[8 * 128];
        java.util.Arrays.fill(x, 1f);
        float[] acc = new float[16 * s.partialWidth()];
        s.dot8x2E4m3(128, x, 0, 128, w, 0, 128, new float[] {0.5f}, 0, acc, 0);
        float[][] got = sums(s, acc, 0);
        for (int i = 0; i < 8; i++) {
            assertEquals(64f, got[i][0], "row " + i + " of the weight row without NaN");
            assertTrue(Float.isNaN(got[i][1]), "row " + i + " of the weight row with a NaN code");
        }
        // a scale of 2^7 and more takes the long decode: s * 2^120 would overflow
        w[128 + 77] = 0x38;
        for (float big : new float[] {128f, 3.0e38f}) {
            java.util.Arrays.fill(acc, 0f);
            s.dot8x2E4m3(128, x, 0, 128, w, 0, 128, new float[] {big}, 0, acc, 0);
            got = sums(s, acc, 0);
            assertEquals(128f * big, got[3][1], 128f * big * 1e-6f, "scale " + big);
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void prescaledTilesMatchTheBlockScaledDotProducts(boolean vector) {
        Simd s = simd(vector);
        int pw = s.partialWidth();
        Random rnd = new Random(23);
        int depth = 1024;
        int ldx = 1100;
        int ldw = 1031;
        byte[] w = new byte[3 + 3 * ldw + depth];
        float[] x = new float[5 + 7 * ldx + depth];
        float[] scales = new float[depth / 128 + 1];
        for (int i = 0; i < w.length; i++) {
            int code = rnd.nextInt(256);
            w[i] = (byte) ((code & 0x7f) == 0x7f ? code & 0xfe : code); // NaN codes below
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        for (int i = 0; i < scales.length; i++) {
            scales[i] = (float) Math.scalb(1.0, rnd.nextInt(-40, 2)) * (1 + rnd.nextFloat());
        }
        float[] xi = new float[8 * depth];
        assertTrue(s.interleave8Scaled(x, 5, ldx, depth, scales, 1, xi));
        for (int i = 0; i < 8; i++) {
            for (int k = 0; k < depth; k++) {
                assertEquals(x[5 + i * ldx + k] * (scales[1 + k / 128] * 0x1p120f), xi[((k / pw) * 8 + i) * pw + k % pw],
                        "row " + i + " k " + k);
            }
        }
        // two calls of half the depth, the second from X's interleaved offset 8 · 512
        int accOff = 3;
        float[] acc = new float[accOff + 16 * pw];
        s.dot8x2E4m3Prescaled(512, xi, 0, w, 3, ldw, acc, accOff);
        s.dot8x2E4m3Prescaled(512, xi, 8 * 512, w, 3 + 512, ldw, acc, accOff);
        float[][] got = sums(s, acc, accOff);
        float[] xs = new float[depth];
        for (int k = 0; k < depth; k++) {
            xs[k] = x[5 + k] * (scales[1 + k / 128] * 0x1p120f);
        }
        float[] out = new float[5];
        s.dot1x4E4m3Prescaled(depth, xs, 0, w, 3, ldw, out, 1);
        for (int j = 0; j < 4; j++) {
            for (int i = 0; i < (j < 2 ? 8 : 1); i++) {
                double want = 0;
                double mag = 0;
                for (int k = 0; k < depth; k++) {
                    double t = (double) Fp8.decode(DType.F8_E4M3FN, w[3 + j * ldw + k]) * scales[1 + k / 128]
                            * x[5 + i * ldx + k];
                    want += t;
                    mag += Math.abs(t);
                }
                if (j < 2) {
                    assertEquals(want, got[i][j], 1e-5 * mag + 1e-30, "8x2 row " + i + " w " + j);
                }
                if (i == 0) {
                    assertEquals(want, out[1 + j], 1e-5 * mag + 1e-30, "1x4 w " + j);
                }
            }
        }
        // a NaN code makes its weight row's sums NaN
        w[3 + ldw + 600] = (byte) 0xff;
        java.util.Arrays.fill(acc, 0f);
        s.dot8x2E4m3Prescaled(depth, xi, 0, w, 3, ldw, acc, accOff);
        got = sums(s, acc, accOff);
        s.dot1x4E4m3Prescaled(depth, xs, 0, w, 3, ldw, out, 1);
        for (int i = 0; i < 8; i++) {
            assertTrue(Float.isFinite(got[i][0]) && Float.isNaN(got[i][1]), "row " + i);
        }
        assertTrue(Float.isFinite(out[1]) && Float.isNaN(out[2]) && Float.isFinite(out[3]), "1x4");
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void dot1x8E4m3PrescaledIsEightFp8RowsAgainstThePrescaledRow(boolean vector) {
        Simd s = simd(vector);
        Random rnd = new Random(31);
        int depth = 1024;
        int ldw = 1031;
        byte[] w = new byte[3 + 7 * ldw + depth];
        for (int i = 0; i < w.length; i++) {
            int code = rnd.nextInt(256);
            w[i] = (byte) ((code & 0x7f) == 0x7f ? code & 0xfe : code);
        }
        float[] xs = new float[2 + depth];
        for (int k = 0; k < xs.length; k++) {
            xs[k] = (float) (rnd.nextGaussian() * 0x1p100); // x · s · 2^120 for scales near 2^-20
        }
        float[] out = new float[10];
        s.dot1x8E4m3Prescaled(depth, xs, 2, w, 3, ldw, out, 1);
        for (int j = 0; j < 8; j++) {
            double want = 0;
            double mag = 0;
            for (int k = 0; k < depth; k++) {
                double t = Fp8.decode(DType.F8_E4M3FN, w[3 + j * ldw + k]) * 0x1p-120 * xs[2 + k];
                want += t;
                mag += Math.abs(t);
            }
            assertEquals(want, out[1 + j], 1e-5 * mag + 1e-30, "row " + j);
        }
        assertEquals(0f, out[0], "wrote before its offset");
        assertEquals(0f, out[9], "wrote past its eight rows");
        w[3 + 5 * ldw + 700] = (byte) 0x7f; // a NaN code makes its row's sum NaN, and only its row's
        s.dot1x8E4m3Prescaled(depth, xs, 2, w, 3, ldw, out, 1);
        for (int j = 0; j < 8; j++) {
            assertEquals(j == 5, Float.isNaN(out[1 + j]), "row " + j + ": " + out[1 + j]);
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void dot1x4E2m1IsFourMxfp4RowsAgainstTheSplitOrderRow(boolean vector) {
        Simd s = simd(vector);
        Random rnd = new Random(29);
        int depth = 1024;
        int ldw = 600; // bytes a row: 512 used
        int lds = 40;  // scale codes a row: 32 used
        byte[] w = new byte[3 + 3 * ldw + depth / 2];
        rnd.nextBytes(w);
        float[] x = new float[2 + depth];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        // scale codes 0 (2^-127) to 134 (the tile's largest), then 135 and 255 (NaN): the plain loop's
        for (int top : new int[] {134, 135, 255}) {
            byte[] sc = new byte[1 + 3 * lds + depth / 32];
            for (int i = 0; i < sc.length; i++) {
                sc[i] = (byte) (i % 7 == 0 ? 0 : 100 + rnd.nextInt(35));
            }
            sc[1 + 2 * lds + 5] = (byte) top;
            float[] out = new float[6];
            s.dot1x4E2m1(depth, x, 2, w, 3, ldw, sc, 1, lds, out, 1);
            for (int j = 0; j < 4; j++) {
                double want = 0;
                double mag = 0;
                for (int k = 0; k < depth; k++) {
                    byte v = w[3 + j * ldw + k / 2];
                    int code = k % 2 == 0 ? v & 0xf : (v >> 4) & 0xf;
                    int p = (k / 32) * 32 + (k % 2) * 16 + (k % 32) / 2; // evens first within the block
                    double t = (double) Fp4.decode(code) * Ue8m0.decode(sc[1 + j * lds + k / 32]) * x[2 + p];
                    want += t;
                    mag += Math.abs(t);
                }
                if (j == 2 && top == 255) {
                    assertTrue(Float.isNaN(out[1 + j]), "a NaN scale");
                } else {
                    assertEquals(want, out[1 + j], 1e-5 * mag + 1e-30, "row " + j + ", largest scale code " + top);
                }
            }
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void dot8x1E2m1IsEightInterleavedRowsAgainstOneMxfp4Row(boolean vector) {
        Simd s = simd(vector);
        int pw = s.partialWidth();
        Random rnd = new Random(31);
        int depth = 512;
        byte[] w = new byte[5 + depth / 2];
        rnd.nextBytes(w);
        float[] x = new float[8 * depth]; // row-major, each row already in the split order
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        float[] xi = new float[8 * depth];
        float[] ones = new float[depth / 128];
        java.util.Arrays.fill(ones, 0x1p-120f); // interleave8Scaled with a factor of exactly 1
        assertTrue(s.interleave8Scaled(x, 0, depth, depth, ones, 0, xi));
        for (int top : new int[] {134, 135, 255}) {
            byte[] sc = new byte[2 + depth / 32];
            for (int i = 0; i < sc.length; i++) {
                sc[i] = (byte) (i % 5 == 0 ? 1 : 110 + rnd.nextInt(25));
            }
            sc[2 + 7] = (byte) top;
            int accOff = 2;
            float[] acc = new float[accOff + 8 * pw];
            acc[accOff] = 0.5f; // the kernel adds to what is there
            s.dot8x1E2m1(depth, xi, 0, w, 5, sc, 2, acc, accOff);
            for (int i = 0; i < 8; i++) {
                float got = 0f;
                for (int l = 0; l < pw; l++) {
                    got += acc[accOff + i * pw + l];
                }
                double want = i == 0 ? 0.5 : 0;
                double mag = 0;
                for (int q = 0; q < depth; q++) {
                    int h = q % 32;
                    byte v = w[5 + (q / 32) * 16 + h % 16];
                    double t = (double) Fp4.decode(h < 16 ? v & 0xf : (v >> 4) & 0xf)
                            * Ue8m0.decode(sc[2 + q / 32]) * x[i * depth + q];
                    want += t;
                    mag += Math.abs(t);
                }
                if (top == 255) {
                    assertTrue(Float.isNaN(got), "a NaN scale, row " + i);
                } else {
                    assertEquals(want, got, 1e-5 * mag + 1e-30, "row " + i + ", largest scale code " + top);
                }
            }
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void dot1x4Bf16AndDot1x8Bf16AreRowsAgainstThePairSplitRow(boolean vector) {
        Simd s = simd(vector);
        int block = 2 * s.partialWidth();
        Random rnd = new Random(37);
        int depth = 960;
        int ldw = 1000; // elements
        byte[] w = new byte[6 + 2 * (7 * ldw + depth)];
        float[] wv = new float[7 * ldw + depth];
        for (int i = 0; i < wv.length; i++) {
            short b = dev.dayzero.hal.Bf16.encode((float) rnd.nextGaussian());
            w[6 + 2 * i] = (byte) b;
            w[7 + 2 * i] = (byte) (b >> 8);
            wv[i] = dev.dayzero.hal.Bf16.decode(b);
        }
        float[] x = new float[depth];
        float[] split = new float[1 + depth];
        for (int k = 0; k < depth; k++) {
            x[k] = (float) rnd.nextGaussian();
            int b = k / block * block;
            split[1 + b + ((k - b) % 2) * (block / 2) + (k - b) / 2] = x[k];
        }
        float[] out = new float[11];
        s.dot1x4Bf16(depth, split, 1, w, 6, ldw, out, 2);
        float[] out8 = new float[11];
        s.dot1x8Bf16(depth, split, 1, w, 6, ldw, out8, 2);
        assertEquals(0f, out8[1], "wrote before its offset");
        assertEquals(0f, out8[10], "wrote past its eight rows");
        for (int j = 0; j < 8; j++) {
            double want = 0;
            double mag = 0;
            for (int k = 0; k < depth; k++) {
                double t = (double) wv[j * ldw + k] * x[k];
                want += t;
                mag += Math.abs(t);
            }
            if (j < 4) {
                assertEquals(want, out[2 + j], 1e-5 * mag, "1x4 row " + j);
            }
            assertEquals(want, out8[2 + j], 1e-5 * mag, "1x8 row " + j);
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void dot8x1Bf16IsEightInterleavedPairSplitRowsAgainstOneBf16Row(boolean vector) {
        Simd s = simd(vector);
        int pw = s.partialWidth();
        Random rnd = new Random(41);
        int depth = 640;
        byte[] w = new byte[4 + 2 * depth];
        float[] wv = new float[depth];
        for (int k = 0; k < depth; k++) {
            short b = dev.dayzero.hal.Bf16.encode((float) rnd.nextGaussian());
            w[4 + 2 * k] = (byte) b;
            w[5 + 2 * k] = (byte) (b >> 8);
            wv[k] = dev.dayzero.hal.Bf16.decode(b);
        }
        float[] x = new float[8 * depth];
        float[] xi = new float[3 + 8 * depth];
        for (int i = 0; i < 8; i++) {
            for (int k = 0; k < depth; k++) {
                x[i * depth + k] = (float) rnd.nextGaussian();
                int b = k - k % (2 * pw);
                int q = b + ((k - b) % 2) * pw + (k - b) / 2;
                xi[3 + ((q / pw) * 8 + i) * pw + q % pw] = x[i * depth + k];
            }
        }
        float[] acc = new float[1 + 8 * pw];
        acc[1] = 0.25f; // the kernel adds to what is there
        s.dot8x1Bf16(depth, xi, 3, w, 4, acc, 1);
        for (int i = 0; i < 8; i++) {
            float got = 0f;
            for (int l = 0; l < pw; l++) {
                got += acc[1 + i * pw + l];
            }
            double want = i == 0 ? 0.25 : 0;
            double mag = 0;
            for (int k = 0; k < depth; k++) {
                want += (double) wv[k] * x[i * depth + k];
                mag += Math.abs((double) wv[k] * x[i * depth + k]);
            }
            assertEquals(want, got, 1e-5 * mag, "row " + i);
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void foldScalesScalesEachBlockAndRefusesWhatWouldNotStayExact(boolean vector) {
        Simd s = simd(vector);
        Random rnd = new Random(41);
        float[] x = new float[3 + 384];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian() * 20f;
        }
        float[] scales = {9f, 1e-3f, 0.37f, 5e-5f};
        float[] dst = new float[384];
        assertTrue(s.foldScales(x, 3, 384, scales, 1, dst));
        for (int i = 0; i < 384; i++) {
            assertEquals(x[3 + i] * (scales[1 + i / 128] * 0x1p120f), dst[i], "element " + i);
        }
        java.util.Arrays.fill(x, 1f);
        x[300] = -127f;
        assertTrue(s.foldScales(x, 0, 384, new float[] {127f, 0.5f, 1f}, 0, dst), "|x · s| = 127");
        assertFalse(s.foldScales(x, 0, 384, new float[] {0.5f, 0.5f, 128f}, 0, dst), "|s| = 2^7");
        x[300] = -128f;
        assertFalse(s.foldScales(x, 0, 384, new float[] {127f, 0.5f, 1f}, 0, dst), "|x · s| = 2^7, negative x");
        x[300] = Float.NaN;
        assertFalse(s.foldScales(x, 0, 384, new float[] {0.5f, 0.5f, 0.5f}, 0, dst), "NaN");
        x[300] = Float.NEGATIVE_INFINITY;
        assertFalse(s.foldScales(x, 0, 384, new float[] {0.5f, 0.5f, 0.5f}, 0, dst), "infinity");
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void interleave8ScaledRefusesWhatWouldNotStayExact(boolean vector) {
        Simd s = simd(vector);
        float[] x = new float[8 * 256];
        java.util.Arrays.fill(x, 1f);
        float[] xi = new float[8 * 256];
        assertTrue(s.interleave8Scaled(x, 0, 256, 256, new float[] {127f, 0.5f}, 0, xi));
        assertFalse(s.interleave8Scaled(x, 0, 256, 256, new float[] {0.5f, 128f}, 0, xi), "|x · s| = 2^7");
        assertFalse(s.interleave8Scaled(x, 0, 256, 256, new float[] {0.5f, 1e30f}, 0, xi), "s · 2^120 overflows");
        x[7 * 256 + 200] = Float.NaN;
        assertFalse(s.interleave8Scaled(x, 0, 256, 256, new float[] {0.5f, 0.5f}, 0, xi), "NaN");
        x[7 * 256 + 200] = -200f;
        assertFalse(s.interleave8Scaled(x, 0, 256, 256, new float[] {0.5f, 1f}, 0, xi), "|x| = 200");
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void dot1x8I8IsEightExactRows(boolean vector) {
        Simd s = simd(vector);
        Random rnd = new Random(37);
        int depth = 1024; // the most a call may sum exactly: 1024 · 127 · 128 < 2^24
        int ldw = 1100;
        byte[] w = new byte[2 + 7 * ldw + depth];
        for (int i = 0; i < w.length; i++) {
            w[i] = (byte) (rnd.nextInt(4) == 0 ? rnd.nextInt(256) : rnd.nextBoolean() ? 127 : -128);
        }
        float[] x = new float[3 + depth];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextInt(8) == 0 ? -127 : rnd.nextInt(-127, 128);
        }
        float[] out = new float[11];
        s.dot1x8I8(depth, x, 3, w, 2, ldw, out, 2);
        for (int j = 0; j < 8; j++) {
            long want = 0;
            for (int k = 0; k < depth; k++) {
                want += (long) x[3 + k] * w[2 + j * ldw + k];
            }
            assertEquals(want, (long) out[2 + j], "row " + j + ", exact");
        }
        assertEquals(0f, out[1], "wrote before its offset");
        assertEquals(0f, out[10], "wrote past its eight rows");
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void dot1x4IsFourOneRowDotProducts(boolean vector) {
        Simd s = simd(vector);
        Random rnd = new Random(17);
        int depth = 1024;
        int ldw = 1100;
        byte[] w = new byte[2 + 3 * ldw + depth];
        byte[] w8 = new byte[w.length];
        float[] x = new float[3 + depth];
        float[] xi = new float[3 + depth];
        for (int i = 0; i < w.length; i++) {
            int code = rnd.nextInt(256);
            w[i] = (byte) ((code & 0x7f) == 0x7f ? code & 0xfe : code);
            w8[i] = (byte) (rnd.nextBoolean() ? 127 : -128);
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
            xi[i] = rnd.nextInt(8) == 0 ? -127 : 127;
        }
        float[] scales = new float[depth / 128 + 1];
        for (int i = 0; i < scales.length; i++) {
            scales[i] = (float) Math.scalb(1.0, rnd.nextInt(-30, 6)) * (1 + rnd.nextFloat());
        }
        float[] out = new float[6];
        s.dot1x4E4m3(depth, x, 3, w, 2, ldw, scales, 1, out, 1);
        float[] outI = new float[6];
        s.dot1x4I8(depth, xi, 3, w8, 2, ldw, outI, 2);
        for (int j = 0; j < 4; j++) {
            double want = 0;
            double mag = 0;
            long wantI = 0;
            for (int k = 0; k < depth; k++) {
                float wk = Fp8.decode(DType.F8_E4M3FN, w[2 + j * ldw + k]) * scales[1 + k / 128];
                want += (double) wk * x[3 + k];
                mag += Math.abs((double) wk * x[3 + k]);
                wantI += (long) xi[3 + k] * w8[2 + j * ldw + k];
            }
            assertEquals(want, out[1 + j], 1e-5 * mag + 1e-30, "FP8 row " + j);
            assertEquals(wantI, (long) outI[2 + j], "INT8 row " + j + ", exact");
        }
        // a NaN code only in the third row; a scale of 2^7 (the long decode)
        byte[] ones = new byte[4 * 128];
        java.util.Arrays.fill(ones, (byte) 0x38);
        ones[2 * 128 + 5] = 0x7f;
        float[] xs = new float[128];
        java.util.Arrays.fill(xs, 1f);
        for (float sc : new float[] {0.5f, 128f}) {
            s.dot1x4E4m3(128, xs, 0, ones, 0, 128, new float[] {sc}, 0, out, 0);
            assertEquals(128f * sc, out[0], "scale " + sc);
            assertEquals(128f * sc, out[3], "scale " + sc);
            assertTrue(Float.isNaN(out[2]), "the row with a NaN code, scale " + sc);
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void dot8x3E4m3PrescaledHalvesAddWhatThreeDot8x2PrescaledCallsAdd(boolean vector) {
        Simd s = simd(vector);
        int pw = s.partialWidth();
        Random rnd = new Random(37);
        int ldw = 1100;
        int ldx = 1040;
        byte[] w = new byte[7 + 6 * ldw];
        float[] x = new float[3 + 8 * ldx];
        for (int i = 0; i < w.length; i++) {
            int code = rnd.nextInt(256);
            w[i] = (byte) ((code & 0x7f) == 0x7f ? code & 0xfe : code); // no NaN codes: dot8x2 would mark them
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        float[] scales = new float[1024 / 128];
        for (int i = 0; i < scales.length; i++) {
            scales[i] = (float) Math.scalb(1.0, rnd.nextInt(-20, 2)) * (1 + rnd.nextFloat());
        }
        float[] xi = new float[8 * 1024];
        assertTrue(s.interleave8Scaled(x, 3, ldx, 1024, scales, 0, xi));
        int accOff = 5;
        for (int depth : new int[] {128, 1024}) {
            float[] start = new float[accOff + 48 * pw + 3];
            for (int i = 0; i < start.length; i++) {
                start[i] = (float) rnd.nextGaussian(); // partial sums already there are added to
            }
            float[] pairs = start.clone();
            for (int p = 0; p < 3; p++) {
                s.dot8x2E4m3Prescaled(depth, xi, 0, w, 7 + 2 * p * ldw, ldw, pairs, accOff + 16 * p * pw);
            }
            float[] sextet = start.clone();
            s.dot8x3E4m3Prescaled(depth, xi, 0, 0, w, 7, ldw, sextet, accOff);
            s.dot8x3E4m3Prescaled(depth, xi, 0, 1, w, 7, ldw, sextet, accOff);
            assertArrayEquals(pairs, sextet, "depth " + depth);
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void nanCodesToPartialsMarksTheColumnsWithANanCode(boolean vector) {
        Simd s = simd(vector);
        int pw = s.partialWidth();
        int ldw = 300;
        int depth = 256;
        byte[] w = new byte[2 + 6 * ldw];
        java.util.Arrays.fill(w, (byte) 0x7e); // the largest finite code, not NaN
        w[2 + 1 * ldw + 255] = (byte) 0xff;    // column 1, last code
        w[2 + 4 * ldw] = (byte) 0x7f;          // column 4, first code
        w[2 + 5 * ldw + depth] = (byte) 0x7f;  // column 5, just past the depth: not looked at
        float[] acc = new float[48 * pw];
        s.nanCodesToPartials(w, 2, ldw, 6, depth, acc, 0);
        for (int c = 0; c < 6; c++) {
            for (int i = 0; i < 8; i++) {
                assertEquals(c == 1 || c == 4, partialSumIsNan(acc, pw, c, i), "column " + c + " row " + i);
            }
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void nanCodesToPartialsFindsALoneNanCodeInAnyColumnOrNone(boolean vector) {
        Simd s = simd(vector);
        int pw = s.partialWidth();
        int ldw = 200;
        int depth = 128;
        for (int cols = 1; cols <= 6; cols++) { // odd counts leave a row outside the vector path's pairs
            for (int nan = -1; nan < cols; nan++) {
                byte[] w = new byte[1 + cols * ldw];
                java.util.Arrays.fill(w, (byte) 0xfe); // the most negative finite code, not NaN
                if (nan >= 0) {
                    w[1 + nan * ldw + (nan * 37) % depth] = (byte) (nan % 2 == 0 ? 0x7f : 0xff);
                }
                float[] acc = new float[48 * pw];
                s.nanCodesToPartials(w, 1, ldw, cols, depth, acc, 0);
                for (int c = 0; c < 6; c++) {
                    for (int i = 0; i < 8; i++) {
                        assertEquals(c == nan, partialSumIsNan(acc, pw, c, i),
                                cols + " columns, NaN in " + nan + ": column " + c);
                    }
                }
            }
        }
    }

    /** Whether the partial sums of column c (of a group of pairs) for X row i add up to NaN. */
    private static boolean partialSumIsNan(float[] acc, int pw, int c, int i) {
        float sum = 0f;
        for (int l = 0; l < pw; l++) {
            sum += acc[((c / 2) * 16 + i * 2 + c % 2) * pw + l]; // the pairs layout, written out
        }
        return Float.isNaN(sum);
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void sumPartialAddsOneOutputsLanesAndKeepsANan(boolean vector) {
        Simd s = simd(vector);
        int pw = s.partialWidth();
        Random rnd = new Random(37);
        float[] src = new float[3 + 3 * pw];
        for (int i = 0; i < src.length; i++) {
            src[i] = rnd.nextInt(2001) - 1000; // integers: every order of addition gives the exact sum
        }
        for (int o = 0; o < 3; o++) {
            int off = 3 + o * pw; // not at the start of the array
            double want = 0;
            for (int l = 0; l < pw; l++) {
                want += src[off + l];
            }
            assertEquals((float) want, s.sumPartial(src, off), "output " + o);
        }
        src[3 + pw + pw - 1] = Float.NaN; // output 1's last lane
        assertTrue(Float.isNaN(s.sumPartial(src, 3 + pw)));
        assertFalse(Float.isNaN(s.sumPartial(src, 3)), "output 0 has no NaN lane");
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void dot4x4I8HalvesAddWhatTwoDot8x2I8CallsAdd(boolean vector) {
        Simd s = simd(vector);
        int pw = s.partialWidth();
        Random rnd = new Random(31);
        int ldw = 1100;
        int ldx = 1040;
        byte[] w = new byte[7 + 4 * ldw];
        float[] x = new float[3 + 8 * ldx];
        for (int i = 0; i < w.length; i++) {
            w[i] = (byte) rnd.nextInt(256);
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextInt(255) - 127; // INT8 activations as F32
        }
        int accOff = 5;
        for (int depth : new int[] {pw, 128, 1024}) {
            float[] start = new float[accOff + 32 * pw + 3];
            for (int i = 0; i < start.length; i++) {
                start[i] = rnd.nextInt(1000); // partial sums already there are added to
            }
            float[] pairs = start.clone();
            s.dot8x2I8(depth, x, 3, ldx, w, 7, ldw, pairs, accOff);
            s.dot8x2I8(depth, x, 3, ldx, w, 7 + 2 * ldw, ldw, pairs, accOff + 16 * pw);
            float[] quads = start.clone();
            s.dot4x4I8(depth, x, 3, ldx, 0, w, 7, ldw, quads, accOff);
            s.dot4x4I8(depth, x, 3, ldx, 1, w, 7, ldw, quads, accOff);
            assertArrayEquals(pairs, quads, "depth " + depth);
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void dot8x2I8IsExactFor1024ProductsALane(boolean vector) {
        Simd s = simd(vector);
        Random rnd = new Random(13);
        int pw = s.partialWidth();
        int depth = 1024 * pw; // the most the contract allows between emptyings
        int ldw = depth + 3;
        byte[] w = new byte[ldw + depth];
        float[] x = new float[8 * depth];
        for (int i = 0; i < w.length; i++) {
            w[i] = (byte) (rnd.nextBoolean() ? 127 : -128 + rnd.nextInt(2));
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextInt(16) == 0 ? -127 : 127; // the extremes, mostly one sign, so the sums are large
        }
        float[] acc = new float[16 * pw];
        s.dot8x2I8(depth, x, 0, depth, w, 0, ldw, acc, 0);
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 2; j++) {
                long want = 0;
                for (int k = 0; k < depth; k++) {
                    want += (long) x[i * depth + k] * w[j * ldw + k];
                }
                long got = 0;
                for (int l = 0; l < pw; l++) {
                    float v = acc[(i * 2 + j) * pw + l];
                    assertEquals(v, Math.rint(v), "an integer partial sum");
                    got += (long) v;
                }
                assertEquals(want, got, "row " + i + " w " + j);
            }
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void dotI8IsExactUpTo1024IntegerProducts(boolean vector) {
        Simd s = simd(vector);
        Random rnd = new Random(9);
        for (int count : new int[] {1, 17, 64, 1000, 1024}) {
            byte[] w = new byte[count + 1];
            float[] x = new float[count + 2];
            long want = 0;
            for (int i = 0; i < count; i++) {
                w[1 + i] = (byte) (rnd.nextBoolean() ? 127 : -128 + rnd.nextInt(3));
                x[2 + i] = rnd.nextBoolean() ? 127 : -127; // the extremes, so the sums are large
                want += w[1 + i] * (long) x[2 + i];
            }
            assertEquals(want, (long) s.dotI8(w, 1, x, 2, count), "count " + count);
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void reluDotIgnoresNegativeScores(boolean vector) {
        Simd s = simd(vector);
        Random rnd = new Random(1);
        for (int n : new int[] {1, 7, 32, 64, 67}) {
            float[] w = new float[n + 3];
            float[] x = new float[n + 5];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) rnd.nextGaussian();
            }
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextGaussian();
            }
            double want = 0;
            double mag = 0;
            for (int i = 0; i < n; i++) {
                want += (double) w[3 + i] * Math.max(x[5 + i], 0);
                mag += Math.abs((double) w[3 + i] * x[5 + i]);
            }
            assertEquals(want, s.reluDot(n, w, 3, x, 5), 1e-6 * mag + 1e-30, "n=" + n);
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void encodeBf16AndAmaxBf16ReadEveryBf16ValueAsItsF32(boolean vector) {
        Simd s = simd(vector);
        int n = 65536; // every BF16 bit pattern (NaNs and infinities too), at an odd offset with a tail
        byte[] x = new byte[2 * (n + 3)];
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            x[2 * (3 + i)] = (byte) i;
            x[2 * (3 + i) + 1] = (byte) (i >>> 8);
            f[i] = Float.intBitsToFloat(i << 16);
        }
        for (DType format : new DType[] {DType.F8_E4M3FN, DType.F8_E5M2, DType.I8}) {
            QuantizeSpec spec = new QuantizeSpec(1, n, DType.BF16, format, QuantizeSpec.perToken(), DType.F32);
            for (float scale : new float[] {1f, 0.37f, 3e-6f, 1e30f}) {
                byte[] q = new byte[n + 1];
                s.encodeBf16(spec, x, 6, n - 1, scale, q, 1);
                for (int i = 0; i < n - 1; i++) {
                    assertEquals(spec.encode(f[i], scale), q[1 + i],
                            format + " bf16 0x" + Integer.toHexString(i) + " scale=" + scale);
                }
            }
        }
        // amax over finite values: the largest magnitude, at any length
        int finite = 0x7f80; // positive patterns below infinity, then their negatives
        for (int count : new int[] {1, 17, 200, finite}) {
            float want = 0f;
            for (int i = 0; i < count; i++) {
                want = Math.max(want, Math.abs(f[0x8000 + i]));
            }
            assertEquals(want, s.amaxBf16(x, 2 * (3 + 0x8000), count), "count " + count);
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void softmaxTileScalesTakesMaximaAndExponentiatesPerRow(boolean vector) {
        Simd s = simd(vector);
        Random rnd = new Random(5);
        for (int rows : new int[] {64, 37, 5}) {
            int count = 48;
            int ld = rows + 11;
            float[] st = new float[count * ld];
            for (int i = 0; i < st.length; i++) {
                st[i] = (float) (rnd.nextGaussian() * 20);
            }
            st[3 * ld + 2] = Float.NEGATIVE_INFINITY; // a masked score
            float[] max = new float[rows + 16];
            java.util.Arrays.fill(max, Float.NEGATIVE_INFINITY);
            max[1] = 1e9f; // a running maximum above every score of the tile stays
            float[] orig = st.clone();
            s.scaleAndMax(st, count, ld, rows, 0.125f, max);
            float[] ref = new float[rows + 16];
            float[] sum = new float[rows + 16];
            for (int r = 0; r < rows; r++) {
                float want = r == 1 ? 1e9f : Float.NEGATIVE_INFINITY;
                for (int t = 0; t < count; t++) {
                    assertEquals(orig[t * ld + r] * 0.125f, st[t * ld + r], "rows " + rows + " scaled " + t + "," + r);
                    want = r == 1 ? want : Math.max(want, orig[t * ld + r] * 0.125f);
                }
                assertEquals(want, max[r], "rows " + rows + " max " + r);
                ref[r] = r == 1 ? 0f : max[r];
                sum[r] = 0.5f;
            }
            assertEquals(Float.NEGATIVE_INFINITY, max[rows], "rows " + rows + ": wrote past its rows");
            float[] scaled = st.clone();
            s.expAndSum(st, count, ld, rows, ref, sum);
            for (int r = 0; r < rows; r++) {
                double total = 0.5;
                for (int t = 0; t < count; t++) {
                    double want = Math.exp(scaled[t * ld + r] - ref[r]); // the F32 difference, as the kernels
                    assertEquals(want, st[t * ld + r], 2.5e-7 * want, "rows " + rows + " exp " + t + "," + r);
                    total += want;
                }
                assertEquals(total, sum[r], 1e-5 * total, "rows " + rows + " sum " + r);
            }
            assertEquals(0f, st[3 * ld + 2], "exp(-inf) is 0");
            for (int t = 0; t < count; t++) {
                for (int r = rows; r < ld; r++) {
                    assertEquals(orig[t * ld + r], st[t * ld + r], "rows " + rows + ": touched column " + r);
                }
            }
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void quantizeRowBf16RoundsEveryBf16PatternAcrossTheFp8Range(boolean vector) {
        Simd s = simd(vector);
        // units of 256: the maximum A first, then 255 of the 256 patterns (sign, 7 mantissa bits) of one binade; the
        // binades walk from well below the FP8 subnormals to the top. A = 448·2^j makes an F32 scale a power of two
        // (quotients exact: every FP8 midpoint is hit), A = 446·2^j does not (quotients rounded first)
        int unit = 256;
        int[] ds = java.util.stream.IntStream.rangeClosed(-26, 0).toArray();
        float[] maxima = {448f, 446f, 57344f, 3f};
        int n = ds.length * maxima.length * 3 * unit;
        byte[] x = new byte[2 * n];
        float[] f = new float[n];
        int at = 0;
        for (float a0 : maxima) {
            for (int j : new int[] {-3, 0, 5}) {
                float a = Math.scalb(a0, j);
                int aBits = Float.floatToIntBits(a) >>> 16;
                for (int d : ds) {
                    int exp = Math.getExponent(a) + d + 127;
                    for (int p = 0; p < unit; p++) {
                        int bits = p == 0 ? aBits : ((p & 0x80) << 8) | (Math.max(0, exp) << 7) | (p & 0x7f);
                        x[2 * at] = (byte) bits;
                        x[2 * at + 1] = (byte) (bits >>> 8);
                        f[at++] = Float.intBitsToFloat(bits << 16);
                    }
                }
            }
        }
        for (DType format : new DType[] {DType.F8_E4M3FN, DType.F8_E5M2}) {
            for (DType scaleType : new DType[] {DType.F32, DType.UE8M0}) {
                QuantizeSpec spec = new QuantizeSpec(1, n, DType.BF16, format, QuantizeSpec.perGroup(unit), scaleType);
                float[] scales = new float[n / unit];
                byte[] q = new byte[n];
                s.quantizeRowBf16(spec, x, 0, n, unit, scales, q, 0);
                for (int i = 0; i < n; i++) {
                    float scale = scales[i / unit];
                    assertEquals(spec.encode(f[i], scale), q[i], format + " " + scaleType + " " + f[i] + " / " + scale);
                }
            }
        }
    }

    /**
     * The INT8 total of an output's partial sums is exact: float partials are integers up to 2^24 in magnitude (their
     * sum exceeds what a float holds exactly), integer partials anything; the total wraps as an int does.
     */
    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void sumPartialIntIsTheExactIntegerTotal(boolean vector) {
        Simd s = simd(vector);
        int pw = s.partialWidth();
        Random rnd = new Random(5);
        for (int trial = 0; trial < 500; trial++) {
            int off = 1 + trial % 3;
            float[] pf = new float[off + pw];
            int[] pi = new int[off + pw];
            long want = 0;
            for (int l = 0; l < pw; l++) {
                // mostly near 2^24, so a float sum would round; every lane different, so a lane left out shows
                int f = (trial % 2 == 0 ? (1 << 24) - rnd.nextInt(64) : rnd.nextInt(1 << 24)) * (rnd.nextBoolean() ? 1 : -1);
                int i = trial % 5 == 0 ? rnd.nextInt() : rnd.nextInt(1 << 20) - (1 << 19);
                pf[off + l] = f;
                pi[off + l] = i;
                want += (long) f + i;
            }
            assertEquals((int) want, s.sumPartialInt(pf, pi, off), "trial " + trial);
        }
    }

    /**
     * The vector quantizer sends a row whose units' maxima are all finite to the fast FP8 encoding without dividing
     * each maximum by its scale: that holds only if {@code amax / scaleFor(amax)} is below the format's fast limit
     * for every finite BF16 maximum, every format and scale type. Checked here for all of them.
     */
    @Test
    void everyFiniteBf16MaximumGivesAQuotientBelowTheFastLimit() {
        for (DType format : new DType[] {DType.F8_E4M3FN, DType.F8_E5M2}) {
            float limit = VectorSimd.fastLimit(format);
            assertTrue(limit > Fp8.max(format), format + ": the limit lies above the largest finite value");
            for (DType scaleType : new DType[] {DType.F32, DType.UE8M0}) {
                QuantizeSpec spec = new QuantizeSpec(1, 128, DType.BF16, format, QuantizeSpec.perGroup(128), scaleType);
                for (int bits = 0; bits <= 0x7f7f; bits++) {
                    float amax = Float.intBitsToFloat(bits << 16);
                    float quotient = amax / spec.scaleFor(amax);
                    if (!(quotient < limit)) {
                        throw new AssertionError(format + " " + scaleType + ": " + amax + " / scale = " + quotient);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void quantizeRowBf16IsTheRecipeUnitByUnit(boolean vector) {
        quantizeRowBf16IsTheRecipe(simd(vector), 7168 + 45); // a partial last unit of every size, a tail past the steps
    }

    /**
     * A row of whole units of 128 and 32 columns takes the vector path's one loop over the row when every unit is
     * on the fast path, and the unit-by-unit loop when one holds a NaN or an infinity (columns 3000 and 3500 below):
     * both rows are here, as the UE8M0 scale makes those values finite.
     */
    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void quantizeRowBf16OfWholeUnitsIsTheRecipe(boolean vector) {
        quantizeRowBf16IsTheRecipe(simd(vector), 7168);
    }

    private static void quantizeRowBf16IsTheRecipe(Simd s, int n) {
        Random rnd = new Random(11);
        int[] patterns = new int[n];
        for (int i = 0; i < n; i++) {
            // magnitudes from FP8-subnormal to saturating quotients; some units hold one huge, NaN or infinite value,
            // or every BF16 pattern (the units' maxima then push other values into subnormals)
            int bits = switch (i / 1024) {
                case 0 -> i * 64 + 3; // bit patterns walking the whole BF16 range
                default -> Float.floatToIntBits((float) (rnd.nextGaussian() * Math.scalb(1.0, rnd.nextInt(24) - 12))) >>> 16;
            };
            if (i == 3000) {
                bits = 0x7fc0; // NaN
            } else if (i == 3500) {
                bits = 0xff80; // -inf
            } else if (i == 4100) {
                bits = 0x7f7f; // the largest finite BF16
            }
            patterns[i] = bits & 0xffff;
        }
        for (DType scaleType : new DType[] {DType.F32, DType.UE8M0}) {
            byte[] x = new byte[2 * (n + 1)];
            float[] f = new float[n];
            for (int i = 0; i < n; i++) {
                int bits = patterns[i];
                if (scaleType == DType.UE8M0 && (bits & 0x7f80) == 0x7f80) {
                    bits &= 0xbfff; // a power-of-two scale of a NaN or infinite maximum is undefined: finite here
                }
                x[2 * (1 + i)] = (byte) bits;
                x[2 * (1 + i) + 1] = (byte) (bits >>> 8);
                f[i] = Float.intBitsToFloat(bits << 16);
            }
            for (DType format : new DType[] {DType.F8_E4M3FN, DType.F8_E5M2, DType.I8}) {
                for (int unit : new int[] {128, 32, 100, n}) {
                    QuantizeSpec spec = new QuantizeSpec(1, n, DType.BF16, format, unit == n
                            ? QuantizeSpec.perToken() : QuantizeSpec.perGroup(unit), scaleType);
                    float[] scales = new float[(n + unit - 1) / unit];
                    byte[] q = new byte[n + 2];
                    s.quantizeRowBf16(spec, x, 2, n, unit, scales, q, 1);
                    String where = format + " " + scaleType + " unit " + unit;
                    for (int g = 0, c = 0; c < n; g++, c += unit) {
                        float amax = 0f;
                        for (int i = c; i < Math.min(n, c + unit); i++) {
                            amax = Math.max(amax, Math.abs(f[i]));
                        }
                        float scale = spec.scaleFor(amax);
                        assertEquals(Float.floatToIntBits(scale), Float.floatToIntBits(scales[g]), where + " scale " + g);
                        for (int i = c; i < Math.min(n, c + unit); i++) {
                            byte want = spec.encode(f[i], scale);
                            // a NaN quotient's sign is the division's choice of NaN: only NaN-ness is the recipe's
                            boolean nan = format != DType.I8 && Float.isNaN(Fp8.decode(format, want));
                            assertEquals(nan ? want & 0x7f : want, nan ? q[1 + i] & 0x7f : q[1 + i],
                                    where + " value " + i + " = " + f[i]);
                        }
                    }
                    assertEquals(0, q[0], where + ": wrote before its offset");
                    assertEquals(0, q[n + 1], where + ": wrote past its count");
                }
            }
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void encodeMatchesTheRecipeBitForBit(boolean vector) {
        Simd s = simd(vector);
        Random rnd = new Random(7);
        int n = 4099;
        float[] x = new float[n + 3];
        for (int i = 0; i < x.length; i++) {
            double mag = Math.scalb(rnd.nextDouble(), rnd.nextInt(40) - 30); // subnormal FP8 range up to saturation
            x[i] = (float) (rnd.nextBoolean() ? mag : -mag);
        }
        x[3] = 0f;
        x[4] = -0f;
        for (DType format : new DType[] {DType.F8_E4M3FN, DType.F8_E5M2, DType.I8}) {
            QuantizeSpec spec = new QuantizeSpec(1, n, DType.F32, format, QuantizeSpec.perToken(), DType.F32);
            for (float scale : new float[] {1f, 0.37f, 1e-3f, 3e-6f}) {
                // every FP8 value's exact midpoints too (ties must round to even), and the F32 values either side
                // of each midpoint (a rounding done twice would make them ties)
                float[] ties = new float[1024];
                float[] table = format == DType.I8 ? null : Fp8.decodeTable(format);
                for (int c = 0; table != null && c < 255; c++) {
                    float mid = (table[c] + table[c + 1]) / 2;
                    ties[4 * c] = table[c] * scale;
                    ties[4 * c + 1] = mid * scale;
                    ties[4 * c + 2] = Math.nextUp(mid) * scale;
                    ties[4 * c + 3] = Math.nextDown(mid) * scale;
                }
                for (float[] in : new float[][] {x, ties}) {
                    int count = in.length - 3;
                    byte[] q = new byte[count + 5];
                    s.encode(spec, in, 3, count, scale, q, 5);
                    for (int i = 0; i < count; i++) {
                        assertEquals(spec.encode(in[3 + i], scale), q[5 + i],
                                format + " x=" + in[3 + i] + " scale=" + scale);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void gemmNTMatchesADoubleReference(boolean vector) {
        Simd s = simd(vector);
        Random rnd = new Random(3);
        for (int[] shape : new int[][] {{1, 8, 512}, {8, 8, 512}, {5, 7, 37}, {3, 4, 16}, {4, 3, 100}}) {
            int rows = shape[0];
            int cols = shape[1];
            int depth = shape[2];
            int lda = depth + 3;
            int ldb = depth + 1;
            float[] a = new float[rows * lda + 2];
            float[] b = new float[cols * ldb + 1];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) rnd.nextGaussian();
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) rnd.nextGaussian();
            }
            int ldc = cols + 2;
            float[] c = new float[rows * ldc + 1];
            java.util.Arrays.fill(c, 1f);
            s.gemmNT(rows, cols, depth, a, 2, lda, b, 1, ldb, c, 1, ldc);
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    double want = 1;
                    double mag = 1;
                    for (int k = 0; k < depth; k++) {
                        want += (double) a[2 + r * lda + k] * b[1 + j * ldb + k];
                        mag += Math.abs((double) a[2 + r * lda + k] * b[1 + j * ldb + k]);
                    }
                    assertEquals(want, c[1 + r * ldc + j], 1e-6 * mag, "shape " + java.util.Arrays.toString(shape));
                }
            }
            assertEquals(1f, c[0], "outside C untouched");
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void int8WidensAndAmaxAndScaleAreExact(boolean vector) {
        Simd s = simd(vector);
        byte[] src = new byte[300];
        for (int i = 0; i < src.length; i++) {
            src[i] = (byte) (i * 13 - 128);
        }
        float[] dst = new float[300];
        s.i8ToF32(src, 3, dst, 1, 290);
        for (int i = 0; i < 290; i++) {
            assertEquals(src[3 + i], dst[1 + i]);
        }
        assertEquals(128f, s.amax(dst, 0, 300)); // -128 is among the codes
        s.scale(dst, 1, 290, 0.5f);
        assertEquals(src[3] * 0.5f, dst[1]);
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void fmaChainIsFiniteAndCounted(boolean vector) {
        Simd s = simd(vector);
        float v = s.fmaChain(1000, 1f);
        assertEquals(true, Float.isFinite(v) && v > 0, "chain result " + v);
        assertEquals(true, s.fmaChainFlops() >= 16, "flops per step " + s.fmaChainFlops());
    }
}
