package dev.dayzero.backend.ascend.internal;

import dev.dayzero.hal.DType;
import dev.dayzero.hal.op.AttentionSpec;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * {@link AttentionSpec.SparseLatentDecode} through {@code aclnnSparseFlashAttention} (SFA), from the library and
 * with the C signature {@link DsaOperators} chose (17 arguments for vllm-ascend up to 0.20, 23 from 0.21 and for
 * CANN's built-in op). FlashMLA's indices are flat cache slots ({@code page·pageSize + slot}) with no block table;
 * SFA resolves token positions through a block table. The mapping makes the two agree: every sequence gets the
 * identity block table over all pages ({@code [B, pages]}, built at prepare) and an actual KV length of
 * {@code pages·pageSize}, so position {@code t} is flat slot {@code t}; the spec's indices go through as
 * {@code [B, Q_S, 1, topk]} ({@code -1} = unused, valid entries first, as SFA requires; a row that is not in that
 * order is compacted at bind).
 *
 * <p>SFA's docs mark strided query/key/rope inputs unsupported, so at bind (outside the timed window) the 576-wide
 * q and cache are split into contiguous 512-wide latent and 64-wide rope copies, owned by the launch and counted
 * in the device's memory; the launch computes with the values q and the cache had at bind. The 23-argument form
 * gets real FP32 softmaxMax / softmaxSum outputs {@code [B, 1, Q_S, Hq]} (required; never NULL).
 */
final class SparseMlaOp extends AscendPreparedOp {
    private final AttentionSpec.SparseLatentDecode spec;
    private final DsaOperators.Source sfa;
    private final AclBuffer identityTable;
    private final AclBuffer kvLengths;

    SparseMlaOp(AscendDevice device, AttentionSpec.SparseLatentDecode spec) {
        super(device, spec);
        this.spec = spec;
        this.sfa = device.dsaOperators().sparseFlashAttention();
        int b = spec.batch();
        int pages = spec.numPages();
        int[] table = new int[b * pages];
        for (int i = 0; i < b; i++) {
            for (int p = 0; p < pages; p++) {
                table[i * pages + p] = p;
            }
        }
        identityTable = BindCopies.int32(this, table);
        int[] lens = new int[b];
        Arrays.fill(lens, pages * spec.pageSize());
        kvLengths = BindCopies.int32(this, lens);
        long queries = (long) b * spec.queriesPerSeq() * spec.numHeads();
        long tokens = (long) pages * spec.pageSize();
        long copies = 2L * (queries + tokens) * spec.headDim();
        note("aclnnSparseFlashAttention: " + sfa.describe());
        note("attention_mode 2, sparse_mode 0, sparse_block_size 1, layout_query BSND, layout_kv PA_BSND [pages,"
                + spec.pageSize() + ",1,512] + rope [..,64]; identity block table [B," + pages + "] and actual KV length "
                + tokens + " (built at prepare) so that FlashMLA's flat slots are SFA positions; indices as [B,Q_S,1,topk]"
                + " (valid first; compacted at bind where a row is not)");
        note("contiguous copies made at bind (outside the timed window; SFA's docs mark strided views unsupported):"
                + " q -> [B,Q_S,Hq,512] + [B,Q_S,Hq,64], cache -> [pages," + spec.pageSize() + ",1,512] + [..,64], "
                + copies + " bytes" + (sfa.abi() == DsaOperators.Abi.SFA_23 ? ", plus FP32 softmaxMax/softmaxSum "
                + 8 * queries + " bytes" : "") + "; rebind after changing q or kv_cache");
    }

    @Override
    void build(AclLaunch l, AclBuffer[] b) {
        long bsz = spec.batch();
        long sq = spec.queriesPerSeq();
        long hq = spec.numHeads();
        int dk = spec.headDim();
        int dv = spec.valueDim();
        long rope = dk - dv;
        long pages = spec.numPages();
        long ps = spec.pageSize();
        AclBuffer[] qs = BindCopies.splitBf16Rows(l, b[0], bsz * sq * hq, dk, dv);
        AclBuffer[] ks = BindCopies.splitBf16Rows(l, b[1], pages * ps, dk, dv);
        long q = l.tensor(new long[] {bsz, sq, hq, dv}, DType.BF16, qs[0], 0);
        long qr = l.tensor(new long[] {bsz, sq, hq, rope}, DType.BF16, qs[1], 0);
        long k = l.tensor(new long[] {pages, ps, 1, dv}, DType.BF16, ks[0], 0);
        long v = l.tensor(new long[] {pages, ps, 1, dv}, DType.BF16, ks[0], 0);
        long kr = l.tensor(new long[] {pages, ps, 1, rope}, DType.BF16, ks[1], 0);
        AclBuffer compacted = BindCopies.validFirst(l, b[2], bsz * sq, spec.topk());
        long idx = l.tensor(new long[] {bsz, sq, 1, spec.topk()}, DType.I32, compacted != null ? compacted : b[2], 0);
        long bt = l.tensor(new long[] {bsz, pages}, DType.I32, identityTable, 0);
        long kvLen = l.tensor(new long[] {bsz}, DType.I32, kvLengths, 0);
        long out = l.tensor(new long[] {bsz, sq, hq, dv}, DType.BF16, b[3], 0);
        call(device(), l, sfa, q, k, v, idx, bt, 0, kvLen, qr, kr, spec.softmaxScale(), "BSND", "PA_BSND", out,
                new long[] {bsz, 1, sq, hq});
    }

    /**
     * Phase 1 of SFA in the signature {@code sfa} names (attention_mode 2, sparse_mode 0, sparse_block_size 1);
     * for the 23-argument form, FP32 softmaxMax / softmaxSum of {@code softmaxDims} are allocated in the launch.
     */
    static void call(AscendDevice device, AclLaunch l, DsaOperators.Source sfa, long q, long k, long v, long idx,
                     long blockTable, long asq, long askv, long qr, long kr, double scale, String layoutQuery,
                     String layoutKv, long out, long[] softmaxDims) {
        var acl = device.acl();
        Path lib = sfa.library();
        switch (sfa.abi()) {
            case SFA_23 -> {
                long n = 1;
                for (long d : softmaxDims) {
                    n *= d;
                }
                AclBuffer maxBuf = l.buffer(4 * n);
                AclBuffer sumBuf = l.buffer(4 * n);
                long max = l.tensor(softmaxDims, DType.F32, maxBuf, 0);
                long sum = l.tensor(softmaxDims, DType.F32, sumBuf, 0);
                l.call(acl.sparseFlashAttention23GetWorkspaceSize(lib, q, k, v, idx, blockTable, asq, askv, qr, kr,
                        scale, 1, layoutQuery, layoutKv, 0, out, max, sum),
                        (w, s, e, st) -> acl.sparseFlashAttention(lib, w, s, e, st));
            }
            case SFA_17 -> l.call(acl.sparseFlashAttention17GetWorkspaceSize(lib, q, k, v, idx, blockTable, asq, askv,
                            qr, kr, scale, 1, layoutQuery, layoutKv, 0, out),
                    (w, s, e, st) -> acl.sparseFlashAttention(lib, w, s, e, st));
            default -> throw new IllegalStateException("aclnnSparseFlashAttention is not callable: " + sfa.describe());
        }
    }
}
