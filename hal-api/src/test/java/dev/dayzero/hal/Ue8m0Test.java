package dev.dayzero.hal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Ue8m0Test {

    @Test
    void ceilPowerOfTwoIsExact() {
        assertEquals(1f, Ue8m0.ceilPowerOfTwo(1f));
        assertEquals(2f, Ue8m0.ceilPowerOfTwo(Math.nextUp(1f)));
        assertEquals(1f, Ue8m0.ceilPowerOfTwo(0.75f));
        assertEquals(0x1p-20f, Ue8m0.ceilPowerOfTwo(0x1p-20f));
        assertEquals(0x1p-19f, Ue8m0.ceilPowerOfTwo(0x1.8p-20f));
        assertEquals(0x1p-126f, Ue8m0.ceilPowerOfTwo(0x1.8p-127f)); // subnormal input
        assertEquals(0x1p-127f, Ue8m0.ceilPowerOfTwo(0x1p-127f));
        assertThrows(IllegalArgumentException.class, () -> Ue8m0.ceilPowerOfTwo(0f));
    }

    @Test
    void codesAreBiasedExponents() {
        assertEquals(127, Ue8m0.encode(1f));
        assertEquals(127 - 9, Ue8m0.encode(0x1p-9f) & 0xff);
        assertEquals(254, Ue8m0.encode(0x1p127f) & 0xff);
        assertEquals(0, Ue8m0.encode(0x1p-127f));
        assertEquals(0x1p-9f, Ue8m0.decode((byte) (127 - 9)));
        assertTrue(Float.isNaN(Ue8m0.decode((byte) 255)));
        assertThrows(IllegalArgumentException.class, () -> Ue8m0.encode(3f));
    }
}
