package dev.dayzero.hal;

/**
 * BF16 conversion: the upper half of an F32. Encoding rounds to nearest, ties to even; NaN stays NaN
 * (quiet, sign kept); values beyond the BF16 range round to infinity as IEEE arithmetic does.
 * Codes are carried as {@code short} (the raw 16 bits).
 */
public final class Bf16 {
    private Bf16() {
    }

    /** The BF16 code nearest to {@code value}, ties to even. */
    public static short encode(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 0x0040); // quiet NaN, sign kept
        }
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7fff + lsb) >>> 16);
    }

    /** The F32 value of a BF16 code (exact). */
    public static float decode(short code) {
        return Float.intBitsToFloat((code & 0xffff) << 16);
    }

    /** {@code value} rounded to the nearest BF16 value, as an F32. */
    public static float round(float value) {
        return decode(encode(value));
    }
}
