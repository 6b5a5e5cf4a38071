package dev.dayzero.hal.op;

import dev.dayzero.hal.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * MoE grouped GEMM in the "NT" layout: for each expert {@code e}, {@code out_e = X_e · W_eᵀ} with
 * {@code W[E, N, K]}.
 *
 * <h2>Layouts</h2>
 * <ul>
 *   <li>{@link Layout#CONTIGUOUS} (prefill): the rows of all experts stacked in expert order, expert
 *       {@code e} owning {@code rowsPerExpert[e]} consecutive rows; {@code T = Σ rowsPerExpert}. Row
 *       dimension of {@code x}, {@code x_scale} and {@code out}: {@code [T]}.</li>
 *   <li>{@link Layout#MASKED} (decode): one slot of {@code maxRows} rows per expert; only the first
 *       {@code rowsPerExpert[e]} rows of slot {@code e} are valid. Row dimensions: {@code [E, maxRows]}.
 *       Output rows past the valid count must be left untouched (the kit checks them byte for byte).</li>
 * </ul>
 *
 * <h2>Types and tensors (row-major, last dimension contiguous; R = the row dimensions above)</h2>
 * <ul>
 *   <li>{@link Type#BF16}: {@code x [R, K] BF16}, {@code w [E, N, K] BF16}; F32 accumulation;</li>
 *   <li>{@link Type#FP8_BLOCK}: DeepSeek-V3 style. {@code x [R, K] F8_E4M3FN} with
 *       {@code x_scale [R, K/128]} (one scale per 1×128 group of a row), {@code w [E, N, K] F8_E4M3FN}
 *       with {@code w_scale [E, ceil(N/128), K/128]} (one per 128×128 block); value =
 *       {@code decode(code) · scale}; K must be a multiple of 128. Both scale tensors are of
 *       {@link #scaleType()}: {@link DType#F32} (V3 checkpoints) or {@link DType#UE8M0} (one byte,
 *       {@code 2^(code-127)}: V3.2 and V4 checkpoints, DeepGEMM's {@code use_ue8m0});</li>
 *   <li>{@link Type#INT8_W8A8}: the usual alternative where a chip has no FP8. {@code x [R, K] I8} with
 *       {@code x_scale [R] F32} (one per row), {@code w [E, N, K] I8} with {@code w_scale [E, N] F32} (one
 *       per output channel); I32 accumulation; {@code out = acc · s_x · s_w};</li>
 *   <li>{@link Type#MXFP4_FP8} (DeepSeek-V4-Flash routed experts, DeepGEMM {@code fp8_fp4}): {@code x [R, K]
 *       F8_E4M3FN} with {@code x_scale [R, K/128] UE8M0} (1×128, as FP8_BLOCK), {@code w [E, N, K] F4_E2M1}
 *       (MXFP4: E2M1 codes packed two a byte, so {@code N · K / 2} bytes an expert, each row of K codes
 *       {@code K/2} bytes, element {@code 2i} of a row in the low nibble of byte {@code i} — see
 *       {@link dev.dayzero.hal.Fp4}; the bytes are those of a U8 {@code [E, N, K/2]} tensor) with
 *       {@code w_scale [E, N, K/32] UE8M0} (one per 32 consecutive values of a row along K); value of
 *       {@code w[e, n, k]} = {@code e2m1(code) · 2^(w_scale[e, n, k/32] - 127)}; K a multiple of 128;</li>
 *   <li>{@link Type#MXFP4_BF16}: {@code x [R, K] BF16}, {@code w} and {@code w_scale} as MXFP4_FP8 (a
 *       weight-only MXFP4 path); K a multiple of 32;</li>
 *   <li>every type: {@code rows_per_expert [E] I32} (the same counts as {@link #rowsPerExpert()}) and the
 *       output {@code out [R, N] BF16}.</li>
 * </ul>
 * Binding order: {@code x, [x_scale], w, [w_scale], rows_per_expert, out}. The reference result is the
 * F32 sum over K of the decoded, scaled products, rounded once to BF16.
 *
 * <h2>Scale type</h2>
 * {@link #scaleType()} is the type of the block scales, expressed as QuantizeSpec's is: F32 or UE8M0.
 * FP8_BLOCK takes either (default F32, the V3 recipe); the MXFP4 types take UE8M0 only (MX scales are
 * E8M0, and DeepGEMM's FP8×FP4 kernels take the activations' 1×128 scales as UE8M0 too); BF16 and
 * INT8_W8A8 take F32 (INT8's per-row / per-channel scales; BF16 has none).
 *
 * <h2>Arithmetic</h2>
 * {@code flops = 2 · Σ rowsPerExpert · N · K} (valid rows only, as DeepGEMM counts);
 * {@code bytes} = valid rows of x and x_scale, all of w and w_scale for experts with at least one row
 * (MXFP4 weights at half a byte a value plus one UE8M0 byte per 32; UE8M0 scales one byte each),
 * rows_per_expert, and the valid rows of out.
 */
public record MoeGemmSpec(Layout layout, Type type, int experts, int n, int k, List<Integer> rowsPerExpert,
                          int maxRows, DType scaleType) implements OpSpec {

    /** Block size of FP8 scales along K (and along N for weights). */
    public static final int FP8_BLOCK = 128;

    /** Values of an MXFP4 weight row along K that share one UE8M0 scale (OCP MX block size). */
    public static final int MX_BLOCK = 32;

    private static final String SPEC = "MoeGemmSpec";

    public enum Layout { CONTIGUOUS, MASKED }

    public enum Type {
        BF16(DType.BF16, DType.BF16, DType.F32),
        FP8_BLOCK(DType.F8_E4M3FN, DType.F8_E4M3FN, DType.F32),
        INT8_W8A8(DType.I8, DType.I8, DType.F32),
        /** FP8 E4M3 activations (1×128 UE8M0 scales) × MXFP4 weights (UE8M0 per 32 along K). */
        MXFP4_FP8(DType.F8_E4M3FN, DType.F4_E2M1, DType.UE8M0),
        /** BF16 activations × MXFP4 weights (UE8M0 per 32 along K). */
        MXFP4_BF16(DType.BF16, DType.F4_E2M1, DType.UE8M0);

        private final DType activationType;
        private final DType weightType;
        private final DType defaultScaleType;

        Type(DType activationType, DType weightType, DType defaultScaleType) {
            this.activationType = activationType;
            this.weightType = weightType;
            this.defaultScaleType = defaultScaleType;
        }

        /**
         * The element type of x and w, for the types where they are the same.
         *
         * @throws UnsupportedOperationException for the MXFP4 types, whose x and w differ: use
         *         {@link #activationType()} and {@link #weightType()}
         */
        public DType operandType() {
            if (activationType != weightType) {
                throw new UnsupportedOperationException(this + " has x " + activationType + " and w " + weightType
                        + ": use activationType() / weightType()");
            }
            return activationType;
        }

        /** The element type of x. */
        public DType activationType() {
            return activationType;
        }

        /** The element type of w. */
        public DType weightType() {
            return weightType;
        }

        /** True for the types whose weights are MXFP4 (E2M1 packed two a byte, UE8M0 per 32). */
        public boolean isMxfp4() {
            return weightType == DType.F4_E2M1;
        }

        /** True for the types whose activations carry 1×128 scales (FP8_BLOCK, MXFP4_FP8). */
        public boolean hasGroupActivationScales() {
            return activationType == DType.F8_E4M3FN;
        }

        /** The scale type the factories without one use: F32, or UE8M0 for the MXFP4 types. */
        public DType defaultScaleType() {
            return defaultScaleType;
        }
    }

    /** The spec with the type's default scale type (F32, or UE8M0 for the MXFP4 types). */
    public MoeGemmSpec(Layout layout, Type type, int experts, int n, int k, List<Integer> rowsPerExpert, int maxRows) {
        this(layout, type, experts, n, k, rowsPerExpert, maxRows,
                type == null ? null : type.defaultScaleType());
    }

    public MoeGemmSpec {
        Objects.requireNonNull(layout, SPEC + ".layout");
        Objects.requireNonNull(type, SPEC + ".type");
        Checks.positive(SPEC, "experts", experts);
        Checks.positive(SPEC, "n", n);
        Checks.positive(SPEC, "k", k);
        rowsPerExpert = Checks.lengths(SPEC, "rowsPerExpert", rowsPerExpert, 0);
        Checks.require(rowsPerExpert.size() == experts, SPEC, "rowsPerExpert",
                "must have one count per expert (" + experts + "), got " + rowsPerExpert.size());
        if (layout == Layout.MASKED) {
            Checks.positive(SPEC, "maxRows", maxRows);
            for (int e = 0; e < experts; e++) {
                int rows = rowsPerExpert.get(e);
                Checks.require(rows <= maxRows, SPEC, "rowsPerExpert[" + e + "]",
                        "= " + rows + " exceeds maxRows = " + maxRows + " of the masked layout");
            }
        } else {
            Checks.require(maxRows == 0 || maxRows == Checks.max(rowsPerExpert), SPEC, "maxRows",
                    "is not used by the contiguous layout; pass 0");
            maxRows = 0;
        }
        Objects.requireNonNull(scaleType, SPEC + ".scaleType");
        if (type == Type.FP8_BLOCK) {
            Checks.require(scaleType == DType.F32 || scaleType == DType.UE8M0, SPEC, "scaleType",
                    "must be F32 or UE8M0 for FP8_BLOCK, got " + scaleType);
        } else if (type.isMxfp4()) {
            Checks.require(scaleType == DType.UE8M0, SPEC, "scaleType",
                    "must be UE8M0 for " + type + " (MX scales are E8M0), got " + scaleType);
        } else {
            Checks.require(scaleType == DType.F32, SPEC, "scaleType", "must be F32 for " + type + ", got " + scaleType);
        }
        if (type.hasGroupActivationScales()) {
            Checks.require(k % FP8_BLOCK == 0, SPEC, "k", "must be a multiple of " + FP8_BLOCK
                    + " for 1x128 / 128x128 FP8 scales, got " + k);
        }
        if (type.isMxfp4()) {
            Checks.require(k % MX_BLOCK == 0, SPEC, "k", "must be a multiple of " + MX_BLOCK
                    + " for MXFP4 weights (one UE8M0 scale per 32 values), got " + k);
        }
    }

    /** A contiguous-layout spec with the type's default scale type. */
    public static MoeGemmSpec contiguous(Type type, int n, int k, List<Integer> rowsPerExpert) {
        return new MoeGemmSpec(Layout.CONTIGUOUS, type, rowsPerExpert.size(), n, k, rowsPerExpert, 0);
    }

    /** A contiguous-layout spec with block scales of {@code scaleType} (F32 or UE8M0). */
    public static MoeGemmSpec contiguous(Type type, DType scaleType, int n, int k, List<Integer> rowsPerExpert) {
        return new MoeGemmSpec(Layout.CONTIGUOUS, type, rowsPerExpert.size(), n, k, rowsPerExpert, 0, scaleType);
    }

    /** A masked-layout spec with the type's default scale type. */
    public static MoeGemmSpec masked(Type type, int n, int k, int maxRows, List<Integer> rowsPerExpert) {
        return new MoeGemmSpec(Layout.MASKED, type, rowsPerExpert.size(), n, k, rowsPerExpert, maxRows);
    }

    /** A masked-layout spec with block scales of {@code scaleType} (F32 or UE8M0). */
    public static MoeGemmSpec masked(Type type, DType scaleType, int n, int k, int maxRows,
                                     List<Integer> rowsPerExpert) {
        return new MoeGemmSpec(Layout.MASKED, type, rowsPerExpert.size(), n, k, rowsPerExpert, maxRows, scaleType);
    }

    /**
     * The same GEMM with other operand types (used for alternatives: FP8 → INT8 W8A8, MXFP4 → BF16). The
     * scale type is kept where the new type takes it, else the new type's default.
     */
    public MoeGemmSpec withType(Type newType) {
        boolean keep = newType == Type.FP8_BLOCK
                ? scaleType == DType.F32 || scaleType == DType.UE8M0
                : scaleType == newType.defaultScaleType();
        return new MoeGemmSpec(layout, newType, experts, n, k, rowsPerExpert, maxRows,
                keep ? scaleType : newType.defaultScaleType());
    }

    /** The same GEMM with block scales of {@code newScaleType}. */
    public MoeGemmSpec withScaleType(DType newScaleType) {
        return new MoeGemmSpec(layout, type, experts, n, k, rowsPerExpert, maxRows, newScaleType);
    }

    /** Columns of x_scale: K/128 for the types with 1×128 activation scales, else 0 (none or per row). */
    public int activationScaleGroups() {
        return type.hasGroupActivationScales() ? k / FP8_BLOCK : 0;
    }

    /** Bytes of one stored weight row of K values: K for 8-bit types, 2K for BF16, K/2 for MXFP4. */
    public long weightRowBytes() {
        return type.weightType().bytes(k);
    }

    /** Valid rows over all experts. */
    public long validRows() {
        return Checks.sum(rowsPerExpert);
    }

    /** Rows of the x / out tensors: T for contiguous, E · maxRows for masked. */
    public long storedRows() {
        return layout == Layout.CONTIGUOUS ? validRows() : (long) experts * maxRows;
    }

    /** Index of the first stored row of expert {@code e}. */
    public long firstRow(int e) {
        if (layout == Layout.MASKED) {
            return (long) e * maxRows;
        }
        long r = 0;
        for (int i = 0; i < e; i++) {
            r += rowsPerExpert.get(i);
        }
        return r;
    }

    private long[] rowDims(long... tail) {
        long[] head = layout == Layout.CONTIGUOUS ? new long[] {validRows()} : new long[] {experts, maxRows};
        long[] dims = new long[head.length + tail.length];
        System.arraycopy(head, 0, dims, 0, head.length);
        System.arraycopy(tail, 0, dims, head.length, tail.length);
        return dims;
    }

    @Override
    public List<TensorSpec> inputs() {
        List<TensorSpec> in = new ArrayList<>();
        in.add(TensorSpec.of("x", type.activationType(), rowDims(k)));
        if (type.hasGroupActivationScales()) {
            in.add(TensorSpec.of("x_scale", scaleType, rowDims(k / FP8_BLOCK)));
        } else if (type == Type.INT8_W8A8) {
            in.add(TensorSpec.of("x_scale", DType.F32, rowDims()));
        }
        in.add(TensorSpec.of("w", type.weightType(), experts, n, k));
        if (type == Type.FP8_BLOCK) {
            in.add(TensorSpec.of("w_scale", scaleType, experts, Checks.ceilDiv(n, FP8_BLOCK), k / FP8_BLOCK));
        } else if (type.isMxfp4()) {
            in.add(TensorSpec.of("w_scale", DType.UE8M0, experts, n, k / MX_BLOCK));
        } else if (type == Type.INT8_W8A8) {
            in.add(TensorSpec.of("w_scale", DType.F32, experts, n));
        }
        in.add(TensorSpec.of("rows_per_expert", DType.I32, experts));
        return List.copyOf(in);
    }

    @Override
    public List<TensorSpec> outputs() {
        return List.of(TensorSpec.of("out", DType.BF16, rowDims(n)));
    }

    @Override
    public String family() {
        return "moe-gemm";
    }

    @Override
    public String describe() {
        String scales = type == Type.FP8_BLOCK && scaleType == DType.UE8M0 ? " ue8m0" : "";
        return "moe-gemm " + layout.name().toLowerCase() + " " + type + scales + " E=" + experts + " rows=" + validRows()
                + (layout == Layout.MASKED ? " maxRows=" + maxRows : "") + " N=" + n + " K=" + k;
    }

    @Override
    public long flops() {
        return 2L * validRows() * n * k;
    }

    @Override
    public long bytes() {
        long rows = validRows();
        long activeExperts = rowsPerExpert.stream().filter(r -> r > 0).count();
        long x = type.activationType().bytes(rows * k);
        long xScale = type.hasGroupActivationScales() ? scaleType.bytes(rows * (k / FP8_BLOCK))
                : type == Type.INT8_W8A8 ? rows * 4 : 0;
        long w = activeExperts * n * weightRowBytes();
        long wScale = switch (type) {
            case BF16 -> 0;
            case FP8_BLOCK -> scaleType.bytes(activeExperts * Checks.ceilDiv(n, FP8_BLOCK) * (k / FP8_BLOCK));
            case INT8_W8A8 -> activeExperts * n * 4;
            case MXFP4_FP8, MXFP4_BF16 -> activeExperts * n * (k / MX_BLOCK);
        };
        return x + xScale + w + wScale + 4L * experts + rows * n * 2;
    }
}
