package dev.dayzero.tck.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp8;
import dev.dayzero.hal.op.QuantizeSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class CodeComparisonTest {
    private static final QuantizeSpec E4M3 = new QuantizeSpec(1, 4, DType.BF16, DType.F8_E4M3FN,
            QuantizeSpec.perToken(), DType.F32);

    @Test
    void oneCodeAwayIsAcceptedOnlyAtARoundingBoundary() {
        // 1.0625 is the tie between 1.0 (0x38) and 1.125 (0x39)
        float tie = 1.0625f;
        assertTrue(CodeComparison.isBoundaryCase(E4M3, (byte) 0x39, (byte) 0x38, tie));
        assertTrue(CodeComparison.isBoundaryCase(E4M3, (byte) 0x39, (byte) 0x38, Math.nextDown(tie)));
        assertFalse(CodeComparison.isBoundaryCase(E4M3, (byte) 0x39, (byte) 0x38, 1.05f), "far from the boundary");
        assertFalse(CodeComparison.isBoundaryCase(E4M3, (byte) 0x3a, (byte) 0x38, tie), "two codes away");
        assertFalse(CodeComparison.isBoundaryCase(E4M3, (byte) 0xb9, (byte) 0x38, tie), "other sign");
        QuantizeSpec int8 = new QuantizeSpec(1, 4, DType.BF16, DType.I8, QuantizeSpec.perToken(), DType.F32);
        assertTrue(CodeComparison.isBoundaryCase(int8, (byte) 3, (byte) 2, 2.5f));
        assertFalse(CodeComparison.isBoundaryCase(int8, (byte) 3, (byte) 2, 2.25f));
    }

    @Test
    void countsMismatchesBoundaryCasesAndScales() {
        byte[] want = {0x38, 0x38, 0x40, 0x10};
        float[] quotients = {1.0625f, 1f, 2f, Fp8.decode(DType.F8_E4M3FN, (byte) 0x10)};
        byte[] got = {0x39, 0x38, 0x41, 0x10};
        byte[] scale = f32(0.5f);
        CodeMetrics m = CodeComparison.compare(E4M3, got, scale, want, quotients, scale);
        assertEquals(1, m.boundaryAccepted());
        assertEquals(1, m.codeMismatches());
        assertEquals(2, m.firstMismatch());
        assertFalse(m.passes());

        CodeMetrics badScale = CodeComparison.compare(E4M3, want, f32(0.5f * (1 + 1e-5f)), want, quotients, scale);
        assertEquals(1, badScale.scaleMismatches());
        assertFalse(badScale.passes());
        CodeMetrics fine = CodeComparison.compare(E4M3, want, f32(Math.nextUp(0.5f)), want, quotients, scale);
        assertTrue(fine.passes(), fine.summary());
    }

    private static byte[] f32(float v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array();
    }
}
