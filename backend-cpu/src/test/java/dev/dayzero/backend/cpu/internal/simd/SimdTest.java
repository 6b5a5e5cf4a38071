package dev.dayzero.backend.cpu.internal.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dayzero.backend.cpu.CpuConfig;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp8;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The indexer's inner loops on both paths, against scalar code. */
class SimdTest {

    private static Simd simd(boolean vector) {
        return Simds.create(new CpuConfig(1, vector));
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void e4m3DecodesEveryCodeExactlyAtAnyOffsetAndLength(boolean vector) {
        Simd s = simd(vector);
        byte[] codes = new byte[256 + 37];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = (byte) (i * 7 + 3);
        }
        for (int off : new int[] {0, 1, 5}) {
            for (int count : new int[] {256, 255, 17, 3}) {
                float[] dst = new float[count + 2];
                s.e4m3ToF32(codes, off, dst, 2, count);
                for (int i = 0; i < count; i++) {
                    float want = Fp8.decode(DType.F8_E4M3FN, codes[off + i]);
                    assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(dst[2 + i]),
                            "code 0x" + Integer.toHexString(codes[off + i] & 0xff) + ": " + dst[2 + i] + " != " + want);
                }
            }
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void reluDotIgnoresNegativeScores(boolean vector) {
        Simd s = simd(vector);
        Random rnd = new Random(1);
        for (int n : new int[] {1, 7, 32, 64, 67}) {
            float[] w = new float[n + 3];
            float[] x = new float[n + 5];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) rnd.nextGaussian();
            }
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextGaussian();
            }
            double want = 0;
            double mag = 0;
            for (int i = 0; i < n; i++) {
                want += (double) w[3 + i] * Math.max(x[5 + i], 0);
                mag += Math.abs((double) w[3 + i] * x[5 + i]);
            }
            assertEquals(want, s.reluDot(n, w, 3, x, 5), 1e-6 * mag + 1e-30, "n=" + n);
        }
    }
}
