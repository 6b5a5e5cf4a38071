package dev.dayzero.backend.cuda.internal;

import dev.dayzero.hal.op.MoeGemmSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The arithmetic of a {@link MoeGemmSpec} on cuBLASLt, without any library: one matmul per expert that has rows,
 * where each operand starts, how each pointer is aligned, which experts go through a staging buffer, and which
 * (column count, alignment) problems need a heuristic of their own. {@link CublasLtMoeGemmOp} turns it into
 * descriptors and calls; the tests check it directly.
 *
 * <h2>Row-major tensors in cuBLASLt's column-major convention</h2>
 * The spec is row-major: {@code x_e [r, K]}, {@code w_e [N, K]}, {@code out_e [r, N]} with
 * {@code out_e = x_e · w_eᵀ}. cuBLASLt computes {@code D = op(A) · op(B)} on column-major matrices. A row-major
 * {@code [R, C]} matrix with row stride {@code C} is, byte for byte, the column-major {@code C x R} matrix with
 * leading dimension {@code C} — its transpose. So {@code out_e} is the column-major {@code N x r} matrix
 * {@code out_eᵀ = w_e · x_eᵀ}, and:
 * <ul>
 *   <li>A = {@code w_e}: stored column-major {@code K x N}, ld {@code K} (that is {@code w_eᵀ}); {@code TRANSA = T}
 *       makes {@code op(A) = w_e}, {@code N x K}: cuBLASLt {@code m = N};</li>
 *   <li>B = {@code x_e}: stored column-major {@code K x r}, ld {@code K} (that is {@code x_eᵀ}); {@code TRANSB = N}
 *       keeps {@code op(B) = x_eᵀ}, {@code K x r}: {@code k = K}, {@code n = r};</li>
 *   <li>C = D = {@code out_e}: column-major {@code N x r}, ld {@code N}, BF16; beta = 0 so C is never read.</li>
 * </ul>
 * This "TN" form is also the only one cuBLASLt's FP8 kernels accept on Hopper. In the masked layout {@code r} is
 * the expert's valid count, so only the first {@code r} rows of its slot are written.
 *
 * <h2>FP8 block scales</h2>
 * cuBLASLt 12.9+ scales A by {@code BLK128x128_32F} and B by {@code VEC128_32F} (DeepSeek-V3: 128x128 weight
 * blocks, 1x128 activation groups). Their layouts (cuBLAS docs "scaling factors layouts", cuda.md §3.4):
 * <ul>
 *   <li>{@code BLK128x128} for A: K-major, the K blocks padded to a multiple of 4: scale of (n, k) at
 *       {@code [n/128 * L4 + k/128]}, {@code L4 = roundup(K/128, 4)}. The spec's {@code w_scale [E, ceil(N/128),
 *       K/128]} is exactly that when {@code K/128 % 4 == 0}; otherwise one {@code cublasLtMatrixTransform} per
 *       enqueue copies it into a staging tensor with row stride {@code L4}.</li>
 *   <li>{@code VEC128} for B: outer-dimension-major: scale of (row j, k) at {@code [k/128 * n + j]}. The spec's
 *       {@code x_scale [R, K/128]} is K-major, so one transform per expert and enqueue transposes the expert's
 *       rows into a staging tensor {@code [K/128][n]}.</li>
 *   <li>Block scaling needs {@code m} and {@code n} multiples of 4 and 16-byte aligned pointers: an expert whose
 *       row count is not a multiple of 4 runs on a staging copy of its rows padded with zero rows to
 *       {@code n = roundup(r, 4)}, and its {@code r} valid output rows are copied back (device to device, on
 *       the same stream), so no row of {@code out} outside the expert's valid rows is ever written.</li>
 * </ul>
 *
 * @param spec           the GEMM
 * @param experts        one entry per expert with rows, in expert order
 * @param problems       the distinct (n, alignment) problems, one heuristic each
 * @param kBlocks        {@code K / 128} (FP8), else 0
 * @param kBlocksPadded  {@code roundup(K/128, 4)} (FP8), else 0
 * @param nBlocks        {@code ceil(N / 128)} (FP8), else 0
 * @param padWeightScale whether {@code w_scale} goes through a staging tensor with K blocks padded to 4
 * @param weightScaleStageBytes bytes of that staging tensor (0 when not padded)
 * @param activationScaleStageBytes bytes of the per-expert transposed {@code x_scale} (FP8), else 0
 * @param rowStageBytes  bytes of the padded row copies and their outputs (FP8 experts with {@code r % 4 != 0})
 * @param batchStride    the row stride between consecutive experts when one strided-batched matmul runs them all,
 *                       else -1: BF16, at least two experts, every expert with the same (non-zero) row count, and
 *                       expert {@code e}'s first row at {@code e × stride} (a dense batched GEMM, a contiguous MoE
 *                       GEMM with uniform rows, a masked one with every expert full to the same count). cuBLASLt
 *                       then takes batch count E and strided offsets N·K (A), stride·K (B) and stride·N (D)
 *                       elements: one call instead of E
 */
record CublasLtMoePlan(MoeGemmSpec spec, List<Expert> experts, List<Problem> problems, int kBlocks,
                       int kBlocksPadded, int nBlocks, boolean padWeightScale, long weightScaleStageBytes,
                       long activationScaleStageBytes, long rowStageBytes, long batchStride) {

    /** cuMemAlloc's alignment, which every operand base has; offsets are aligned relative to it. */
    static final int BASE_ALIGNMENT = 256;
    /** FP8 and block scaling: pointers and leading dimensions 16-byte aligned. */
    static final int FP8_ALIGNMENT = 16;
    /** Block scaling: m and n multiples of this. */
    static final int BLOCK_DIM_MULTIPLE = 4;

    /**
     * One expert's matmul.
     *
     * @param expert          expert index
     * @param rows            valid rows {@code r}
     * @param cols            cuBLASLt's {@code n}: {@code r}, or {@code roundup(r, 4)} when staged
     * @param problem         index into {@link #problems()}
     * @param wOffset         bytes from {@code w} to {@code w_e}
     * @param xOffset         bytes from {@code x} to the expert's first row
     * @param outOffset       bytes from {@code out} to the expert's first output row
     * @param xScaleOffset    bytes from {@code x_scale} to the expert's first row of scales (FP8)
     * @param wScaleOffset    bytes from {@code w_scale} (or its padded staging tensor) to expert e's blocks (FP8)
     * @param scaleStageOffset bytes from the transposed-activation-scale staging tensor to this expert's (FP8)
     * @param staged          whether rows and output go through the row staging buffer
     * @param stageXOffset    bytes from the row staging buffer to this expert's padded rows (staged only)
     * @param stageOutOffset  bytes from the row staging buffer to this expert's padded output (staged only)
     */
    record Expert(int expert, int rows, int cols, int problem, long wOffset, long xOffset, long outOffset,
                  long xScaleOffset, long wScaleOffset, long scaleStageOffset, boolean staged, long stageXOffset,
                  long stageOutOffset) {
    }

    /**
     * One heuristic: cuBLASLt's {@code n} and the alignments the matmul's pointers are guaranteed
     * ({@code MIN_ALIGNMENT_*_BYTES}; C is D).
     */
    record Problem(int cols, int alignA, int alignB, int alignD) {
    }

    /** The plan of {@code spec}, which must be BF16 or FP8_BLOCK (INT8 stays on the kernel). */
    static CublasLtMoePlan of(MoeGemmSpec spec) {
        boolean fp8 = switch (spec.type()) {
            case BF16 -> false;
            case FP8_BLOCK -> true;
            case INT8_W8A8 -> throw new IllegalArgumentException("INT8 W8A8 MoE GEMM runs on backend-cuda's kernel, not cuBLASLt");
            case MXFP4_FP8, MXFP4_BF16 -> throw new IllegalArgumentException(
                    "MXFP4 MoE GEMM runs on backend-cuda's kernel, not cuBLASLt");
        };
        long n = spec.n();
        long k = spec.k();
        int opBytes = spec.type().operandType().byteSize();
        int kBlocks = fp8 ? spec.k() / MoeGemmSpec.FP8_BLOCK : 0;
        int kBlocksPadded = fp8 ? roundUp(kBlocks, BLOCK_DIM_MULTIPLE) : 0;
        int nBlocks = fp8 ? (spec.n() + MoeGemmSpec.FP8_BLOCK - 1) / MoeGemmSpec.FP8_BLOCK : 0;
        boolean padWeightScale = fp8 && kBlocksPadded != kBlocks;
        long weightScaleStageBytes = padWeightScale ? (long) spec.experts() * nBlocks * kBlocksPadded * 4 : 0;
        long wScaleStride = (long) nBlocks * (padWeightScale ? kBlocksPadded : kBlocks) * 4;

        Map<Problem, Integer> problems = new LinkedHashMap<>();
        List<Expert> experts = new ArrayList<>();
        long scaleStage = 0;
        long rowStage = 0;
        for (int e = 0; e < spec.experts(); e++) {
            int rows = spec.rowsPerExpert().get(e);
            if (rows == 0) {
                continue;
            }
            long firstRow = spec.firstRow(e);
            long wOffset = (long) e * n * k * opBytes;
            long xOffset = firstRow * k * opBytes;
            long outOffset = firstRow * n * 2;
            int alignA = alignment(wOffset);
            int alignB = alignment(xOffset);
            int alignD = alignment(outOffset);
            boolean staged = fp8 && (rows % BLOCK_DIM_MULTIPLE != 0 || alignB < FP8_ALIGNMENT || alignD < FP8_ALIGNMENT);
            int cols = staged ? roundUp(rows, BLOCK_DIM_MULTIPLE) : rows;
            long stageX = 0;
            long stageOut = 0;
            if (staged) {
                stageX = rowStage;
                rowStage = roundUp(rowStage + (long) cols * k, BASE_ALIGNMENT);
                stageOut = rowStage;
                rowStage = roundUp(rowStage + (long) cols * n * 2, BASE_ALIGNMENT);
                alignB = BASE_ALIGNMENT;
                alignD = BASE_ALIGNMENT;
            }
            long scaleStageOffset = 0;
            if (fp8) {
                scaleStageOffset = scaleStage;
                scaleStage = roundUp(scaleStage + (long) kBlocks * cols * 4, BASE_ALIGNMENT);
            }
            Problem p = new Problem(cols, alignA, alignB, alignD);
            Integer index = problems.get(p);
            if (index == null) {
                index = problems.size();
                problems.put(p, index);
            }
            experts.add(new Expert(e, rows, cols, index, wOffset, xOffset, outOffset,
                    fp8 ? firstRow * kBlocks * 4 : 0, fp8 ? e * wScaleStride : 0, scaleStageOffset, staged, stageX,
                    stageOut));
        }
        return new CublasLtMoePlan(spec, List.copyOf(experts), List.copyOf(problems.keySet()), kBlocks, kBlocksPadded,
                nBlocks, padWeightScale, weightScaleStageBytes, scaleStage, rowStage, batchStride(spec, experts, fp8));
    }

    boolean fp8() {
        return spec.type() == MoeGemmSpec.Type.FP8_BLOCK;
    }

    /** {@link #batchStride()} of {@code experts} planned for {@code spec}. */
    private static long batchStride(MoeGemmSpec spec, List<Expert> experts, boolean fp8) {
        if (fp8 || experts.size() < 2 || experts.size() != spec.experts()) {
            return -1;
        }
        long stride = spec.firstRow(1) - spec.firstRow(0);
        int rows = experts.get(0).rows();
        for (Expert e : experts) {
            if (e.rows() != rows || e.staged() || spec.firstRow(e.expert()) != e.expert() * stride) {
                return -1;
            }
        }
        return stride >= rows ? stride : -1;
    }

    /** Whether one strided-batched matmul runs every expert ({@link #batchStride()}). */
    boolean batched() {
        return batchStride() > 0;
    }

    /** The heuristic problem of the batched matmul: the experts' row count and the alignment every offset keeps. */
    Problem batchedProblem() {
        int a = BASE_ALIGNMENT;
        int b = BASE_ALIGNMENT;
        int d = BASE_ALIGNMENT;
        for (Problem p : problems) {
            a = Math.min(a, p.alignA());
            b = Math.min(b, p.alignB());
            d = Math.min(d, p.alignD());
        }
        return new Problem(experts.get(0).cols(), a, b, d);
    }

    /** How many matmuls one enqueue makes (experts with rows; one when {@link #batched()}). */
    int matmuls() {
        return batched() ? 1 : experts.size();
    }

    /** How many {@code cublasLtMatrixTransform} calls one enqueue makes. */
    int transforms() {
        return fp8() ? experts.size() + (padWeightScale ? 1 : 0) : 0;
    }

    /** How many device-to-device copies one enqueue makes (two per staged expert). */
    int copies() {
        return 2 * (int) experts.stream().filter(Expert::staged).count();
    }

    /** The largest power of two dividing {@code offset}, at most {@link #BASE_ALIGNMENT} (256 for 0). */
    static int alignment(long offset) {
        if (offset == 0) {
            return BASE_ALIGNMENT;
        }
        return (int) Math.min(BASE_ALIGNMENT, Long.lowestOneBit(offset));
    }

    static int roundUp(int v, int multiple) {
        return (v + multiple - 1) / multiple * multiple;
    }

    static long roundUp(long v, long multiple) {
        return (v + multiple - 1) / multiple * multiple;
    }
}
