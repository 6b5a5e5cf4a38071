package dev.dayzero.hal.op;

import dev.dayzero.hal.DType;

/**
 * How the shared-KV sparse attention of DeepSeek-V3.2 and DeepSeek-V4 stores its cache
 * ({@link AttentionSpec.SparseSharedKvDecode}, written by {@link CacheWriteSpec.QuantInsert}): FlashMLA's two
 * FP8 sparse-decode layouts and plain BF16. A cache is paged: page {@code p} holds {@code B} tokens
 * (the page block size), and a flat slot {@code s} names token {@code s % B} of page {@code s / B}.
 *
 * <p>Every cache is one tensor of {@link #cacheShape} with the last dimension contiguous; page {@code p}
 * starts at byte {@code p · blockBytes(B, D)}. Within a page, token {@code t} ({@code 0 ≤ t < B}) lives at:
 * <ul>
 *   <li>{@link #BF16}: {@code D} BF16 values at byte {@code t · 2D};</li>
 *   <li>{@link #FP8_V32}: 656 bytes at byte {@code t · 656} (token-interleaved, the same bytes as
 *       {@link KvCacheType#FP8_FLASHMLA});</li>
 *   <li>{@link #FP8_MODEL1}: a 576-byte data row at byte {@code t · 576} and an 8-byte scale row at byte
 *       {@code B · 576 + t · 8} (block-interleaved: all data rows of the page, then all its scale rows).</li>
 * </ul>
 *
 * <p>Dequantized, a token is {@code D} values; in every format the last 64 ({@link #ROPE}) are the RoPE
 * dimensions, stored as BF16.
 */
public enum SharedKvFormat {
    /** {@code D} BF16 values a token (512 or 576); BF16 {@code [pages, B, D]}. */
    BF16,
    /**
     * FlashMLA's V3.2 ("V32_FP8Sparse") layout, {@code D = 576}, 656 bytes a token, token-interleaved; the
     * bytes and the dequantization rule are {@link KvCacheType#FP8_FLASHMLA}'s: bytes {@code [0, 512)} the
     * latent values 0..511 as F8_E4M3FN codes; {@code [512, 528)} four little-endian F32 scales, scale
     * {@code i} for values {@code [128i, 128i + 128)}; {@code [528, 656)} values 512..575 (RoPE) as BF16.
     * Value = {@code bf16(decode(code) · bf16(scale))}. U8 {@code [pages, B · 656]}.
     */
    FP8_V32,
    /**
     * FlashMLA's DeepSeek-V4 ("MODEL1_FP8Sparse") layout, {@code D = 512} (448 NoPE + 64 RoPE, RoPE last),
     * 584 bytes a token, block-interleaved. For token {@code t} of page {@code p}, with
     * {@code base = p · blockStride}:
     * <ul>
     *   <li>data row at {@code base + t · 576}: bytes {@code [0, 448)} values 0..447 as F8_E4M3FN codes;
     *       bytes {@code [448, 576)} values 448..511 (RoPE) as 64 little-endian BF16;</li>
     *   <li>scale row at {@code base + B · 576 + t · 8}: bytes {@code [0, 7)} seven UE8M0 scales
     *       ({@code 2^(code − 127)}), scale {@code i} for values {@code [64i, 64i + 64)}; byte 7 padding,
     *       never read;</li>
     *   <li>bytes {@code [B · 584, blockStride)} of the page: padding, never read.</li>
     * </ul>
     * {@code blockStride = ceil(B · 584 / 576) · 576} (FlashMLA's kernels read the cache in 576-byte rows;
     * B = 64 → 37,440, B = 2 → 1,728, B = 256 → 149,760). Value = {@code decode(code) · 2^(e − 127)}, exact
     * in BF16 for the scales the quantizer produces (FlashMLA dequantizes with a BF16 multiply by the BF16
     * scale; a power of two changes only the exponent). The cache is U8 {@code [pages, blockStride]}: a
     * dense {@code [pages, B, 584]} view under-allocates, and byte {@code t · 584} is not token {@code t}.
     */
    FP8_MODEL1;

    /** RoPE dimensions at the end of every token, stored BF16 in every format. */
    public static final int ROPE = 64;
    /** Output and value width of the shared-KV attention. */
    public static final int VALUE_DIM = 512;

    /** MODEL1: quantized (NoPE) values a token. */
    public static final int MODEL1_NOPE = 448;
    /** MODEL1: values per UE8M0 scale. */
    public static final int MODEL1_TILE = 64;
    /** MODEL1: scales a token. */
    public static final int MODEL1_TILES = MODEL1_NOPE / MODEL1_TILE;
    /** MODEL1: bytes of a data row (448 FP8 codes + 64 BF16), also the alignment of a page. */
    public static final int MODEL1_DATA_BYTES = MODEL1_NOPE + 2 * ROPE;
    /** MODEL1: bytes of a scale row (7 UE8M0 + 1 pad). */
    public static final int MODEL1_SCALE_BYTES = MODEL1_TILES + 1;
    /** MODEL1: bytes a token holds in a page, data and scale rows. */
    public static final int MODEL1_TOKEN_BYTES = MODEL1_DATA_BYTES + MODEL1_SCALE_BYTES;

    /** The key width this format requires, or 0 when it takes either (BF16: 512 or 576). */
    public int requiredHeadDim() {
        return switch (this) {
            case BF16 -> 0;
            case FP8_V32 -> KvCacheType.FP8_LATENT + KvCacheType.FP8_ROPE;
            case FP8_MODEL1 -> MODEL1_NOPE + ROPE;
        };
    }

    /** True for the two FP8 layouts. */
    public boolean isFp8() {
        return this != BF16;
    }

    /** Values a token that are FP8-quantized: 0, 512 or 448. */
    public int quantizedDims() {
        return switch (this) {
            case BF16 -> 0;
            case FP8_V32 -> KvCacheType.FP8_LATENT;
            case FP8_MODEL1 -> MODEL1_NOPE;
        };
    }

    /** Values sharing one scale: 128 (V32) or 64 (MODEL1); 0 for BF16. */
    public int tileSize() {
        return switch (this) {
            case BF16 -> 0;
            case FP8_V32 -> KvCacheType.FP8_GROUP;
            case FP8_MODEL1 -> MODEL1_TILE;
        };
    }

    /** Bytes a token occupies in a page (its data and scales, not the page's tail padding): 2D, 656 or 584. */
    public long tokenBytes(int headDim) {
        return switch (this) {
            case BF16 -> 2L * headDim;
            case FP8_V32 -> KvCacheType.FP8_TOKEN_BYTES;
            case FP8_MODEL1 -> MODEL1_TOKEN_BYTES;
        };
    }

    /** Bytes of one page of {@code pageBlockSize} tokens: {@code B · tokenBytes}, MODEL1 padded to 576. */
    public long blockBytes(int pageBlockSize, int headDim) {
        long raw = (long) pageBlockSize * tokenBytes(headDim);
        return this == FP8_MODEL1 ? Checks.ceilDiv(raw, MODEL1_DATA_BYTES) * MODEL1_DATA_BYTES : raw;
    }

    /** Element type of the cache tensor: BF16, or U8 for the FP8 layouts. */
    public DType storageType() {
        return this == BF16 ? DType.BF16 : DType.U8;
    }

    /** The cache tensor: BF16 {@code [pages, B, D]} or U8 {@code [pages, blockBytes]}. */
    public TensorSpec cacheTensor(String name, int pages, int pageBlockSize, int headDim) {
        return this == BF16
                ? TensorSpec.of(name, DType.BF16, pages, pageBlockSize, headDim)
                : TensorSpec.of(name, DType.U8, pages, blockBytes(pageBlockSize, headDim));
    }

    /**
     * Byte offset, within its page, of token {@code t}'s values (BF16 row, V32 token, MODEL1 data row).
     */
    public long tokenOffset(int pageBlockSize, int headDim, int t) {
        return switch (this) {
            case BF16 -> 2L * headDim * t;
            case FP8_V32 -> (long) KvCacheType.FP8_TOKEN_BYTES * t;
            case FP8_MODEL1 -> (long) MODEL1_DATA_BYTES * t;
        };
    }

    /**
     * Byte offset, within its page, of token {@code t}'s first scale: V32 {@code t · 656 + 512} (F32),
     * MODEL1 {@code B · 576 + t · 8} (UE8M0).
     *
     * @throws IllegalStateException for BF16, which has no scales
     */
    public long scaleOffset(int pageBlockSize, int t) {
        return switch (this) {
            case BF16 -> throw new IllegalStateException("a BF16 cache has no scales");
            case FP8_V32 -> (long) KvCacheType.FP8_TOKEN_BYTES * t + KvCacheType.FP8_LATENT;
            case FP8_MODEL1 -> (long) pageBlockSize * MODEL1_DATA_BYTES + (long) MODEL1_SCALE_BYTES * t;
        };
    }

    /** Byte offset, within a token's value row, of its BF16 RoPE values: 2·(D − 64), 528 or 448. */
    public long ropeOffset(int headDim) {
        return switch (this) {
            case BF16 -> 2L * (headDim - ROPE);
            case FP8_V32 -> KvCacheType.FP8_LATENT + 4L * (KvCacheType.FP8_LATENT / KvCacheType.FP8_GROUP);
            case FP8_MODEL1 -> MODEL1_NOPE;
        };
    }

    /** Short label for ids and tables: {@code bf16}, {@code fp8-v32}, {@code fp8-model1}. */
    public String label() {
        return switch (this) {
            case BF16 -> "bf16";
            case FP8_V32 -> "fp8-v32";
            case FP8_MODEL1 -> "fp8-model1";
        };
    }
}
