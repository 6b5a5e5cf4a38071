package dev.dayzero.backend.ascend.internal;

import dev.dayzero.hal.DType;
import dev.dayzero.hal.op.IndexerSpec;
import java.nio.file.Path;

/**
 * The lightning indexer with its fused top-k through {@code aclnnLightningIndexer} (LI), BF16 queries and keys,
 * D = 128, one key head, sparseCount = topk, pre/nextTokens INT64_MAX, returnValues false.
 * <ul>
 *   <li>{@link IndexerSpec.PagedIndexerTopK}: layout_query "BSND", layout_key "PA_BSND" (the BF16 cache
 *       {@code [pages, pageSize, 128]} is {@code [pages, pageSize, 1, 128]}), the spec's block table, sparse_mode 3
 *       (causal, aligned right-down). The spec's {@code context_lens [B, nextN]} is per query. nextN = 1:
 *       actual_seq_lengths_key = context_lens as {@code [B]}. nextN &gt; 1 with one key per token: query j of a
 *       sequence with K keys sees K − (nextN − 1 − j) keys, exactly sparse_mode 3, so S1 = nextN and
 *       actual_seq_lengths_key = K per sequence (INT32 {@code [B]} built at prepare from the spec). nextN &gt; 1 with
 *       compressed keys (ratio &gt; 1), where that does not hold: each query row is its own batch entry (q as
 *       {@code [B·nextN, 1, H, 128]}, same bytes; context_lens as {@code [B·nextN]}; the block table's rows repeated
 *       nextN times into a copy at bind).</li>
 *   <li>{@link IndexerSpec.IndexerTopK} with one sequence: layouts "TND" / "TND", q {@code [T, H, 128]}, k
 *       {@code [T, 1, 128]}, actual sequence lengths {@code [T]} (built at prepare), sparse_mode 3.</li>
 * </ul>
 * The weights are BF16 for LI (it takes FP16/BF16): the spec's F32 weights are rounded to BF16 into a copy at bind
 * (outside the timed window). The output is the spec's indices tensor viewed as {@code [.., 1, topk]}; LI's
 * positions within the sequence are what the spec asks for, and its top-k is taken as sorted by score (valid first)
 * with −1 in unused slots (UNCONFIRMED on hardware). sparse_values_out is given a real BF16 tensor the shape of the
 * indices, though returnValues is false (whether NULL is accepted there is UNCONFIRMED).
 */
final class IndexerOp extends AscendPreparedOp {
    private final IndexerSpec spec;
    private final DsaOperators.Source li;
    private final AclBuffer lengths;
    private final boolean perQuery;

    IndexerOp(AscendDevice device, IndexerSpec spec) {
        super(device, spec);
        this.spec = spec;
        this.li = device.dsaOperators().lightningIndexer();
        note("aclnnLightningIndexer: " + li.describe());
        long queries = spec.queries();
        int topk = topk(spec);
        String common = "weights F32 -> BF16 copy at bind (" + 2 * queries * spec.heads() + " bytes; rebind after "
                + "changing weights); sparse_values_out a BF16 [.., topk] buffer (" + 2 * queries * topk + " bytes) "
                + "with returnValues false; sparseCount " + topk;
        if (spec instanceof IndexerSpec.PagedIndexerTopK p) {
            IndexerSpec.PagedKeys c = p.cache();
            perQuery = c.nextN() > 1 && c.compressRatio() > 1;
            if (c.nextN() == 1) {
                lengths = null;
                note("layout_query BSND [B,1,H,128], layout_key PA_BSND [pages," + c.pageSize() + ",1,128], the spec's "
                        + "block table, actual_seq_lengths_key = context_lens as [B], sparse_mode 3; " + common);
            } else if (!perQuery) {
                int[] keys = new int[c.batch()];
                for (int b = 0; b < keys.length; b++) {
                    keys[b] = c.keys(b);
                }
                lengths = BindCopies.int32(this, keys);
                note("layout_query BSND [B," + c.nextN() + ",H,128] (S1 = nextN), layout_key PA_BSND [pages,"
                        + c.pageSize() + ",1,128], the spec's block table, sparse_mode 3 (causal right-down: query j "
                        + "sees K - (nextN-1-j) keys, the spec's context_lens); actual_seq_lengths_key = keys per "
                        + "sequence, INT32 [B] built at prepare (the context_lens operand is not read); " + common);
            } else {
                lengths = null;
                note("compressed keys with nextN " + c.nextN() + ": each query row is its own batch entry: q as ["
                        + queries + ",1,H,128] (same bytes), actual_seq_lengths_key = context_lens as [" + queries
                        + "], the block table's rows repeated " + c.nextN() + "x into a copy at bind ("
                        + 4L * queries * c.maxBlocks() + " bytes; rebind after changing block_table); layout_key "
                        + "PA_BSND, sparse_mode 3; " + common);
            }
        } else {
            IndexerSpec.IndexerTopK t = (IndexerSpec.IndexerTopK) spec;
            perQuery = false;
            lengths = BindCopies.int32(this, new int[] {Math.toIntExact(t.totalTokens())});
            note("layouts TND / TND, q [T,H,128], k [T,1,128], one sequence (actual sequence lengths [" + t.totalTokens()
                    + "] built at prepare; the ks/ke and k_scale operands are not read), sparse_mode 3; " + common);
        }
    }

    static int topk(IndexerSpec spec) {
        return spec instanceof IndexerSpec.PagedIndexerTopK p ? p.topk() : ((IndexerSpec.IndexerTopK) spec).topk();
    }

    @Override
    void build(AclLaunch l, AclBuffer[] b) {
        var acl = device().acl();
        Path lib = li.library();
        int h = spec.heads();
        int d = spec.headDim();
        int topk = topk(spec);
        long queries = spec.queries();
        AclBuffer values = l.buffer(2L * queries * topk);
        long q;
        long k;
        long w;
        long asq = 0;
        long askv;
        long bt = 0;
        long out;
        long vals;
        String layoutQuery;
        String layoutKey;
        if (spec instanceof IndexerSpec.PagedIndexerTopK p) {
            IndexerSpec.PagedKeys c = p.cache();
            long batch = perQuery ? queries : c.batch();
            long s1 = perQuery ? 1 : c.nextN();
            q = l.tensor(new long[] {batch, s1, h, d}, DType.BF16, b[0], 0);
            k = l.tensor(new long[] {c.numPages(), c.pageSize(), 1, d}, DType.BF16, b[1], 0);
            AclBuffer wb = BindCopies.f32ToBf16(l, b[2], queries * h);
            w = l.tensor(new long[] {batch, s1, h}, DType.BF16, wb, 0);
            if (lengths != null) {
                askv = l.tensor(new long[] {batch}, DType.I32, lengths, 0);
            } else {
                askv = l.tensor(new long[] {batch}, DType.I32, b[3], 0);
            }
            if (perQuery) {
                AclBuffer rep = BindCopies.repeatRows(l, b[4], c.batch(), c.maxBlocks(), c.nextN());
                bt = l.tensor(new long[] {batch, c.maxBlocks()}, DType.I32, rep, 0);
            } else {
                bt = l.tensor(new long[] {batch, c.maxBlocks()}, DType.I32, b[4], 0);
            }
            out = l.tensor(new long[] {batch, s1, 1, topk}, DType.I32, b[5], 0);
            vals = l.tensor(new long[] {batch, s1, 1, topk}, DType.BF16, values, 0);
            layoutQuery = "BSND";
            layoutKey = "PA_BSND";
        } else {
            long t = queries;
            q = l.tensor(new long[] {t, h, d}, DType.BF16, b[0], 0);
            k = l.tensor(new long[] {t, 1, d}, DType.BF16, b[1], 0);
            AclBuffer wb = BindCopies.f32ToBf16(l, b[3], t * h);
            w = l.tensor(new long[] {t, h}, DType.BF16, wb, 0);
            asq = l.tensor(new long[] {1}, DType.I32, lengths, 0);
            askv = l.tensor(new long[] {1}, DType.I32, lengths, 0);
            out = l.tensor(new long[] {t, 1, topk}, DType.I32, b[6], 0);
            vals = l.tensor(new long[] {t, 1, topk}, DType.BF16, values, 0);
            layoutQuery = "TND";
            layoutKey = "TND";
        }
        if (li.abi() != DsaOperators.Abi.LI) {
            throw new IllegalStateException("aclnnLightningIndexer is not callable: " + li.describe());
        }
        l.call(acl.lightningIndexerGetWorkspaceSize(lib, q, k, w, asq, askv, bt, layoutQuery, layoutKey, topk, 3, out,
                vals), (ws, s, e, st) -> acl.lightningIndexer(lib, ws, s, e, st));
    }
}
