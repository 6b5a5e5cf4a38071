package dev.dayzero.hal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class Fp8Test {

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F8_E4M3FN", "F8_E5M2"})
    void everyFiniteCodeRoundTrips(DType format) {
        int finite = 0;
        for (int c = 0; c < 256; c++) {
            float v = Fp8.decode(format, (byte) c);
            if (Float.isFinite(v)) {
                finite++;
                assertEquals(c, Fp8.encode(format, v) & 0xff, format + " code " + Integer.toHexString(c) + " = " + v);
            }
        }
        // E4M3FN: 2 NaN codes; E5M2: 2 infinities and 6 NaN codes
        assertEquals(format == DType.F8_E4M3FN ? 254 : 248, finite);
    }

    @Test
    void negativeZeroKeepsItsSign() {
        assertEquals((byte) 0x80, Fp8.encode(DType.F8_E4M3FN, -0f));
        assertEquals((byte) 0x80, Fp8.encode(DType.F8_E5M2, -0f));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Fp8.decode(DType.F8_E4M3FN, (byte) 0x80)));
    }

    @Test
    void knownValues() {
        assertEquals(448f, Fp8.decode(DType.F8_E4M3FN, (byte) 0x7e));
        assertEquals(1f, Fp8.decode(DType.F8_E4M3FN, (byte) 0x38));
        assertEquals(0x1p-9f, Fp8.decode(DType.F8_E4M3FN, (byte) 0x01)); // smallest subnormal
        assertEquals(7 * 0x1p-9f, Fp8.decode(DType.F8_E4M3FN, (byte) 0x07)); // largest subnormal
        assertEquals(0x1p-6f, Fp8.decode(DType.F8_E4M3FN, (byte) 0x08)); // smallest normal
        assertEquals(57344f, Fp8.decode(DType.F8_E5M2, (byte) 0x7b));
        assertEquals(1f, Fp8.decode(DType.F8_E5M2, (byte) 0x3c));
        assertEquals(0x1p-16f, Fp8.decode(DType.F8_E5M2, (byte) 0x01));
        assertEquals(-2f, Fp8.decode(DType.F8_E5M2, (byte) 0xc0));
    }

    @Test
    void e5m2InfinitiesDecodeToInfinity() {
        assertEquals(Float.POSITIVE_INFINITY, Fp8.decode(DType.F8_E5M2, (byte) 0x7c));
        assertEquals(Float.NEGATIVE_INFINITY, Fp8.decode(DType.F8_E5M2, (byte) 0xfc));
        for (int c : new int[] {0x7d, 0x7e, 0x7f, 0xfd, 0xfe, 0xff}) {
            assertTrue(Float.isNaN(Fp8.decode(DType.F8_E5M2, (byte) c)), Integer.toHexString(c));
        }
    }

    @Test
    void e4m3fnHasNoInfinityAndTwoNans() {
        assertTrue(Float.isNaN(Fp8.decode(DType.F8_E4M3FN, (byte) 0x7f)));
        assertTrue(Float.isNaN(Fp8.decode(DType.F8_E4M3FN, (byte) 0xff)));
        for (int c = 0; c < 256; c++) {
            assertTrue(!Float.isInfinite(Fp8.decode(DType.F8_E4M3FN, (byte) c)));
        }
    }

    @Test
    void saturatesToTheFiniteMaximum() {
        assertEquals((byte) 0x7e, Fp8.encode(DType.F8_E4M3FN, 448f));
        assertEquals((byte) 0x7e, Fp8.encode(DType.F8_E4M3FN, 464f)); // the tie above 448
        assertEquals((byte) 0x7e, Fp8.encode(DType.F8_E4M3FN, 465f));
        assertEquals((byte) 0x7e, Fp8.encode(DType.F8_E4M3FN, 1e30f));
        assertEquals((byte) 0x7e, Fp8.encode(DType.F8_E4M3FN, Float.MAX_VALUE));
        assertEquals((byte) 0x7e, Fp8.encode(DType.F8_E4M3FN, Float.POSITIVE_INFINITY));
        assertEquals((byte) 0xfe, Fp8.encode(DType.F8_E4M3FN, Float.NEGATIVE_INFINITY));
        assertEquals((byte) 0xfe, Fp8.encode(DType.F8_E4M3FN, -500f));
        assertEquals((byte) 0x7b, Fp8.encode(DType.F8_E5M2, 57344f));
        assertEquals((byte) 0x7b, Fp8.encode(DType.F8_E5M2, 61440f)); // the tie above 57344
        assertEquals((byte) 0x7b, Fp8.encode(DType.F8_E5M2, 70000f));
        assertEquals((byte) 0x7b, Fp8.encode(DType.F8_E5M2, Float.POSITIVE_INFINITY));
        assertEquals((byte) 0xfb, Fp8.encode(DType.F8_E5M2, Float.NEGATIVE_INFINITY));
        // just below the saturation boundary still rounds normally
        assertEquals((byte) 0x7d, Fp8.encode(DType.F8_E4M3FN, 415f)); // 416 is 0x7d
        assertEquals((byte) 0x7a, Fp8.encode(DType.F8_E5M2, 49000f)); // 49152 is 0x7a
    }

    @Test
    void nanEncodesToANanCodeOfTheSameSign() {
        assertEquals((byte) 0x7f, Fp8.encode(DType.F8_E4M3FN, Float.NaN));
        assertEquals((byte) 0xff, Fp8.encode(DType.F8_E4M3FN, Float.intBitsToFloat(0xffc00000)));
        assertTrue(Float.isNaN(Fp8.decode(DType.F8_E5M2, Fp8.encode(DType.F8_E5M2, Float.NaN))));
        assertTrue(Float.isNaN(Fp8.decode(DType.F8_E5M2, Fp8.encode(DType.F8_E5M2, Float.intBitsToFloat(0xff800001)))));
    }

    /** Every midpoint between two adjacent finite codes rounds to the even code; just off it, to the nearer. */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F8_E4M3FN", "F8_E5M2"})
    void tiesGoToEvenAndNeighboursToTheNearer(DType format) {
        int pairs = 0;
        for (int c = 0; c < 0x7f; c++) {
            float lo = Fp8.decode(format, (byte) c);
            float hi = Fp8.decode(format, (byte) (c + 1));
            if (!Float.isFinite(lo) || !Float.isFinite(hi)) {
                continue;
            }
            float mid = (lo + hi) / 2; // exact: few significant bits
            int even = (c & 1) == 0 ? c : c + 1;
            assertEquals(even, Fp8.encode(format, mid) & 0xff, format + " tie between " + lo + " and " + hi);
            assertEquals(0x80 | even, Fp8.encode(format, -mid) & 0xff, format + " negative tie " + -mid);
            assertEquals(c, Fp8.encode(format, Math.nextDown(mid)) & 0xff);
            assertEquals(c + 1, Fp8.encode(format, Math.nextUp(mid)) & 0xff);
            pairs++;
        }
        assertTrue(pairs > 100);
    }

    @Test
    void subnormals() {
        assertEquals(0x00, Fp8.encode(DType.F8_E4M3FN, 0x1p-10f)); // half the smallest subnormal: tie to 0
        assertEquals(0x01, Fp8.encode(DType.F8_E4M3FN, 0x1.000002p-10f));
        assertEquals(0x02, Fp8.encode(DType.F8_E4M3FN, 3 * 0x1p-10f)); // tie between 1 and 2: even
        assertEquals(0x08, Fp8.encode(DType.F8_E4M3FN, 15 * 0x1p-10f)); // tie between 7 (subnormal) and 8: even
        assertEquals(0x00, Fp8.encode(DType.F8_E4M3FN, Float.MIN_VALUE)); // F32 subnormal input
        assertEquals(0x01, Fp8.encode(DType.F8_E5M2, 0x1p-16f));
        assertEquals(0x00, Fp8.encode(DType.F8_E5M2, 0x1p-17f));
        assertEquals((byte) 0x83, Fp8.encode(DType.F8_E5M2, -3 * 0x1p-16f));
    }

    /** Random inputs over the whole range against a brute-force nearest-code search. */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F8_E4M3FN", "F8_E5M2"})
    void matchesBruteForceNearest(DType format) {
        float[] table = Fp8.decodeTable(format);
        SplittableRandom rnd = new SplittableRandom(42);
        for (int i = 0; i < 200_000; i++) {
            float x = (float) Math.scalb(rnd.nextDouble(-1, 1), rnd.nextInt(-24, 20));
            int want = bruteForce(table, x, Fp8.max(format));
            assertEquals(want, Fp8.encode(format, x) & 0xff, () -> format + " encode(" + x + ")");
        }
    }

    private static int bruteForce(float[] table, float x, float max) {
        float magnitude = Math.min(Math.abs(x), max);
        int best = -1;
        double bestErr = Double.POSITIVE_INFINITY;
        for (int c = 0; c < 0x80; c++) {
            float v = table[c];
            if (!Float.isFinite(v)) {
                continue;
            }
            double err = Math.abs((double) v - magnitude);
            if (err < bestErr || (err == bestErr && (c & 1) == 0)) {
                best = c;
                bestErr = err;
            }
        }
        return best | (Float.floatToRawIntBits(x) < 0 ? 0x80 : 0);
    }

    @Test
    void rejectsOtherFormats() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Fp8.encode(DType.BF16, 1f));
        assertTrue(e.getMessage().contains("BF16"));
    }
}
