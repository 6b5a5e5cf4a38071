package dev.dayzero.backend.cpu.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.backend.cpu.CpuConfig;
import dev.dayzero.backend.cpu.internal.simd.Simd;
import dev.dayzero.backend.cpu.internal.simd.Simds;
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
import org.junit.jupiter.params.provider.ValueSource;

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
            // five to eight rows (the 8x2 register tile, rows padded to eight), an odd N (a row paired with itself)
            specs.add(MoeGemmSpec.contiguous(t, 37, K, List.of(8, 5, 7, 6)));
            // one row per expert (the batch-1 tiles, four weight rows a pass) with two rows left over
            specs.add(MoeGemmSpec.contiguous(t, 38, K, List.of(1, 0, 1)));
            // work items of both sizes (96 rows for the 20-row expert, 128 for the few-rows ones) and short last items
            specs.add(MoeGemmSpec.contiguous(t, 300, 256, List.of(8, 1, 20, 3)));
        }
        // INT8 depth past 1024 products a lane on either path (vector: 16 lanes x 1024): partial sums emptied
        specs.add(MoeGemmSpec.contiguous(Type.INT8_W8A8, 5, 17408, List.of(8, 6)));
        specs.add(MoeGemmSpec.contiguous(Type.FP8_BLOCK, 3, 2048, List.of(8, 1)));
        return Stream.of(true, false).flatMap(v -> specs.stream().map(s -> Arguments.of(v, s)));
    }

    @ParameterizedTest(name = "vector={0} {1}")
    @MethodSource("cases")
    void matchesLoops(boolean vector, MoeGemmSpec spec) {
        runAndCheck(vector, spec, ws -> { });
    }

    /**
     * FP8 weight scales too large to fold into X ({@code |x · s| ≥ 2^7} in the second 128-row block): the batch-1
     * expert and the eight-row expert take the tiles with the scales on the weights there, the eight-row one after
     * the first block's prescaled tiles already ran in the same column range (96..191), whose sums must be cleared.
     */
    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void scalesThatCannotBeFoldedIntoXKeepThemOnTheWeights(boolean vector) {
        MoeGemmSpec spec = MoeGemmSpec.contiguous(Type.FP8_BLOCK, 256, 256, List.of(8, 1));
        runAndCheck(vector, spec, ws -> {
            for (int e = 0; e < 2; e++) {
                for (int kb = 0; kb < 2; kb++) {
                    ws[(e * 2 + 1) * 2 + kb] = 300f + kb; // n-block 1 of expert e
                }
            }
        });
    }

    /**
     * One prepared op launched twice with different activations (the kernel keeps prepared copies of X between
     * items): the second launch's outputs follow the second X, on the batch-1 and the eight-row tiles.
     */
    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void aSecondLaunchUsesItsOwnActivations(boolean vector) {
        MoeGemmSpec spec = MoeGemmSpec.contiguous(Type.FP8_BLOCK, 256, 256, List.of(8, 1));
        int rows = 9;
        Random rnd = new Random(5);
        float[] x = new float[rows * 256];
        float[] xs = new float[rows * 2];
        float[] w = new float[2 * 256 * 256];
        float[] ws = new float[2 * 2 * 2];
        ByteBuffer x1 = operand(rnd, Type.FP8_BLOCK, x);
        ByteBuffer xs1 = scales(rnd, xs);
        List<ByteBuffer> inputs = List.of(x1, xs1, operand(rnd, Type.FP8_BLOCK, w), scales(rnd, ws),
                Host.ints(8, 1));
        ByteBuffer x2 = operand(rnd, Type.FP8_BLOCK, x); // x and xs now hold the second launch's values
        ByteBuffer xs2 = scales(rnd, xs);
        try (CpuDevice d = new CpuDevice(new CpuConfig(2, vector))) {
            List<dev.dayzero.hal.DeviceBuffer> bufs = new ArrayList<>();
            try {
                for (ByteBuffer in : inputs) {
                    dev.dayzero.hal.DeviceBuffer b = d.allocate(in.capacity());
                    b.write(0, in.duplicate().clear());
                    bufs.add(b);
                }
                bufs.add(d.allocate(spec.outputs().get(0).bytes()));
                try (dev.dayzero.hal.PreparedOp op = d.prepare(spec);
                     dev.dayzero.hal.PreparedOp.Launch launch = op.bind(bufs)) {
                    launch.enqueue(d.defaultStream());
                    d.defaultStream().synchronize();
                    bufs.get(0).write(0, x2.duplicate().clear());
                    bufs.get(1).write(0, xs2.duplicate().clear());
                    launch.enqueue(d.defaultStream());
                    d.defaultStream().synchronize();
                }
                ByteBuffer out = Host.bytes(bufs.get(5).size());
                bufs.get(5).read(0, out);
                for (int row = 0; row < rows; row++) {
                    for (int n = 0; n < 256; n++) {
                        check(spec, x, w, xs, ws, row < 8 ? 0 : 1, row, n, Bf16.decode(out.getShort((row * 256 + n) * 2)));
                    }
                }
            } finally {
                bufs.forEach(dev.dayzero.hal.DeviceBuffer::close);
            }
        }
    }

    /**
     * NaN weight codes (E4M3 0x7f / 0xff) make their output columns NaN on every path: eight rows per expert (the
     * 4 × 4 tile's halves, whose decode leaves NaN codes to the kernel, and the 8 × 2 tile for the last pair of an
     * item of 100 - 96 columns), six rows (padded to eight), one row (eight and four weight rows a pass).
     */
    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void nanWeightCodesMakeTheirColumnsNaN(boolean vector) {
        MoeGemmSpec spec = MoeGemmSpec.contiguous(Type.FP8_BLOCK, 102, K, List.of(8, 6, 1));
        int[][] nans = {{0, 5, 200}, {0, 98, 0}, {1, 43, 383}, {2, 17, 130}, {2, 100, 7}}; // expert, column, k
        runAndCheck(vector, spec, ws -> { }, (wb, w) -> {
            for (int[] at : nans) {
                int i = (at[0] * 102 + at[1]) * K + at[2];
                wb.put(i, (byte) (at[2] % 2 == 0 ? 0x7f : 0xff));
                w[i] = Float.NaN;
            }
        });
    }

    /**
     * The FP8 experts of five to eight rows with the 8 × 3 tile (groups of six weight rows) and without it, whatever
     * the default ({@code Simd.tile8x3}): items of 96 columns that straddle 128-row scale blocks (groups of six,
     * then pairs, an odd last column), NaN codes in groups of six, and a block whose scales cannot be folded into X
     * after an earlier block's sextets already ran.
     */
    @ParameterizedTest(name = "tile8x3={0}")
    @ValueSource(booleans = {true, false})
    void fp8EightRowExpertsOnEitherTile(boolean wide) {
        String old = System.getProperty(CpuConfig.TILE8X3_PROPERTY);
        System.setProperty(CpuConfig.TILE8X3_PROPERTY, Boolean.toString(wide));
        try {
            Simd simd = Simds.create(new CpuConfig(1, true));
            assertEquals(wide && simd.registerTiles(), simd.tile8x3()); // narrower vectors: no register tiles at all
            runAndCheck(true, MoeGemmSpec.contiguous(Type.FP8_BLOCK, 301, 256, List.of(8, 6, 5)), ws -> { });
            runAndCheck(true, MoeGemmSpec.contiguous(Type.FP8_BLOCK, 37, K, List.of(8, 5, 7, 6)), ws -> { });
            int[][] nans = {{0, 5, 200}, {0, 98, 0}, {1, 43, 383}, {1, 100, 7}}; // expert, column, k
            runAndCheck(true, MoeGemmSpec.contiguous(Type.FP8_BLOCK, 102, K, List.of(8, 6)), ws -> { }, (wb, w) -> {
                for (int[] at : nans) {
                    int i = (at[0] * 102 + at[1]) * K + at[2];
                    wb.put(i, (byte) (at[2] % 2 == 0 ? 0x7f : 0xff));
                    w[i] = Float.NaN;
                }
            });
            runAndCheck(true, MoeGemmSpec.contiguous(Type.FP8_BLOCK, 256, 256, List.of(8, 1)), ws -> {
                for (int kb = 0; kb < 2; kb++) {
                    ws[2 + kb] = 300f + kb; // n-block 1 of expert 0: refused after block 0's sextets ran for 96..127
                }
            });
        } finally {
            if (old == null) {
                System.clearProperty(CpuConfig.TILE8X3_PROPERTY);
            } else {
                System.setProperty(CpuConfig.TILE8X3_PROPERTY, old);
            }
        }
    }

    private static void runAndCheck(boolean vector, MoeGemmSpec spec, java.util.function.Consumer<float[]> wsTweak) {
        runAndCheck(vector, spec, wsTweak, (wb, w) -> { });
    }

    private static void runAndCheck(boolean vector, MoeGemmSpec spec, java.util.function.Consumer<float[]> wsTweak,
                                    java.util.function.BiConsumer<ByteBuffer, float[]> wTweak) {
        int nOut = spec.n();
        int depth = spec.k();
        Random rnd = new Random(spec.hashCode());
        int rows = Math.toIntExact(spec.storedRows());
        int e = spec.experts();
        float[] x = new float[rows * depth];
        float[] w = new float[e * nOut * depth];
        float[] xs = new float[spec.type() == Type.FP8_BLOCK ? rows * (depth / 128) : rows];
        float[] ws = new float[spec.type() == Type.FP8_BLOCK ? e * ((nOut + 127) / 128) * (depth / 128) : e * nOut];
        List<ByteBuffer> inputs = new ArrayList<>();
        inputs.add(operand(rnd, spec.type(), x));
        if (spec.type() != Type.BF16) {
            inputs.add(scales(rnd, xs));
        }
        ByteBuffer wb = operand(rnd, spec.type(), w);
        wTweak.accept(wb, w);
        inputs.add(wb);
        if (spec.type() != Type.BF16) {
            scales(rnd, ws);
            wsTweak.accept(ws);
            inputs.add(Host.floats(ws));
        }
        inputs.add(Host.ints(spec.rowsPerExpert().stream().mapToInt(Integer::intValue).toArray()));

        try (CpuDevice d = new CpuDevice(new CpuConfig(2, vector))) {
            ByteBuffer out = Host.run(d, spec, inputs, FILL).get(0);
            for (int ex = 0; ex < e; ex++) {
                int first = Math.toIntExact(spec.firstRow(ex));
                int valid = spec.rowsPerExpert().get(ex);
                for (int i = 0; i < valid; i++) {
                    int row = first + i;
                    for (int n = 0; n < nOut; n++) {
                        float got = Bf16.decode(out.getShort((row * nOut + n) * 2));
                        check(spec, x, w, xs, ws, ex, row, n, got);
                    }
                }
                int stored = spec.layout() == MoeGemmSpec.Layout.MASKED ? spec.maxRows() : valid;
                for (int i = valid; i < stored; i++) {
                    for (int b = 0; b < nOut * 2; b++) {
                        assertEquals(FILL, out.get((first + i) * nOut * 2 + b), "masked row " + i + " of expert " + ex);
                    }
                }
            }
        }
    }

    /**
     * INT8 sums past F32's exact range: every product 127 · 127 over K 17408 with eight rows (the 8×2 tile), so the
     * partial sums are emptied into integers on either path (vector: after 16 · 1024) and must each count once. (The
     * low bits an unemptied F32 lane would lose are below the BF16 output's precision: SimdTest checks those.)
     */
    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void int8SumsPastF32sExactRangeStayExact(boolean vector) {
        int k = 17408;
        MoeGemmSpec spec = MoeGemmSpec.contiguous(Type.INT8_W8A8, 2, k, List.of(8));
        ByteBuffer x = Host.bytes(8 * k);
        ByteBuffer w = Host.bytes(2 * k);
        for (int i = 0; i < 8 * k; i++) {
            x.put(i, (byte) 127);
        }
        for (int i = 0; i < 2 * k; i++) {
            w.put(i, (byte) (i < k ? 127 : -127));
        }
        float[] ones = new float[8];
        java.util.Arrays.fill(ones, 1f);
        List<ByteBuffer> inputs = List.of(x, Host.floats(ones), w, Host.floats(new float[] {1f, 1f}),
                Host.ints(new int[] {8}));
        try (CpuDevice d = new CpuDevice(new CpuConfig(2, vector))) {
            ByteBuffer out = Host.run(d, spec, inputs, FILL).get(0);
            float want = Bf16.round((float) (127 * 127 * k)); // 280,774,912: exact in F32 only as an I32 sum
            for (int row = 0; row < 8; row++) {
                assertEquals(want, Bf16.decode(out.getShort(row * 4)), "row " + row);
                assertEquals(-want, Bf16.decode(out.getShort(row * 4 + 2)), "row " + row);
            }
        }
    }

    private static void check(MoeGemmSpec spec, float[] x, float[] w, float[] xs, float[] ws, int ex, int row, int n,
                              float got) {
        int nOut = spec.n();
        int depth = spec.k();
        int kb = depth / 128;
        if (spec.type() == Type.INT8_W8A8) {
            int acc = 0;
            for (int k = 0; k < depth; k++) {
                acc += (int) x[row * depth + k] * (int) w[(ex * nOut + n) * depth + k];
            }
            float expected = Bf16.round((float) acc * xs[row] * ws[ex * nOut + n]);
            assertEquals(expected, got, "row " + row + " col " + n);
            return;
        }
        double ref = 0;
        double mag = 0;
        for (int k = 0; k < depth; k++) {
            double a = x[row * depth + k];
            double b = w[(ex * nOut + n) * depth + k];
            if (spec.type() == Type.FP8_BLOCK) {
                a *= xs[row * kb + k / 128];
                b *= ws[(ex * ((nOut + 127) / 128) + n / 128) * kb + k / 128];
            }
            ref += a * b;
            mag += Math.abs(a * b);
        }
        if (Double.isNaN(ref)) {
            assertTrue(Float.isNaN(got), "row " + row + " col " + n + ": got " + got + ", expected NaN");
            return;
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
