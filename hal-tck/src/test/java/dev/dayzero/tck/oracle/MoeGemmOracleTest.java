package dev.dayzero.tck.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp8;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.MoeGemmSpec.Type;
import dev.dayzero.tck.data.HostTensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MoeGemmOracleTest {

    /** Zeroed inputs with rows_per_expert (always last) filled from the spec. */
    private static List<HostTensor> inputs(MoeGemmSpec spec) {
        List<HostTensor> in = TestTensors.allocate(spec.inputs());
        HostTensor counts = in.get(in.size() - 1);
        for (int e = 0; e < spec.experts(); e++) {
            counts.setInt(e, spec.rowsPerExpert().get(e));
        }
        return in;
    }

    @Test
    void contiguousRowsPickTheirExpertByPrefixSums() {
        // experts own rows {0}, {1, 2}, {3}; W_e = diag(e + 1, 10 (e + 1))
        MoeGemmSpec spec = MoeGemmSpec.contiguous(Type.BF16, 2, 2, List.of(1, 2, 1));
        List<HostTensor> in = inputs(spec);
        TestTensors.fill(in.get(0), 1, 2, 3, 4, 5, 6, 7, 8);
        TestTensors.fill(in.get(1), 1, 0, 0, 10, 2, 0, 0, 20, 3, 0, 0, 30);
        double[][] out = Oracle.moeGemm(spec, in, new int[] {2, 0, 3, 1});
        assertArrayEquals(new double[] {10, 120}, out[0]); // row 2 -> expert 1
        assertArrayEquals(new double[] {1, 20}, out[1]); // row 0 -> expert 0
        assertArrayEquals(new double[] {21, 240}, out[2]); // row 3 -> expert 2
        assertArrayEquals(new double[] {6, 80}, out[3]); // row 1 -> expert 1
    }

    @Test
    void expertOfSkipsExpertsWithNoRows() {
        MoeGemmSpec contiguous = MoeGemmSpec.contiguous(Type.BF16, 1, 1, List.of(2, 0, 0, 1));
        assertEquals(0, MoeGemmOracle.expertOf(contiguous, 1));
        assertEquals(3, MoeGemmOracle.expertOf(contiguous, 2));
        MoeGemmSpec masked = MoeGemmSpec.masked(Type.BF16, 1, 1, 4, List.of(1, 0, 3));
        assertEquals(0, MoeGemmOracle.expertOf(masked, 0));
        assertEquals(2, MoeGemmOracle.expertOf(masked, 10));
        assertThrows(IllegalArgumentException.class, () -> MoeGemmOracle.expertOf(masked, 4));
        assertThrows(IllegalArgumentException.class, () -> MoeGemmOracle.expertOf(masked, 11));
    }

    @Test
    void maskedComputesOnlyValidRowsOfEachSlot() {
        // slots of 3 rows: expert 0 has 1 valid row (stored row 0), expert 1 has 2 (stored rows 3 and 4)
        MoeGemmSpec spec = MoeGemmSpec.masked(Type.BF16, 1, 3, 3, List.of(1, 2));
        List<HostTensor> in = inputs(spec);
        HostTensor x = in.get(0);
        for (int i = 0; i < 18; i++) {
            x.setFloat(i, Float.NaN); // invalid rows must never be read
        }
        TestTensors.fill(x, 2, 3, 4);
        for (int i = 0; i < 3; i++) {
            x.setFloat(9 + i, new float[] {1, 2, 3}[i]);
            x.setFloat(12 + i, new float[] {0.5f, 0.25f, 4}[i]);
        }
        TestTensors.fill(in.get(1), 1, 1, 1, 1, -1, 2);
        double[][] out = Oracle.moeGemm(spec, in, new int[] {3, 0, 4});
        assertArrayEquals(new double[] {5}, out[0]); // 1 - 2 + 6
        assertArrayEquals(new double[] {9}, out[1]); // 2 + 3 + 4
        assertArrayEquals(new double[] {8.25}, out[2]); // 0.5 - 0.25 + 8
        for (int invalid : new int[] {1, 2, 5}) {
            assertThrows(IllegalArgumentException.class, () -> Oracle.moeGemm(spec, in, new int[] {invalid}));
        }
    }

    @Test
    void fp8AppliesActivationGroupAndWeightBlockScales() {
        MoeGemmSpec spec = MoeGemmSpec.contiguous(Type.FP8_BLOCK, 1, 256, List.of(1));
        List<HostTensor> in = inputs(spec); // x, x_scale, w, w_scale, rows_per_expert
        for (int k = 0; k < 256; k++) {
            in.get(0).setFloat(k, 1f);
            in.get(2).setFloat(k, 1.5f);
        }
        TestTensors.fill(in.get(1), 2f, 0.5f);
        TestTensors.fill(in.get(3), 0.25f, 4f);
        double[][] out = Oracle.moeGemm(spec, in, new int[] {0});
        assertArrayEquals(new double[] {128 * (2 * 1.5 * 0.25) + 128 * (0.5 * 1.5 * 4)}, out[0]); // 96 + 384
    }

    @Test
    void fp8EqualsBf16ProductOfTheDequantizedOperands() {
        Random random = new Random(3);
        for (boolean masked : new boolean[] {false, true}) {
            List<Integer> counts = List.of(3, 2);
            int n = 130; // two weight-scale blocks along N, the second partial
            int k = 256;
            MoeGemmSpec fp8 = masked ? MoeGemmSpec.masked(Type.FP8_BLOCK, n, k, 4, counts)
                    : MoeGemmSpec.contiguous(Type.FP8_BLOCK, n, k, counts);
            MoeGemmSpec bf16 = fp8.withType(Type.BF16);
            List<HostTensor> q = inputs(fp8);
            List<HostTensor> d = inputs(bf16);
            int rows = (int) fp8.storedRows();
            float[] xScale = new float[rows * 2];
            for (int i = 0; i < xScale.length; i++) {
                xScale[i] = (float) Math.scalb(1.0, random.nextInt(7) - 3);
                q.get(1).setFloat(i, xScale[i]);
            }
            float[] wScale = new float[2 * 2 * 2]; // [E, ceil(N/128), K/128]
            for (int i = 0; i < wScale.length; i++) {
                wScale[i] = (float) Math.scalb(1.0, random.nextInt(7) - 3);
                q.get(3).setFloat(i, wScale[i]);
            }
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < k; c++) {
                    byte code = finiteCode(random);
                    q.get(0).setByte(r * k + c, code);
                    d.get(0).setFloat(r * k + c, Fp8.decode(DType.F8_E4M3FN, code) * xScale[r * 2 + c / 128]);
                }
            }
            for (int e = 0; e < 2; e++) {
                for (int o = 0; o < n; o++) {
                    for (int c = 0; c < k; c++) {
                        byte code = finiteCode(random);
                        int i = (e * n + o) * k + c;
                        q.get(2).setByte(i, code);
                        float value = Fp8.decode(DType.F8_E4M3FN, code) * wScale[(e * 2 + o / 128) * 2 + c / 128];
                        d.get(1).setFloat(i, value);
                        assertEquals(value, d.get(1).getFloat(i), "dequantized weight is exact in BF16");
                    }
                }
            }
            int[] picked = masked ? new int[] {5, 0, 2, 4} : new int[] {3, 1, 4, 0};
            double[][] fromFp8 = Oracle.moeGemm(fp8, q, picked);
            double[][] fromBf16 = Oracle.moeGemm(bf16, d, picked);
            for (int p = 0; p < picked.length; p++) {
                assertArrayEquals(fromBf16[p], fromFp8[p], 1e-12 * norm(fromBf16[p]), "row " + picked[p]);
            }
        }
    }

    @Test
    void int8IsExactIntegerAccumulationTimesBothScales() {
        MoeGemmSpec spec = MoeGemmSpec.contiguous(Type.INT8_W8A8, 2, 3, List.of(0, 1));
        List<HostTensor> in = inputs(spec); // x, x_scale [T], w, w_scale [E, N], rows_per_expert
        byte[] x = {1, -2, 127};
        for (int i = 0; i < 3; i++) {
            in.get(0).setByte(i, x[i]);
        }
        in.get(1).setFloat(0, 0.5f);
        byte[] w1 = {3, 4, -1, -127, -127, -127}; // expert 1, rows n = 0 and 1
        for (int i = 0; i < 6; i++) {
            in.get(2).setByte(6 + i, w1[i]);
            in.get(2).setByte(i, (byte) 99); // expert 0: must not be used
        }
        TestTensors.fill(in.get(3), 7f, 7f, 0.25f, 3f);
        double[][] out = Oracle.moeGemm(spec, in, new int[] {0});
        assertArrayEquals(new double[] {-132 * 0.5 * 0.25, -16002 * 0.5 * 3}, out[0]);
        assertArrayEquals(new double[] {-16.5, -24003}, out[0]);
    }

    @Test
    void int8AccumulatesDeepSeekWidthWithoutRounding() {
        int k = 7168;
        MoeGemmSpec spec = MoeGemmSpec.masked(Type.INT8_W8A8, 1, k, 1, List.of(1));
        List<HostTensor> in = inputs(spec);
        for (int i = 0; i < k; i++) {
            in.get(0).setByte(i, (byte) 127);
            in.get(2).setByte(i, (byte) (i == 0 ? 1 : -127));
        }
        float sx = 1f / 3f;
        in.get(1).setFloat(0, sx);
        in.get(3).setFloat(0, 1.5f);
        long acc = 127L - 16129L * (k - 1);
        assertArrayEquals(new double[] {acc * (double) sx * 1.5}, Oracle.moeGemm(spec, in, new int[] {0})[0]);
    }

    @Test
    void rejectsMismatchedCountsRowsAndShapes() {
        MoeGemmSpec spec = MoeGemmSpec.contiguous(Type.BF16, 2, 2, List.of(1, 2));
        List<HostTensor> in = inputs(spec);
        assertThrows(IllegalArgumentException.class, () -> Oracle.moeGemm(spec, in, new int[] {3}));
        assertThrows(IllegalArgumentException.class, () -> Oracle.moeGemm(spec, in, new int[] {-1}));
        in.get(2).setInt(1, 1); // rows_per_expert disagrees with the spec
        assertThrows(IllegalArgumentException.class, () -> Oracle.moeGemm(spec, in, new int[] {0}));
        assertThrows(IllegalArgumentException.class,
                () -> Oracle.moeGemm(spec, inputs(spec.withType(Type.INT8_W8A8)), new int[] {0}));
    }

    private static byte finiteCode(Random random) {
        while (true) {
            byte code = (byte) random.nextInt(256);
            if ((code & 0x7f) != 0x7f) {
                return code;
            }
        }
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s) + 1e-300;
    }
}
