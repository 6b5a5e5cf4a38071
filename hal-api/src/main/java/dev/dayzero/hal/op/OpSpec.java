package dev.dayzero.hal.op;

import java.util.ArrayList;
import java.util.List;

/**
 * An operator instance: operator, dtypes, layout and shape, immutable. Every backend is judged by the
 * same {@link #flops()} and {@link #bytes()}, and reads and writes the same tensor layouts, which each
 * spec's Javadoc fixes.
 */
public sealed interface OpSpec permits QuantizeSpec, MoeGemmSpec, AttentionSpec, IndexerSpec, CacheWriteSpec {

    /** The operator family: {@code quantize}, {@code moe-gemm}, {@code attention}, {@code indexer} or
     *  {@code cache-write}. */
    String family();

    /** A short label of the variant and its key dimensions, for logs and tables. */
    String describe();

    /** Floating-point (or integer multiply-add) operations, counted by the formula in the spec's Javadoc. */
    long flops();

    /** Bytes that must move to and from device memory at least once, by the formula in the spec's Javadoc. */
    long bytes();

    /** The tensors read, in binding order. */
    List<TensorSpec> inputs();

    /** The tensors written, in binding order after the inputs. */
    List<TensorSpec> outputs();

    /** Inputs then outputs: the order {@link dev.dayzero.hal.PreparedOp#bind} takes. */
    default List<TensorSpec> operands() {
        List<TensorSpec> all = new ArrayList<>(inputs());
        all.addAll(outputs());
        return List.copyOf(all);
    }

    /** FLOP per byte. */
    default double arithmeticIntensity() {
        return bytes() == 0 ? 0 : (double) flops() / bytes();
    }
}
