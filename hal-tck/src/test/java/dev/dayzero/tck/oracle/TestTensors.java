package dev.dayzero.tck.oracle;

import dev.dayzero.hal.Bf16;
import dev.dayzero.hal.op.TensorSpec;
import dev.dayzero.tck.data.HostTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small helpers to build host tensors by hand in the oracle's tests. */
final class TestTensors {
    private TestTensors() {
    }

    /** Zero-filled tensors for {@code specs}, in order. */
    static List<HostTensor> allocate(List<TensorSpec> specs) {
        List<HostTensor> out = new ArrayList<>();
        for (TensorSpec s : specs) {
            out.add(HostTensor.allocate(s));
        }
        return out;
    }

    /** Sets elements {@code 0..values.length-1} (encoded by the tensor's dtype). */
    static void fill(HostTensor t, float... values) {
        for (int i = 0; i < values.length; i++) {
            t.setFloat(i, values[i]);
        }
    }

    /** Sets I32 elements {@code 0..values.length-1}. */
    static void fillInts(HostTensor t, int... values) {
        for (int i = 0; i < values.length; i++) {
            t.setInt(i, values[i]);
        }
    }

    /** Fills every element with a seeded Gaussian value (rounded to the dtype by the setter). */
    static void randomize(HostTensor t, Random random) {
        for (long i = 0; i < t.elements(); i++) {
            t.setFloat(i, (float) random.nextGaussian());
        }
    }

    /** A seeded Gaussian rounded to BF16, as F32. */
    static float bf16(Random random) {
        return Bf16.round((float) random.nextGaussian());
    }
}
