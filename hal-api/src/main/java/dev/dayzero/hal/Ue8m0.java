package dev.dayzero.hal;

/**
 * UE8M0 scale codec: one unsigned byte holding a biased exponent, value {@code 2^(code - 127)}, as
 * DeepGEMM and the OCP MX formats store scales. Code 255 is NaN.
 */
public final class Ue8m0 {
    private Ue8m0() {
    }

    /** The value of a UE8M0 code: {@code 2^(code - 127)}, or NaN for 255. */
    public static float decode(byte code) {
        int c = code & 0xff;
        return c == 255 ? Float.NaN : (float) Math.scalb(1.0, c - 127);
    }

    /**
     * The code of a power of two in [2^-127, 2^127].
     *
     * @throws IllegalArgumentException if {@code value} is not such a power of two
     */
    public static byte encode(float value) {
        int exponent = exponentOfPowerOfTwo(value);
        if (exponent < -127 || exponent > 127) {
            throw new IllegalArgumentException("UE8M0 holds 2^-127 to 2^127, not " + value);
        }
        return (byte) (exponent + 127);
    }

    /**
     * The smallest power of two not below {@code value} (positive, finite): {@code 2^ceil(log2(value))},
     * computed exactly from the bits rather than through a rounded logarithm.
     */
    public static float ceilPowerOfTwo(float value) {
        if (!(value > 0) || Float.isInfinite(value)) {
            throw new IllegalArgumentException("expected a positive finite value, got " + value);
        }
        int exponent = Math.getExponent(value);
        if (exponent == Float.MIN_EXPONENT - 1) { // subnormal
            exponent = Math.getExponent(value * 0x1p64f) - 64;
        }
        float floor = (float) Math.scalb(1.0, exponent);
        return floor == value ? value : (float) Math.scalb(1.0, exponent + 1);
    }

    private static int exponentOfPowerOfTwo(float value) {
        if (!(value > 0) || Float.isInfinite(value)) {
            throw new IllegalArgumentException("not a positive power of two: " + value);
        }
        double d = value;
        int exponent = Math.getExponent(d);
        if (Math.scalb(1.0, exponent) != d) {
            throw new IllegalArgumentException("not a power of two: " + value);
        }
        return exponent;
    }
}
