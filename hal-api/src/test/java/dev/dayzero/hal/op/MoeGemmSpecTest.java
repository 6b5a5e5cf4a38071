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

    @Test
    void fp8BlockTakesUe8m0Scales() {
        MoeGemmSpec f32 = MoeGemmSpec.masked(MoeGemmSpec.Type.FP8_BLOCK, 7168, 2048, 32, List.of(5, 32));
        MoeGemmSpec s = MoeGemmSpec.masked(MoeGemmSpec.Type.FP8_BLOCK, DType.UE8M0, 7168, 2048, 32, List.of(5, 32));
        assertEquals(DType.F32, f32.scaleType());
        assertEquals(DType.UE8M0, s.scaleType());
        assertEquals(DType.UE8M0, s.inputs().get(1).dtype());
        assertEquals(List.of(2L, 32L, 16L), s.inputs().get(1).shape());
        assertEquals(DType.UE8M0, s.inputs().get(3).dtype());
        assertEquals(List.of(2L, 56L, 16L), s.inputs().get(3).shape());
        assertEquals(f32.flops(), s.flops());
        // scales a byte instead of four: 37·16 activation scales, 2·56·16 weight scales
        assertEquals(f32.bytes() - 3L * (37 * 16 + 2 * 56 * 16), s.bytes());
        assertTrue(s.describe().contains("FP8_BLOCK ue8m0"), s.describe());
        assertEquals(s, f32.withScaleType(DType.UE8M0));
        assertEquals(DType.UE8M0, s.withType(MoeGemmSpec.Type.FP8_BLOCK).scaleType());
        assertEquals(DType.F32, s.withType(MoeGemmSpec.Type.INT8_W8A8).scaleType());
    }

    @Test
    void mxfp4WeightsArePackedWithAScalePer32() {
        // V4-Flash gate/up projection: N = 2·2048, K = 4096
        MoeGemmSpec s = MoeGemmSpec.masked(MoeGemmSpec.Type.MXFP4_FP8, 4096, 4096, 8, List.of(3, 0, 8));
        assertEquals(DType.UE8M0, s.scaleType());
        assertEquals(List.of("x", "x_scale", "w", "w_scale", "rows_per_expert", "out"),
                s.operands().stream().map(TensorSpec::name).toList());
        TensorSpec x = s.inputs().get(0);
        TensorSpec xs = s.inputs().get(1);
        TensorSpec w = s.inputs().get(2);
        TensorSpec ws = s.inputs().get(3);
        assertEquals(DType.F8_E4M3FN, x.dtype());
        assertEquals(DType.UE8M0, xs.dtype());
        assertEquals(List.of(3L, 8L, 32L), xs.shape());
        assertEquals(DType.F4_E2M1, w.dtype());
        assertEquals(List.of(3L, 4096L, 4096L), w.shape());
        assertEquals(3L * 4096 * 2048, w.bytes());
        assertEquals(DType.UE8M0, ws.dtype());
        assertEquals(List.of(3L, 4096L, 128L), ws.shape());
        assertEquals(2048L, s.weightRowBytes());
        assertEquals(2L * 11 * 4096 * 4096, s.flops());
        long expected = 11L * 4096 + 11L * 32 + 2L * 4096 * 2048 + 2L * 4096 * 128 + 12 + 11L * 4096 * 2;
        assertEquals(expected, s.bytes());
        assertThrows(UnsupportedOperationException.class, () -> s.type().operandType());

        MoeGemmSpec bf16 = s.withType(MoeGemmSpec.Type.MXFP4_BF16);
        assertEquals(List.of("x", "w", "w_scale", "rows_per_expert", "out"),
                bf16.operands().stream().map(TensorSpec::name).toList());
        assertEquals(DType.BF16, bf16.inputs().get(0).dtype());
        assertEquals(11L * 4096 * 2 + 2L * 4096 * 2048 + 2L * 4096 * 128 + 12 + 11L * 4096 * 2, bf16.bytes());
        assertEquals(DType.F32, s.withType(MoeGemmSpec.Type.BF16).scaleType());
    }

    @Test
    void scaleTypeAndBlockChecks() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MoeGemmSpec.contiguous(MoeGemmSpec.Type.MXFP4_FP8, DType.F32, 16, 128, List.of(1)));
        assertEquals("MoeGemmSpec.scaleType must be UE8M0 for MXFP4_FP8 (MX scales are E8M0), got F32", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MoeGemmSpec.contiguous(MoeGemmSpec.Type.BF16, DType.UE8M0, 16, 128, List.of(1)));
        assertEquals("MoeGemmSpec.scaleType must be F32 for BF16, got UE8M0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MoeGemmSpec.contiguous(MoeGemmSpec.Type.FP8_BLOCK, DType.BF16, 16, 128, List.of(1)));
        assertEquals("MoeGemmSpec.scaleType must be F32 or UE8M0 for FP8_BLOCK, got BF16", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MoeGemmSpec.contiguous(MoeGemmSpec.Type.MXFP4_BF16, 16, 48, List.of(1)));
        assertTrue(e.getMessage().startsWith("MoeGemmSpec.k must be a multiple of 32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MoeGemmSpec.contiguous(MoeGemmSpec.Type.MXFP4_FP8, 16, 96, List.of(1)));
        assertTrue(e.getMessage().startsWith("MoeGemmSpec.k must be a multiple of 128"), e.getMessage());
        assertEquals(64, MoeGemmSpec.contiguous(MoeGemmSpec.Type.MXFP4_BF16, 16, 64, List.of(1)).k());
    }
}
