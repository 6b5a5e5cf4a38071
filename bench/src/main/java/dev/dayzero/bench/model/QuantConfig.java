package dev.dayzero.bench.model;

import dev.dayzero.hal.DType;
import java.util.Objects;

/**
 * How the released checkpoint stores its expert weights, as far as the operators care.
 *
 * @param method    {@code quantization_config.quant_method}, or {@code none} for a BF16 release
 * @param fp8Block  true for DeepSeek-style FP8: E4M3 weights in 128×128 blocks with dynamic 1×128
 *                  activation groups ({@code quant_method fp8}, {@code fmt e4m3}, {@code weight_block_size [128, 128]})
 * @param scaleType activation scale type for FP8: {@link DType#UE8M0} where {@code scale_fmt} is {@code ue8m0}
 *                  (DeepSeek-V3.1 and later), else {@link DType#F32}
 */
public record QuantConfig(String method, boolean fp8Block, DType scaleType) {
    public QuantConfig {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(scaleType, "scaleType");
        if (scaleType != DType.F32 && scaleType != DType.UE8M0) {
            throw new IllegalArgumentException("QuantConfig.scaleType must be F32 or UE8M0, got " + scaleType);
        }
        if (!fp8Block && scaleType != DType.F32) {
            throw new IllegalArgumentException("QuantConfig: UE8M0 scales only with FP8 block quantization");
        }
    }

    /** A BF16 (unquantized) release. */
    public static QuantConfig none() {
        return new QuantConfig("none", false, DType.F32);
    }

    /** A short label: {@code FP8 block 128x128 (UE8M0 scales)} or {@code BF16}. */
    public String label() {
        if (fp8Block) {
            return "FP8 block 128x128 (" + scaleType + " scales)";
        }
        return "none".equals(method) ? "BF16" : "BF16 (checkpoint " + method + " not mapped)";
    }
}
