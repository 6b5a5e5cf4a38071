package dev.dayzero.backend.cuda.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.DType;
import dev.dayzero.hal.op.QuantizeSpec;
import org.junit.jupiter.api.Test;

/** Which quantize kernel a spec takes, and its grid. */
class QuantizeOpTest {
    private static QuantizeSpec spec(int m, int k, QuantizeSpec.Granularity g) {
        return new QuantizeSpec(m, k, DType.BF16, DType.F8_E4M3FN, g, DType.F32);
    }

    @Test
    void rowUnitsAMultipleOf128UpTo2048TakeTheWarpKernels() {
        QuantizeSpec act = spec(48, 7168, QuantizeSpec.perGroup(128));
        assertTrue(QuantizeOp.warpPerUnit(act));
        assertEquals("dz_quantize_bf16_e4m3_f32_rows", QuantizeOp.kernelName(act));
        assertEquals(48 * 56 / 8, QuantizeOp.blocks(act));
        assertTrue(QuantizeOp.warpPerUnit(spec(3, 2048, QuantizeSpec.perToken())));
        assertEquals(1, QuantizeOp.blocks(spec(3, 2048, QuantizeSpec.perToken())), "3 units, one block of 8 warps");
    }

    @Test
    void otherRowUnitsTakeTheSinglePassBlockKernels() {
        QuantizeSpec int8 = spec(64, 7168, QuantizeSpec.perToken());
        assertTrue(QuantizeOp.blockPerRowUnit(int8));
        assertEquals("dz_quantize_bf16_e4m3_f32_rowblock", QuantizeOp.kernelName(int8));
        assertEquals(64, QuantizeOp.blocks(int8));
        assertTrue(QuantizeOp.blockPerRowUnit(spec(33, 1000, QuantizeSpec.perToken())), "1000: a multiple of 4");
        assertFalse(QuantizeOp.blockPerRowUnit(spec(48, 7168, QuantizeSpec.perGroup(128))), "the warp kernels' case");
        assertFalse(QuantizeOp.blockPerRowUnit(spec(2, 16384, QuantizeSpec.perToken())), "wider than 8192");
        assertFalse(QuantizeOp.blockPerRowUnit(spec(2, 1002, QuantizeSpec.perToken())), "not a multiple of 4");
    }

    @Test
    void largePerTensorSpecsRunOverAGrid() {
        QuantizeSpec big = spec(96, 4096, QuantizeSpec.perTensor());
        assertTrue(QuantizeOp.wholeTensorGrid(big));
        assertEquals("dz_quantize_bf16_e4m3_f32_tensor", QuantizeOp.kernelName(big));
        assertEquals("dz_quantize_amax_bf16", QuantizeOp.amaxKernel(big));
        assertEquals(96 * 4096 / 1024, QuantizeOp.tensorGridBlocks(big, 132), "4 values a thread");
        assertEquals(8 * 4, QuantizeOp.tensorGridBlocks(big, 4), "at most 8 blocks a multiprocessor");
        assertFalse(QuantizeOp.wholeTensorGrid(spec(4, 4096, QuantizeSpec.perTensor())), "small: one block");
        assertFalse(QuantizeOp.wholeTensorGrid(spec(2048, 128, QuantizeSpec.perGroup(128))), "many units");
    }

    @Test
    void everythingElseTakesTheBlockPerUnitKernels() {
        assertFalse(QuantizeOp.warpPerUnit(spec(64, 7168, QuantizeSpec.perToken())), "rows wider than 2048");
        assertFalse(QuantizeOp.warpPerUnit(spec(33, 1000, QuantizeSpec.perToken())), "not a multiple of 128");
        assertFalse(QuantizeOp.blockPerRowUnit(spec(256, 384, QuantizeSpec.perBlock(128, 128))));
        assertFalse(QuantizeOp.blockPerRowUnit(spec(4, 4096, QuantizeSpec.perTensor())), "4 rows high");
        assertFalse(QuantizeOp.warpPerUnit(spec(256, 384, QuantizeSpec.perBlock(128, 128))), "two-dimensional units");
        assertFalse(QuantizeOp.warpPerUnit(spec(4, 4096, QuantizeSpec.perTensor())));
        QuantizeSpec block = spec(2112, 1024, QuantizeSpec.perBlock(128, 128));
        assertEquals("dz_quantize_bf16_e4m3_f32", QuantizeOp.kernelName(block));
        assertEquals((long) block.scaleRows() * block.scaleCols(), QuantizeOp.blocks(block));
    }
}
