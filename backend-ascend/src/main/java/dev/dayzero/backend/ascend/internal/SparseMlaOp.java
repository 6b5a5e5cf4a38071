package dev.dayzero.backend.ascend.internal;

import dev.dayzero.hal.DType;
import dev.dayzero.hal.op.AttentionSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@link AttentionSpec.SparseLatentDecode} through DeepSeek-V3.2's custom {@code aclnnSparseFlashAttention}
 * (only where its package is installed). FlashMLA's indices are flat cache slots ({@code page·pageSize + slot})
 * with no block table; SFA resolves token positions through a block table. The mapping makes the two agree:
 * every sequence gets the identity block table over all pages ({@code [B, pages]}, built at prepare) and an
 * actual KV length of {@code pages·pageSize}, so position {@code t} is flat slot {@code t}; the spec's indices
 * go through unchanged as {@code [B, Q_S, 1, topk]} ({@code -1} = unused). q and the cache are split into the
 * 512 latent and 64 rope parts by strided views, as for FIA's MLA path. UNCONFIRMED on hardware: that SFA
 * reads positions (not slots), that {@code -1} marks an unused entry, and its layouts "BSND" / "PA_BSND".
 */
final class SparseMlaOp extends AscendPreparedOp {
    private final AttentionSpec.SparseLatentDecode spec;
    private final AclBuffer identityTable;
    private final AclBuffer kvLengths;

    SparseMlaOp(AscendDevice device, AttentionSpec.SparseLatentDecode spec) {
        super(device, spec);
        this.spec = spec;
        int b = spec.batch();
        int pages = spec.numPages();
        ByteBuffer bt = ByteBuffer.allocate(4 * b * pages).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < b; i++) {
            for (int p = 0; p < pages; p++) {
                bt.putInt(p);
            }
        }
        identityTable = ownedBuffer(4L * b * pages);
        identityTable.write(0, bt.flip());
        ByteBuffer lens = ByteBuffer.allocate(4 * b).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < b; i++) {
            lens.putInt(pages * spec.pageSize());
        }
        kvLengths = ownedBuffer(4L * b);
        kvLengths.write(0, lens.flip());
        note("aclnnSparseFlashAttention (custom op package): attention_mode 2, sparse_mode 0, sparse_block_size 1, "
                + "layout_query BSND, layout_kv PA_BSND [pages," + spec.pageSize() + ",1,512] (+ rope [..,64]) as strided "
                + "views of the 576-wide cache; identity block table [B," + pages + "] and actual KV length "
                + pages * spec.pageSize() + " (built at prepare) so that FlashMLA's flat slots are SFA positions; "
                + "indices passed unchanged as [B,Q_S,1,topk]; this mapping is UNCONFIRMED on hardware");
    }

    @Override
    void build(AclLaunch l, AclBuffer[] b) {
        var acl = device().acl();
        long bsz = spec.batch();
        long sq = spec.queriesPerSeq();
        long hq = spec.numHeads();
        long dk = spec.headDim();
        long dv = spec.valueDim();
        long rope = dk - dv;
        long pages = spec.numPages();
        long ps = spec.pageSize();
        long[] qStrides = {sq * hq * dk, hq * dk, dk, 1};
        long q = l.tensor(new long[] {bsz, sq, hq, dv}, qStrides, DType.BF16, b[0], 0);
        long qr = l.tensor(new long[] {bsz, sq, hq, rope}, qStrides, DType.BF16, b[0], dv);
        long[] kStrides = {ps * dk, dk, dk, 1};
        long k = l.tensor(new long[] {pages, ps, 1, dv}, kStrides, DType.BF16, b[1], 0);
        long v = l.tensor(new long[] {pages, ps, 1, dv}, kStrides, DType.BF16, b[1], 0);
        long kr = l.tensor(new long[] {pages, ps, 1, rope}, kStrides, DType.BF16, b[1], dv);
        long idx = l.tensor(new long[] {bsz, sq, 1, spec.topk()}, DType.I32, b[2], 0);
        long bt = l.tensor(new long[] {bsz, pages}, DType.I32, identityTable, 0);
        long kvLen = l.tensor(new long[] {bsz}, DType.I32, kvLengths, 0);
        long out = l.tensor(new long[] {bsz, sq, hq, dv}, DType.BF16, b[3], 0);
        l.call(acl.sparseFlashAttentionGetWorkspaceSize(q, k, v, idx, bt, kvLen, qr, kr, spec.softmaxScale(), out),
                acl::sparseFlashAttention);
    }
}
