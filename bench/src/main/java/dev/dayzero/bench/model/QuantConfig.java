package dev.dayzero.bench.model;

import dev.dayzero.hal.DType;
import java.util.Locale;
import java.util.Objects;

/**
 * How the released checkpoint stores its weights, as far as the operators care.
 *
 * @param method    {@code quantization_config.quant_method}, or {@code none} for a BF16 release
 * @param fp8Block  true for DeepSeek-style FP8: E4M3 weights in 128×128 blocks with dynamic 1×128
 *                  activation groups ({@code quant_method fp8}, {@code fmt e4m3}, {@code weight_block_size [128, 128]})
 * @param scaleType activation scale type for FP8: {@link DType#UE8M0} where {@code scale_fmt} is {@code ue8m0}
 *                  (DeepSeek-V3.1 and later), else {@link DType#F32}
 * @param experts   how the routed experts' weights are stored: as the rest of the checkpoint ({@code FP8_BLOCK}
 *                  when {@code fp8Block}, else {@code BF16}), or {@code MXFP4} (DeepSeek-V4-Flash's
 *                  {@code expert_dtype fp4}: E2M1 codes with one UE8M0 scale per 32 values)
 */
public record QuantConfig(String method, boolean fp8Block, DType scaleType, ExpertWeights experts) {

    /** The routed experts' weight format. */
    public enum ExpertWeights {
        BF16, FP8_BLOCK, MXFP4;

        /** Parses {@code --expert-dtype} and {@code expert_dtype}: {@code bf16}, {@code fp8}, {@code fp4}/{@code mxfp4}. */
        public static ExpertWeights parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "bf16", "bfloat16" -> BF16;
                case "fp8", "fp8-block", "fp8_block" -> FP8_BLOCK;
                case "fp4", "mxfp4" -> MXFP4;
                default -> throw new IllegalArgumentException("expert dtype must be bf16, fp8 or fp4 (MXFP4), got '"
                        + s + "'");
            };
        }

        /** The case-id word: {@code bf16}, {@code fp8}, {@code mxfp4}. */
        public String label() {
            return switch (this) {
                case BF16 -> "bf16";
                case FP8_BLOCK -> "fp8";
                case MXFP4 -> "mxfp4";
            };
        }
    }

    public QuantConfig {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(scaleType, "scaleType");
        Objects.requireNonNull(experts, "experts");
        if (scaleType != DType.F32 && scaleType != DType.UE8M0) {
            throw new IllegalArgumentException("QuantConfig.scaleType must be F32 or UE8M0, got " + scaleType);
        }
        if (!fp8Block && scaleType != DType.F32) {
            throw new IllegalArgumentException("QuantConfig: UE8M0 scales only with FP8 block quantization");
        }
        if (experts == ExpertWeights.FP8_BLOCK && !fp8Block) {
            throw new IllegalArgumentException("QuantConfig: FP8 block experts need FP8 block quantization");
        }
    }

    /** Experts stored as the rest of the checkpoint. */
    public QuantConfig(String method, boolean fp8Block, DType scaleType) {
        this(method, fp8Block, scaleType, fp8Block ? ExpertWeights.FP8_BLOCK : ExpertWeights.BF16);
    }

    /** A BF16 (unquantized) release. */
    public static QuantConfig none() {
        return new QuantConfig("none", false, DType.F32);
    }

    /**
     * The same checkpoint with its experts stored as {@code w} ({@code --expert-dtype}); FP8 block experts of a
     * checkpoint without FP8 take F32 scales.
     */
    public QuantConfig withExperts(ExpertWeights w) {
        boolean block = fp8Block || w == ExpertWeights.FP8_BLOCK;
        return new QuantConfig(method, block, block ? scaleType : DType.F32, w);
    }

    /** A short label: {@code FP8 block 128x128 (UE8M0 scales), MXFP4 experts} or {@code BF16}. */
    public String label() {
        String base;
        if (fp8Block) {
            base = "FP8 block 128x128 (" + scaleType + " scales)";
        } else {
            base = "none".equals(method) ? "BF16" : "BF16 (checkpoint " + method + " not mapped)";
        }
        boolean same = experts == (fp8Block ? ExpertWeights.FP8_BLOCK : ExpertWeights.BF16);
        return same ? base : base + ", " + experts.label().toUpperCase(Locale.ROOT) + " experts";
    }
}
