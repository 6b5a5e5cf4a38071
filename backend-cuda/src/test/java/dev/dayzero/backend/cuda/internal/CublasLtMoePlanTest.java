package dev.dayzero.backend.cuda.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.tck.ConformanceCase;
import dev.dayzero.tck.StandardCases;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cuBLASLt MoE GEMM plan: offsets, alignments, staging and heuristics, without any library. */
class CublasLtMoePlanTest {

    @Test
    void bf16ContiguousIsOneMatmulPerExpertWithRowsAtItsOffsets() {
        MoeGemmSpec spec = MoeGemmSpec.contiguous(MoeGemmSpec.Type.BF16, 4096, 7168, List.of(13, 0, 21, 6));
        CublasLtMoePlan plan = CublasLtMoePlan.of(spec);
        assertEquals(List.of(0, 2, 3), plan.experts().stream().map(CublasLtMoePlan.Expert::expert).toList());
        CublasLtMoePlan.Expert e2 = plan.experts().get(1);
        assertEquals(21, e2.rows());
        assertEquals(21, e2.cols(), "BF16 takes any n");
        assertEquals(2L * 4096 * 7168 * 2, e2.wOffset());
        assertEquals(13L * 7168 * 2, e2.xOffset());
        assertEquals(13L * 4096 * 2, e2.outOffset());
        assertFalse(e2.staged());
        assertEquals(3, plan.problems().size(), "one heuristic per distinct row count");
        assertEquals(3, plan.matmuls());
        assertEquals(0, plan.transforms());
        assertEquals(0, plan.copies());
        assertEquals(0, plan.activationScaleStageBytes() + plan.rowStageBytes() + plan.weightScaleStageBytes());
    }

    @Test
    void uniformBf16ExpertsRunAsOneStridedBatch() {
        // MLA's absorbed kv_b (uk) at DeepSeek-V3 b8: 128 heads, each 8 rows x 512 x 128, as a contiguous MoE GEMM
        CublasLtMoePlan dense = CublasLtMoePlan.of(MoeGemmSpec.contiguous(MoeGemmSpec.Type.BF16, 512, 128,
                java.util.Collections.nCopies(128, 8)));
        assertEquals(8, dense.batchStride(), "expert e starts at row 8e");
        assertEquals(1, dense.matmuls());
        assertEquals(new CublasLtMoePlan.Problem(8, 256, 256, 256), dense.batchedProblem(),
                "8 rows x 128 x 2 bytes = 2048-byte steps keep 256-byte alignment");
        // masked, every slot full to the same count: the stride is maxRows
        CublasLtMoePlan masked = CublasLtMoePlan.of(MoeGemmSpec.masked(MoeGemmSpec.Type.BF16, 64, 100, 16,
                List.of(5, 5, 5)));
        assertEquals(16, masked.batchStride());
        assertEquals(128, masked.batchedProblem().alignB(), "slots 16 x 200 = 3200 bytes apart: 3200 = 128 x 25, "
                + "so the weakest x offset is 128-byte aligned");
    }

    @Test
    void unevenOrFp8OrMissingExpertsAreNotBatched() {
        assertEquals(-1, CublasLtMoePlan.of(MoeGemmSpec.contiguous(MoeGemmSpec.Type.BF16, 64, 128, List.of(8, 7)))
                .batchStride(), "uneven rows");
        assertEquals(-1, CublasLtMoePlan.of(MoeGemmSpec.contiguous(MoeGemmSpec.Type.BF16, 64, 128, List.of(8, 0, 8)))
                .batchStride(), "an expert without rows breaks the stride");
        assertEquals(-1, CublasLtMoePlan.of(MoeGemmSpec.contiguous(MoeGemmSpec.Type.FP8_BLOCK, 128, 128,
                List.of(8, 8))).batchStride(), "FP8 block scaling keeps one call per expert");
        assertEquals(-1, CublasLtMoePlan.of(MoeGemmSpec.contiguous(MoeGemmSpec.Type.BF16, 64, 128, List.of(8)))
                .batchStride(), "one expert is one call anyway");
    }

    @Test
    void sameRowCountsShareAHeuristicUnlessTheirAlignmentDiffers() {
        // K = 100: a row of x is 200 bytes, so expert 1 starts 8-byte aligned (13 * 200 = 2600), expert 2 at 16 * 200
        MoeGemmSpec spec = MoeGemmSpec.contiguous(MoeGemmSpec.Type.BF16, 64, 100, List.of(13, 3, 3, 13));
        CublasLtMoePlan plan = CublasLtMoePlan.of(spec);
        List<CublasLtMoePlan.Expert> e = plan.experts();
        assertEquals(8, plan.problems().get(e.get(1).problem()).alignB());
        assertEquals(128, plan.problems().get(e.get(2).problem()).alignB(), "16 rows of 200 bytes = 3200 = 128 * 25");
        assertEquals(new CublasLtMoePlan.Problem(13, 256, 256, 256), plan.problems().get(e.get(0).problem()));
        assertEquals(4, plan.problems().size(), "13 rows twice with different x alignment, 3 rows twice likewise");
        assertTrue(e.get(0).problem() != e.get(3).problem());
    }

    @Test
    void maskedFp8StagesExpertsWhoseRowsAreNotAMultipleOfFour() {
        MoeGemmSpec spec = MoeGemmSpec.masked(MoeGemmSpec.Type.FP8_BLOCK, 7168, 2048, 16, List.of(16, 3, 0, 9));
        CublasLtMoePlan plan = CublasLtMoePlan.of(spec);
        assertEquals(16, plan.kBlocks());
        assertEquals(16, plan.kBlocksPadded());
        assertEquals(56, plan.nBlocks());
        assertFalse(plan.padWeightScale(), "16 K blocks are already a multiple of 4");
        List<CublasLtMoePlan.Expert> e = plan.experts();
        assertEquals(List.of(false, true, true), e.stream().map(CublasLtMoePlan.Expert::staged).toList());
        assertEquals(List.of(16, 4, 12), e.stream().map(CublasLtMoePlan.Expert::cols).toList());
        CublasLtMoePlan.Expert e1 = e.get(1);
        assertEquals(16L * 2048, e1.xOffset(), "masked: slot e starts at e * maxRows");
        assertEquals(16L * 7168 * 2, e1.outOffset());
        assertEquals(16L * 16 * 4, e1.xScaleOffset());
        assertEquals(1L * 56 * 16 * 4, e1.wScaleOffset());
        assertEquals(0, e1.stageXOffset());
        assertEquals(4L * 2048, e1.stageOutOffset(), "padded rows, then the padded output, each 256-byte aligned");
        CublasLtMoePlan.Expert e3 = e.get(2);
        assertEquals(4L * 2048 + 4L * 7168 * 2, e3.stageXOffset());
        assertEquals(e3.stageXOffset() + 12L * 2048, e3.stageOutOffset());
        assertEquals(e3.stageOutOffset() + 12L * 7168 * 2, plan.rowStageBytes());
        // transposed activation scales: [16 K blocks][n] floats per expert, n = cols
        assertEquals(List.of(0L, 1024L, 1280L), e.stream().map(CublasLtMoePlan.Expert::scaleStageOffset).toList());
        assertEquals(1280L + 16 * 12 * 4, plan.activationScaleStageBytes());
        assertEquals(new CublasLtMoePlan.Problem(4, 256, 256, 256), plan.problems().get(e1.problem()));
        assertEquals(3, plan.matmuls());
        assertEquals(3, plan.transforms());
        assertEquals(4, plan.copies());
    }

    @Test
    void fp8WeightScalesArePaddedWhenKBlocksAreNotAMultipleOfFour() {
        MoeGemmSpec spec = MoeGemmSpec.contiguous(MoeGemmSpec.Type.FP8_BLOCK, 256, 384, List.of(4, 8));
        CublasLtMoePlan plan = CublasLtMoePlan.of(spec);
        assertEquals(3, plan.kBlocks());
        assertEquals(4, plan.kBlocksPadded());
        assertTrue(plan.padWeightScale());
        assertEquals(2L * 2 * 4 * 4, plan.weightScaleStageBytes());
        assertEquals(2L * 4 * 4, plan.experts().get(1).wScaleOffset(), "expert stride in the padded tensor: NB * L4 floats");
        assertEquals(3, plan.transforms(), "one per expert and one for the weight scales");
        assertEquals(0, plan.copies());
    }

    @Test
    void int8StaysOnTheKernel() {
        MoeGemmSpec spec = MoeGemmSpec.contiguous(MoeGemmSpec.Type.INT8_W8A8, 256, 384, List.of(4, 8));
        assertThrows(IllegalArgumentException.class, () -> CublasLtMoePlan.of(spec));
    }

    @Test
    void everyStandardBf16AndFp8CaseIsPlannableWithAlignedFp8Pointers() {
        int planned = 0;
        for (ConformanceCase c : StandardCases.all()) {
            if (c.spec() instanceof MoeGemmSpec g && (g.type() == MoeGemmSpec.Type.BF16
                    || g.type() == MoeGemmSpec.Type.FP8_BLOCK && g.scaleType() == dev.dayzero.hal.DType.F32)) {
                CublasLtMoePlan plan = CublasLtMoePlan.of(g);
                planned++;
                assertEquals(plan.batched() ? 1 : g.rowsPerExpert().stream().filter(r -> r > 0).count(), plan.matmuls(), c.id());
                for (CublasLtMoePlan.Expert e : plan.experts()) {
                    CublasLtMoePlan.Problem p = plan.problems().get(e.problem());
                    assertEquals(e.cols(), p.cols(), c.id());
                    if (plan.fp8()) {
                        assertEquals(0, e.cols() % 4, c.id());
                        assertTrue(p.alignA() >= 16 && p.alignB() >= 16 && p.alignD() >= 16, c.id() + " " + p);
                        assertEquals(0, e.scaleStageOffset() % 16, c.id());
                        assertEquals(0, e.wScaleOffset() % 16, c.id());
                    }
                }
            }
        }
        assertTrue(planned >= 6, "the kit has BF16 and FP8 MoE cases");
    }

    @Test
    void alignmentIsTheLargestPowerOfTwoUpTo256() {
        assertEquals(256, CublasLtMoePlan.alignment(0));
        assertEquals(256, CublasLtMoePlan.alignment(4096));
        assertEquals(16, CublasLtMoePlan.alignment(80));
        assertEquals(1, CublasLtMoePlan.alignment(13));
        assertEquals(32L << 20, CublasLtMoeGemmOp.workspaceLimit("sm_90"));
        assertEquals(32L << 20, CublasLtMoeGemmOp.workspaceLimit("sm_100"));
        assertEquals(4L << 20, CublasLtMoeGemmOp.workspaceLimit("sm_80"));
        assertEquals(4L << 20, CublasLtMoeGemmOp.workspaceLimit(""));
    }
}
