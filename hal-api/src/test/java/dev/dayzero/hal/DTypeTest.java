package dev.dayzero.hal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.op.TensorSpec;
import org.junit.jupiter.api.Test;

class DTypeTest {

    @Test
    void wholeByteTypesKeepTheirSizes() {
        assertEquals(4, DType.F32.byteSize());
        assertEquals(2, DType.BF16.byteSize());
        assertEquals(1, DType.UE8M0.byteSize());
        assertEquals(24L, DType.F32.bytes(6));
        assertEquals(6L, DType.F32.elements(24));
        assertFalse(DType.U8.isSubByte());
    }

    @Test
    void fp4IsPackedTwoAByte() {
        DType t = DType.F4_E2M1;
        assertEquals(4, t.bits());
        assertTrue(t.isSubByte());
        assertTrue(t.isFloatingPoint());
        assertFalse(t.isFp8());
        assertEquals(0L, t.bytes(0));
        assertEquals(1L, t.bytes(1));
        assertEquals(1L, t.bytes(2));
        assertEquals(2L, t.bytes(3));
        assertEquals(2048L, t.bytes(4096));
        assertEquals(8192L, t.elements(4096));
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, t::byteSize);
        assertTrue(e.getMessage().contains("bytes(count)"), e.getMessage());
        // a packed tensor's size: [E=2, N=3, K=64] is 2·3·32 bytes
        assertEquals(192L, TensorSpec.of("w", t, 2, 3, 64).bytes());
        assertEquals(384L, TensorSpec.of("w", t, 2, 3, 64).elements());
    }
}
