package dev.dayzero.backend.cpu.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dayzero.backend.cpu.CpuConfig;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Ue8m0;
import dev.dayzero.hal.op.QuantizeSpec;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Quantize codes and scales bit for bit against the recipe applied by straightforward loops. */
class QuantizeKernelTest {

    static Stream<Arguments> cases() {
        List<QuantizeSpec> specs = List.of(
                new QuantizeSpec(37, 300, DType.BF16, DType.F8_E4M3FN, QuantizeSpec.perBlock(16, 128), DType.F32),
                new QuantizeSpec(5, 200, DType.F32, DType.F8_E5M2, QuantizeSpec.perTensor(), DType.UE8M0),
                new QuantizeSpec(9, 130, DType.BF16, DType.I8, QuantizeSpec.perToken(), DType.F32),
                new QuantizeSpec(11, 200, DType.F32, DType.F8_E4M3FN, QuantizeSpec.perGroup(64), DType.UE8M0));
        return Stream.of(true, false).flatMap(v -> specs.stream().map(s -> Arguments.of(v, s)));
    }

    @ParameterizedTest(name = "vector={0} {1}")
    @MethodSource("cases")
    void matchesTheRecipe(boolean vector, QuantizeSpec spec) {
        Random rnd = new Random(spec.hashCode());
        int m = spec.m();
        int k = spec.k();
        float[] x = new float[m * k];
        ByteBuffer in;
        if (spec.inputType() == DType.BF16) {
            in = Host.bf16(rnd, x);
        } else {
            in = Host.bytes(4L * m * k);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (rnd.nextGaussian() * Math.exp(rnd.nextGaussian() * 3)); // wide dynamic range
                in.putFloat(i * 4, x[i]);
            }
        }
        x[3] = 0f; // an exact zero
        if (spec.inputType() == DType.BF16) {
            in.putShort(3 * 2, (short) 0);
        } else {
            in.putFloat(3 * 4, 0f);
        }
        try (CpuDevice d = new CpuDevice(new CpuConfig(2, vector))) {
            List<ByteBuffer> out = Host.run(d, spec, List.of(in), (byte) 0x55);
            ByteBuffer q = out.get(0);
            ByteBuffer s = out.get(1);
            int bm = spec.blockRows();
            int bk = spec.blockCols();
            for (int br = 0; br < spec.scaleRows(); br++) {
                for (int bc = 0; bc < spec.scaleCols(); bc++) {
                    float amax = 0;
                    for (int i = br * bm; i < Math.min(m, (br + 1) * bm); i++) {
                        for (int j = bc * bk; j < Math.min(k, (bc + 1) * bk); j++) {
                            amax = Math.max(amax, Math.abs(x[i * k + j]));
                        }
                    }
                    float scale = spec.scaleFor(amax);
                    int si = br * spec.scaleCols() + bc;
                    float got = spec.scaleType() == DType.UE8M0 ? Ue8m0.decode(s.get(si)) : s.getFloat(si * 4);
                    assertEquals(scale, got, "scale " + br + "," + bc);
                    for (int i = br * bm; i < Math.min(m, (br + 1) * bm); i++) {
                        for (int j = bc * bk; j < Math.min(k, (bc + 1) * bk); j++) {
                            assertEquals(spec.encode(x[i * k + j], scale), q.get(i * k + j), "code " + i + "," + j);
                        }
                    }
                }
            }
        }
    }
}
