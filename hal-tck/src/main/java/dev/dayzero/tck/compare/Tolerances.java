package dev.dayzero.tck.compare;

import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.KvCacheType;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.hal.op.QuantizeSpec;

/**
 * Every tolerance of the kit, written once, by output dtype and recipe; never per backend.
 *
 * <p>Float outputs start from DeepGEMM's and FlashMLA's own tests: BF16 out of BF16 inputs
 * {@code diff ≤ 1e-5}; BF16 out of FP8 inputs {@code diff ≤ 1e-3}. The element-wise bound allows a
 * few BF16 ulps (2^-6 relative, 2^-6 of the RMS absolute) for BF16 inputs, and 2^-4 for FP8 inputs,
 * whose hardware paths (FP8 MMA with limited-precision accumulation) are coarser.
 *
 * <p>Quantized codes must match the oracle bit for bit, except one code away where the oracle's F32
 * quotient lies within one F32 ulp of the rounding boundary between the two codes (a backend computing
 * {@code x · (1/scale)}); those are accepted and counted. F32 scales: relative error ≤ 1e-6; UE8M0
 * scales: exact.
 */
public final class Tolerances {
    /** BF16 output from BF16 inputs with F32 (or better) accumulation. */
    public static final Tolerance BF16_FROM_BF16 = new Tolerance("bf16-from-bf16", 1e-5, 0x1p-6, 0x1p-6);
    /** BF16 output from FP8 inputs (FP8 GEMM, FP8 KV cache). */
    public static final Tolerance BF16_FROM_FP8 = new Tolerance("bf16-from-fp8", 1e-3, 0x1p-4, 0x1p-4);
    /**
     * BF16 attention output over FlashMLA's FP8 latent cache, dequantized by its rule
     * ({@code bf16(decode(code) · bf16(scale))}, {@link KvCacheType#FP8_FLASHMLA}): the oracle follows the rule,
     * so a faithful kernel is as close as a BF16 one (the kit's data: diff 1.4e-6, the output's own rounding),
     * while a kernel that keeps the F32 scale lands at about 2e-5 and fails {@code diff ≤ 6e-6}; a misplaced
     * scale (wrong token or group: up to 8× off) fails by far. Whether the product itself is rounded to BF16
     * moves the diff by about 1e-6, below what BF16 outputs can separate; the rule still says it is.
     */
    public static final Tolerance BF16_FROM_FP8_CACHE = new Tolerance("bf16-from-fp8-cache", 6e-6, 0x1p-6, 0x1p-6);
    /** BF16 output from INT8 W8A8 (exact I32 accumulation, then two F32 scales). */
    public static final Tolerance BF16_FROM_INT8 = new Tolerance("bf16-from-int8", 1e-5, 0x1p-6, 0x1p-6);

    /**
     * The natural-log lse (F32) of the shared-KV sparse decode: FlashMLA's test bound, relative 8/65536; an
     * infinite lse (a query with no token) must be {@code +∞} exactly.
     */
    public static final Tolerance LSE_F32 = new Tolerance("lse-f32", 1e-6, 0x1p-13, 0x1p-13);

    /** Largest relative error of an F32 scale. */
    public static final double F32_SCALE_REL = 1e-6;

    private Tolerances() {
    }

    /** The tolerance for the float output of {@code spec}. */
    public static Tolerance forOutput(OpSpec spec) {
        if (spec instanceof MoeGemmSpec m) {
            return switch (m.type()) {
                case BF16 -> BF16_FROM_BF16;
                case FP8_BLOCK -> BF16_FROM_FP8;
                case INT8_W8A8 -> BF16_FROM_INT8;
            };
        }
        if (spec instanceof AttentionSpec.LatentDecode l) {
            return l.kvCache() == KvCacheType.FP8_FLASHMLA ? BF16_FROM_FP8_CACHE : BF16_FROM_BF16;
        }
        if (spec instanceof AttentionSpec.SparseLatentDecode s) {
            return s.kvCache() == KvCacheType.FP8_FLASHMLA ? BF16_FROM_FP8_CACHE : BF16_FROM_BF16;
        }
        if (spec instanceof AttentionSpec.SparseSharedKvDecode s) {
            return s.format().isFp8() ? BF16_FROM_FP8_CACHE : BF16_FROM_BF16;
        }
        if (spec instanceof AttentionSpec) {
            return BF16_FROM_BF16;
        }
        if (spec instanceof QuantizeSpec) {
            throw new IllegalArgumentException("quantize outputs are codes and scales, compared exactly");
        }
        throw new IllegalArgumentException("no tolerance for " + spec.getClass().getName());
    }
}
