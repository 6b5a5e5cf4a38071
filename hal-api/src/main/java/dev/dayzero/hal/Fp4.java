package dev.dayzero.hal;

/**
 * FP4 E2M1 codec ({@link DType#F4_E2M1}, the element of OCP MXFP4), beside {@link Fp8}.
 *
 * <h2>Format</h2>
 * A 4-bit code {@code s.ee.m}: sign bit 3, exponent bits 2–1 (bias 1), mantissa bit 0. Exponent 0 is
 * subnormal ({@code m · 0.5}); otherwise {@code (1 + m/2) · 2^(e-1)}. The 8 magnitudes are
 * {@code 0, 0.5, 1, 1.5, 2, 3, 4, 6}; there is no infinity and no NaN.
 *
 * <h2>Encoding</h2>
 * Round to nearest, ties to the even code (the midpoints 0.25, 0.75, 1.25, 1.75, 2.5, 3.5 and 5 go to
 * 0, 1, 1, 2, 2, 4 and 4), saturating to ±6 (±Inf included), the sign of zero kept (values that round
 * to zero keep their sign: code 8 is −0). NaN has no code: {@link #encode(float)} rejects it. This is the
 * IEEE rounding that {@code cvt.rn.satfinite.e2m1x2.f32} performs; DeepGEMM's test quantizer
 * ({@code _quantize_to_fp4_e2m1}, a {@code bucketize} over the midpoints) rounds ties toward zero
 * instead, which differs at 0.75, 1.75 and 3.5 only. Decoding is exact and does not depend on how the
 * codes were made.
 *
 * <h2>Packing</h2>
 * Two codes a byte: element {@code 2i} of a row in the low nibble (bits 3–0) of byte {@code i}, element
 * {@code 2i + 1} in the high nibble (bits 7–4). This is the order of DeepGEMM
 * ({@code deep_gemm/utils/math.py}: {@code per_token_cast_to_fp4} packs
 * {@code (codes[..., 0] & 0x0F) | (codes[..., 1] << 4)} and {@code cast_back_from_fp4} unpacks
 * {@code [:, ::2] = packed & 0x0F}) and of PyTorch's {@code float4_e2m1fn_x2} ({@code c10} header:
 * "val1 : val0 = bits 7654 : 3210"), and the checkpoints both read.
 */
public final class Fp4 {
    /** Largest finite E2M1 magnitude. */
    public static final float E2M1_MAX = 6f;

    private static final float[] VALUES = new float[16];

    static {
        for (int code = 0; code < 16; code++) {
            int e = (code >>> 1) & 3;
            int m = code & 1;
            float magnitude = e == 0 ? m * 0.5f : (1f + m * 0.5f) * Math.scalb(1f, e - 1);
            VALUES[code] = (code & 8) != 0 ? -magnitude : magnitude;
        }
    }

    private Fp4() {
    }

    /** The E2M1 code (0..15) nearest to {@code value}, per the rules in the class comment. */
    public static int encode(float value) {
        if (Float.isNaN(value)) {
            throw new IllegalArgumentException("FP4 E2M1 has no NaN code");
        }
        int sign = (Float.floatToRawIntBits(value) >>> 31) << 3;
        float a = Math.abs(value);
        int code = 7; // saturate: everything at or above the 4..6 midpoint's upper side ends here
        for (int c = 0; c < 7; c++) {
            float mid = (VALUES[c] + VALUES[c + 1]) * 0.5f; // exact: all values are short binaries
            if (a < mid) {
                code = c;
                break;
            }
            if (a == mid) {
                code = (c & 1) == 0 ? c : c + 1;
                break;
            }
        }
        return sign | code;
    }

    /** The exact value of the low 4 bits of {@code code}. */
    public static float decode(int code) {
        return VALUES[code & 0xf];
    }

    /** The 16 decoded values, indexed by code; a fresh copy, usable as a lookup table. */
    public static float[] decodeTable() {
        return VALUES.clone();
    }

    /** One byte holding {@code even} (element 2i, low nibble) and {@code odd} (element 2i + 1, high nibble). */
    public static byte pack(int even, int odd) {
        return (byte) ((even & 0xf) | ((odd & 0xf) << 4));
    }

    /** The code of element {@code index} of a packed row whose byte {@code index / 2} is {@code packed}. */
    public static int nibble(byte packed, long index) {
        return (index & 1) == 0 ? packed & 0xf : (packed >>> 4) & 0xf;
    }
}
