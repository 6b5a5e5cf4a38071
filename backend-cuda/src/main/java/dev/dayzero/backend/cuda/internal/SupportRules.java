package dev.dayzero.backend.cuda.internal;

import dev.dayzero.hal.Support;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.hal.op.QuantizeSpec;

/**
 * What backend-cuda runs, as a pure function of the spec and of whether its kernels were built, so that it is
 * testable without a GPU. Everything not implemented answers unsupported with the reason; nothing is faked.
 */
public final class SupportRules {
    /** The operators the nvcc-built kernels provide, for messages. */
    public static final String KERNEL_OPERATORS = "quantize (FP8 E4M3/E5M2 and INT8, every granularity), dense and "
            + "sparse MLA decode (BF16 and FP8 FlashMLA KV caches) and the MoE grouped GEMM fallback (BF16, FP8 block-scaled, INT8)";
    /** Widest key the MLA kernels hold in shared memory ({@code kDk} of {@code mla_decode.cu}). */
    static final int MLA_MAX_DK = MlaKernel.MAX_DK;
    /** Widest value the MLA kernels accumulate in registers ({@code kDv}). */
    static final int MLA_MAX_DV = MlaKernel.MAX_DV;

    private SupportRules() {
    }

    /** The answer for {@code spec}; {@code kernelsBuilt} says whether the build packaged the kernel fatbins. */
    public static Support supports(OpSpec spec, boolean kernelsBuilt) {
        if (spec instanceof QuantizeSpec q) {
            if (!kernelsBuilt) {
                return Support.unsupported("backend-cuda's kernels were not built (no nvcc when it was compiled), "
                        + "so quantize is unavailable; rebuild with CUDA 13's nvcc on PATH");
            }
            long units = (long) q.scaleRows() * q.scaleCols();
            if (units > Integer.MAX_VALUE) {
                return Support.unsupported("quantize with " + units + " scaling units exceeds one launch's grid "
                        + "(2^31 - 1 blocks) in backend-cuda");
            }
            return Support.supported();
        }
        if (spec instanceof MoeGemmSpec g) {
            if (!kernelsBuilt) {
                return Support.unsupported("backend-cuda's kernels were not built (no nvcc when it was compiled), "
                        + "so MoE grouped GEMM is unavailable; rebuild with CUDA 13's nvcc on PATH");
            }
            int maxRows = g.rowsPerExpert().stream().mapToInt(Integer::intValue).max().orElse(0);
            if (g.experts() > 65535 || (maxRows + 15) / 16 > 65535) {
                return Support.unsupported("MoE grouped GEMM with " + g.experts() + " experts and up to " + maxRows
                        + " rows an expert exceeds the fallback kernel's grid (65535 experts, 1048560 rows)");
            }
            return Support.supported();
        }
        if (spec instanceof AttentionSpec.LatentDecode d) {
            return latent("MLA decode", kernelsBuilt, d.headDim(), d.valueDim(),
                    (long) d.batch() * d.queriesPerSeq() * d.numHeads());
        }
        if (spec instanceof AttentionSpec.SparseLatentDecode d) {
            return latent("sparse MLA decode", kernelsBuilt, d.headDim(), d.valueDim(),
                    (long) d.batch() * d.queriesPerSeq() * d.numHeads());
        }
        if (spec instanceof AttentionSpec a) {
            return Support.unsupported("not implemented yet in backend-cuda: attention (" + a.describe()
                    + "); planned as flash-style kernels with online softmax on tensor cores");
        }
        return Support.unsupported("backend-cuda does not know the operator family " + spec.family());
    }

    /** Dense and sparse MLA decode (either KV cache: the FP8 layout fixes Dk = 576, Dv = 512). */
    private static Support latent(String what, boolean kernelsBuilt, int dk, int dv, long rows) {
        if (!kernelsBuilt) {
            return Support.unsupported("backend-cuda's kernels were not built (no nvcc when it was compiled), "
                    + "so " + what + " is unavailable; rebuild with CUDA 13's nvcc on PATH");
        }
        if (dk % 16 != 0 || dk > MLA_MAX_DK) {
            return Support.unsupported("backend-cuda's " + what + " kernels take a key width Dk that is a multiple "
                    + "of 16 up to " + MLA_MAX_DK + " (DeepSeek's 512 latent + 64 rope), not Dk=" + dk);
        }
        if (dv % 16 != 0 || dv > MLA_MAX_DV) {
            return Support.unsupported("backend-cuda's " + what + " kernels take a value width Dv that is a "
                    + "multiple of 16 up to " + MLA_MAX_DV + ", not Dv=" + dv);
        }
        if (rows > Integer.MAX_VALUE - MlaPlan.ROWS) {
            return Support.unsupported(what + " with " + rows + " (sequence, query, head) rows exceeds the 2^31 rows "
                    + "backend-cuda's MLA kernels index");
        }
        return Support.supported();
    }
}
