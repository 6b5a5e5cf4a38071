package dev.dayzero.backend.cuda.internal;

import dev.dayzero.backend.cuda.CudaConfig;
import dev.dayzero.backend.cuda.jna.CublasLtApi;
import dev.dayzero.hal.Support;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.CacheWriteSpec;
import dev.dayzero.hal.op.GemmSpec;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import java.util.Objects;
import java.util.Optional;

/**
 * What backend-cuda runs, as a pure function of the spec and of whether its kernels were built, so that it is
 * testable without a GPU. Everything not implemented answers unsupported with the reason; nothing is faked.
 */
public final class SupportRules {
    /** The operators the nvcc-built kernels provide, for messages. */
    public static final String KERNEL_OPERATORS = "quantize (FP8 E4M3/E5M2 and INT8, every granularity), dense and "
            + "sparse MLA decode (BF16 and FP8 FlashMLA KV caches), the MoE grouped GEMM (BF16 and FP8 block-scaled on "
            + "tensor cores, INT8) and the dense batched GEMM on the same kernels, attention prefill and paged decode, sparse prefill (MLA), the lightning indexer (logits and "
            + "top-k, FP8 and BF16 keys), DeepSeek-V4's sparse shared-KV decode (MODEL1 584-byte, V3.2 656-byte and BF16 "
            + "caches, a main and an extra index set with lengths, attention sink, lse) and the KV-cache "
            + "quantize-and-insert";
    /** Widest key the MLA kernels hold in shared memory ({@code kDk} of {@code mla_decode.cu}). */
    static final int MLA_MAX_DK = MlaKernel.MAX_DK;
    /** Widest value the MLA kernels accumulate in registers ({@code kDv}). */
    static final int MLA_MAX_DV = MlaKernel.MAX_DV;

    private SupportRules() {
    }

    /** MoE grouped GEMM with built kernels: the tensor-core kernels' K alignment and every kernel's grid limits. */
    private static Support moeGemm(MoeGemmSpec g) {
        if (g.type() == MoeGemmSpec.Type.INT8_W8A8) {
            int maxRows = g.rowsPerExpert().stream().mapToInt(Integer::intValue).max().orElse(0);
            if (g.experts() > 65535 || (maxRows + 15L) / 16 > 65535) {
                return Support.unsupported("MoE grouped GEMM INT8 W8A8 with " + g.experts() + " experts and up to "
                        + maxRows + " rows an expert exceeds the scalar INT8 kernel's grid (65535 experts, 1048560 rows)");
            }
            return Support.supported();
        }
        if (g.type() == MoeGemmSpec.Type.BF16 && g.k() % 8 != 0) {
            return Support.unsupported("backend-cuda's BF16 MoE grouped GEMM reads rows of x and w in 16-byte "
                    + "vectors, so K must be a multiple of 8, got K=" + g.k());
        }
        long blocks = MoeGemmOp.rowTiles(g.rowsPerExpert(), 64) * ((g.n() + MoeGemmOp.BLOCK_N - 1L) / MoeGemmOp.BLOCK_N);
        if (blocks > Integer.MAX_VALUE) {
            return Support.unsupported("MoE grouped GEMM " + g.describe() + " needs " + blocks + " tiles of 64x"
                    + MoeGemmOp.BLOCK_N + ", more than one launch's grid (2^31 - 1 blocks)");
        }
        return Support.supported();
    }

    /** Where a MoE grouped GEMM runs. */
    public enum MoeGemmPath { CUBLASLT, KERNEL }

    /**
     * What the device's cuBLASLt can do, for the MoE GEMM choice.
     *
     * @param version      {@code cublasLtGetVersion()}, 0 when none is loaded
     * @param missing      why none is loaded (one sentence), empty when one is
     * @param architecture the device's architecture ({@code sm_90})
     */
    public record CublasLtCaps(long version, String missing, String architecture) {
        public CublasLtCaps {
            Objects.requireNonNull(missing, "missing");
            Objects.requireNonNull(architecture, "architecture");
        }

        /** No cuBLASLt, for {@code why}. */
        public static CublasLtCaps none(String why) {
            return new CublasLtCaps(0, why, "");
        }

        /** Whether a cuBLASLt is loaded. */
        public boolean loaded() {
            return missing.isEmpty();
        }
    }

    /**
     * The MoE GEMM decision.
     *
     * @param path            where it runs, empty when unsupported
     * @param support         the answer {@code supports} gives
     * @param cublasLtRefusal why cuBLASLt does not run it (empty when it does)
     */
    public record MoeGemmRoute(Optional<MoeGemmPath> path, Support support, String cublasLtRefusal) {
    }

    /** The answer for {@code spec}; {@code kernelsBuilt} says whether the build packaged the kernel fatbins. No cuBLASLt. */
    public static Support supports(OpSpec spec, boolean kernelsBuilt) {
        return supports(spec, kernelsBuilt, CudaConfig.MoeGemm.AUTO, CublasLtCaps.none("no cuBLASLt was given"));
    }

    /** Why cuBLASLt cannot run {@code g} on a device with {@code lt}, or empty when it can. */
    public static String cublasLtRefusal(MoeGemmSpec g, CublasLtCaps lt) {
        if (g.type() == MoeGemmSpec.Type.INT8_W8A8) {
            return "INT8 W8A8 MoE GEMM runs on backend-cuda's kernel (per-row and per-channel scales), not cuBLASLt";
        }
        if (g.type().isMxfp4()) {
            return "cuBLASLt's MX block scaling (VEC32_UE8M0, Blackwell) scales both operands per 32 values; this spec's "
                    + (g.type() == MoeGemmSpec.Type.MXFP4_FP8 ? "FP8 activations carry 1x128 scales" : "activations are BF16")
                    + " against MXFP4 weights, which is not a cuBLASLt matmul: runs on backend-cuda's kernel";
        }
        if (g.type() == MoeGemmSpec.Type.FP8_BLOCK && g.scaleType() == dev.dayzero.hal.DType.UE8M0) {
            return "cuBLASLt's 1x128 / 128x128 block scaling (VEC128_32F, BLK128x128_32F) takes F32 scales, not UE8M0:"
                    + " runs on backend-cuda's kernel";
        }
        if (!lt.loaded()) {
            return lt.missing();
        }
        if (g.type() == MoeGemmSpec.Type.FP8_BLOCK) {
            if (!CublasLtApi.hasBlockScaling(lt.version())) {
                return "FP8 block scaling (1x128 activation and 128x128 weight scales) needs cuBLASLt 12.9 or newer; "
                        + "the loaded cuBLASLt is " + CublasLtApi.versionText(lt.version());
            }
            if (!lt.architecture().equals("sm_90")) {
                return "cuBLASLt's 1x128 / 128x128 FP8 block scaling runs on Hopper (sm_90) only; this GPU is "
                        + (lt.architecture().isEmpty() ? "unknown" : lt.architecture());
            }
            if (g.n() % 16 != 0) {
                return "cuBLASLt FP8 needs N divisible by 16 (16-byte aligned output rows and 128x128 weight scales), got N="
                        + g.n();
            }
        }
        return "";
    }

    /** The route of {@code g}: cuBLASLt or the kernel per {@code setting}, or unsupported with both reasons. */
    public static MoeGemmRoute moeGemmRoute(MoeGemmSpec g, boolean kernelsBuilt, CudaConfig.MoeGemm setting,
                                            CublasLtCaps lt) {
        String refusal = setting == CudaConfig.MoeGemm.KERNEL ? "dayzero.cuda.moeGemm=kernel" : cublasLtRefusal(g, lt);
        if (setting != CudaConfig.MoeGemm.KERNEL && refusal.isEmpty()) {
            return new MoeGemmRoute(Optional.of(MoeGemmPath.CUBLASLT), Support.supported(), "");
        }
        if (setting == CudaConfig.MoeGemm.CUBLASLT && g.type() != MoeGemmSpec.Type.INT8_W8A8) {
            return new MoeGemmRoute(Optional.empty(), Support.unsupported(refusal + " (" + CudaConfig.MOE_GEMM_PROPERTY
                    + "=cublaslt rules out the kernel)"), refusal);
        }
        Support kernel = kernelMoeGemm(g, kernelsBuilt);
        if (kernel.isSupported()) {
            return new MoeGemmRoute(Optional.of(MoeGemmPath.KERNEL), kernel, refusal);
        }
        String why = kernel.reason();
        if (setting == CudaConfig.MoeGemm.AUTO && g.type() != MoeGemmSpec.Type.INT8_W8A8) {
            why = why + "; and cuBLASLt cannot run it either: " + refusal;
        }
        return new MoeGemmRoute(Optional.empty(), Support.unsupported(why), refusal);
    }

    private static Support kernelMoeGemm(MoeGemmSpec g, boolean kernelsBuilt) {
        if (!kernelsBuilt) {
            return notBuilt("MoE grouped GEMM");
        }
        return moeGemm(g);
    }

    /**
     * The answer for {@code spec} on a device whose cuBLASLt is {@code lt}, with the MoE GEMM setting
     * {@code moeGemm}; {@code kernelsBuilt} says whether the build packaged the kernel fatbins.
     */
    public static Support supports(OpSpec spec, boolean kernelsBuilt, CudaConfig.MoeGemm moeGemm, CublasLtCaps lt) {
        if (spec instanceof QuantizeSpec q) {
            if (!kernelsBuilt) {
                return notBuilt("quantize");
            }
            long units = (long) q.scaleRows() * q.scaleCols();
            if (units > Integer.MAX_VALUE) {
                return Support.unsupported("quantize with " + units + " scaling units exceeds one launch's grid "
                        + "(2^31 - 1 blocks) in backend-cuda");
            }
            return Support.supported();
        }
        if (spec instanceof MoeGemmSpec g) {
            return moeGemmRoute(g, kernelsBuilt, moeGemm, lt).support();
        }
        if (spec instanceof GemmSpec g) {
            return gemm(g, kernelsBuilt, moeGemm, lt);
        }
        if (spec instanceof AttentionSpec.LatentDecode d) {
            return latent("MLA decode", kernelsBuilt, d.headDim(), d.valueDim(),
                    (long) d.batch() * d.queriesPerSeq() * d.numHeads());
        }
        if (spec instanceof AttentionSpec.SparseLatentDecode d) {
            return latent("sparse MLA decode", kernelsBuilt, d.headDim(), d.valueDim(),
                    (long) d.batch() * d.queriesPerSeq() * d.numHeads());
        }
        if (spec instanceof AttentionSpec.SparsePrefill p) {
            return latent("sparse prefill", kernelsBuilt, p.headDim(), p.valueDim(),
                    p.totalTokens() * p.numHeads());
        }
        if (spec instanceof IndexerSpec x) {
            return indexer(x, kernelsBuilt);
        }
        if (spec instanceof AttentionSpec.SparseSharedKvDecode d) {
            if (!kernelsBuilt) {
                return notBuilt("the sparse shared-KV decode");
            }
            if (d.queries() * d.numHeads() > Integer.MAX_VALUE - MlaPlan.ROWS) {
                return Support.unsupported("sparse shared-KV decode with " + d.queries() * d.numHeads() + " (query, "
                        + "head) rows exceeds the 2^31 rows backend-cuda's MLA-structured kernels index");
            }
            return Support.supported();
        }
        if (spec instanceof CacheWriteSpec) {
            return kernelsBuilt ? Support.supported() : notBuilt("the KV-cache quantize-and-insert");
        }
        if (spec instanceof AttentionSpec.Prefill p) {
            return prefill(p, kernelsBuilt);
        }
        if (spec instanceof AttentionSpec.PagedDecode d) {
            return pagedDecode(d, kernelsBuilt);
        }
        return Support.unsupported("backend-cuda does not know the operator family " + spec.family());
    }

    /**
     * The dense GEMM runs on the MoE GEMM's route ({@link DenseGemmOp}: one expert per batch entry), so it has the
     * same answer, cuBLASLt first; UE8M0 scales are answered with the same GEMM on F32 scales, which is what
     * cuBLASLt's VEC128 / BLK128x128 modes and backend-cuda's FP8 kernel read.
     */
    static Support gemm(GemmSpec g, boolean kernelsBuilt, CudaConfig.MoeGemm moeGemm, CublasLtCaps lt) {
        return moeGemmRoute(DenseGemmOp.asMoe(g), kernelsBuilt, moeGemm, lt).support();
    }

    /** Dense and sparse MLA decode (either KV cache: the FP8 layout fixes Dk = 576, Dv = 512). */
    private static Support latent(String what, boolean kernelsBuilt, int dk, int dv, long rows) {
        if (!kernelsBuilt) {
            return notBuilt(what);
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

    /** Largest head dim of the attention kernels ({@code attention.cu} instantiates every multiple of 16 up to it). */
    static final int ATTENTION_MAX_DIM = 256;
    /** Largest grid y / z dimension of a launch. */
    static final int GRID_YZ = 65535;

    private static Support prefill(AttentionSpec.Prefill p, boolean kernelsBuilt) {
        if (!kernelsBuilt) {
            return notBuilt("attention prefill");
        }
        Support dim = attentionHeadDim("attention prefill", p.headDim());
        if (dim != null) {
            return dim;
        }
        if (p.valueDim() != p.headDim()) {
            AttentionSpec.Prefill padded = new AttentionSpec.Prefill(p.seqLens(), p.numHeads(), p.numKvHeads(),
                    p.headDim(), p.headDim(), p.causal(), p.softmaxScale());
            return Support.alternative(padded, "backend-cuda's prefill kernel (attention.cu) has one head dim for "
                    + "q, k and v, so Dv=" + p.valueDim() + " != Dk=" + p.headDim() + " runs with v padded to Dk, as "
                    + "FlashAttention-2 users do for MLA prefill: the time counts a " + p.headDim()
                    + "-wide PV product and output");
        }
        if (p.numHeads() > GRID_YZ || p.batch() > GRID_YZ) {
            return Support.unsupported("attention prefill with Hq=" + p.numHeads() + " and B=" + p.batch()
                    + " exceeds the kernel's grid (at most " + GRID_YZ + " query heads and " + GRID_YZ + " sequences)");
        }
        if (p.totalTokens() > Integer.MAX_VALUE) {
            return Support.unsupported("attention prefill with T=" + p.totalTokens() + " tokens exceeds what I32 "
                    + "cu_seqlens can address");
        }
        return Support.supported();
    }

    private static Support pagedDecode(AttentionSpec.PagedDecode d, boolean kernelsBuilt) {
        if (!kernelsBuilt) {
            return notBuilt("attention paged decode");
        }
        Support dim = attentionHeadDim("attention paged decode", d.headDim());
        if (dim != null) {
            return dim;
        }
        long rows = (long) d.numKvHeads() * PagedDecodeOp.groupsPerKvHead(d);
        if (rows > GRID_YZ || d.batch() > GRID_YZ) {
            return Support.unsupported("attention paged decode with Hkv=" + d.numKvHeads() + " (" + rows
                    + " blocks of 16 query heads) and B=" + d.batch() + " exceeds the kernel's grid (at most "
                    + GRID_YZ + " of each)");
        }
        if ((long) d.batch() * d.numHeads() > Integer.MAX_VALUE) {
            return Support.unsupported("attention paged decode with B·Hq=" + (long) d.batch() * d.numHeads()
                    + " output rows exceeds one launch's grid");
        }
        return Support.supported();
    }

    /** SMs assumed for the indexer's grid limit when the device does not say (the plan cuts keys finer with more). */
    static final int INDEXER_PLAN_SMS = 1024;

    /**
     * The lightning indexer: every shape the spec allows (heads up to 64, head dims 32 / 64 / 128, nextN 1 or 2,
     * any page size, compress ratio and top-k) runs, within I32 indexing: queries (the top-k grid and output rows),
     * keys of a row and the logits kernel's blocks each below 2^31; workspace rows are indexed in 64 bits.
     */
    private static Support indexer(IndexerSpec x, boolean kernelsBuilt) {
        if (!kernelsBuilt) {
            return notBuilt("the lightning indexer (" + x.variant() + ")");
        }
        if (x.queries() > Integer.MAX_VALUE) {
            return Support.unsupported("indexer " + x.variant() + " with " + x.queries() + " query rows exceeds "
                    + "backend-cuda's top-k grid (2^31 - 1 rows)");
        }
        if (x instanceof IndexerSpec.IndexerTopK t && t.totalTokens() * (long) t.heads() > Integer.MAX_VALUE) {
            return Support.unsupported("indexer topk with T·H = " + t.totalTokens() * t.heads() + " query head rows "
                    + "exceeds the 2^31 rows backend-cuda's indexer kernels index");
        }
        long blocks = IndexerPlan.itemCount(x, INDEXER_PLAN_SMS);
        if (blocks > Integer.MAX_VALUE) {
            return Support.unsupported("indexer " + x.variant() + " needs " + blocks + " logits blocks, more than one "
                    + "launch's grid (2^31 - 1)");
        }
        return Support.supported();
    }

    /** The indexer on a device whose blocks may use {@code optin} bytes of shared memory. */
    static Support indexerDevice(IndexerSpec x, int optin, String deviceName) {
        int need = IndexerOp.sharedBytes(x.headDim());
        if (optin < need) {
            return Support.unsupported("backend-cuda's indexer logits kernel for head dim " + x.headDim() + " needs "
                    + need + " bytes of shared memory a block (128 query rows and a 64-key tile), but " + deviceName
                    + " allows " + optin);
        }
        return Support.supported();
    }

    /** The answer for every kernel operator ({@code what}) when the build packaged no kernel fatbins. */
    private static Support notBuilt(String what) {
        return Support.unsupported("backend-cuda's kernels were not built (" + KernelImages.whyAbsent() + "), so "
                + what + " is unavailable; rebuild with CUDA 13's nvcc on PATH");
    }

    /** Null when the attention kernels have an instance for head dim {@code d}, else why not. */
    private static Support attentionHeadDim(String what, int d) {
        if (d % 16 != 0 || d > ATTENTION_MAX_DIM) {
            return Support.unsupported("backend-cuda's " + what + " kernels take head dims that are multiples of 16 "
                    + "up to " + ATTENTION_MAX_DIM + " (the tensor-core mma's K step is 16), not D=" + d);
        }
        return null;
    }
}
