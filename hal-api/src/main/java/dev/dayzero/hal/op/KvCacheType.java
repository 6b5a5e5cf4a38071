package dev.dayzero.hal.op;

import dev.dayzero.hal.DType;

/** How a latent (MLA) KV cache stores one token. */
public enum KvCacheType {
    /** {@code Dk} BF16 values a token. */
    BF16,
    /**
     * FlashMLA's FP8 token layout for DeepSeek-V3.2 (Dk = 576 = 512 latent + 64 rope), 656 bytes a token:
     * bytes {@code [0, 512)} the 512 latent values as F8_E4M3FN codes; bytes {@code [512, 528)} four
     * little-endian F32 scales, scale {@code i} for latent values {@code [128·i, 128·i + 128)}; bytes
     * {@code [528, 656)} the 64 rope values as BF16.
     *
     * <p><b>Dequantization rule</b> (FlashMLA's kernels): the latent value is
     * {@code bf16(decode(code) · bf16(scale))}: the F32 scale is first rounded to BF16 (round to nearest even),
     * the product of the exactly decoded E4M3 value and that BF16 scale is rounded to BF16 (nearest even),
     * and only then does it enter the dot products with the query and the weighted sum of values. FlashMLA's
     * SM90 sparse FP8 decode converts each scale with {@code (bf16)scale} and dequantizes with a BF16 multiply
     * ({@code csrc/sm90/decode/sparse_fp8}); its tests' reference rounds {@code code · scale} to BF16 and
     * draws power-of-two scales, for which the two agree. A kernel that keeps the F32 scale (or the F32
     * product) differs from this rule by up to 2^-8 relative in every value of a group.
     */
    FP8_FLASHMLA;

    /** Latent values a token in the FP8 layout. */
    public static final int FP8_LATENT = 512;
    /** Rope values a token in the FP8 layout. */
    public static final int FP8_ROPE = 64;
    /** Latent values per F32 scale in the FP8 layout. */
    public static final int FP8_GROUP = 128;
    /** Bytes a token in the FP8 layout. */
    public static final int FP8_TOKEN_BYTES = FP8_LATENT + 4 * (FP8_LATENT / FP8_GROUP) + 2 * FP8_ROPE;

    /** Bytes one cached token takes for a key of width {@code dk}. */
    public long tokenBytes(int dk) {
        return this == BF16 ? 2L * dk : FP8_TOKEN_BYTES;
    }

    /** Element type of the cache tensor. */
    public DType storageType() {
        return this == BF16 ? DType.BF16 : DType.U8;
    }

    /** Last dimension of the cache tensor for key width {@code dk}: Dk values, or 656 bytes. */
    public long tokenElements(int dk) {
        return this == BF16 ? dk : FP8_TOKEN_BYTES;
    }
}
