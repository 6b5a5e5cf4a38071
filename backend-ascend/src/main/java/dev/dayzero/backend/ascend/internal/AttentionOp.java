package dev.dayzero.backend.ascend.internal;

import dev.dayzero.hal.DType;
import dev.dayzero.hal.op.AttentionSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * {@link AttentionSpec} through {@code aclnnFusedInferAttentionScoreV3} (FIA V3):
 * <ul>
 *   <li>prefill: layout "TND", q/k/v as given, cumulative actualSeqLengths(Kv) host arrays from the spec's
 *       lengths; causal = sparseMode 3 with the optimised 2048x2048 BOOL mask (built at prepare), full =
 *       sparseMode 0 without a mask;</li>
 *   <li>paged decode: layout "BSND", q as [B,1,Hq,D], the cache pools as BnBsH [blocks, bs, Hkv·D], the INT32
 *       block table, actualSeqLengthsKv from the spec, innerPrecise 1;</li>
 *   <li>MLA decode: the 576-wide q and cache split at bind (outside the timed window) into contiguous copies of
 *       the 512 latent part (query, key = value) and the 64 rope part (queryRope, keyRope): the documentation marks
 *       non-contiguous query/key/value/rope inputs unsupported, and the runtime would otherwise copy each strided
 *       view through the workspace on every launch (three copies of the paged cache). The copies are device memory
 *       the launch owns (counted by the device, sized in the notes); a caller that rewrites q or the cache
 *       rebinds. One KV head; Q_S 1 = sparseMode 0, Q_S > 1 = sparseMode 3 with the mask.</li>
 * </ul>
 * Where the spec's page size is not a block size FIA takes, each page of P tokens is relabelled as P / bs
 * consecutive blocks of bs tokens (same memory) and the block table is expanded at bind.
 */
final class AttentionOp extends AscendPreparedOp {
    /** FIA's optimised causal mask is 2048 x 2048. */
    static final int MASK = 2048;
    /** preTokens / nextTokens: "recommended 2147483647". */
    static final String FIA = "aclnnFusedInferAttentionScoreV3";

    private final AttentionSpec spec;
    private final AclBuffer mask;
    private final int blockSize;

    AttentionOp(AscendDevice device, AttentionSpec spec) {
        super(device, spec);
        this.spec = spec;
        boolean needsMask = spec instanceof AttentionSpec.Prefill p ? p.causal()
                : spec instanceof AttentionSpec.LatentDecode l && l.queriesPerSeq() > 1;
        if (needsMask) {
            byte[] m = new byte[MASK * MASK];
            for (int i = 0; i < MASK; i++) {
                for (int j = i + 1; j < MASK; j++) {
                    m[i * MASK + j] = 1;
                }
            }
            mask = ownedBuffer(m.length);
            mask.write(0, ByteBuffer.wrap(m));
            note("causal through sparseMode 3 (rightDownCausal) with the optimised 2048x2048 BOOL mask, built at prepare");
        } else {
            mask = null;
        }
        if (spec instanceof AttentionSpec.Prefill p) {
            blockSize = 0;
            note(FIA + " layout TND (Q_S > 1 takes the prompt path); actualSeqLengths and actualSeqLengthsKv are the "
                    + "spec's cumulative lengths as host aclIntArrays (the cu_seqlens operand is not read)");
        } else if (spec instanceof AttentionSpec.PagedDecode d) {
            blockSize = SupportRules.nativeBlockSize(d.pageSize(), false);
            note(FIA + " layout BSND, Q_S 1 (incremental path), paged KV as BnBsH [blocks," + blockSize + ","
                    + d.numKvHeads() * d.headDim() + "], blockSize " + blockSize + ", innerPrecise 1; "
                    + "actualSeqLengthsKv from the spec (the seq_lens operand is not read)");
            relabelNote(d.pageSize());
        } else {
            AttentionSpec.LatentDecode l = (AttentionSpec.LatentDecode) spec;
            blockSize = SupportRules.nativeBlockSize(l.pageSize(), true);
            long rows = (long) l.batch() * l.queriesPerSeq() * l.numHeads();
            long tokens = (long) l.numPages() * l.pageSize();
            int dv = l.valueDim();
            int rope = l.headDim() - dv;
            long qBytes = rows * (dv + rope) * 2L;
            long kBytes = tokens * (dv + rope) * 2L;
            note(FIA + " MLA path: the 576-wide q and cache are split at bind (outside the timed window) into contiguous"
                    + " copies, query [B,Sq,Hq," + dv + "] + queryRope [..," + rope + "] (" + qBytes + " bytes) and"
                    + " key = value [blocks," + blockSize + "," + dv + "] + keyRope [..," + rope + "] (" + kBytes
                    + " bytes): " + (qBytes + kBytes) + " bytes of device memory per bound launch, besides the operands;"
                    + " rebind after changing q or the cache. numKeyValueHeads 1, layout BSND, blockSize " + blockSize
                    + "; actualSeqLengthsKv from the spec (the seq_lens operand is not read)");
            relabelNote(l.pageSize());
        }
    }

    private void relabelNote(int pageSize) {
        if (pageSize != blockSize) {
            note("page size " + pageSize + " relabelled as " + pageSize / blockSize + " blocks of " + blockSize
                    + " tokens (same memory); the block table is expanded into a device copy at bind, outside the "
                    + "timed window: rebind after changing block_table");
        }
    }

    @Override
    void build(AclLaunch l, AclBuffer[] b) {
        var acl = device().acl();
        double scale = spec.softmaxScale();
        if (spec instanceof AttentionSpec.Prefill p) {
            long t = p.totalTokens();
            long q = l.tensor(new long[] {t, p.numHeads(), p.headDim()}, DType.BF16, b[0], 0);
            long k = l.tensor(new long[] {t, p.numKvHeads(), p.headDim()}, DType.BF16, b[1], 0);
            long v = l.tensor(new long[] {t, p.numKvHeads(), p.valueDim()}, DType.BF16, b[2], 0); // Dv may differ
            long out = l.tensor(new long[] {t, p.numHeads(), p.valueDim()}, DType.BF16, b[4], 0);
            long m = p.causal() ? l.boolTensor(new long[] {MASK, MASK}, mask) : 0;
            long[] cum = cumulative(p.seqLens());
            long sq = l.intArray(cum);
            long skv = l.intArray(cum);
            long kl = l.list(k);
            long vl = l.list(v);
            l.call(acl.fusedInferAttentionScoreV3GetWorkspaceSize(q, kl, vl, m, sq, skv, 0, 0, 0, p.numHeads(), scale,
                    "TND", p.numKvHeads(), p.causal() ? 3 : 0, SupportRules.PREFILL_INNER_PRECISE, 0, out),
                    acl::fusedInferAttentionScoreV3);
            return;
        }
        if (spec instanceof AttentionSpec.PagedDecode d) {
            int f = d.pageSize() / blockSize;
            long bsz = d.batch();
            long h = (long) d.numKvHeads() * d.headDim();
            long q = l.tensor(new long[] {bsz, 1, d.numHeads(), d.headDim()}, DType.BF16, b[0], 0);
            long k = l.tensor(new long[] {(long) d.numPages() * f, blockSize, h}, DType.BF16, b[1], 0);
            long v = l.tensor(new long[] {(long) d.numPages() * f, blockSize, h}, DType.BF16, b[2], 0);
            long bt = blockTable(l, b[3], d.batch(), d.maxBlocks(), d.numPages(), f);
            long out = l.tensor(new long[] {bsz, 1, d.numHeads(), d.headDim()}, DType.BF16, b[5], 0);
            long skv = l.intArray(lengths(d.seqLens()));
            long kl = l.list(k);
            long vl = l.list(v);
            l.call(acl.fusedInferAttentionScoreV3GetWorkspaceSize(q, kl, vl, 0, 0, skv, bt, 0, 0, d.numHeads(), scale,
                    "BSND", d.numKvHeads(), 0, 1, blockSize, out), acl::fusedInferAttentionScoreV3);
            return;
        }
        AttentionSpec.LatentDecode m = (AttentionSpec.LatentDecode) spec;
        int f = m.pageSize() / blockSize;
        long bsz = m.batch();
        long sq = m.queriesPerSeq();
        long hq = m.numHeads();
        long dk = m.headDim();
        long dv = m.valueDim();
        long rope = dk - dv;
        long rows = bsz * sq * hq;
        AclBuffer qLatent = l.buffer(rows * dv * 2);
        AclBuffer qRope = l.buffer(rows * rope * 2);
        split(b[0], rows, dk, dv, qLatent, qRope);
        long tokens = (long) m.numPages() * m.pageSize();
        AclBuffer kLatent = l.buffer(tokens * dv * 2);
        AclBuffer kRope = l.buffer(tokens * rope * 2);
        split(b[1], tokens, dk, dv, kLatent, kRope);
        long qn = l.tensor(new long[] {bsz, sq, hq, dv}, DType.BF16, qLatent, 0);
        long qr = l.tensor(new long[] {bsz, sq, hq, rope}, DType.BF16, qRope, 0);
        long blocks = (long) m.numPages() * f;
        long kn = l.tensor(new long[] {blocks, blockSize, dv}, DType.BF16, kLatent, 0);
        long vn = l.tensor(new long[] {blocks, blockSize, dv}, DType.BF16, kLatent, 0);
        long kr = l.tensor(new long[] {blocks, blockSize, rope}, DType.BF16, kRope, 0);
        long bt = blockTable(l, b[2], m.batch(), m.maxBlocks(), m.numPages(), f);
        long out = l.tensor(new long[] {bsz, sq, hq, dv}, DType.BF16, b[4], 0);
        long msk = sq > 1 ? l.boolTensor(new long[] {MASK, MASK}, mask) : 0;
        long skv = l.intArray(lengths(m.seqLens()));
        long kl = l.list(kn);
        long vl = l.list(vn);
        l.call(acl.fusedInferAttentionScoreV3GetWorkspaceSize(qn, kl, vl, msk, 0, skv, bt, qr, kr, hq, scale, "BSND", 1,
                sq > 1 ? 3 : 0, 0, blockSize, out), acl::fusedInferAttentionScoreV3);
    }

    /** Rows the split copies at a time (about 8 MiB of 576-wide BF16 rows through host memory). */
    static final int SPLIT_ROWS = 8192;

    /**
     * Copies {@code rows} BF16 rows of width {@code width} from {@code src} into contiguous {@code [rows, first]}
     * ({@code head}) and {@code [rows, width - first]} ({@code tail}) device buffers, through host memory in chunks
     * of {@link #SPLIT_ROWS} rows: at bind, outside the timed window.
     */
    static void split(AclBuffer src, long rows, long width, long first, AclBuffer head, AclBuffer tail) {
        int w = Math.toIntExact(width * 2);
        int a = Math.toIntExact(first * 2);
        int r = w - a;
        for (long start = 0; start < rows; start += SPLIT_ROWS) {
            int n = (int) Math.min(SPLIT_ROWS, rows - start);
            ByteBuffer in = ByteBuffer.allocate(n * w);
            src.read(start * w, in);
            in.flip();
            ByteBuffer h = ByteBuffer.allocate(n * a);
            ByteBuffer t = ByteBuffer.allocate(n * r);
            byte[] row = new byte[w];
            for (int i = 0; i < n; i++) {
                in.get(row);
                h.put(row, 0, a);
                t.put(row, a, r);
            }
            head.write(start * a, h.flip());
            tail.write(start * r, t.flip());
        }
    }

    /** The block table as FIA gets it: the operand itself, or (pages relabelled) an expanded device copy. */
    private static long blockTable(AclLaunch l, AclBuffer src, int batch, int maxBlocks, int pages, int f) {
        if (f == 1) {
            return l.tensor(new long[] {batch, maxBlocks}, DType.I32, src, 0);
        }
        ByteBuffer in = ByteBuffer.allocate(4 * batch * maxBlocks).order(ByteOrder.LITTLE_ENDIAN);
        src.read(0, in);
        in.flip();
        ByteBuffer out = ByteBuffer.allocate(4 * batch * maxBlocks * f).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < batch * maxBlocks; i++) {
            int page = in.getInt();
            boolean valid = page >= 0 && page < pages;
            for (int j = 0; j < f; j++) {
                out.putInt(valid ? page * f + j : -1);
            }
        }
        out.flip();
        AclBuffer dst = l.buffer(4L * batch * maxBlocks * f);
        dst.write(0, out);
        return l.tensor(new long[] {batch, (long) maxBlocks * f}, DType.I32, dst, 0);
    }

    private static long[] cumulative(List<Integer> lens) {
        long[] c = new long[lens.size()];
        long s = 0;
        for (int i = 0; i < c.length; i++) {
            s += lens.get(i);
            c[i] = s;
        }
        return c;
    }

    private static long[] lengths(List<Integer> lens) {
        return lens.stream().mapToLong(Integer::longValue).toArray();
    }
}
