package dev.dayzero.hal.op;

import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp8;
import dev.dayzero.hal.Ue8m0;
import java.util.List;
import java.util.Objects;

/**
 * Writing the KV cache: the step every decode token runs after its KV projection, turning new latent rows
 * into cache bytes at the slots the scheduler assigned. One member, {@link QuantInsert}.
 */
public sealed interface CacheWriteSpec extends OpSpec {

    /** The variant's short name: {@code quant-insert}. */
    String variant();

    @Override
    default String family() {
        return "cache-write";
    }

    /**
     * Quantize-and-insert (FlashMLA {@code tests/quant.py::quantize_k_cache}; vLLM's fused DeepSeek-V4
     * {@code …_quant_insert}): {@code tokens} BF16 rows of {@code D} values are written into a paged
     * {@link SharedKvFormat} cache at the flat slots of {@code slot_mapping} (slot {@code s} = token
     * {@code s % B} of page {@code s / B}).
     *
     * <p><b>Tensors</b>: inputs {@code kv [T, D] BF16}, {@code slot_mapping [T] I64} ({@code -1}: the row is
     * not written; valid slots are distinct and below {@code numPages · B}); output {@code kv_cache} of
     * {@link SharedKvFormat#cacheTensor}. The operator writes exactly the bytes of the slots it is given —
     * a token's value row and its scales (a MODEL1 scale row's pad byte may be written with anything) — and
     * leaves every other byte of the cache as it was (the kit fills the cache with {@code 0xFF} first and
     * checks that every byte outside the written tokens still holds it).
     *
     * <p><b>Recipe</b>, per token, exact in F32: RoPE values (the last 64) are copied as BF16. For each tile of
     * {@link SharedKvFormat#tileSize()} quantized values (7 tiles of 64 in MODEL1, 4 of 128 in V32):
     * {@code amax = max |x|} over the tile (the BF16 values), {@code scale = 2^ceil(log2(max(amax / 448,
     * 1e-4)))} ({@link #scaleFor}: F32 division, then the exact power of two not below it; the floor applies
     * to {@code amax / 448}, unlike {@link QuantizeSpec}'s floor on {@code amax}), {@code code =
     * e4m3(x / scale)} with the F32 division and {@link Fp8#encode}'s rounding (nearest even, saturating).
     * MODEL1 stores the scale as its UE8M0 code; V32 stores it as a little-endian F32 (a power of two, as
     * FlashMLA's quantizer makes it). BF16 copies the row.
     *
     * <p><b>Cost</b>: {@code flops = 2 · T · quantizedDims} (a comparison and a division per quantized
     * value); {@code bytes = kv + slot_mapping + T · tokenBytes} (the written cache bytes).
     */
    record QuantInsert(int tokens, int headDim, SharedKvFormat format, int pageBlockSize, int numPages)
            implements CacheWriteSpec {
        /** Floor on {@code amax / 448} (FlashMLA's {@code clamp_min(…, 1e-4)}). */
        public static final float SCALE_FLOOR = 1e-4f;

        public QuantInsert {
            String spec = "QuantInsert";
            Objects.requireNonNull(format, spec + ".format");
            Checks.positive(spec, "tokens", tokens);
            Checks.require(headDim == 512 || headDim == 576, spec, "headDim", "must be 512 or 576, got " + headDim);
            Checks.require(format.requiredHeadDim() == 0 || format.requiredHeadDim() == headDim, spec, "headDim",
                    "must be " + format.requiredHeadDim() + " for the " + format + " cache, got " + headDim);
            Checks.positive(spec, "pageBlockSize", pageBlockSize);
            Checks.require((long) numPages * pageBlockSize >= tokens, spec, "numPages",
                    "= " + numPages + " holds fewer than the " + tokens + " slots the tokens need");
        }

        /** {@code tokens} rows into a cache with about twice the slots they need (the rest stays untouched). */
        public static QuantInsert of(int tokens, SharedKvFormat format, int headDim, int pageBlockSize) {
            int pages = Math.toIntExact(Checks.ceilDiv(2L * tokens, pageBlockSize) + 1);
            return new QuantInsert(tokens, headDim, format, pageBlockSize, pages);
        }

        /** The recipe's scale for a tile whose largest magnitude is {@code amax}. */
        public static float scaleFor(float amax) {
            return Ue8m0.ceilPowerOfTwo(Math.max(amax / Fp8.E4M3FN_MAX, SCALE_FLOOR));
        }

        @Override
        public String variant() {
            return "quant-insert";
        }

        @Override
        public List<TensorSpec> inputs() {
            return List.of(TensorSpec.of("kv", DType.BF16, tokens, headDim),
                    TensorSpec.of("slot_mapping", DType.I64, tokens));
        }

        @Override
        public List<TensorSpec> outputs() {
            return List.of(format.cacheTensor("kv_cache", numPages, pageBlockSize, headDim));
        }

        @Override
        public long flops() {
            return 2L * tokens * format.quantizedDims();
        }

        @Override
        public long bytes() {
            return 2L * tokens * headDim + 8L * tokens + tokens * format.tokenBytes(headDim);
        }

        @Override
        public String describe() {
            return "cache-write quant-insert T=" + tokens + " D=" + headDim + " kv=" + format.label() + " page="
                    + pageBlockSize;
        }
    }
}
