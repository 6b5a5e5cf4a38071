package dev.dayzero.tck.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp8;
import dev.dayzero.hal.op.QuantizeSpec;
import dev.dayzero.hal.op.TensorSpec;
import dev.dayzero.tck.data.HostTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QuantizeOracleTest {

    private static HostTensor input(QuantizeSpec spec, float... values) {
        HostTensor x = HostTensor.allocate(spec.inputs().get(0));
        TestTensors.fill(x, values);
        return x;
    }

    @Test
    void perBlockScaleIsAmaxOver448OfEachPartialBlock() {
        // 3x5 in 2x2 blocks: scale tensor 2x3, the last block row and column partial
        QuantizeSpec spec = new QuantizeSpec(3, 5, DType.F32, DType.F8_E4M3FN, QuantizeSpec.perBlock(2, 2), DType.F32);
        float[] x = new float[15];
        for (int i = 0; i < 15; i++) {
            x[i] = (i + 1) * (i % 2 == 0 ? 1 : -1);
        }
        // row0: 1 -2 3 -4 5 / row1: -6 7 -8 9 -10 / row2: 11 -12 13 -14 15
        QuantizeReference ref = Oracle.quantize(spec, input(spec, x));
        float[] amax = {7, 9, 10, 12, 14, 15};
        float[] expected = new float[6];
        for (int i = 0; i < 6; i++) {
            expected[i] = amax[i] / 448f;
        }
        assertArrayEquals(expected, ref.scales());
        ByteBuffer stored = ByteBuffer.wrap(ref.scaleBytes()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(24, ref.scaleBytes().length);
        for (int i = 0; i < 6; i++) {
            assertEquals(expected[i], stored.getFloat(4 * i), "stored scale " + i);
        }
        // block 0 has scale 7/448 = 1/64: 1 -> 64 (0x68), 7 -> 448 (0x7e), -6 -> -384 (0xfc)
        assertEquals((byte) 0x68, ref.codes()[0]);
        assertEquals((byte) 0x7e, ref.codes()[6]);
        assertEquals((byte) 0xfc, ref.codes()[5]);
        // each block's largest magnitude lands on +-448
        assertEquals((byte) 0xfe, ref.codes()[11]); // -12 in block (1, 0)
        assertEquals((byte) 0x7e, ref.codes()[14]); // 15 is block (1, 2) by itself
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 5; c++) {
                int i = r * 5 + c;
                float scale = expected[(r / 2) * 3 + c / 2];
                assertEquals(x[i] / scale, ref.quotients()[i], "quotient " + i);
                assertEquals(Fp8.encode(DType.F8_E4M3FN, x[i] / scale), ref.codes()[i], "code " + i);
            }
        }
    }

    @Test
    void unitsBelowTheFloorGetScaleFloorOverFmax() {
        QuantizeSpec spec = new QuantizeSpec(3, 3, DType.F32, DType.F8_E4M3FN, QuantizeSpec.perToken(), DType.F32);
        QuantizeReference ref = Oracle.quantize(spec, input(spec, 0, 0, 0, 0.5f, -1f, 0, 5e-5f, 0, 0));
        assertEquals(1e-4f / 448f, ref.scales()[0]);
        assertEquals(1f / 448f, ref.scales()[1]);
        assertEquals(1e-4f / 448f, ref.scales()[2]);
        assertArrayEquals(new byte[] {0, 0, 0}, java.util.Arrays.copyOfRange(ref.codes(), 0, 3));
        assertEquals((byte) 0x76, ref.codes()[6]); // 5e-5 / (1e-4/448) = 224 = 1.75 * 2^7
        assertEquals((byte) 0xfe, ref.codes()[4]); // -1 is the amax of row 1: -448
    }

    @Test
    void ue8m0ScaleIsTheNextPowerOfTwoStoredAsBiasedExponent() {
        QuantizeSpec spec = new QuantizeSpec(1, 8, DType.F32, DType.F8_E4M3FN, QuantizeSpec.perGroup(2), DType.UE8M0);
        QuantizeReference ref = Oracle.quantize(spec, input(spec, 1344, 1, 896, -1, 84, 0, 0, 0));
        // 1344/448 = 3 -> 4 = 2^2; 896/448 = 2 exactly -> 2; 84/448 = 0.1875 -> 0.25; floor 1e-4/448 -> 2^-22
        assertArrayEquals(new float[] {4f, 2f, 0.25f, 0x1p-22f}, ref.scales());
        assertArrayEquals(new byte[] {(byte) 129, (byte) 128, (byte) 125, (byte) 105}, ref.scaleBytes());
        // 1344/4 = 336 = 1.3125 * 2^8, a tie between 1.25 and 1.375: even mantissa 010 -> 320 (0x7a)
        assertEquals((byte) 0x7a, ref.codes()[0]);
        assertEquals((byte) 0x28, ref.codes()[1]); // 1/4 = 2^-2
        assertEquals((byte) 0x7e, ref.codes()[2]); // 896/2 = 448
        assertEquals((byte) 0xb0, ref.codes()[3]); // -1/2
        assertEquals((byte) 0x7a, ref.codes()[4]); // 84/0.25 = 336 again
        for (int g = 0; g < 4; g++) {
            float amax = new float[] {1344, 896, 84, 0}[g];
            assertEquals(spec.scaleFor(amax), ref.scales()[g], "QuantizeSpec.scaleFor agrees for group " + g);
        }
    }

    @Test
    void int8PerTokenRoundsHalfToEvenAndClampsTo127() {
        QuantizeSpec spec = new QuantizeSpec(2, 6, DType.BF16, DType.I8, QuantizeSpec.perToken(), DType.F32);
        QuantizeReference ref = Oracle.quantize(spec,
                input(spec, 127, 2.5f, 3.5f, -2.5f, -0.5f, 0.75f, -254, 127, 1, 3, 5, 0));
        assertArrayEquals(new float[] {1f, 2f}, ref.scales());
        assertArrayEquals(new byte[] {127, 2, 4, -2, 0, 1, -127, 64, 0, 2, 2, 0}, ref.codes());
        assertEquals(63.5f, ref.quotients()[7]);
        assertEquals(2.5f, ref.quotients()[1]);
    }

    @Test
    void e5m2CodesRoundToNearestEven() {
        QuantizeSpec spec = new QuantizeSpec(1, 6, DType.F32, DType.F8_E5M2, QuantizeSpec.perTensor(), DType.F32);
        QuantizeReference ref = Oracle.quantize(spec, input(spec, 57344, 3, 1.125f, 1.375f, -1.75f, 0x1p-16f));
        assertArrayEquals(new float[] {1f}, ref.scales());
        // 57344 = 1.75*2^15 -> 0 11110 11; 3 -> 0 10000 10; 1.125 tie -> 1.0; 1.375 tie -> 1.5; 2^-16 smallest subnormal
        assertArrayEquals(new byte[] {0x7b, 0x42, 0x3c, 0x3e, (byte) 0xbf, 0x01}, ref.codes());
    }

    @Test
    void e4m3TiesAndSubnormals() {
        QuantizeSpec spec = new QuantizeSpec(1, 7, DType.F32, DType.F8_E4M3FN, QuantizeSpec.perTensor(), DType.F32);
        QuantizeReference ref = Oracle.quantize(spec,
                input(spec, 448, 1.0625f, 1.1875f, 0x1p-9f, -2, 0x1.8p-9f, 0x1p-10f));
        // 1.0625: tie 1.0/1.125 -> 1.0 (0x38); 1.1875: tie 1.125/1.25 -> 1.25 (0x3a); 2^-9 -> 0x01;
        // 1.5 * 2^-9: tie between subnormal codes 1 and 2 -> 2; 2^-10: tie between 0 and 1 -> 0
        assertArrayEquals(new byte[] {0x7e, 0x38, 0x3a, 0x01, (byte) 0xc0, 0x02, 0x00}, ref.codes());
    }

    @Test
    void perTensorUsesOneScaleAndF32Quotients() {
        QuantizeSpec spec = new QuantizeSpec(2, 2, DType.BF16, DType.F8_E4M3FN, QuantizeSpec.perTensor(), DType.F32);
        QuantizeReference ref = Oracle.quantize(spec, input(spec, 0.3f, -3f, 1f, 2f));
        float scale = 3f / 448f;
        assertArrayEquals(new float[] {scale}, ref.scales());
        float x0 = dev.dayzero.hal.Bf16.round(0.3f);
        assertArrayEquals(new float[] {x0 / scale, -3f / scale, 1f / scale, 2f / scale}, ref.quotients());
        assertEquals((byte) 0xfe, ref.codes()[1]);
    }

    @Test
    void agreesWithQuantizeSpecRecipeOnRandomData() {
        Random random = new Random(7);
        List<QuantizeSpec.Granularity> granularities = List.of(QuantizeSpec.perTensor(), QuantizeSpec.perToken(),
                QuantizeSpec.perGroup(4), QuantizeSpec.perBlock(3, 5));
        int cases = 0;
        for (DType format : List.of(DType.F8_E4M3FN, DType.F8_E5M2, DType.I8)) {
            for (DType scaleType : List.of(DType.F32, DType.UE8M0)) {
                for (QuantizeSpec.Granularity g : granularities) {
                    QuantizeSpec spec = new QuantizeSpec(7, 11, DType.BF16, format, g, scaleType);
                    HostTensor x = HostTensor.allocate(spec.inputs().get(0));
                    for (int i = 0; i < 77; i++) {
                        x.setFloat(i, (float) (random.nextGaussian() * Math.pow(10, random.nextInt(5) - 2)));
                    }
                    QuantizeReference ref = Oracle.quantize(spec, x);
                    assertEquals(spec.scaleRows() * spec.scaleCols(), ref.scales().length, spec.describe());
                    for (int r = 0; r < 7; r++) {
                        for (int c = 0; c < 11; c++) {
                            int i = r * 11 + c;
                            float scale = ref.scales()[(r / spec.blockRows()) * spec.scaleCols() + c / spec.blockCols()];
                            assertEquals(spec.encode(x.getFloat(i), scale), ref.codes()[i], spec.describe() + " @" + i);
                        }
                    }
                    for (int u = 0; u < ref.scales().length; u++) {
                        int br = u / spec.scaleCols();
                        int bc = u % spec.scaleCols();
                        float amax = 0;
                        for (int r = br * spec.blockRows(); r < Math.min(7, (br + 1) * spec.blockRows()); r++) {
                            for (int c = bc * spec.blockCols(); c < Math.min(11, (bc + 1) * spec.blockCols()); c++) {
                                amax = Math.max(amax, Math.abs(x.getFloat(r * 11 + c)));
                            }
                        }
                        assertEquals(spec.scaleFor(amax), ref.scales()[u], spec.describe() + " scale " + u);
                        if (scaleType == DType.UE8M0) {
                            assertEquals(dev.dayzero.hal.Ue8m0.encode(ref.scales()[u]), ref.scaleBytes()[u]);
                        }
                    }
                    cases++;
                }
            }
        }
        assertEquals(24, cases);
    }

    @Test
    void rejectsAnInputOfTheWrongShapeOrType() {
        QuantizeSpec spec = new QuantizeSpec(2, 4, DType.BF16, DType.F8_E4M3FN, QuantizeSpec.perToken(), DType.F32);
        assertThrows(IllegalArgumentException.class,
                () -> Oracle.quantize(spec, HostTensor.allocate(TensorSpec.of("x", DType.F32, 2, 4))));
        assertThrows(IllegalArgumentException.class,
                () -> Oracle.quantize(spec, HostTensor.allocate(TensorSpec.of("x", DType.BF16, 4, 2))));
    }

    /**
     * Checks hal-api's FP8 codec (which the oracle encodes with) against a brute-force search for the
     * nearest finite value, ties to the even code, over every midpoint between neighbouring codes and a
     * sweep of other values.
     */
    @Test
    void fp8EncodeIsTheNearestCodeTiesToEven() {
        Random random = new Random(11);
        for (DType format : List.of(DType.F8_E4M3FN, DType.F8_E5M2)) {
            float[] table = Fp8.decodeTable(format);
            float max = Fp8.max(format);
            int checked = 0;
            for (int code = 0; code < 127; code++) {
                float a = table[code];
                float b = table[code + 1];
                if (!(b <= max)) {
                    break;
                }
                for (float v : new float[] {a, b, (a + b) / 2, Math.nextUp((a + b) / 2), Math.nextDown((a + b) / 2)}) {
                    assertEquals(bruteForce(table, max, v), Fp8.encode(format, v), format + " " + v);
                    assertEquals(bruteForce(table, max, -v), Fp8.encode(format, -v), format + " " + -v);
                    checked++;
                }
            }
            for (int i = 0; i < 2000; i++) {
                float v = (float) (random.nextGaussian() * Math.pow(2, random.nextInt(40) - 20));
                assertEquals(bruteForce(table, max, v), Fp8.encode(format, v), format + " " + v);
            }
            assertEquals(bruteForce(table, max, 1e30f), Fp8.encode(format, Float.POSITIVE_INFINITY));
            assertEquals(format == DType.F8_E4M3FN ? 126 : 123, checked / 5); // neighbour pairs below the max
        }
    }

    private static byte bruteForce(float[] table, float max, float v) {
        float clamped = Math.max(-max, Math.min(max, v));
        int best = -1;
        double bestDist = Double.POSITIVE_INFINITY;
        for (int code = 0; code < 256; code++) {
            float value = table[code];
            if (!Float.isFinite(value) || Math.abs(value) > max) {
                continue;
            }
            if (value == 0 && (code & 0x80) != (Float.floatToRawIntBits(clamped) >>> 24 & 0x80)) {
                continue; // the zero of the right sign
            }
            double dist = Math.abs((double) value - clamped);
            if (dist < bestDist || (dist == bestDist && (code & 1) == 0)) {
                best = code;
                bestDist = dist;
            }
        }
        return (byte) best;
    }
}
