package dev.dayzero.backend.cuda.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dayzero.hal.op.MoeGemmSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The MoE GEMM launch plan (kernel, row tile, tile count), without a GPU. */
class MoeGemmOpTest {

    @Test
    void kernelNamesFollowTypeAndRowTile() {
        assertEquals("dz_moe_gemm_bf16_m128", MoeGemmOp.kernelName(MoeGemmSpec.Type.BF16, 128));
        assertEquals("dz_moe_gemm_bf16_m64", MoeGemmOp.kernelName(MoeGemmSpec.Type.BF16, 64));
        assertEquals("dz_moe_gemm_fp8_block_m128", MoeGemmOp.kernelName(MoeGemmSpec.Type.FP8_BLOCK, 128));
        assertEquals("dz_moe_gemm_fp8_block_m64", MoeGemmOp.kernelName(MoeGemmSpec.Type.FP8_BLOCK, 64));
        assertEquals("dz_moe_gemm_int8", MoeGemmOp.kernelName(MoeGemmSpec.Type.INT8_W8A8, 16));
        assertEquals(128, MoeGemmOp.threads(MoeGemmSpec.Type.BF16, 128));
        assertEquals(128, MoeGemmOp.threads(MoeGemmSpec.Type.BF16, 64));
        assertEquals(256, MoeGemmOp.threads(MoeGemmSpec.Type.FP8_BLOCK, 128));
        assertEquals(128, MoeGemmOp.threads(MoeGemmSpec.Type.FP8_BLOCK, 64));
        assertEquals("64x64", MoeGemmOp.warpTile(MoeGemmSpec.Type.BF16, 128));
        assertEquals("64x32", MoeGemmOp.warpTile(MoeGemmSpec.Type.FP8_BLOCK, 128));
        assertEquals("32x64", MoeGemmOp.warpTile(MoeGemmSpec.Type.FP8_BLOCK, 64));
    }

    @Test
    void rowTilesCountOnlyTilesWithValidRows() {
        assertEquals(0, MoeGemmOp.rowTiles(List.of(0, 0), 128));
        assertEquals(1 + 0 + 2 + 1, MoeGemmOp.rowTiles(List.of(1, 0, 129, 128), 128));
        assertEquals(1 + 0 + 3 + 2, MoeGemmOp.rowTiles(List.of(1, 0, 129, 128), 64));
        assertEquals(33_554_432L, MoeGemmOp.rowTiles(List.of(Integer.MAX_VALUE), 64));
    }

    @Test
    void decodeAndSmallBatchesTake64RowTilesLargePrefillTakes128() {
        // DeepSeek-V3 gate/up prefill: 8 experts x 4096 rows, N = 4096 -> 8192 blocks of 128 x 128, no padding
        assertEquals(128, MoeGemmOp.rowTile(List.of(4096, 4096, 4096, 4096, 4096, 4096, 4096, 4096), 4096, 132));
        // masked decode, 16 rows an expert: 128-row tiles would pad 8x, 64-row tiles 4x
        assertEquals(64, MoeGemmOp.rowTile(List.of(16, 3, 0, 9), 7168, 132));
        // 200 rows: 256 padded at 128, 256 at 64 -> no gain from 64; 2 x 56 column tiles = 112 blocks < 132 SMs
        assertEquals(64, MoeGemmOp.rowTile(List.of(200), 7168, 132));
        assertEquals(128, MoeGemmOp.rowTile(List.of(200, 250), 7168, 132));
        // skewed prefill: 136 rows pad to 256 at 128 but to 192 at 64 (less than 4/5)
        assertEquals(64, MoeGemmOp.rowTile(List.of(136, 136, 136, 136), 4096, 132));
    }
}
