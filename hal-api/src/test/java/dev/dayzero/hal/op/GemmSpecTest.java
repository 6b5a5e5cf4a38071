package dev.dayzero.hal.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

class GemmSpecTest {

    @Test
    void bf16TensorsFlopsAndBytes() {
        GemmSpec s = GemmSpec.of(GemmSpec.Type.BF16, 4, 1536, 7168);
        assertEquals(List.of("x", "w", "out"), s.operands().stream().map(TensorSpec::name).toList());
        assertEquals(List.of(1L, 4L, 7168L), s.inputs().get(0).shape());
        assertEquals(List.of(1L, 1536L, 7168L), s.inputs().get(1).shape());
        assertEquals(List.of(1L, 4L, 1536L), s.outputs().get(0).shape());
        assertEquals("gemm", s.family());
        assertEquals(2L * 4 * 1536 * 7168, s.flops());
        assertEquals(4L * 7168 * 2 + 1536L * 7168 * 2 + 4L * 1536 * 2, s.bytes());
    }

    @Test
    void fp8BlockScalesF32AndUe8m0() {
        GemmSpec f32 = GemmSpec.fp8Block(DType.F32, 2, 3, 200, 256);
        assertEquals(List.of("x", "x_scale", "w", "w_scale", "out"),
                f32.operands().stream().map(TensorSpec::name).toList());
        assertEquals(List.of(2L, 3L, 2L), f32.inputs().get(1).shape());
        assertEquals(List.of(2L, 2L, 2L), f32.inputs().get(3).shape()); // ceil(200/128) = 2
        assertEquals(DType.F8_E4M3FN, f32.inputs().get(2).dtype());
        long f32Bytes = 2L * 3 * 256 + 2L * 3 * 2 * 4 + 2L * 200 * 256 + 2L * 2 * 2 * 4 + 2L * 3 * 200 * 2;
        assertEquals(f32Bytes, f32.bytes());
        GemmSpec ue = f32.withScaleType(DType.UE8M0);
        assertEquals(DType.UE8M0, ue.inputs().get(1).dtype());
        assertEquals(DType.UE8M0, ue.inputs().get(3).dtype());
        assertEquals(f32Bytes - 2L * 3 * 2 * 3 - 2L * 2 * 2 * 3, ue.bytes());
        assertEquals(f32.flops(), ue.flops());
        assertEquals("gemm FP8_BLOCK scale=UE8M0 batch=2 M=3 N=200 K=256", ue.describe());
    }

    @Test
    void int8AlternativeHasPerRowAndPerChannelF32Scales() {
        GemmSpec s = GemmSpec.fp8Block(DType.UE8M0, 1, 8, 7168, 2048).withType(GemmSpec.Type.INT8_W8A8);
        assertEquals(DType.F32, s.scaleType());
        assertEquals(List.of(1L, 8L), s.inputs().get(1).shape());
        assertEquals(List.of(1L, 7168L), s.inputs().get(3).shape());
        assertEquals(DType.I8, s.inputs().get(2).dtype());
        assertEquals(DType.F32, s.inputs().get(3).dtype());
        assertEquals(16, s.withRows(16).m());
    }

    @Test
    void validationNamesTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GemmSpec.fp8Block(DType.F32, 1, 1, 16, 100));
        assertTrue(e.getMessage().startsWith("GemmSpec.k must be a multiple of 128"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GemmSpec.fp8Block(DType.BF16, 1, 1, 16, 128));
        assertEquals("GemmSpec.scaleType must be F32 or UE8M0, got BF16", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new GemmSpec(GemmSpec.Type.BF16, DType.UE8M0, 1, 1, 16, 16));
        assertTrue(e.getMessage().startsWith("GemmSpec.scaleType must be F32 for BF16"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GemmSpec.batched(GemmSpec.Type.BF16, 0, 1, 1, 1));
        assertEquals("GemmSpec.batch must be > 0, got 0", e.getMessage());
    }
}
