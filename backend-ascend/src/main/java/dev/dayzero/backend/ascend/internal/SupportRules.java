package dev.dayzero.backend.ascend.internal;

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
import java.util.Optional;

/**
 * {@code supports()} as a pure function of the SoC's capability and the spec, so it can be checked for chips
 * this machine does not have. Each answer names the aclnn operator's constraint it rests on (ascend.md §3).
 */
public final class SupportRules {
    /** FIA: numHeads / numKeyValueHeads must be at most 64. */
    static final int MAX_GQA_RATIO = 64;
    /** GroupedMatmul: at most 128 tensors per list. */
    static final int MAX_LIST = 128;
    /** GroupedMatmul: group list of at most 1024 entries. */
    static final int MAX_GROUPS = 1024;
    /** Symbol probed for DeepSeek-V3.2's sparse flash attention. */
    public static final String SFA_SYMBOL = DsaOperators.SFA_SYMBOL;
    /** LightningIndexer: head dim of queries and keys. */
    static final int LI_HEAD_DIM = 128;
    /** LightningIndexer: most query heads. */
    static final int LI_MAX_HEADS = 64;
    /** LightningIndexer: sparseCount in [1, 2048] (the docs also list {3072, ..., 8192}, step not confirmed). */
    static final int LI_MAX_TOPK = 2048;
    /** LightningIndexer / SparseFlashAttention: largest PA_BSND block. */
    static final int MAX_SPARSE_BLOCK = 1024;

    private SupportRules() {
    }

    /**
     * FIA prefill (layout TND, no rope) on Atlas A2/A3 takes Q_D = K_D = V_D <= 256 (or Q_D = K_D = 192 with V_D 128
     * or 192) from this CANN major.minor on; before it, Q_D = K_D = V_D = 128 or Q_D = K_D = 192 with V_D 128 / 192.
     * The wider rule appears in the ops-transformer documentation between its snapshots of 2025-11-15 (narrow) and
     * 2025-12-31 (wide); the first release carrying it is UNCONFIRMED, so every 8.x is given the narrow rule.
     */
    static final int[] FIA_TND_WIDE_HEADS_SINCE = {9, 0};
    /** FIA: actualSeqLengths(Kv) hold at most 4096 entries in TND. */
    static final int FIA_TND_MAX_BATCH = 4096;
    /**
     * FIA prefill's innerPrecise: TND with GQA takes only 0, and so does BF16 MHA (FP16 MHA also 1); the specs are
     * BF16, so 0 always.
     */
    static final int PREFILL_INNER_PRECISE = 0;

    /** The answer for {@code spec} on {@code soc} with an unknown CANN version (the stricter, older limits). */
    public static Support answer(String soc, OpSpec spec, DsaOperators dsa) {
        return answer(soc, spec, dsa, CannVersion.unknown("not given"));
    }

    /**
     * The answer for {@code spec} on {@code soc}; {@code dsa}: where the DeepSeek sparse-attention operators come
     * from; {@code cann}: the toolkit's version (limits that changed between CANN releases answer by it; an unknown
     * version gets the stricter, older limits).
     */
    /** DeepSeek-V4's attention (issue 13): the operator exists, the binding does not yet. */
    static final String SHARED_KV_REASON = "DeepSeek-V4's sparse shared-KV attention maps to aclnnSparseAttnSharedkv "
            + "(CANN's custom operator package, with its metadata step; its lse output is documented as invalid, so the "
            + "answer will be the returnLse = false alternative); that binding is not written yet";
    /** The KV-cache write (issue 13): not mapped. */
    static final String CACHE_WRITE_REASON = "the KV-cache quantize-and-insert (MODEL1 / V3.2 FP8 layouts) is not mapped "
            + "to an Ascend operator yet (Ascend's V4 FP8 cache row is 640 bytes, not FlashMLA's 584)";

    public static Support answer(String soc, OpSpec spec, DsaOperators dsa, CannVersion cann) {
        Optional<SocCapability> cap = SocCapability.of(soc);
        if (cap.isEmpty()) {
            return Support.unsupported("SoC '" + soc + "' is not in the Ascend capability map (known: Ascend910B1-B4, "
                    + "Ascend910_93xx, Ascend950*)");
        }
        SocCapability c = cap.get();
        if (spec instanceof QuantizeSpec q) {
            return quantize(c, q);
        }
        if (spec instanceof MoeGemmSpec m) {
            return moe(c, m);
        }
        if (spec instanceof IndexerSpec i) {
            return indexer(c, i, dsa.lightningIndexer());
        }
        if (spec instanceof CacheWriteSpec) {
            return Support.unsupported(CACHE_WRITE_REASON);
        }
        if (spec instanceof AttentionSpec.SparseSharedKvDecode) {
            return Support.unsupported(SHARED_KV_REASON);
        }
        return attention(c, (AttentionSpec) spec, dsa.sparseFlashAttention(), cann);
    }

    // ---------------------------------------------------------------- indexer: aclnnLightningIndexer

    private static Support indexer(SocCapability c, IndexerSpec spec, DsaOperators.Source li) {
        if (spec instanceof IndexerSpec.IndexerLogits) {
            return Support.unsupported("aclnnLightningIndexer fuses the top-k and returns the selected indices (and "
                    + "optionally their values), never the full row of scores, and no other aclnn operator computes "
                    + "the indexer's logits alone");
        }
        if (!li.usable()) {
            return Support.unsupported("the lightning indexer needs aclnnLightningIndexer, " + li.describe());
        }
        if (!c.lightningIndexerProduct()) {
            return Support.unsupported("aclnnLightningIndexer is built for Atlas A2/A3 only (its docs exclude Ascend 950), "
                    + "not " + c.label());
        }
        if (spec.keyType() == IndexerSpec.KeyType.FP8) {
            IndexerSpec alt = spec.withKeyType(IndexerSpec.KeyType.BF16);
            Support altSupport = indexer(c, alt, li);
            String why = "aclnnLightningIndexer takes FP16/BF16 queries and keys, not FP8 codes with a per-key F32 scale"
                    + " (its INT8 sibling npu_quant_lightning_indexer is not bound)";
            if (altSupport.isSupported()) {
                return Support.alternative(alt, why + "; the same indexer with BF16 queries and keys runs through it");
            }
            return Support.unsupported(why + ", and the BF16 alternative is unsupported too: " + altSupport.reason());
        }
        if (spec.headDim() != LI_HEAD_DIM) {
            return Support.unsupported("aclnnLightningIndexer takes head dim 128 only, got " + spec.headDim());
        }
        if (spec.heads() > LI_MAX_HEADS) {
            return Support.unsupported("aclnnLightningIndexer takes at most 64 query heads, got " + spec.heads());
        }
        int topk = IndexerOp.topk(spec);
        if (topk > LI_MAX_TOPK) {
            return Support.unsupported("aclnnLightningIndexer's sparseCount is taken in [1, 2048] here; its docs also list "
                    + "{3072, ..., 8192}, whose step this backend could not confirm, so topk " + topk + " is not offered");
        }
        if (spec instanceof IndexerSpec.PagedIndexerTopK p) {
            int page = p.cache().pageSize();
            if (page % 16 != 0 || page > MAX_SPARSE_BLOCK) {
                return Support.unsupported("aclnnLightningIndexer's PA_BSND key cache needs a block size that is a multiple "
                        + "of 16 and <= 1024, got page size " + page);
            }
            return Support.supported();
        }
        IndexerSpec.IndexerTopK t = (IndexerSpec.IndexerTopK) spec;
        if (t.seqLens().size() > 1) {
            return Support.unsupported("aclnnLightningIndexer writes key positions within each sequence, and the spec "
                    + "asks for global key rows over " + t.seqLens().size() + " packed sequences; adding each sequence's "
                    + "start needs an elementwise kernel this backend does not bind (one sequence is supported)");
        }
        return Support.supported();
    }

    // ---------------------------------------------------------------- quantize: aclnnDynamicQuant

    private static Support quantize(SocCapability c, QuantizeSpec q) {
        List<String> diffs = new ArrayList<>();
        DType format = q.format();
        if (format.isFp8() && !c.fp8()) {
            diffs.add("no FP8 data type on " + c.label() + " (DynamicQuant yOut is INT8/INT4 there; FP8 needs Ascend950)");
            format = DType.I8;
        }
        if (!(q.granularity() instanceof QuantizeSpec.PerToken)) {
            diffs.add("aclnnDynamicQuant quantizes per token only (" + q.granularity().label() + " is not offered)");
        }
        if (q.scaleType() != DType.F32) {
            diffs.add("aclnnDynamicQuant writes FP32 scales, not " + q.scaleType());
        }
        if (q.inputType() != DType.BF16) {
            diffs.add("aclnnDynamicQuant takes FP16/BF16 input, not " + q.inputType());
        }
        if (diffs.isEmpty()) {
            return Support.supported();
        }
        QuantizeSpec alt = new QuantizeSpec(q.m(), q.k(), DType.BF16, format, QuantizeSpec.perToken(), DType.F32);
        return Support.alternative(alt, String.join("; ", diffs) + ": offering dynamic per-token " + format
                + " quantization of BF16 input with FP32 scales");
    }

    // ---------------------------------------------------------------- MoE: aclnnGroupedMatmulV4

    private static Support moe(SocCapability c, MoeGemmSpec m) {
        if (m.type() == MoeGemmSpec.Type.FP8_BLOCK) {
            String why = c.fp8()
                    ? "FP8 block-scaled grouped matmul needs aclnnGroupedMatmulV5's G-B mode, which this backend does not bind yet"
                    : "no FP8 data type on " + c.label() + " (GroupedMatmul on A2/A3 takes INT8/INT4/BF16/FP16)";
            MoeGemmSpec alt = m.withType(MoeGemmSpec.Type.INT8_W8A8);
            Support altSupport = moe(c, alt);
            if (altSupport.isSupported()) {
                return Support.alternative(alt, why + "; the same GEMM as INT8 W8A8 with per-token activation and "
                        + "per-channel weight scales runs through aclnnGroupedMatmulV4");
            }
            return Support.unsupported(why + ", and the INT8 W8A8 alternative is unsupported too: "
                    + altSupport.reason());
        }
        if (m.experts() > MAX_GROUPS) {
            return Support.unsupported("aclnnGroupedMatmulV4 takes at most " + MAX_GROUPS + " groups, the spec has "
                    + m.experts() + " experts");
        }
        if (m.validRows() == 0) {
            return Support.unsupported("no expert has a row: GroupedMatmul needs a non-empty x");
        }
        if (m.layout() == MoeGemmSpec.Layout.MASKED && m.type() == MoeGemmSpec.Type.INT8_W8A8) {
            return Support.unsupported("INT8 W8A8 grouped matmul (A8W8) supports only groupType 0 with single-tensor "
                    + "lists, where the padding rows of the masked layout would be computed and written; the spec "
                    + "requires them untouched");
        }
        return Support.supported();
    }

    // ---------------------------------------------------------------- attention: aclnnFusedInferAttentionScoreV3

    private static Support attention(SocCapability c, AttentionSpec a, DsaOperators.Source sfa, CannVersion cann) {
        if (a instanceof AttentionSpec.Prefill p) {
            return prefill(c, p, cann);
        }
        if (a instanceof AttentionSpec.PagedDecode d) {
            if (d.numHeads() / d.numKvHeads() > MAX_GQA_RATIO) {
                return Support.unsupported("FIA needs numHeads / numKeyValueHeads <= 64, got " + d.numHeads() / d.numKvHeads());
            }
            if (nativeBlockSize(d.pageSize(), false) == 0) {
                return Support.unsupported("FIA's paged decode path needs a block size that is a non-zero multiple of 16 "
                        + "and <= 512; page size " + d.pageSize() + " is not a multiple of 16, so pages cannot be "
                        + "relabelled as such blocks");
            }
            if ((long) d.numKvHeads() * d.headDim() > 65535) {
                return Support.unsupported("FIA with the BnBsH cache layout needs KV_N*D <= 64K");
            }
            return Support.supported();
        }
        if (a instanceof AttentionSpec.LatentDecode l) {
            Support shape = mlaShape(l.numHeads(), l.queriesPerSeq(), l.headDim(), l.valueDim(), l.pageSize(), true);
            if (!shape.isSupported()) {
                return shape;
            }
            if (!l.causal() && l.queriesPerSeq() > 1) {
                return Support.unsupported("FIA's MLA path takes Q_S > 1 only with sparse mode 3 (causal); "
                        + "a non-causal multi-token query is not offered");
            }
            if (l.kvCache() == KvCacheType.FP8_FLASHMLA) {
                AttentionSpec.LatentDecode alt = new AttentionSpec.LatentDecode(l.seqLens(), l.numHeads(),
                        l.queriesPerSeq(), l.headDim(), l.valueDim(), l.pageSize(), l.numPages(), KvCacheType.BF16,
                        l.causal(), l.softmaxScale());
                return Support.alternative(alt, fp8KvReason(c) + "; the same MLA decode with a BF16 KV cache runs "
                        + "through aclnnFusedInferAttentionScoreV3");
            }
            return Support.supported();
        }
        Support op = sparseOperator(c, sfa, a.variant());
        if (!op.isSupported()) {
            return op;
        }
        if (a instanceof AttentionSpec.SparsePrefill p) {
            if (p.headDim() != 576 || p.valueDim() != 512) {
                return Support.unsupported("SparseFlashAttention takes a 512 latent + 64 rope key (Dk 576, Dv 512), got Dk "
                        + p.headDim() + ", Dv " + p.valueDim());
            }
            if (Integer.bitCount(p.numHeads()) != 1 || p.numHeads() > 128) {
                return Support.unsupported("SparseFlashAttention's MLA path is taken with Q_N in {1,2,4,...,128}, got "
                        + p.numHeads());
            }
            return Support.supported();
        }
        AttentionSpec.SparseLatentDecode s = (AttentionSpec.SparseLatentDecode) a;
        Support shape = mlaShape(s.numHeads(), s.queriesPerSeq(), s.headDim(), s.valueDim(), 16, false);
        if (!shape.isSupported()) {
            return shape;
        }
        if (s.pageSize() % 16 != 0 || s.pageSize() > MAX_SPARSE_BLOCK) {
            return Support.unsupported("SparseFlashAttention needs a block size that is a multiple of 16 and <= 1024, "
                    + "got page size " + s.pageSize());
        }
        if (s.kvCache() == KvCacheType.FP8_FLASHMLA) {
            AttentionSpec.SparseLatentDecode alt = new AttentionSpec.SparseLatentDecode(s.seqLens(), s.numHeads(),
                    s.queriesPerSeq(), s.headDim(), s.valueDim(), s.topk(), s.pageSize(), s.numPages(), KvCacheType.BF16,
                    s.softmaxScale());
            return Support.alternative(alt, fp8KvReason(c) + "; the same sparse MLA decode with a BF16 KV cache runs "
                    + "through SparseFlashAttention");
        }
        return Support.supported();
    }

    /** Whether SparseFlashAttention may be called on this SoC, from the source {@link DsaOperators} chose. */
    private static Support sparseOperator(SocCapability c, DsaOperators.Source sfa, String variant) {
        if (!sfa.usable()) {
            return Support.unsupported(variant + " needs aclnnSparseFlashAttention, " + sfa.describe());
        }
        if (!c.sparseFlashAttentionProduct() || (c.family().equals("950") && !sfa.targets950())) {
            return Support.unsupported("SparseFlashAttention from " + sfa.library().getFileName() + " ("
                    + sfa.signature() + (sfa.version().isEmpty() ? ", CANN built-in" : ", vllm-ascend " + sfa.version())
                    + ") is built for Atlas A2/A3 only (only vllm-ascend's op def from 0.21 adds ascend950), not "
                    + c.label());
        }
        return Support.supported();
    }

    /**
     * FIA V3 prefill, layout TND without rope (aclnnFusedInferAttentionScoreV3.md, "TND、TND_NTD、NTD_TND场景下…综合限制"):
     * BF16/FP16 only (the specs are BF16), GQA ratio <= 64, at most 4096 sequences, the head dims by CANN version on
     * A2/A3 ({@link #FIA_TND_WIDE_HEADS_SINCE}; Ascend 950 lists no TND head-dim limit: D <= 512 there), N·D < 65535.
     * innerPrecise is {@link #PREFILL_INNER_PRECISE} (GQA needs 0). Sparse mode 3 wants each sequence's
     * actualSeqLengths "<" its actualSeqLengthsKv; self-attention passes equal lengths, as vllm-ascend does (README).
     */
    private static Support prefill(SocCapability c, AttentionSpec.Prefill p, CannVersion cann) {
        if (p.numHeads() / p.numKvHeads() > MAX_GQA_RATIO) {
            return Support.unsupported("FIA needs numHeads / numKeyValueHeads <= 64, got " + p.numHeads() / p.numKvHeads());
        }
        if (p.batch() > FIA_TND_MAX_BATCH) {
            return Support.unsupported("FIA's TND layout takes at most " + FIA_TND_MAX_BATCH + " entries in actualSeqLengths"
                    + " and actualSeqLengthsKv (one per sequence), got " + p.batch() + " sequences");
        }
        int dk = p.headDim();
        int dv = p.valueDim();
        if (c.family().equals("950")) {
            if (dk > 512) {
                return Support.unsupported("FIA prefill takes head dim <= 512, got " + dk);
            }
        } else {
            String heads = tndHeads(dk, dv, cann, c);
            if (heads != null) {
                return Support.unsupported(heads);
            }
        }
        if (p.numHeads() * dk >= 65535) {
            return Support.unsupported("FIA prefill needs N*D < 65535 with BSH/BSND-like layouts, got "
                    + p.numHeads() * dk);
        }
        return Support.supported();
    }

    /** The TND head-dim rule of {@code cann} on A2/A3, or null where (Dk, Dv) passes it. */
    static String tndHeads(int dk, int dv, CannVersion cann, SocCapability c) {
        boolean narrowOk = (dk == 128 && dv == 128) || (dk == 192 && (dv == 128 || dv == 192));
        boolean wideOk = (dk == dv && dk <= 256) || (dk == 192 && (dv == 128 || dv == 192));
        String since = FIA_TND_WIDE_HEADS_SINCE[0] + "." + FIA_TND_WIDE_HEADS_SINCE[1];
        String narrow = "Q_D = K_D = V_D = 128, or Q_D = K_D = 192 with V_D 128 or 192";
        String wide = "Q_D = K_D = V_D <= 256, or Q_D = K_D = 192 with V_D 128 or 192";
        String got = "; got Dk=" + dk + ", Dv=" + dv;
        if (cann.atLeast(FIA_TND_WIDE_HEADS_SINCE[0], FIA_TND_WIDE_HEADS_SINCE[1])) {
            return wideOk ? null : "FIA prefill (layout TND, no rope) on " + c.label() + " with " + cann.describe()
                    + " takes " + wide + got;
        }
        if (narrowOk) {
            return null;
        }
        String which = cann.known()
                ? cann.describe() + " is older than " + since + ", whose TND layout"
                : cann.describe() + ", so the stricter rule of CANN before " + since + " applies: the TND layout";
        return "FIA prefill (layout TND, no rope) on " + c.label() + ": " + which + " takes " + narrow
                + " (from CANN " + since + ": " + wide + ")" + got;
    }

    private static String fp8KvReason(SocCapability c) {
        return c.fp8()
                ? "FlashMLA's 656-byte FP8 token layout (E4M3 latent with 4 F32 scales per token, BF16 rope) has no "
                + "aclnn equivalent; FIA's FP8 KV on Ascend950 uses per-token-group E8M0 scales"
                : "no FP8 data type on " + c.label() + ", and FlashMLA's 656-byte FP8 token layout has no aclnn equivalent";
    }

    private static Support mlaShape(int heads, int queries, int dk, int dv, int pageSize, boolean paged) {
        if (dk != 576 || dv != 512) {
            return Support.unsupported("FIA's MLA path takes a 512 latent + 64 rope key (Dk 576, Dv 512), got Dk "
                    + dk + ", Dv " + dv);
        }
        if (Integer.bitCount(heads) != 1 || heads > 128) {
            return Support.unsupported("FIA's MLA path takes Q_N in {1,2,4,...,128}, got " + heads);
        }
        if (queries > 16) {
            return Support.unsupported("FIA's MLA path takes Q_S 1..16, got " + queries);
        }
        if (paged && nativeBlockSize(pageSize, true) == 0) {
            return Support.unsupported("FIA's MLA path needs block size 16 or 128; page size " + pageSize
                    + " is not a multiple of 16, so pages cannot be relabelled as such blocks");
        }
        return Support.supported();
    }

    /**
     * The FIA block size a page of {@code pageSize} tokens is relabelled into (a page of P tokens is P / bs
     * consecutive blocks of bs tokens in the same memory), or 0 where none fits. MLA: 128 or 16; otherwise the
     * page itself when 16-aligned and at most 512.
     */
    public static int nativeBlockSize(int pageSize, boolean mla) {
        if (pageSize % 16 != 0) {
            return 0;
        }
        if (mla) {
            return pageSize % 128 == 0 ? 128 : 16;
        }
        if (pageSize <= 512) {
            return pageSize;
        }
        return pageSize % 128 == 0 ? 128 : 16;
    }
}
