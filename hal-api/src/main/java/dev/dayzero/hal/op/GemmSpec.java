package dev.dayzero.hal.op;

import dev.dayzero.hal.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Dense batched GEMM in the "NT" layout of {@link MoeGemmSpec}: for each batch entry {@code b},
 * {@code out_b = X_b · W_bᵀ} with {@code X_b [M, K]} and {@code W_b [N, K]}. One batch entry is a plain
 * linear layer (attention projections, shared experts, dense FFN, lm_head); several are a grouped einsum
 * (MLA's absorbed per-head {@code kv_b} products, DeepSeek-V4's grouped output LoRA), each entry with its
 * own weights.
 *
 * <h2>Types and tensors (row-major, last dimension contiguous)</h2>
 * <ul>
 *   <li>{@link Type#BF16}: {@code x [B, M, K] BF16}, {@code w [B, N, K] BF16}; F32 accumulation;</li>
 *   <li>{@link Type#FP8_BLOCK}: DeepSeek-V3 style. {@code x [B, M, K] F8_E4M3FN} with
 *       {@code x_scale [B, M, K/128]} (one scale per 1×128 group of a row), {@code w [B, N, K] F8_E4M3FN}
 *       with {@code w_scale [B, ceil(N/128), K/128]} (one per 128×128 block); both scale tensors of
 *       {@link #scaleType()}: F32 values, or UE8M0 biased exponents one byte each (value
 *       {@code 2^(code - 127)}, DeepSeek-V3.1 onwards and V4). Value = {@code decode(code) · scale};
 *       K must be a multiple of 128; F32 accumulation;</li>
 *   <li>{@link Type#INT8_W8A8}: the usual alternative where a chip has no FP8. {@code x [B, M, K] I8} with
 *       {@code x_scale [B, M] F32} (one per row), {@code w [B, N, K] I8} with {@code w_scale [B, N] F32} (one
 *       per output channel); I32 accumulation; {@code out = acc · s_x · s_w};</li>
 *   <li>every type: the output {@code out [B, M, N] BF16}, rounded once from the F32 (or scaled I32)
 *       accumulator.</li>
 * </ul>
 * Binding order: {@code x, [x_scale], w, [w_scale], out}. {@link #scaleType()} is {@link DType#F32} for
 * BF16 and INT8 (BF16 has no scales; INT8 scales are F32).
 *
 * <h2>Arithmetic</h2>
 * {@code flops = 2 · B · M · N · K}; {@code bytes = x + x_scale + w + w_scale + out}, each tensor once
 * (the weights are read once however many rows there are: decode GEMMs are weight-bound).
 */
public record GemmSpec(Type type, DType scaleType, int batch, int m, int n, int k) implements OpSpec {

    /** Block size of FP8 scales along K (and along N for weights). */
    public static final int FP8_BLOCK = 128;

    private static final String SPEC = "GemmSpec";

    public enum Type {
        BF16(DType.BF16), FP8_BLOCK(DType.F8_E4M3FN), INT8_W8A8(DType.I8);

        private final DType operandType;

        Type(DType operandType) {
            this.operandType = operandType;
        }

        /** The element type of x and w. */
        public DType operandType() {
            return operandType;
        }
    }

    public GemmSpec {
        Objects.requireNonNull(type, SPEC + ".type");
        Objects.requireNonNull(scaleType, SPEC + ".scaleType");
        Checks.positive(SPEC, "batch", batch);
        Checks.positive(SPEC, "m", m);
        Checks.positive(SPEC, "n", n);
        Checks.positive(SPEC, "k", k);
        if (type == Type.FP8_BLOCK) {
            Checks.require(k % FP8_BLOCK == 0, SPEC, "k", "must be a multiple of " + FP8_BLOCK
                    + " for 1x128 / 128x128 FP8 scales, got " + k);
            Checks.require(scaleType == DType.F32 || scaleType == DType.UE8M0, SPEC, "scaleType",
                    "must be F32 or UE8M0, got " + scaleType);
        } else {
            Checks.require(scaleType == DType.F32, SPEC, "scaleType",
                    "must be F32 for " + type + " (only FP8_BLOCK takes UE8M0 scales), got " + scaleType);
        }
    }

    /** One {@code [m, k] · [n, k]ᵀ} product with F32 scales where the type has scales. */
    public static GemmSpec of(Type type, int m, int n, int k) {
        return new GemmSpec(type, DType.F32, 1, m, n, k);
    }

    /** {@code batch} independent products, each with its own weights, F32 scales where the type has scales. */
    public static GemmSpec batched(Type type, int batch, int m, int n, int k) {
        return new GemmSpec(type, DType.F32, batch, m, n, k);
    }

    /** FP8 1×128 / 128×128 block-scaled, with scales of {@code scaleType} (F32 or UE8M0). */
    public static GemmSpec fp8Block(DType scaleType, int batch, int m, int n, int k) {
        return new GemmSpec(Type.FP8_BLOCK, scaleType, batch, m, n, k);
    }

    /**
     * The same GEMM with other operand types (used for alternatives: FP8 → INT8 W8A8, FP8 → BF16). The
     * scale type is kept where the new type is FP8_BLOCK and set to F32 otherwise.
     */
    public GemmSpec withType(Type newType) {
        return new GemmSpec(newType, newType == Type.FP8_BLOCK ? scaleType : DType.F32, batch, m, n, k);
    }

    /** The same GEMM with other scale types (FP8_BLOCK only). */
    public GemmSpec withScaleType(DType newScaleType) {
        return new GemmSpec(type, newScaleType, batch, m, n, k);
    }

    /** The same GEMM with {@code newM} rows (decode batch sizes, prefill chunks). */
    public GemmSpec withRows(int newM) {
        return new GemmSpec(type, scaleType, batch, newM, n, k);
    }

    /** Scale groups along K: {@code K / 128} (FP8_BLOCK only). */
    public int kBlocks() {
        return k / FP8_BLOCK;
    }

    /** Scale blocks along N: {@code ceil(N / 128)} (FP8_BLOCK only). */
    public int nBlocks() {
        return (int) Checks.ceilDiv(n, FP8_BLOCK);
    }

    @Override
    public List<TensorSpec> inputs() {
        List<TensorSpec> in = new ArrayList<>();
        DType op = type.operandType();
        in.add(TensorSpec.of("x", op, batch, m, k));
        if (type == Type.FP8_BLOCK) {
            in.add(TensorSpec.of("x_scale", scaleType, batch, m, kBlocks()));
        } else if (type == Type.INT8_W8A8) {
            in.add(TensorSpec.of("x_scale", DType.F32, batch, m));
        }
        in.add(TensorSpec.of("w", op, batch, n, k));
        if (type == Type.FP8_BLOCK) {
            in.add(TensorSpec.of("w_scale", scaleType, batch, nBlocks(), kBlocks()));
        } else if (type == Type.INT8_W8A8) {
            in.add(TensorSpec.of("w_scale", DType.F32, batch, n));
        }
        return List.copyOf(in);
    }

    @Override
    public List<TensorSpec> outputs() {
        return List.of(TensorSpec.of("out", DType.BF16, batch, m, n));
    }

    @Override
    public String family() {
        return "gemm";
    }

    @Override
    public String describe() {
        return "gemm " + type + (type == Type.FP8_BLOCK ? " scale=" + scaleType : "")
                + (batch > 1 ? " batch=" + batch : "") + " M=" + m + " N=" + n + " K=" + k;
    }

    @Override
    public long flops() {
        return 2L * batch * m * n * k;
    }

    @Override
    public long bytes() {
        long total = 0;
        for (TensorSpec t : operands()) {
            total += t.bytes();
        }
        return total;
    }
}
