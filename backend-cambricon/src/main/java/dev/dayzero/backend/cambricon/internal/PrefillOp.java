package dev.dayzero.backend.cambricon.internal;

import dev.dayzero.backend.cambricon.jna.Cnnl;
import dev.dayzero.backend.cambricon.jna.CnnlExtra;
import dev.dayzero.hal.op.AttentionSpec;

import java.util.Collections;

/**
 * Prefill through {@code cnnlFlashAttentionForward_v2}: PACKED layout, pack mode, q {@code [T, Hq, D]},
 * k / v {@code [T, Hkv, D]}, the spec's {@code cu_seqlens} as both {@code seqlens_q} and {@code seqlens_k}
 * (int32 {@code [B + 1]}), mask CAUSAL_TOP_LEFT when causal (q and kv lengths are equal, so top-left and
 * bottom-right agree) else NONE, F32 compute, dropout 0; softmax_lse {@code [Hq, T]} F32 goes to scratch
 * owned by this op.
 */
final class PrefillOp extends MluOp {
    private final long flash;
    private final long qDesc;
    private final long kDesc;
    private final long vDesc;
    private final long seqDesc;
    private final long lseDesc;
    private final long outDesc;
    private final long lse;
    private final long workspace;
    private final long workspaceSize;

    PrefillOp(CambriconDevice device, AttentionSpec.Prefill spec) {
        super(device, spec);
        try {
            CnnlExtra extra = natives.extra();
            long t = spec.totalTokens();
            int bf16 = Cnnl.CNNL_DTYPE_BFLOAT16;
            qDesc = tensor(bf16, t, spec.numHeads(), spec.headDim()).get();
            kDesc = tensor(bf16, t, spec.numKvHeads(), spec.headDim()).get();
            vDesc = tensor(bf16, t, spec.numKvHeads(), spec.valueDim()).get(); // v [total_k, Hk, Dv]
            seqDesc = tensor(Cnnl.CNNL_DTYPE_INT32, spec.batch() + 1L).get();
            lseDesc = tensor(Cnnl.CNNL_DTYPE_FLOAT, spec.numHeads(), t).get();
            outDesc = tensor(bf16, t, spec.numHeads(), spec.valueDim()).get();
            flash = own(CnnlHandles.create(natives, "flash-attention descriptor", "cnnlCreateFlashAttentionDescriptor",
                    extra::cnnlCreateFlashAttentionDescriptor, "cnnlDestroyFlashAttentionDescriptor",
                    extra::cnnlDestroyFlashAttentionDescriptor)).get();
            int maxLen = Collections.max(spec.seqLens());
            natives.checkCnnl(extra.cnnlSetFlashAttentionDescriptor_v2(flash, Cnnl.CNNL_DTYPE_FLOAT,
                    CnnlExtra.CNNL_COMPUTATION_HIGH_PRECISION,
                    spec.causal() ? CnnlExtra.CNNL_ATTN_MASK_CAUSAL_TOP_LEFT : CnnlExtra.CNNL_ATTN_MASK_NONE,
                    CnnlExtra.CNNL_ATTN_TENSOR_LAYOUT_PACKED, (byte) 1, (byte) 0, (byte) 0, maxLen, maxLen, 0f,
                    spec.softmaxScale()), "cnnlSetFlashAttentionDescriptor_v2");
            long[] ws = new long[1];
            natives.checkCnnl(extra.cnnlGetFlashAttentionForwardWorkspaceSize_v2(device.cnnlHandle(), flash, qDesc, kDesc,
                    vDesc, seqDesc, seqDesc, 0, 0, 0, lseDesc, ws), "cnnlGetFlashAttentionForwardWorkspaceSize_v2");
            workspaceSize = ws[0];
            workspace = workspace(ws[0]);
            lse = workspace(4L * spec.numHeads() * t);
            note("cnnlFlashAttentionForward_v2 (CNNL-Extra), packed varlen, cu_seqlens as seqlens_q and seqlens_k, "
                    + (spec.causal() ? "CAUSAL_TOP_LEFT" : "no mask") + ", F32 compute; workspace " + ws[0]
                    + " bytes; softmax_lse to op-owned scratch");
        } catch (RuntimeException e) {
            throw failed(e);
        }
    }

    @Override
    Body body(MluBuffer[] b, MluLaunch launch) {
        long q = b[0].address();
        long k = b[1].address();
        long v = b[2].address();
        long cu = b[3].address();
        long out = b[4].address();
        long h = device.cnnlHandle();
        CnnlExtra extra = natives.extra();
        long[] rng = {0L, 0L};
        return queue -> natives.checkCnnl(extra.cnnlFlashAttentionForward_v2(h, flash, qDesc, q, kDesc, k, vDesc, v,
                seqDesc, cu, seqDesc, cu, 0, 0, 0, 0, 0, 0, rng, workspace, workspaceSize, 0, 0, lseDesc, lse,
                outDesc, out), "cnnlFlashAttentionForward_v2");
    }
}
