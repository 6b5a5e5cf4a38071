package dev.dayzero.hal.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp8;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuantizeSpecTest {

    @Test
    void scaleShapesFollowTheGranularity() {
        assertEquals(List.of(1L, 1L), spec(100, 7168, QuantizeSpec.perTensor()).outputs().get(1).shape());
        assertEquals(List.of(100L, 1L), spec(100, 7168, QuantizeSpec.perToken()).outputs().get(1).shape());
        assertEquals(List.of(100L, 56L), spec(100, 7168, QuantizeSpec.perGroup(128)).outputs().get(1).shape());
        // partial last blocks: 2112 = 16.5 x 128
        assertEquals(List.of(17L, 56L), spec(2112, 7168, QuantizeSpec.perBlock(128, 128)).outputs().get(1).shape());
    }

    @Test
    void ue8m0ScalesTakeOneByte() {
        QuantizeSpec s = new QuantizeSpec(4, 256, DType.BF16, DType.F8_E4M3FN, QuantizeSpec.perGroup(128), DType.UE8M0);
        assertEquals(8, s.outputs().get(1).bytes());
        assertEquals(4 * 256 * 2 + 4 * 256 + 8, s.bytes());
        assertEquals(2L * 4 * 256, s.flops());
    }

    @Test
    void recipeUsesTheFloorAndF32Division() {
        QuantizeSpec f32 = spec(1, 128, QuantizeSpec.perToken());
        assertEquals(1e-4f / 448f, f32.scaleFor(0f));
        assertEquals(3.5f / 448f, f32.scaleFor(3.5f));
        QuantizeSpec ue8m0 = new QuantizeSpec(1, 128, DType.F32, DType.F8_E4M3FN, QuantizeSpec.perToken(), DType.UE8M0);
        assertEquals(0x1p-7f, ue8m0.scaleFor(3.5f)); // 3.5/448 = 2^-7 exactly
        assertEquals(0x1p-6f, ue8m0.scaleFor(3.6f));
        QuantizeSpec int8 = new QuantizeSpec(1, 128, DType.F32, DType.I8, QuantizeSpec.perToken(), DType.F32);
        assertEquals(127f, int8.fmax());
        assertEquals(2, int8.encode(2.5f, 1f)); // ties to even
        assertEquals(-127, int8.encode(-1000f, 1f)); // saturates
        assertEquals(Fp8.encode(DType.F8_E4M3FN, 3f / 0.5f), f32.encode(3f, 0.5f));
    }

    @Test
    void validationNamesTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new QuantizeSpec(0, 128, DType.BF16, DType.F8_E4M3FN, QuantizeSpec.perToken(), DType.F32));
        assertEquals("QuantizeSpec.m must be > 0, got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new QuantizeSpec(1, 128, DType.BF16, DType.I32, QuantizeSpec.perToken(), DType.F32));
        assertTrue(e.getMessage().startsWith("QuantizeSpec.format must be"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new QuantizeSpec(1, 128, DType.BF16, DType.F8_E5M2, QuantizeSpec.perToken(), DType.BF16));
        assertTrue(e.getMessage().contains("scaleType"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> QuantizeSpec.perGroup(0));
        assertTrue(e.getMessage().contains("groupSize"), e.getMessage());
    }

    private static QuantizeSpec spec(int m, int k, QuantizeSpec.Granularity g) {
        return new QuantizeSpec(m, k, DType.BF16, DType.F8_E4M3FN, g, DType.F32);
    }
}
