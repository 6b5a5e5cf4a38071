package dev.dayzero.backend.cambricon.jna;

import com.sun.jna.Library;

/**
 * Raw binding of {@code libcnnl_extra.so} (CNNL-Extra 1.12.x), C names verbatim; every function returns
 * {@code cnnlStatus_t}. C {@code bool} parameters are {@code byte} (one byte; JNA's {@code boolean} is four).
 * Prototypes: CNNL-Extra 1.12.3 {@code cnnl_extra.h} (heyong919/llama.cpp @3f55976). The argument
 * {@code gather_index_start_position_desc, gather_index_start_position} of {@code cnnlGroupQuant} is elided
 * ("…") in the facts file; it is a (descriptor, pointer) pair like its neighbours, as that header (l.21492)
 * declares. Its workspace need is unverifiable without hardware (no workspace-size getter in 1.12.3).
 */
public interface CnnlExtra extends Library {
    int CNNL_ATTN_MASK_NONE = 0;
    int CNNL_ATTN_MASK_CAUSAL_TOP_LEFT = 7;
    int CNNL_ATTN_TENSOR_LAYOUT_PACKED = 0;
    int CNNL_COMPUTATION_HIGH_PRECISION = 1;
    int CNNL_QUANTIZE_NONE = 0;
    int CNNL_QUANTIZE_PER_TOKEN = 3;

    void cnnlExtraGetLibVersion(int[] major, int[] minor, int[] patch);

    int cnnlCreateFlashAttentionDescriptor(long[] desc);

    int cnnlDestroyFlashAttentionDescriptor(long desc);

    int cnnlSetFlashAttentionDescriptor_v2(long desc, int computeDtype, int compPref, int maskMode, int tensorLayout,
                                           byte isPackMode, byte isOutZero, byte returnSoftmax, int maxSeqQ,
                                           int maxSeqKv, float pDropout, float qkScale);

    int cnnlGetFlashAttentionForwardWorkspaceSize_v2(long handle, long desc, long qDesc, long kDesc, long vDesc,
                                                     long seqlensQDesc, long seqlensKDesc, long sequsedKDesc,
                                                     long attnMaskDesc, long alibiSlopesDesc, long softmaxLseDesc,
                                                     long[] size);

    /** {@code rngState} is a host {@code size_t[2]} (seed, offset). */
    int cnnlFlashAttentionForward_v2(long handle, long desc, long qDesc, long q, long kDesc, long k, long vDesc, long v,
                                     long seqlensQDesc, long seqlensQ, long seqlensKDesc, long seqlensK,
                                     long sequsedKDesc, long sequsedK, long attnMaskDesc, long attnMask,
                                     long alibiSlopesDesc, long alibiSlopes, long[] rngState, long workspace,
                                     long workspaceSize, long dropoutMaskDesc, long dropoutMask, long softmaxLseDesc,
                                     long softmaxLse, long outputDesc, long output);

    int cnnlGetSingleQueryCachedKVAttnWorkspaceSize_v2(long handle, long opDesc, long qDesc, long kCacheDesc,
                                                       long vCacheDesc, int maxContextLen, long[] workspaceSize);

    int cnnlSingleQueryCachedKVAttn_v3(long handle, long opDesc, long qDesc, long q, long kCacheDesc, long kCache,
                                       long vCacheDesc, long vCache, long kScaleDesc, long kScale, long vScaleDesc,
                                       long vScale, long contextLensDesc, long contextLens, long blockTablesDesc,
                                       long blockTables, long alibiDesc, long alibi, int cacheQuantizeLayout,
                                       int maxContextLen, int windowSizeLeft, int windowSizeRight, float qkScale,
                                       byte returnLse, long workspace, long workspaceSize, long outputDesc,
                                       long output, long lseDesc, long lse);

    int cnnlGroupQuant(long handle, int staticQuantLayout, int dynamicQuantLayout, long inputDesc, long input,
                       long inputScaleDesc, long inputScale, long inputZeroDesc, long inputZero, long tokenCountDesc,
                       long tokenCount, long gatherIndexDesc, long gatherIndex, long gatherIndexStartPositionDesc,
                       long gatherIndexStartPosition, long scaleUpperBoundDesc, long scaleUpperBound,
                       long outputDesc, long output, long outputScaleDesc, long outputScale, long outputZeroDesc,
                       long outputZero, long workspace, long workspaceSize);
}
