package dev.dayzero.hal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dayzero.hal.op.QuantizeSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreparedOpTest {
    private static final QuantizeSpec SPEC = new QuantizeSpec(2, 128, DType.BF16, DType.F8_E4M3FN,
            QuantizeSpec.perToken(), DType.F32);

    @Test
    void operandsAreCheckedInOrderAndNamed() {
        PreparedOp.checkOperands(SPEC, List.of(buffer(512), buffer(256), buffer(8)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PreparedOp.checkOperands(SPEC, List.of(buffer(512), buffer(256))));
        assertEquals("expected 3 operands [x, q, scale], got 2", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> PreparedOp.checkOperands(SPEC, List.of(buffer(512), buffer(255), buffer(8))));
        assertEquals("operand 1 'q' needs 256 bytes (q:F8_E4M3FN[2, 128]) but its buffer holds 255", e.getMessage());
    }

    private static DeviceBuffer buffer(long size) {
        return new TestBuffer(null, size);
    }
}
