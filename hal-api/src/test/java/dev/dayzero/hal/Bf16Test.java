package dev.dayzero.hal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Bf16Test {

    @Test
    void everyNonNanCodeRoundTrips() {
        for (int c = 0; c < 65536; c++) {
            float v = Bf16.decode((short) c);
            if (!Float.isNaN(v)) {
                assertEquals(c, Bf16.encode(v) & 0xffff, Integer.toHexString(c));
            }
        }
    }

    @Test
    void roundsToNearestEven() {
        assertEquals(1f, Bf16.round(1f + 0x1p-8f)); // tie: 1.0 has the even mantissa
        assertEquals(1f + 0x1p-6f, Bf16.round(1f + 3 * 0x1p-8f)); // tie: up to the even neighbour
        assertEquals(1f + 0x1p-7f, Bf16.round(1f + 0x1p-8f + 0x1p-20f)); // just above the tie
        assertEquals(-1f, Bf16.round(-1f - 0x1p-8f));
    }

    @Test
    void matchesNearestOfTheTwoNeighbours() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            float x = Float.intBitsToFloat(rnd.nextInt()) ;
            if (!Float.isFinite(x) || Math.abs(x) > 3e38f) {
                continue;
            }
            int bits = Float.floatToRawIntBits(x);
            float lo = Float.intBitsToFloat(bits & 0xffff0000);
            float hi = Float.intBitsToFloat((bits & 0xffff0000) + 0x10000);
            double dlo = Math.abs((double) x - lo);
            double dhi = Math.abs((double) x - hi);
            float want = dlo < dhi ? lo : dhi < dlo ? hi : (((bits >>> 16) & 1) == 0 ? lo : hi);
            assertEquals(want, Bf16.round(x), () -> "round(" + x + ")");
        }
    }

    @Test
    void nanStaysNanAndOverflowGoesToInfinity() {
        assertTrue(Float.isNaN(Bf16.round(Float.NaN)));
        assertTrue(Float.isNaN(Bf16.decode(Bf16.encode(Float.intBitsToFloat(0x7f800001))))); // NaN with low payload only
        assertEquals(Float.POSITIVE_INFINITY, Bf16.round(Float.MAX_VALUE));
        assertEquals(Float.NEGATIVE_INFINITY, Bf16.round(Float.NEGATIVE_INFINITY));
    }
}
