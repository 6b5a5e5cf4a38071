package dev.dayzero.backend.cpu.internal.attention;

import dev.dayzero.backend.cpu.internal.Bytes;
import dev.dayzero.backend.cpu.internal.simd.Simd;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp8;
import dev.dayzero.hal.Ue8m0;
import dev.dayzero.hal.op.KvCacheType;
import dev.dayzero.hal.op.SharedKvFormat;

/**
 * Reads one token of a {@link SharedKvFormat} cache into F32: BF16 and FP8_V32 as {@link LatentTokens} does
 * (their bytes are the latent cache's), FP8_MODEL1 from its block-interleaved page: 448 E4M3 codes times their
 * 64-value tile's UE8M0 scale (exact: a power of two), then 64 BF16 RoPE values.
 */
final class SharedKvTokens {
    private static final float[] E4M3 = Fp8.decodeTable(DType.F8_E4M3FN);
    private static final float[] UE8M0 = new float[256];

    static {
        for (int c = 0; c < 256; c++) {
            UE8M0[c] = Ue8m0.decode((byte) c);
        }
    }

    private final SharedKvFormat format;
    private final int pageBlockSize;
    private final long blockBytes;
    private final long slots;
    private final LatentTokens latent;

    SharedKvTokens(Simd simd, SharedKvFormat format, int headDim, int numPages, int pageBlockSize) {
        this.format = format;
        this.pageBlockSize = pageBlockSize;
        this.blockBytes = format.blockBytes(pageBlockSize, headDim);
        this.slots = (long) numPages * pageBlockSize;
        this.latent = format == SharedKvFormat.FP8_MODEL1 ? null : new LatentTokens(simd,
                format == SharedKvFormat.BF16 ? KvCacheType.BF16 : KvCacheType.FP8_FLASHMLA, headDim, numPages,
                pageBlockSize);
    }

    /** Converts flat slot {@code slot} ({@code page · B + t}) into {@code dst[off ..]}. */
    void read(byte[] cache, long slot, float[] dst, int off) {
        if (latent != null) {
            latent.read(cache, slot, dst, off);
            return;
        }
        if (slot < 0 || slot >= slots) {
            throw new IllegalArgumentException("cache slot " + slot + " lies outside the " + slots + " slots of the cache");
        }
        long page = (slot / pageBlockSize) * blockBytes;
        int t = (int) (slot % pageBlockSize);
        int row = Math.toIntExact(page + format.tokenOffset(pageBlockSize, 0, t));
        int scales = Math.toIntExact(page + format.scaleOffset(pageBlockSize, t));
        for (int g = 0; g < SharedKvFormat.MODEL1_TILES; g++) {
            float s = UE8M0[cache[scales + g] & 0xff];
            int c0 = g * SharedKvFormat.MODEL1_TILE;
            for (int i = c0; i < c0 + SharedKvFormat.MODEL1_TILE; i++) {
                dst[off + i] = E4M3[cache[row + i] & 0xff] * s;
            }
        }
        // scalar, as LatentTokens does: the vector bf16ToF32 inlined into this large compile unit was left a call
        // returning boxed vectors (JFR allocation samples: 0.2 MB a launch of the V4 CSA FP8 decode, every run)
        int rope = row + SharedKvFormat.MODEL1_NOPE;
        for (int i = 0; i < SharedKvFormat.ROPE; i++) {
            dst[off + SharedKvFormat.MODEL1_NOPE + i] = Bytes.getBf16(cache, rope + 2 * i);
        }
    }
}
