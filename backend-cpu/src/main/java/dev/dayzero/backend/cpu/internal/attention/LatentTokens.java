package dev.dayzero.backend.cpu.internal.attention;

import dev.dayzero.backend.cpu.internal.Bytes;
import dev.dayzero.backend.cpu.internal.simd.Simd;
import dev.dayzero.hal.Bf16;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp8;
import dev.dayzero.hal.op.KvCacheType;

/**
 * Reads one cached latent token into F32: {@code Dk} BF16 values, or FlashMLA's 656-byte FP8 token
 * (512 E4M3 codes dequantized by the cache's rule, {@code bf16(decode(code) · bf16(scale))}, then 64 BF16
 * rope values).
 */
final class LatentTokens {
    private final Simd simd;
    private final KvCacheType type;
    private final int dk;
    private final long tokenBytes;
    private final long slots;
    private final float[] fp8 = Fp8.decodeTable(DType.F8_E4M3FN);

    LatentTokens(Simd simd, KvCacheType type, int dk, int numPages, int pageSize) {
        this.simd = simd;
        this.type = type;
        this.dk = dk;
        this.tokenBytes = type.tokenBytes(dk);
        this.slots = (long) numPages * pageSize;
    }

    /** Converts flat cache slot {@code slot} ({@code page · pageSize + offset}) into {@code dst[off ..]}. */
    void read(byte[] cache, long slot, float[] dst, int off) {
        if (slot < 0 || slot >= slots) {
            throw new IllegalArgumentException("cache slot " + slot + " lies outside the " + slots + " slots of the cache");
        }
        int base = Math.toIntExact(slot * tokenBytes);
        if (type == KvCacheType.BF16) {
            simd.bf16ToF32(cache, base, dst, off, dk);
            return;
        }
        for (int g = 0; g < KvCacheType.FP8_LATENT / KvCacheType.FP8_GROUP; g++) {
            // KvCacheType.FP8_FLASHMLA's rule: bf16(decode(code) · bf16(scale)), as FlashMLA's kernels dequantize
            float s = Bf16.round(Bytes.getFloat(cache, base + KvCacheType.FP8_LATENT + 4 * g));
            int c0 = g * KvCacheType.FP8_GROUP;
            for (int i = c0; i < c0 + KvCacheType.FP8_GROUP; i++) {
                dst[off + i] = Bf16.round(fp8[cache[base + i] & 0xff] * s);
            }
        }
        int rope = base + KvCacheType.FP8_LATENT + 4 * (KvCacheType.FP8_LATENT / KvCacheType.FP8_GROUP);
        // scalar, as the codes above: the vector bf16ToF32 inlined here (a large compile unit) boxed its vectors,
        // 3 MB a launch at batch 1 (the CPU backend's allocation note); 64 values are nothing next to 512 codes
        for (int i = 0; i < KvCacheType.FP8_ROPE; i++) {
            dst[off + KvCacheType.FP8_LATENT + i] = Bytes.getBf16(cache, rope + 2 * i);
        }
    }
}
