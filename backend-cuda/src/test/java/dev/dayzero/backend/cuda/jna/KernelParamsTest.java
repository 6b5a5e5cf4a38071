package dev.dayzero.backend.cuda.jna;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The kernelParams array cuLaunchKernel reads, built and checked without a GPU. */
class KernelParamsTest {

    @Test
    void eachPointerAddressesItsOwnAlignedSlot() {
        try (KernelParams p = new KernelParams(5)) {
            for (int i = 0; i < 5; i++) {
                assertEquals(p.valueAddress(i), p.pointerAt(i), "kernelParams[" + i + "]");
                assertEquals(0, p.valueAddress(i) % 8, "slot " + i + " is 8-byte aligned");
                if (i > 0) {
                    assertEquals(8, p.valueAddress(i) - p.valueAddress(i - 1));
                }
            }
        }
    }

    @Test
    void valuesLandInTheLowBytesOfTheirSlots() {
        try (KernelParams p = new KernelParams(4)) {
            p.int64(0, -1L).int32(0, 7);            // an int rewritten over a long leaves no stale high bytes
            p.address(1, 0x7f12_3456_789aL);
            p.float32(2, 1.5f);
            p.int32(3, -2);
            assertEquals(7L, p.rawValue(0));
            assertEquals(0x7f12_3456_789aL, p.rawValue(1));
            assertEquals(Float.floatToRawIntBits(1.5f), (int) p.rawValue(2));
            assertEquals(0L, p.rawValue(2) >>> 32);
            assertEquals(0xffff_fffeL, p.rawValue(3));
        }
    }

    @Test
    void rejectsOutOfRangeArguments() {
        try (KernelParams p = new KernelParams(2)) {
            assertThrows(IndexOutOfBoundsException.class, () -> p.int32(2, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> p.pointerAt(-1));
        }
        assertThrows(IllegalArgumentException.class, () -> new KernelParams(0));
    }
}
