package dev.dayzero.tck.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp8;
import dev.dayzero.hal.Ue8m0;
import dev.dayzero.hal.op.GemmSpec;
import dev.dayzero.hal.op.GemmSpec.Type;
import dev.dayzero.tck.data.HostTensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class GemmOracleTest {

    @Test
    void batchEntriesUseTheirOwnWeights() {
        // B = 2, M = 2, N = 2, K = 2; W_0 = diag(1, 10), W_1 = [[0, 1], [1, 0]] (a swap)
        GemmSpec spec = GemmSpec.batched(Type.BF16, 2, 2, 2, 2);
        List<HostTensor> in = TestTensors.allocate(spec.inputs());
        TestTensors.fill(in.get(0), 1, 2, 3, 4, 5, 6, 7, 8);
        TestTensors.fill(in.get(1), 1, 0, 0, 10, 0, 1, 1, 0);
        double[][] out = Oracle.gemm(spec, in, new int[] {3, 0, 2, 1});
        assertArrayEquals(new double[] {8, 7}, out[0]); // entry 1, row 1: swapped
        assertArrayEquals(new double[] {1, 20}, out[1]);
        assertArrayEquals(new double[] {6, 5}, out[2]);
        assertArrayEquals(new double[] {3, 40}, out[3]);
        assertThrows(IllegalArgumentException.class, () -> Oracle.gemm(spec, in, new int[] {4}));
    }

    @Test
    void fp8AppliesGroupAndBlockScalesF32AndUe8m0() {
        for (DType scaleType : List.of(DType.F32, DType.UE8M0)) {
            // M = 1, N = 129 (two weight-row blocks), K = 256 (two groups)
            GemmSpec spec = GemmSpec.fp8Block(scaleType, 1, 1, 129, 256);
            List<HostTensor> in = TestTensors.allocate(spec.inputs());
            HostTensor x = in.get(0);
            HostTensor w = in.get(2);
            for (int k = 0; k < 256; k++) {
                x.setByte(k, Fp8.encode(DType.F8_E4M3FN, 1f)); // x = 1 everywhere
            }
            for (int n = 0; n < 129; n++) {
                for (int k = 0; k < 256; k++) {
                    w.setByte((long) n * 256 + k, Fp8.encode(DType.F8_E4M3FN, 0.5f));
                }
            }
            // x scales per group: 2, 4; w scales per block [nb][kb]: {1, 8}, {16, 1}
            float[] xs = {2, 4};
            float[] ws = {1, 8, 16, 1};
            for (int i = 0; i < 2; i++) {
                set(in.get(1), i, xs[i], scaleType);
            }
            for (int i = 0; i < 4; i++) {
                set(in.get(3), i, ws[i], scaleType);
            }
            double[][] out = Oracle.gemm(spec, in, new int[] {0});
            // n < 128: 128 * 0.5 * (2 * 1 + 4 * 8) = 2176; n = 128 (second block row): 64 * (2 * 16 + 4 * 1) = 2304
            assertEquals(2176, out[0][0], 0, scaleType.toString());
            assertEquals(2176, out[0][127], 0, scaleType.toString());
            assertEquals(2304, out[0][128], 0, scaleType.toString());
        }
    }

    @Test
    void int8IsExactThenScaledPerRowAndChannel() {
        GemmSpec spec = GemmSpec.batched(Type.INT8_W8A8, 2, 1, 2, 3);
        List<HostTensor> in = TestTensors.allocate(spec.inputs());
        byte[] x = {1, 2, 3, -1, -2, -3};
        byte[] w = {1, 1, 1, 2, 0, 0, 127, 127, 127, -127, 0, 0};
        for (int i = 0; i < x.length; i++) {
            in.get(0).setByte(i, x[i]);
        }
        for (int i = 0; i < w.length; i++) {
            in.get(2).setByte(i, w[i]);
        }
        TestTensors.fill(in.get(1), 0.5f, 2f);
        TestTensors.fill(in.get(3), 1f, 3f, 0.25f, 1f);
        double[][] out = Oracle.gemm(spec, in, new int[] {0, 1});
        assertArrayEquals(new double[] {6 * 0.5, 2 * 0.5 * 3}, out[0]);
        assertArrayEquals(new double[] {-762 * 2 * 0.25, 127 * 2 * 1}, out[1]);
    }

    private static void set(HostTensor t, int i, float v, DType scaleType) {
        if (scaleType == DType.UE8M0) {
            t.setByte(i, Ue8m0.encode(v));
        } else {
            t.setFloat(i, v);
        }
    }
}
