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
 *       {@code x_scale [R, K/128] F32} (one scale per 1×128 group of a row), {@code w [E, N, K] F8_E4M3FN}
 *       with {@code w_scale [E, ceil(N/128), K/128] F32} (one per 128×128 block); value =
 *       {@code decode(code) · scale}; K must be a multiple of 128;</li>
 *   <li>{@link Type#INT8_W8A8}: the usual alternative where a chip has no FP8. {@code x [R, K] I8} with
 *       {@code x_scale [R] F32} (one per row), {@code w [E, N, K] I8} with {@code w_scale [E, N] F32} (one
 *       per output channel); I32 accumulation; {@code out = acc · s_x · s_w};</li>
 *   <li>every type: {@code rows_per_expert [E] I32} (the same counts as {@link #rowsPerExpert()}) and the
 *       output {@code out [R, N] BF16}.</li>
 * </ul>
 * Binding order: {@code x, [x_scale], w, [w_scale], rows_per_expert, out}.
 *
 * <h2>Arithmetic</h2>
 * {@code flops = 2 · Σ rowsPerExpert · N · K} (valid rows only, as DeepGEMM counts);
 * {@code bytes} = valid rows of x and x_scale, all of w and w_scale for experts with at least one row,
 * rows_per_expert, and the valid rows of out.
 */
public record MoeGemmSpec(Layout layout, Type type, int experts, int n, int k, List<Integer> rowsPerExpert,
                          int maxRows) implements OpSpec {

    /** Block size of FP8 scales along K (and along N for weights). */
    public static final int FP8_BLOCK = 128;

    private static final String SPEC = "MoeGemmSpec";

    public enum Layout { CONTIGUOUS, MASKED }

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
        if (type == Type.FP8_BLOCK) {
            Checks.require(k % FP8_BLOCK == 0, SPEC, "k", "must be a multiple of " + FP8_BLOCK
                    + " for 1x128 / 128x128 FP8 scales, got " + k);
        }
    }

    public static MoeGemmSpec contiguous(Type type, int n, int k, List<Integer> rowsPerExpert) {
        return new MoeGemmSpec(Layout.CONTIGUOUS, type, rowsPerExpert.size(), n, k, rowsPerExpert, 0);
    }

    public static MoeGemmSpec masked(Type type, int n, int k, int maxRows, List<Integer> rowsPerExpert) {
        return new MoeGemmSpec(Layout.MASKED, type, rowsPerExpert.size(), n, k, rowsPerExpert, maxRows);
    }

    /** The same GEMM with other operand types (used for alternatives: FP8 → INT8 W8A8). */
    public MoeGemmSpec withType(Type newType) {
        return new MoeGemmSpec(layout, newType, experts, n, k, rowsPerExpert, maxRows);
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
        DType op = type.operandType();
        in.add(TensorSpec.of("x", op, rowDims(k)));
        if (type == Type.FP8_BLOCK) {
            in.add(TensorSpec.of("x_scale", DType.F32, rowDims(k / FP8_BLOCK)));
        } else if (type == Type.INT8_W8A8) {
            in.add(TensorSpec.of("x_scale", DType.F32, rowDims()));
        }
        in.add(TensorSpec.of("w", op, experts, n, k));
        if (type == Type.FP8_BLOCK) {
            in.add(TensorSpec.of("w_scale", DType.F32, experts, Checks.ceilDiv(n, FP8_BLOCK), k / FP8_BLOCK));
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
        return "moe-gemm " + layout.name().toLowerCase() + " " + type + " E=" + experts + " rows=" + validRows()
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
        int opBytes = type.operandType().byteSize();
        long x = rows * k * opBytes;
        long xScale = switch (type) {
            case BF16 -> 0;
            case FP8_BLOCK -> rows * (k / FP8_BLOCK) * 4;
            case INT8_W8A8 -> rows * 4;
        };
        long w = activeExperts * n * k * opBytes;
        long wScale = switch (type) {
            case BF16 -> 0;
            case FP8_BLOCK -> activeExperts * Checks.ceilDiv(n, FP8_BLOCK) * (k / FP8_BLOCK) * 4;
            case INT8_W8A8 -> activeExperts * n * 4;
        };
        return x + xScale + w + wScale + 4L * experts + rows * n * 2;
    }
}
