package dev.dayzero.tck.oracle;

/**
 * The oracle's cache after a {@link dev.dayzero.hal.op.CacheWriteSpec.QuantInsert} into a cache whose every
 * byte held {@code fill} before.
 *
 * @param bytes the expected cache bytes (unwritten bytes hold {@code fill})
 * @param kinds what each byte is: {@link #UNTOUCHED} (must still hold the fill), {@link #EXACT} (a scale or a
 *     BF16 byte: must match), {@link #CODE} (an FP8 code: must match, or be one code away at a rounding
 *     boundary), {@link #ANY} (a MODEL1 pad byte: anything)
 * @param quotients for {@link #CODE} bytes, the F32 quotient {@code x / scale} the code rounds
 */
public record CacheWriteReference(byte[] bytes, byte[] kinds, float[] quotients) {
    public static final byte UNTOUCHED = 0;
    public static final byte EXACT = 1;
    public static final byte CODE = 2;
    public static final byte ANY = 3;
}
