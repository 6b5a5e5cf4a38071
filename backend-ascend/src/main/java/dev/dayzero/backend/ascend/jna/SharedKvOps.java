package dev.dayzero.backend.ascend.jna;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * Raw binding of DeepSeek-V4's sparse shared-KV attention, {@code aclnnSparseAttnSharedkv}, and its AICPU
 * scheduling step {@code aclnnSparseAttnSharedkvMetadata}, loaded from the one operator library file that
 * exports both (vllm-ascend's custom package {@code libcust_opapi.so} from v0.20.2rc1, or a CANN operator
 * library that carries the same op). Not part of {@link OpApi}: the caller chooses the file.
 *
 * <p>Sources: the attention's C prototype is the header CANN's op generator writes from vllm-ascend
 * {@code csrc/attention/sparse_attn_sharedkv/op_host/sparse_attn_sharedkv_def.cpp} (14 inputs, 11 attributes,
 * 2 outputs, in that order; float attributes become {@code double}); vllm-ascend {@code csrc/torch_binding.cpp}
 * calls it with exactly these arguments. The metadata prototype is
 * {@code csrc/attention/sparse_attn_sharedkv_metadata/op_api/aclnn_sparse_attn_sharedkv_metadata.h}. Both
 * unchanged since their introduction (vllm-ascend commit b4f0100986, 2026-05-18) up to 182b75ea84 (2026-08-22).
 *
 * <p>C {@code bool} parameters are passed as Java {@code byte} 0 / 1, not {@code boolean}: JNA passes a Java
 * {@code true} as the int -1, whose low byte 0xFF is not a valid C {@code bool} (the callee may test it bit by
 * bit). {@link DsaOps} and {@link OpApi} only ever pass {@code false}, which is 0 either way.
 */
public interface SharedKvOps extends Library {

    /** Phase 1 of the attention: 27 operator arguments, then the workspace size and executor. */
    int aclnnSparseAttnSharedkvGetWorkspaceSize(
            Pointer q, Pointer oriKvOptional, Pointer cmpKvOptional, Pointer oriSparseIndicesOptional,
            Pointer cmpSparseIndicesOptional, Pointer oriBlockTableOptional, Pointer cmpBlockTableOptional,
            Pointer cuSeqlensQOptional, Pointer cuSeqlensOriKvOptional, Pointer cuSeqlensCmpKvOptional,
            Pointer sequsedQOptional, Pointer sequsedKvOptional, Pointer sinksOptional, Pointer metadataOptional,
            double softmaxScale, long cmpRatio, long oriMaskMode, long cmpMaskMode, long oriKvStride,
            long cmpKvStride, long oriWinLeft, long oriWinRight, String layoutQOptional, String layoutKvOptional,
            byte returnSoftmaxLse, Pointer attnOutOut, Pointer softmaxLseOut,
            LongByReference workspaceSize, PointerByReference executor);

    int aclnnSparseAttnSharedkv(Pointer workspace, long workspaceSize, Pointer executor, Pointer stream);

    /** Phase 1 of the metadata step: writes the INT32 {@code [1024]} split plan the attention reads. */
    int aclnnSparseAttnSharedkvMetadataGetWorkspaceSize(
            Pointer cuSeqLensQOptional, Pointer cuSeqLensOriKvOptional, Pointer cuSeqLensCmpKvOptional,
            Pointer sequsedQOptional, Pointer sequsedKvOptional, long numHeadsQ, long numHeadsKv, long headDim,
            long batchSizeOptional, long maxSeqlenQOptional, long maxSeqlenKvOptional, long oriTopKOptional,
            long cmpTopKOptional, long cmpRatioOptional, long oriMaskModeOptional, long cmpMaskModeOptional,
            long oriWinLeftOptional, long oriWinRightOptional, String layoutQOptional, String layoutKvOptional,
            byte hasOriKvOptional, byte hasCmpKvOptional, Pointer metaData,
            LongByReference workspaceSize, PointerByReference executor);

    int aclnnSparseAttnSharedkvMetadata(Pointer workspace, long workspaceSize, Pointer executor, Pointer stream);
}
