package dev.dayzero.backend.cambricon.internal;

import dev.dayzero.hal.DType;
import dev.dayzero.hal.Support;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.CacheWriteSpec;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.KvCacheType;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.hal.op.QuantizeSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code supports()} for one generation: which CNNL / CNNL-Extra call serves a spec, its size limits, and
 * the nearest alternative spec where the chip or the C API lacks the exact feature. Pure: runs nothing.
 */
public final class CapabilityMap {
    static final String SPARSE_REASON = "sparse MLA (DSA) decode has no C-API kernel in CNNL 1.28.6 / CNNL-Extra 1.12.3 /"
            + " MLU-OPS 1.11.1; vllm-mlu runs it through Torch-MLU-Ops (C++ on the libtorch ABI), which JNA cannot bind";
    /** DeepSeek-V4's sparse shared-KV attention with a sink (issue 13). */
    static final String SHARED_KV_REASON = "DeepSeek-V4's attention needs a per-head sink; the C-API cached-KV kernel"
            + " (cnnlSingleQueryCachedKVAttn) takes none, and the sink-capable operator (single_query_cached_kv_attn with"
            + " learnable_sink) lives in Torch-MLU-Ops (C++ on the libtorch ABI), which JNA cannot bind";
    /** The KV-cache write (issue 13). */
    static final String CACHE_WRITE_REASON = "the KV-cache quantize-and-insert has no confirmed C-API operator on"
            + " Cambricon (vllm-mlu writes V4's caches in BF16 through Torch-MLU-Ops)";
    /** The lightning indexer (V3.2 / V4 DSA top-k selection), every member of the {@code indexer} family. */
    static final String INDEXER_REASON = "the DSA lightning indexer has no C-API operator on Cambricon: no CNNL 1.28.6 /"
            + " CNNL-Extra 1.12.3 / MLU-OPS 1.11.1 call computes its scores or top-k; Cambricon's own stack runs it as"
            + " torch_mlu_ops' masked_indexer_select_paged_kv (fused scores and top-k, writing a sparse block table),"
            + " a C++ function on at::Tensor with the libtorch ABI, which is not reachable from C or JNA";
    /** DSA sparse prefill ({@code flash_mla_sparse_fwd} semantics). */
    static final String SPARSE_PREFILL_REASON = "sparse (DSA) prefill has no C-API kernel in CNNL 1.28.6 / CNNL-Extra"
            + " 1.12.3 / MLU-OPS 1.11.1; vllm-mlu selects keys with torch_mlu_ops' masked_indexer_select_paged_kv and"
            + " attends through torch_mlu_ops (C++ on the libtorch ABI), which is not reachable from C or JNA";
    static final String INT8_MOE_REASON = "INT8 W8A8 needs per-row and per-channel F32 scales applied to an INT8 GEMM;"
            + " cnnlMatMul_v2 takes one scalar alpha, and the calls that take such scales (cnnlGroupGemmPerRowColScaleBiasAct,"
            + " cnnlLLMQuantMatmul) have no confirmed prototype in the facts file, so they are not bound blind";

    private CapabilityMap() {
    }

    /** The answer for {@code spec} on a chip of capability {@code cap}. */
    public static Support answer(Capability cap, OpSpec spec) {
        if (spec instanceof QuantizeSpec q) {
            return quantize(cap, q);
        } else if (spec instanceof MoeGemmSpec m) {
            return moe(cap, m);
        } else if (spec instanceof AttentionSpec.Prefill p) {
            return prefill(cap, p);
        } else if (spec instanceof AttentionSpec.PagedDecode p) {
            return paged(cap, p);
        } else if (spec instanceof AttentionSpec.LatentDecode l) {
            return latent(cap, l);
        } else if (spec instanceof AttentionSpec.SparseLatentDecode) {
            return Support.unsupported(SPARSE_REASON);
        } else if (spec instanceof AttentionSpec.SparsePrefill) {
            return Support.unsupported(SPARSE_PREFILL_REASON);
        } else if (spec instanceof IndexerSpec) {
            return Support.unsupported(INDEXER_REASON);
        } else if (spec instanceof AttentionSpec.SparseSharedKvDecode) {
            return Support.unsupported(SHARED_KV_REASON);
        } else if (spec instanceof CacheWriteSpec) {
            return Support.unsupported(CACHE_WRITE_REASON);
        }
        return Support.unsupported("unknown spec family " + spec.family());
    }

    static Support quantize(Capability cap, QuantizeSpec q) {
        List<String> why = new ArrayList<>();
        DType format = q.format();
        QuantizeSpec.Granularity g = q.granularity();
        DType scale = q.scaleType();
        if (format.isFp8() && !cap.fp8()) {
            format = DType.I8;
            why.add("no FP8 on " + cap.label() + " (FP8 needs compute capability >= 6), so INT8");
        }
        if (scale == DType.UE8M0) {
            scale = DType.F32;
            why.add("cnnlGroupQuant writes F32 scales (amax / fmax); CNNL-Extra 1.12.3 has no power-of-two UE8M0 scale mode");
        }
        if (g instanceof QuantizeSpec.PerGroup pg) {
            if (q.k() % pg.groupSize() != 0) {
                g = QuantizeSpec.perToken();
                why.add("groups are run as tokens of a [M*K/g, g] view, which needs g to divide K = " + q.k());
            }
        } else if (g instanceof QuantizeSpec.PerTensor) {
            g = QuantizeSpec.perToken();
            why.add("cnnlGroupQuant computes dynamic scales per token only (no per-tensor dynamic mode in the C API)");
        } else if (g instanceof QuantizeSpec.PerBlock b && !(b.rows() == 1 && q.k() % b.cols() == 0)) {
            return Support.unsupported("block (" + b.rows() + "x" + b.cols() + ") scales need a 2-D amax;"
                    + " cnnlGroupQuant computes one dynamic scale per token and no CNNL / CNNL-Extra 1.x C call"
                    + " computes block scales (quantize weights offline)");
        }
        QuantizeSpec target = new QuantizeSpec(q.m(), q.k(), q.inputType(), format, g, scale);
        if (target.blockCols() > Capability.GROUP_QUANT_MAX_COLS) {
            return Support.unsupported("cnnlGroupQuant takes rows of at most " + Capability.GROUP_QUANT_MAX_COLS
                    + " values; a scaling unit here is " + target.blockCols() + " wide");
        }
        return why.isEmpty() ? Support.supported() : Support.alternative(target, String.join("; ", why));
    }

    static Support moe(Capability cap, MoeGemmSpec m) {
        if (m.type() == MoeGemmSpec.Type.INT8_W8A8) {
            return Support.unsupported(INT8_MOE_REASON);
        }
        if (!cap.bf16()) {
            return Support.unsupported("no BF16 GEMM on " + cap.label() + " (BF16 needs MLU500, compute capability >= 5)"
                    + (m.type() == MoeGemmSpec.Type.FP8_BLOCK ? ", no FP8 either, and " + INT8_MOE_REASON : ""));
        }
        if (m.type() == MoeGemmSpec.Type.FP8_BLOCK) {
            String fp8 = cap.fp8()
                    ? "cnnlMatMulEx_v2 runs FP8 with one scale per tensor (A/B_SCALE_POINTER), not 1x128 / 128x128 block scales"
                    : "no FP8 on " + cap.label() + " (FP8 needs compute capability >= 6)";
            return Support.alternative(m.withType(MoeGemmSpec.Type.BF16), fp8
                    + "; INT8 W8A8 is not offered because " + INT8_MOE_REASON + "; the nearest that runs is BF16");
        }
        return Support.supported();
    }

    static Support prefill(Capability cap, AttentionSpec.Prefill p) {
        if (!cap.bf16()) {
            return Support.unsupported("BF16 attention needs MLU500 (compute capability >= 5); " + cap.label()
                    + " runs cnnlFlashAttentionForward_v2 in half only, and the specs are BF16");
        }
        if (p.headDim() > Capability.FLASH_MAX_HEAD) {
            return Support.unsupported("cnnlFlashAttentionForward_v2 takes head_size in [1, 512]; got " + p.headDim());
        }
        return Support.supported();
    }

    static Support paged(Capability cap, AttentionSpec.PagedDecode p) {
        if (!cap.pagedKv()) {
            return Support.unsupported("no paged attention on " + cap.label() + ": paged KV in CNNL-Extra is MLU500-only");
        }
        String heads = decodeHeads(p.headDim(), p.headDim(), p.numHeads() / p.numKvHeads(), 1);
        if (heads != null) {
            return Support.unsupported(heads);
        }
        if (p.pageSize() != Capability.PAGED_BLOCK_SIZE) {
            AttentionSpec.PagedDecode alt = new AttentionSpec.PagedDecode(p.seqLens(), p.numHeads(), p.numKvHeads(),
                    p.headDim(), Capability.PAGED_BLOCK_SIZE,
                    AttentionSpec.pagesWithSpares(p.seqLens(), Capability.PAGED_BLOCK_SIZE), p.softmaxScale());
            String size = decodeSizes(alt.batch(), 1, alt.numHeads(), alt.numPages(), alt.numKvHeads(), alt.headDim(),
                    alt.valueDim());
            if (size != null) {
                return Support.unsupported(size + " (with page " + p.pageSize() + " as 16)");
            }
            return Support.alternative(alt, "cnnlSingleQueryCachedKVAttn_v3 takes paged KV with block_size 16 only; page "
                    + p.pageSize() + " becomes 16");
        }
        String size = decodeSizes(p.batch(), 1, p.numHeads(), p.numPages(), p.numKvHeads(), p.headDim(), p.valueDim());
        return size == null ? Support.supported() : Support.unsupported(size);
    }

    static Support latent(Capability cap, AttentionSpec.LatentDecode l) {
        if (!cap.pagedKv()) {
            return Support.unsupported("no paged attention on " + cap.label() + ": paged KV in CNNL-Extra is MLU500-only");
        }
        if (l.queriesPerSeq() > Capability.DECODE_MAX_QUERY_LEN) {
            return Support.unsupported("cnnlSingleQueryCachedKVAttn_v3 takes seq_q in [1, 16]; got " + l.queriesPerSeq());
        }
        if (l.queriesPerSeq() > 1 && !l.causal()) {
            return Support.unsupported("cnnlSingleQueryCachedKVAttn_v3 applies the causal mask itself when seq_q > 1;"
                    + " non-causal speculative decode has no switch");
        }
        if (l.headDim() < Capability.DECODE_MIN_HEAD || l.headDim() > Capability.DECODE_MAX_HEAD
                || l.valueDim() < Capability.DECODE_MIN_HEAD) {
            return Support.unsupported("cnnlSingleQueryCachedKVAttn_v3 takes head sizes in [16, 576]; got Dk="
                    + l.headDim() + " Dv=" + l.valueDim());
        }
        List<String> why = new ArrayList<>();
        KvCacheType kv = l.kvCache();
        if (kv == KvCacheType.FP8_FLASHMLA) {
            kv = KvCacheType.BF16;
            why.add("FlashMLA's 656-byte FP8 token has per-128 scales; the v3 cached-KV call takes float/half/bf16/int8/int4"
                    + " caches (its FP8 variant _v6 has no confirmed prototype), so the cache is BF16");
        }
        int heads = l.numHeads();
        int limit = l.headDim() > Capability.DECODE_WIDE_HEAD ? Capability.DECODE_MAX_GROUP_WIDE : Capability.DECODE_MAX_GROUP;
        if (heads * l.queriesPerSeq() > limit) {
            heads = Math.max(1, limit / l.queriesPerSeq());
            why.add("Hq/Hkv * seq_q must be <= " + limit + " at head size " + l.headDim() + " (cnnl_extra.h), so "
                    + heads + " query heads a call, as under tensor parallelism (" + l.numHeads() + " heads exceed it)");
        }
        int page = l.pageSize();
        if (page != Capability.PAGED_BLOCK_SIZE) {
            page = Capability.PAGED_BLOCK_SIZE;
            why.add("paged KV block_size 16 only; page " + l.pageSize() + " becomes 16");
        }
        int pages = why.isEmpty() ? l.numPages() : AttentionSpec.pagesWithSpares(l.seqLens(), page);
        String size = decodeSizes(l.batch(), l.queriesPerSeq(), heads, pages, 1, l.headDim(), l.valueDim());
        if (size != null) {
            return Support.unsupported(why.isEmpty() ? size : size + " (after: " + String.join("; ", why) + ")");
        }
        if (why.isEmpty()) {
            return Support.supported();
        }
        return Support.alternative(new AttentionSpec.LatentDecode(l.seqLens(), heads, l.queriesPerSeq(), l.headDim(),
                l.valueDim(), page, pages, kv, l.causal(), l.softmaxScale()), String.join("; ", why));
    }

    /**
     * cnnlSingleQueryCachedKVAttn_v3's size limits for the tensors as {@link CachedKvDecodeOp} passes them, or null
     * where they hold: BF16 key_cache {@code [pages, Hkv, 16, Dk]} and value_cache {@code [pages, Hkv, 16, Dv]} of
     * at most INT32_MAX elements and UINT32_MAX bytes each; query {@code [B, Sq, Hq, Dk]} and output
     * {@code [B, Sq, Hq, Dv]} of at most INT32_MAX elements. A cache past them fails at launch with
     * CNNL_STATUS_BAD_PARAM; {@code supports()} says so first.
     */
    static String decodeSizes(int batch, int seqQ, int heads, int pages, int kvHeads, int dk, int dv) {
        long tokens = (long) pages * Capability.PAGED_BLOCK_SIZE * kvHeads;
        for (String[] t : new String[][] {{"key_cache", Integer.toString(dk)}, {"value_cache", Integer.toString(dv)}}) {
            long elements = tokens * Long.parseLong(t[1]);
            long bytes = elements * 2;
            if (elements > Capability.DECODE_MAX_ELEMENTS || bytes > Capability.DECODE_MAX_CACHE_BYTES) {
                return "cnnlSingleQueryCachedKVAttn_v3 takes a " + t[0] + " of at most INT32_MAX (2147483647) elements"
                        + " and UINT32_MAX (4294967295) bytes (cnnl_extra.h); the BF16 " + t[0] + " [pages=" + pages
                        + ", Hkv=" + kvHeads + ", 16, " + t[1] + "] has " + elements + " elements (" + bytes
                        + " bytes): use a smaller cache (fewer pages) per call";
            }
        }
        long q = (long) batch * seqQ * heads * Math.max(dk, dv);
        if (q > Capability.DECODE_MAX_ELEMENTS) {
            return "cnnlSingleQueryCachedKVAttn_v3 takes query and output tensors of at most INT32_MAX (2147483647)"
                    + " elements (cnnl_extra.h); [B=" + batch + ", Sq=" + seqQ + ", Hq=" + heads + ", "
                    + Math.max(dk, dv) + "] has " + q;
        }
        return null;
    }

    private static String decodeHeads(int dk, int dv, int group, int seqQ) {
        if (dk < Capability.DECODE_MIN_HEAD || dk > Capability.DECODE_MAX_HEAD || dv < Capability.DECODE_MIN_HEAD) {
            return "cnnlSingleQueryCachedKVAttn_v3 takes head sizes in [16, 576]; got " + dk;
        }
        int limit = dk > Capability.DECODE_WIDE_HEAD ? Capability.DECODE_MAX_GROUP_WIDE : Capability.DECODE_MAX_GROUP;
        if (group * seqQ > limit) {
            return "cnnlSingleQueryCachedKVAttn_v3 takes Hq/Hkv * seq_q <= " + limit + " at head size " + dk
                    + "; got " + group * seqQ;
        }
        return null;
    }
}
