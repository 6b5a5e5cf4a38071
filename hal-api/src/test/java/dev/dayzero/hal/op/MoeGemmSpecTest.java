package dev.dayzero.hal.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

class MoeGemmSpecTest {

    @Test
    void contiguousBf16Tensors() {
        MoeGemmSpec s = MoeGemmSpec.contiguous(MoeGemmSpec.Type.BF16, 4096, 7168, List.of(3, 0, 5));
        assertEquals(List.of("x", "w", "rows_per_expert", "out"), s.operands().stream().map(TensorSpec::name).toList());
        assertEquals(List.of(8L, 7168L), s.inputs().get(0).shape());
        assertEquals(List.of(3L, 4096L, 7168L), s.inputs().get(1).shape());
        assertEquals(List.of(8L, 4096L), s.outputs().get(0).shape());
        assertEquals(3, s.firstRow(1));
        assertEquals(3, s.firstRow(2));
        assertEquals(2L * 8 * 4096 * 7168, s.flops());
        // x + w of the two experts with rows + counts + out
        assertEquals(8L * 7168 * 2 + 2L * 4096 * 7168 * 2 + 12 + 8L * 4096 * 2, s.bytes());
    }

    @Test
    void maskedFp8TensorsAndValidRowsOnly() {
        MoeGemmSpec s = MoeGemmSpec.masked(MoeGemmSpec.Type.FP8_BLOCK, 7168, 2048, 32, List.of(5, 32));
        assertEquals(List.of("x", "x_scale", "w", "w_scale", "rows_per_expert", "out"),
                s.operands().stream().map(TensorSpec::name).toList());
        assertEquals(List.of(2L, 32L, 2048L), s.inputs().get(0).shape());
        assertEquals(DType.F8_E4M3FN, s.inputs().get(0).dtype());
        assertEquals(List.of(2L, 32L, 16L), s.inputs().get(1).shape());
        assertEquals(List.of(2L, 56L, 16L), s.inputs().get(3).shape());
        assertEquals(List.of(2L, 32L, 7168L), s.outputs().get(0).shape());
        assertEquals(32, s.firstRow(1));
        assertEquals(2L * 37 * 7168 * 2048, s.flops());
    }

    @Test
    void int8ScalesArePerRowAndPerChannel() {
        MoeGemmSpec s = MoeGemmSpec.contiguous(MoeGemmSpec.Type.FP8_BLOCK, 7168, 2048, List.of(4, 4))
                .withType(MoeGemmSpec.Type.INT8_W8A8);
        assertEquals(List.of(8L), s.inputs().get(1).shape());
        assertEquals(List.of(2L, 7168L), s.inputs().get(3).shape());
        assertEquals(DType.I8, s.inputs().get(2).dtype());
    }

    @Test
    void validationNamesTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MoeGemmSpec(MoeGemmSpec.Layout.CONTIGUOUS, MoeGemmSpec.Type.BF16, 3, 16, 16, List.of(1, 2), 0));
        assertEquals("MoeGemmSpec.rowsPerExpert must have one count per expert (3), got 2", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MoeGemmSpec.masked(MoeGemmSpec.Type.BF16, 16, 16, 4, List.of(1, 5)));
        assertEquals("MoeGemmSpec.rowsPerExpert[1] = 5 exceeds maxRows = 4 of the masked layout", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MoeGemmSpec.contiguous(MoeGemmSpec.Type.FP8_BLOCK, 16, 100, List.of(1)));
        assertTrue(e.getMessage().startsWith("MoeGemmSpec.k must be a multiple of 128"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MoeGemmSpec.contiguous(MoeGemmSpec.Type.BF16, 16, 16, List.of(1, -1)));
        assertEquals("MoeGemmSpec.rowsPerExpert[1] must be >= 0, got -1", e.getMessage());
    }
}
