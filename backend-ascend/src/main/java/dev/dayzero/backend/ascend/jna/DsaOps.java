package dev.dayzero.backend.ascend.jna;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * Raw binding of DeepSeek sparse attention's two operators, {@code aclnnSparseFlashAttention} and
 * {@code aclnnLightningIndexer}, loaded from <em>one</em> library file ({@link Acl#dsaOps}): vllm-ascend's custom
 * operator package ({@code libcust_opapi.so}) or CANN's own ops-transformer library. They are not part of
 * {@link OpApi}, whose proxy resolves a symbol in the first library exporting it: CANN ships a built-in op
 * under the same symbol as the custom package, and the custom package changed its C signature, so the caller
 * chooses the file and the signature from evidence (the backend's {@code DsaOperators}).
 *
 * <p>C {@code bool} parameters are passed as Java {@code boolean} (a 4-byte int whose low byte is the bool on
 * little-endian x86_64 and aarch64), as for FIA in {@link OpApi}.
 */
public interface DsaOps extends Library {

    /**
     * SparseFlashAttention, the 23-argument form: vllm-ascend from 0.21 ({@code csrc/attention/sparse_flash_attention
     * /op_host/op_api/aclnn_sparse_flash_attention.h}) and CANN ops-transformer's built-in op (its docs give the
     * same prototype). {@code softmaxMax} / {@code softmaxSum} are REQUIRED FP32 outputs.
     */
    int aclnnSparseFlashAttentionGetWorkspaceSize(
            Pointer query, Pointer key, Pointer value, Pointer sparseIndices, Pointer blockTableOptional,
            Pointer actualSeqLengthsQueryOptional, Pointer actualSeqLengthsKvOptional, Pointer queryRopeOptional,
            Pointer keyRopeOptional, double scaleValue, long sparseBlockSizeOptional, String layoutQueryOptional,
            String layoutKvOptional, long sparseMode, long preTokens, long nextTokens, long attentionMode,
            boolean returnSoftmaxLse, Pointer attentionOut, Pointer softmaxMax, Pointer softmaxSum,
            LongByReference workspaceSize, PointerByReference executor);

    /**
     * SparseFlashAttention, the 17-argument form of vllm-ascend up to 0.20 ({@code csrc/sparse_flash_attention/op_host}
     * at 18b90b501d and the releases/v0.18.0, v0.20.2rc branches): five attributes (scale, sparse block size, the two
     * layouts, sparse mode), one output, no pre/next tokens, attention mode or softmax outputs. Calling the other
     * form against this library makes it read {@code out} and {@code workspaceSize*} from wrong slots: SIGSEGV.
     */
    int aclnnSparseFlashAttentionGetWorkspaceSize(
            Pointer query, Pointer key, Pointer value, Pointer sparseIndices, Pointer blockTableOptional,
            Pointer actualSeqLengthsQueryOptional, Pointer actualSeqLengthsKvOptional, Pointer queryRopeOptional,
            Pointer keyRopeOptional, double scaleValue, long sparseBlockSizeOptional, String layoutQueryOptional,
            String layoutKvOptional, long sparseMode, Pointer attentionOut,
            LongByReference workspaceSize, PointerByReference executor);

    int aclnnSparseFlashAttention(Pointer workspace, long workspaceSize, Pointer executor, Pointer stream);

    /**
     * LightningIndexer with its fused top-k (vllm-ascend {@code csrc/attention/lightning_indexer} op_api at HEAD;
     * ops-transformer docs): q/k FP16 or BF16, D = 128, N1 &lt;= 64, N2 = 1; writes INT32 sparse indices
     * {@code [B,S1,N2,k]} (BSND) or {@code [T,N2,k]} (TND). Defaults: layouts "BSND", sparseCount 2048,
     * sparseMode 3, pre/nextTokens INT64_MAX, returnValues false.
     */
    int aclnnLightningIndexerGetWorkspaceSize(
            Pointer query, Pointer key, Pointer weights, Pointer actualSeqLengthsQueryOptional,
            Pointer actualSeqLengthsKeyOptional, Pointer blockTableOptional, String layoutQueryOptional,
            String layoutKeyOptional, long sparseCount, long sparseMode, long preTokens, long nextTokens,
            boolean returnValues, Pointer sparseIndicesOut, Pointer sparseValuesOut,
            LongByReference workspaceSize, PointerByReference executor);

    int aclnnLightningIndexer(Pointer workspace, long workspaceSize, Pointer executor, Pointer stream);
}
