package dev.dayzero.backend.ascend.internal;

import dev.dayzero.hal.DType;
import dev.dayzero.hal.op.AttentionSpec;

/**
 * {@link AttentionSpec.SparsePrefill} through {@code aclnnSparseFlashAttention} with TND layouts. The spec's
 * indices are global key rows and the operator attends to exactly the rows they name, so all {@code T} packed
 * tokens are passed as ONE TND sequence (actual_seq_lengths_query = actual_seq_lengths_kv = {@code [T]}, built at
 * prepare) with sparse_mode 0 (no mask): an SFA position is then a global row, whether SFA counts positions per
 * sequence or over the packed tensor. The nope and rope parts go separately, as the API takes them: q
 * {@code [T,Hq,576]} and kv {@code [T,1,576]} are split at bind into contiguous {@code [..,512]} and
 * {@code [..,64]} copies (outside the timed window; the docs mark strided views unsupported). The 23-argument form
 * gets FP32 softmaxMax / softmaxSum {@code [1, T, Hq]} (N2, T, N1: the TND shape is UNCONFIRMED).
 */
final class SparsePrefillOp extends AscendPreparedOp {
    private final AttentionSpec.SparsePrefill spec;
    private final DsaOperators.Source sfa;
    private final AclBuffer lengths;

    SparsePrefillOp(AscendDevice device, AttentionSpec.SparsePrefill spec) {
        super(device, spec);
        this.spec = spec;
        this.sfa = device.dsaOperators().sparseFlashAttention();
        long t = spec.totalTokens();
        lengths = BindCopies.int32(this, new int[] {Math.toIntExact(t)});
        long copies = 2L * t * (spec.numHeads() + 1) * spec.headDim();
        note("aclnnSparseFlashAttention: " + sfa.describe());
        note("TND layouts, the " + spec.batch() + " packed sequences as one sequence of " + t + " tokens (actual "
                + "sequence lengths [" + t + "], built at prepare), sparse_mode 0: the spec's global key rows are SFA "
                + "positions and only the indexed rows are attended; attention_mode 2, sparse_block_size 1; indices "
                + "[T,1,topk] valid first (compacted at bind where a row is not)");
        note("contiguous copies made at bind (outside the timed window): q -> [T,Hq,512] + [T,Hq,64], kv -> [T,1,512] "
                + "+ [T,1,64], " + copies + " bytes" + (sfa.abi() == DsaOperators.Abi.SFA_23
                ? ", plus FP32 softmaxMax/softmaxSum " + 8 * t * spec.numHeads() + " bytes" : "")
                + "; rebind after changing q or kv");
    }

    @Override
    void build(AclLaunch l, AclBuffer[] b) {
        long t = spec.totalTokens();
        long hq = spec.numHeads();
        int dk = spec.headDim();
        int dv = spec.valueDim();
        long rope = dk - dv;
        AclBuffer[] qs = BindCopies.splitBf16Rows(l, b[0], t * hq, dk, dv);
        AclBuffer[] ks = BindCopies.splitBf16Rows(l, b[1], t, dk, dv);
        long q = l.tensor(new long[] {t, hq, dv}, DType.BF16, qs[0], 0);
        long qr = l.tensor(new long[] {t, hq, rope}, DType.BF16, qs[1], 0);
        long k = l.tensor(new long[] {t, 1, dv}, DType.BF16, ks[0], 0);
        long v = l.tensor(new long[] {t, 1, dv}, DType.BF16, ks[0], 0);
        long kr = l.tensor(new long[] {t, 1, rope}, DType.BF16, ks[1], 0);
        AclBuffer compacted = BindCopies.validFirst(l, b[2], t, spec.topk());
        long idx = l.tensor(new long[] {t, 1, spec.topk()}, DType.I32, compacted != null ? compacted : b[2], 0);
        long asq = l.tensor(new long[] {1}, DType.I32, lengths, 0);
        long askv = l.tensor(new long[] {1}, DType.I32, lengths, 0);
        long out = l.tensor(new long[] {t, hq, dv}, DType.BF16, b[3], 0);
        SparseMlaOp.call(device(), l, sfa, q, k, v, idx, 0, asq, askv, qr, kr, spec.softmaxScale(), "TND", "TND", out,
                new long[] {1, t, hq});
    }
}
