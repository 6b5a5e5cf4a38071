package dev.dayzero.hal.op;

import dev.dayzero.hal.DType;
import java.util.List;
import java.util.Objects;

/**
 * One operand of an operator: its name, element type and shape. Every tensor is dense and row-major:
 * the last dimension is contiguous.
 */
public record TensorSpec(String name, DType dtype, List<Long> shape) {

    public TensorSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = List.copyOf(shape);
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "' has a negative dimension: " + shape);
            }
        }
    }

    public static TensorSpec of(String name, DType dtype, long... dims) {
        Long[] boxed = new Long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            boxed[i] = dims[i];
        }
        return new TensorSpec(name, dtype, List.of(boxed));
    }

    /** Number of elements. */
    public long elements() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Size in bytes. */
    public long bytes() {
        return dtype.bytes(elements());
    }

    /** Dimension {@code i}; negative counts from the end. */
    public long dim(int i) {
        return shape.get(i < 0 ? shape.size() + i : i);
    }

    @Override
    public String toString() {
        return name + ":" + dtype + shape;
    }
}
