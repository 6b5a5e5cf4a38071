package dev.dayzero.hal.op;

import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp8;
import dev.dayzero.hal.Ue8m0;
import java.util.List;
import java.util.Objects;

/**
 * Symmetric quantization of {@code X[M,K]} to FP8 (E4M3FN, E5M2) or INT8, with one scale per scaling
 * unit.
 *
 * <h2>Recipe (exact, in F32)</h2>
 * For each scaling unit: {@code amax = max |x|} over the unit, floored at {@link #AMAX_FLOOR} (1e-4,
 * DeepSeek's clamp); {@code scale = amax / fmax} (F32 division; {@code fmax} = 448, 57344 or 127), or
 * for {@link DType#UE8M0} scales {@code scale = 2^ceil(log2(amax / fmax))} computed exactly from the
 * bits of the F32 quotient; then {@code code = encode(x / scale)} with the division done in F32 and the
 * encoding rounding to nearest even and saturating to the finite maximum (FP8: {@link Fp8#encode};
 * INT8: {@code clamp(rint(q), -127, 127)}). Dequantization is {@code decode(code) * scale}.
 * {@link #scaleFor(float)} and {@link #encode(float, float)} are this recipe in code. Inputs are finite:
 * NaN and infinities in X are outside the spec.
 *
 * <h2>Granularity</h2>
 * A scaling unit is a {@code bm × bk} block of X; the last block in each direction may be partial.
 * Per tensor: {@code M × K}; per token: {@code 1 × K}; per group of g columns: {@code 1 × g}
 * (DeepSeek activations, g = 128); per block: {@code bm × bk} (DeepSeek weights, 128 × 128).
 *
 * <h2>Layouts (row-major, last dimension contiguous)</h2>
 * <ul>
 *   <li>input {@code x}: {@code [M, K]} of {@code inputType} (BF16 or F32);</li>
 *   <li>output {@code q}: {@code [M, K]} of {@code format} (FP8 codes one byte each, INT8 as I8);</li>
 *   <li>output {@code scale}: {@code [ceil(M/bm), ceil(K/bk)]} of {@code scaleType}: F32 values, or UE8M0
 *       biased exponents one byte each. Per tensor this is {@code [1, 1]}; per token {@code [M, 1]}; per
 *       group {@code [M, ceil(K/g)]}.</li>
 * </ul>
 *
 * <h2>Arithmetic</h2>
 * {@code flops = 2·M·K} (one magnitude comparison and one division per element);
 * {@code bytes = x + q + scale}.
 */
public record QuantizeSpec(int m, int k, DType inputType, DType format, Granularity granularity, DType scaleType)
        implements OpSpec {

    /** DeepSeek's floor on amax, so all-zero units get a finite scale. */
    public static final float AMAX_FLOOR = 1e-4f;

    private static final String SPEC = "QuantizeSpec";

    public QuantizeSpec {
        Checks.positive(SPEC, "m", m);
        Checks.positive(SPEC, "k", k);
        Objects.requireNonNull(granularity, SPEC + ".granularity");
        Checks.require(inputType == DType.BF16 || inputType == DType.F32, SPEC, "inputType",
                "must be BF16 or F32, got " + inputType);
        Checks.require(format == DType.F8_E4M3FN || format == DType.F8_E5M2 || format == DType.I8, SPEC,
                "format", "must be F8_E4M3FN, F8_E5M2 or I8, got " + format);
        Checks.require(scaleType == DType.F32 || scaleType == DType.UE8M0, SPEC, "scaleType",
                "must be F32 or UE8M0, got " + scaleType);
    }

    /** The scaling unit: a block of {@link #blockRows(int)} × {@link #blockCols(int)} elements. */
    public sealed interface Granularity {
        /** Rows of X in one unit, for a tensor of {@code m} rows. */
        int blockRows(int m);

        /** Columns of X in one unit, for a tensor of {@code k} columns. */
        int blockCols(int k);

        String label();
    }

    /** One scale for the whole tensor. */
    public record PerTensor() implements Granularity {
        public int blockRows(int m) {
            return m;
        }

        public int blockCols(int k) {
            return k;
        }

        public String label() {
            return "per-tensor";
        }
    }

    /** One scale per row (token). */
    public record PerToken() implements Granularity {
        public int blockRows(int m) {
            return 1;
        }

        public int blockCols(int k) {
            return k;
        }

        public String label() {
            return "per-token";
        }
    }

    /** One scale per {@code groupSize} consecutive columns of a row (DeepSeek activations: 128). */
    public record PerGroup(int groupSize) implements Granularity {
        public PerGroup {
            Checks.positive("PerGroup", "groupSize", groupSize);
        }

        public int blockRows(int m) {
            return 1;
        }

        public int blockCols(int k) {
            return groupSize;
        }

        public String label() {
            return "group-1x" + groupSize;
        }
    }

    /** One scale per {@code rows × cols} block (DeepSeek weights: 128 × 128). */
    public record PerBlock(int rows, int cols) implements Granularity {
        public PerBlock {
            Checks.positive("PerBlock", "rows", rows);
            Checks.positive("PerBlock", "cols", cols);
        }

        public int blockRows(int m) {
            return rows;
        }

        public int blockCols(int k) {
            return cols;
        }

        public String label() {
            return "block-" + rows + "x" + cols;
        }
    }

    public static Granularity perTensor() {
        return new PerTensor();
    }

    public static Granularity perToken() {
        return new PerToken();
    }

    public static Granularity perGroup(int groupSize) {
        return new PerGroup(groupSize);
    }

    public static Granularity perBlock(int rows, int cols) {
        return new PerBlock(rows, cols);
    }

    /** Rows of X per scaling unit. */
    public int blockRows() {
        return Math.min(granularity.blockRows(m), m);
    }

    /** Columns of X per scaling unit. */
    public int blockCols() {
        return Math.min(granularity.blockCols(k), k);
    }

    /** Rows of the scale tensor: {@code ceil(M / bm)}. */
    public int scaleRows() {
        return (int) Checks.ceilDiv(m, blockRows());
    }

    /** Columns of the scale tensor: {@code ceil(K / bk)}. */
    public int scaleCols() {
        return (int) Checks.ceilDiv(k, blockCols());
    }

    /** The format's finite maximum: 448, 57344 or 127. */
    public float fmax() {
        return format == DType.I8 ? 127f : Fp8.max(format);
    }

    /** The recipe's scale for a unit whose largest magnitude is {@code amax} (before the floor). */
    public float scaleFor(float amax) {
        float floored = Math.max(amax, AMAX_FLOOR);
        float scale = floored / fmax();
        return scaleType == DType.UE8M0 ? Ue8m0.ceilPowerOfTwo(scale) : scale;
    }

    /** The recipe's code for {@code x} under {@code scale}: {@code encode(x / scale)}, division in F32. */
    public byte encode(float x, float scale) {
        float q = x / scale;
        if (format == DType.I8) {
            if (Float.isNaN(q)) {
                return 0;
            }
            return (byte) Math.max(-127f, Math.min(127f, (float) Math.rint(q)));
        }
        return Fp8.encode(format, q);
    }

    /** The value of {@code code} in this spec's format (FP8 decode, or the INT8 integer). */
    public float decode(byte code) {
        return format == DType.I8 ? code : Fp8.decode(format, code);
    }

    @Override
    public String family() {
        return "quantize";
    }

    @Override
    public String describe() {
        return "quantize " + inputType + "->" + format + " " + granularity.label() + " scale=" + scaleType
                + " M=" + m + " K=" + k;
    }

    @Override
    public long flops() {
        return 2L * m * k;
    }

    @Override
    public long bytes() {
        return inputs().get(0).bytes() + outputs().get(0).bytes() + outputs().get(1).bytes();
    }

    @Override
    public List<TensorSpec> inputs() {
        return List.of(TensorSpec.of("x", inputType, m, k));
    }

    @Override
    public List<TensorSpec> outputs() {
        return List.of(TensorSpec.of("q", format, m, k), TensorSpec.of("scale", scaleType, scaleRows(), scaleCols()));
    }
}
