package dev.dayzero.backend.cpu.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.backend.cpu.CpuConfig;
import dev.dayzero.hal.Bf16;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp8;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.MoeGemmSpec.Type;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * MoE grouped GEMM against F64 loops (INT8 bit for bit, its I32 accumulation being exact), with edge
 * tiles in N, M and K, and masked rows past each expert's count left untouched.
 */
class MoeGemmKernelTest {
    private static final byte FILL = 0x5A;
    private static final int N = 100;
    private static final int K = 384;

    static Stream<Arguments> cases() {
        List<MoeGemmSpec> specs = new ArrayList<>();
        for (Type t : List.of(Type.BF16, Type.FP8_BLOCK, Type.INT8_W8A8)) { // MXFP4 / UE8M0: CpuMxMoeConformanceTest
            specs.add(MoeGemmSpec.contiguous(t, N, K, List.of(3, 0, 17, 40)));
            specs.add(MoeGemmSpec.masked(t, N, K, 20, List.of(5, 20, 0, 1)));
        }
        return Stream.of(true, false).flatMap(v -> specs.stream().map(s -> Arguments.of(v, s)));
    }

    @ParameterizedTest(name = "vector={0} {1}")
    @MethodSource("cases")
    void matchesLoops(boolean vector, MoeGemmSpec spec) {
        Random rnd = new Random(spec.hashCode());
        int rows = Math.toIntExact(spec.storedRows());
        int e = spec.experts();
        float[] x = new float[rows * K];
        float[] w = new float[e * N * K];
        float[] xs = new float[spec.type() == Type.FP8_BLOCK ? rows * (K / 128) : rows];
        float[] ws = new float[spec.type() == Type.FP8_BLOCK ? e * ((N + 127) / 128) * (K / 128) : e * N];
        List<ByteBuffer> inputs = new ArrayList<>();
        inputs.add(operand(rnd, spec.type(), x));
        if (spec.type() != Type.BF16) {
            inputs.add(scales(rnd, xs));
        }
        inputs.add(operand(rnd, spec.type(), w));
        if (spec.type() != Type.BF16) {
            inputs.add(scales(rnd, ws));
        }
        inputs.add(Host.ints(spec.rowsPerExpert().stream().mapToInt(Integer::intValue).toArray()));

        try (CpuDevice d = new CpuDevice(new CpuConfig(2, vector))) {
            ByteBuffer out = Host.run(d, spec, inputs, FILL).get(0);
            for (int ex = 0; ex < e; ex++) {
                int first = Math.toIntExact(spec.firstRow(ex));
                int valid = spec.rowsPerExpert().get(ex);
                for (int i = 0; i < valid; i++) {
                    int row = first + i;
                    for (int n = 0; n < N; n++) {
                        float got = Bf16.decode(out.getShort((row * N + n) * 2));
                        check(spec, x, w, xs, ws, ex, row, n, got);
                    }
                }
                int stored = spec.layout() == MoeGemmSpec.Layout.MASKED ? spec.maxRows() : valid;
                for (int i = valid; i < stored; i++) {
                    for (int b = 0; b < N * 2; b++) {
                        assertEquals(FILL, out.get((first + i) * N * 2 + b), "masked row " + i + " of expert " + ex);
                    }
                }
            }
        }
    }

    private static void check(MoeGemmSpec spec, float[] x, float[] w, float[] xs, float[] ws, int ex, int row, int n,
                              float got) {
        int kb = K / 128;
        if (spec.type() == Type.INT8_W8A8) {
            int acc = 0;
            for (int k = 0; k < K; k++) {
                acc += (int) x[row * K + k] * (int) w[(ex * N + n) * K + k];
            }
            float expected = Bf16.round((float) acc * xs[row] * ws[ex * N + n]);
            assertEquals(expected, got, "row " + row + " col " + n);
            return;
        }
        double ref = 0;
        double mag = 0;
        for (int k = 0; k < K; k++) {
            double a = x[row * K + k];
            double b = w[(ex * N + n) * K + k];
            if (spec.type() == Type.FP8_BLOCK) {
                a *= xs[row * kb + k / 128];
                b *= ws[(ex * ((N + 127) / 128) + n / 128) * kb + k / 128];
            }
            ref += a * b;
            mag += Math.abs(a * b);
        }
        double tol = Math.abs(ref) / 128 + mag * 1e-6 + 1e-6;
        assertTrue(Math.abs(got - ref) <= tol, "row " + row + " col " + n + ": got " + got + ", expected " + ref);
    }

    /** Random operand values of {@code type}; {@code values} receives them decoded (without scales). */
    private static ByteBuffer operand(Random rnd, Type type, float[] values) {
        if (type == Type.BF16) {
            return Host.bf16(rnd, values);
        }
        ByteBuffer b = Host.bytes(values.length);
        for (int i = 0; i < values.length; i++) {
            byte code = type == Type.FP8_BLOCK
                    ? Fp8.encode(DType.F8_E4M3FN, (float) rnd.nextGaussian() * 100)
                    : (byte) (rnd.nextInt(255) - 127);
            b.put(i, code);
            values[i] = type == Type.FP8_BLOCK ? Fp8.decode(DType.F8_E4M3FN, code) : code;
        }
        return b;
    }

    private static ByteBuffer scales(Random rnd, float[] values) {
        for (int i = 0; i < values.length; i++) {
            values[i] = 0.001f + rnd.nextFloat() * 0.01f;
        }
        return Host.floats(values);
    }
}
