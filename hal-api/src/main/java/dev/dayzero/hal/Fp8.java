package dev.dayzero.hal;

/**
 * FP8 codec for {@link DType#F8_E4M3FN} and {@link DType#F8_E5M2} (OCP 8-bit floating point).
 *
 * <p>Encoding is exactly what docs/design.md fixes for every backend: round to nearest, ties to even;
 * saturating to the finite maximum (448 for E4M3FN, 57344 for E5M2), with ±Inf saturating too;
 * NaN to a NaN code of the same sign ({@code S.1111.111} for E4M3FN, {@code S.11111.10} for E5M2);
 * subnormals produced and decoded exactly; the sign of zero kept. Decoding is exact.
 */
public final class Fp8 {
    /** Largest finite E4M3FN value. */
    public static final float E4M3FN_MAX = 448f;
    /** Largest finite E5M2 value. */
    public static final float E5M2_MAX = 57344f;

    private static final Format E4M3FN = new Format(4, 3, 7, 0x7e, 0x7f);
    private static final Format E5M2 = new Format(5, 2, 15, 0x7b, 0x7e);

    private static final float[] E4M3FN_VALUES = E4M3FN.table(false);
    private static final float[] E5M2_VALUES = E5M2.table(true);

    private Fp8() {
    }

    /** The code nearest to {@code value} in {@code format}, per the rules in the class comment. */
    public static byte encode(DType format, float value) {
        return format(format).encode(value);
    }

    /** The exact F32 value of {@code code} in {@code format}. */
    public static float decode(DType format, byte code) {
        return values(format)[code & 0xff];
    }

    /** The finite maximum of {@code format}: 448 or 57344. */
    public static float max(DType format) {
        return format(format) == E4M3FN ? E4M3FN_MAX : E5M2_MAX;
    }

    /**
     * The 256 decoded values of {@code format}, indexed by unsigned code; a fresh copy, so callers may
     * keep it as a fast lookup table.
     */
    public static float[] decodeTable(DType format) {
        return values(format).clone();
    }

    private static float[] values(DType format) {
        return format(format) == E4M3FN ? E4M3FN_VALUES : E5M2_VALUES;
    }

    private static Format format(DType format) {
        if (format == DType.F8_E4M3FN) {
            return E4M3FN;
        }
        if (format == DType.F8_E5M2) {
            return E5M2;
        }
        throw new IllegalArgumentException("not an FP8 format: " + format + " (expected F8_E4M3FN or F8_E5M2)");
    }

    /** One binary format: exponent and mantissa widths, bias, largest finite magnitude code, NaN code. */
    private record Format(int exponentBits, int mantissaBits, int bias, int maxCode, int nanCode) {
        byte encode(float value) {
            int bits = Float.floatToRawIntBits(value);
            int sign = (bits >>> 24) & 0x80;
            int abs = bits & 0x7fffffff;
            if (abs > 0x7f800000) {
                return (byte) (sign | nanCode);
            }
            float magnitude = Float.intBitsToFloat(abs);
            int code;
            if (magnitude < Math.scalb(1f, 1 - bias)) {
                // subnormal range: a multiple of the smallest subnormal, rounded half to even; the
                // scaling by a power of two is exact, and a result of 2^m is exactly the smallest normal
                code = (int) Math.rint(Math.scalb(magnitude, bias - 1 + mantissaBits));
            } else {
                int shift = 23 - mantissaBits;
                int lsb = (abs >>> shift) & 1;
                long rounded = ((long) abs + (1 << (shift - 1)) - 1 + lsb) >>> shift;
                code = (int) (rounded - ((long) (127 - bias) << mantissaBits));
            }
            if (code > maxCode) {
                code = maxCode; // saturate, ±Inf included
            }
            return (byte) (sign | code);
        }

        float[] table(boolean ieeeSpecials) {
            float[] out = new float[256];
            int maxExponent = (1 << exponentBits) - 1;
            for (int code = 0; code < 256; code++) {
                int e = (code >>> mantissaBits) & maxExponent;
                int m = code & ((1 << mantissaBits) - 1);
                float magnitude;
                if (ieeeSpecials && e == maxExponent) {
                    magnitude = m == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
                } else if (!ieeeSpecials && (code & 0x7f) == 0x7f) {
                    magnitude = Float.NaN;
                } else if (e == 0) {
                    magnitude = Math.scalb((float) m, 1 - bias - mantissaBits);
                } else {
                    magnitude = Math.scalb(1f + Math.scalb((float) m, -mantissaBits), e - bias);
                }
                out[code] = (code & 0x80) != 0 ? -magnitude : magnitude;
            }
            return out;
        }
    }
}
