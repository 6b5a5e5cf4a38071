package dev.dayzero.hal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class Fp4Test {

    private static final float[] MAGNITUDES = {0f, 0.5f, 1f, 1.5f, 2f, 3f, 4f, 6f};

    @Test
    void everyCodeDecodesToTheOcpValueAndEncodesBack() {
        for (int code = 0; code < 16; code++) {
            float expected = (code & 8) != 0 ? -MAGNITUDES[code & 7] : MAGNITUDES[code & 7];
            float v = Fp4.decode(code);
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(v), "code " + code);
            assertEquals(code, Fp4.encode(v), "round trip of code " + code);
        }
        assertEquals(-0f, Fp4.decode(8));
        assertEquals(0x80000000, Float.floatToRawIntBits(Fp4.decode(8)));
        assertEquals(16, Fp4.decodeTable().length);
        assertEquals(6f, Fp4.decodeTable()[7]);
    }

    @Test
    void everyMidpointRoundsToTheEvenCode() {
        // midpoint between magnitude codes c and c + 1 → the even one of the two
        int[] expected = {0, 2, 2, 4, 4, 6, 6};
        for (int c = 0; c < 7; c++) {
            float mid = (MAGNITUDES[c] + MAGNITUDES[c + 1]) / 2;
            assertEquals(expected[c], Fp4.encode(mid), "midpoint " + mid);
            assertEquals(8 | expected[c], Fp4.encode(-mid), "midpoint " + -mid);
            // just off the midpoint: nearest wins
            assertEquals(c, Fp4.encode(Math.nextDown(mid)), "below " + mid);
            assertEquals(c + 1, Fp4.encode(Math.nextUp(mid)), "above " + mid);
            assertEquals(8 | c, Fp4.encode(-Math.nextDown(mid)), "below " + -mid);
            assertEquals(8 | (c + 1), Fp4.encode(-Math.nextUp(mid)), "above " + -mid);
        }
        assertEquals(1f, Fp4.decode(Fp4.encode(1.25f)));
        assertEquals(4f, Fp4.decode(Fp4.encode(5f)));
        assertEquals(2f, Fp4.decode(Fp4.encode(1.75f)));
    }

    @Test
    void saturatesKeepsTheSignOfZeroAndRejectsNaN() {
        assertEquals(7, Fp4.encode(6.5f));
        assertEquals(7, Fp4.encode(1e30f));
        assertEquals(7, Fp4.encode(Float.POSITIVE_INFINITY));
        assertEquals(15, Fp4.encode(Float.NEGATIVE_INFINITY));
        assertEquals(15, Fp4.encode(-7f));
        assertEquals(0, Fp4.encode(0f));
        assertEquals(8, Fp4.encode(-0f));
        assertEquals(8, Fp4.encode(-0.1f));
        assertEquals(0, Fp4.encode(Float.MIN_VALUE));
        assertThrows(IllegalArgumentException.class, () -> Fp4.encode(Float.NaN));
    }

    @Test
    void evenElementInTheLowNibble() {
        byte b = Fp4.pack(0x3, 0xd); // 1.5, -3
        assertEquals((byte) 0xd3, b);
        assertEquals(0x3, Fp4.nibble(b, 0));
        assertEquals(0xd, Fp4.nibble(b, 1));
        assertEquals(0x3, Fp4.nibble(b, 10));
        assertEquals(0xd, Fp4.nibble(b, 11));
        assertEquals(1.5f, Fp4.decode(Fp4.nibble(b, 0)));
        assertEquals(-3f, Fp4.decode(Fp4.nibble(b, 1)));
    }
}
