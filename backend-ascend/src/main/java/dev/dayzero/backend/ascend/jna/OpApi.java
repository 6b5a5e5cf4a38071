package dev.dayzero.backend.ascend.jna;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * Raw binding of the aclnn operators, named exactly as the C API: {@code libopapi.so} of classic CANN, or the
 * split {@code libopapi_*.so} of newer CANN, plus custom operator packages ({@code libcust_opapi.so}). One
 * interface over whichever of those files are present: {@link AscendLibraries} implements it with a proxy that
 * resolves each function in op-plugin's order (custom, split, classic). The DeepSeek sparse-attention operators,
 * which must be called in one chosen file, are in {@link DsaOps}. Two-phase convention (ascend.md §2.6):
 * {@code aclnnXxxGetWorkspaceSize(..., uint64_t*, aclOpExecutor**)} then
 * {@code aclnnXxx(void* workspace, uint64_t size, aclOpExecutor*, aclrtStream)}.
 */
public interface OpApi {

    /** ops-nn {@code quant/dynamic_quant/op_host/op_api/aclnn_dynamic_quant.h}. */
    int aclnnDynamicQuantGetWorkspaceSize(Pointer x, Pointer smoothScalesOptional, Pointer yOut, Pointer scaleOut,
                                          LongByReference workspaceSize, PointerByReference executor);

    int aclnnDynamicQuant(Pointer workspace, long workspaceSize, Pointer executor, Pointer stream);

    /**
     * ops-math {@code conversion/clip_by_value_v2} ({@code aclnnClampMin.md}: A2, A3, 950): out = max(self, min).
     * Used after DynamicQuant to apply the spec's amax floor to the scales.
     */
    int aclnnClampMinGetWorkspaceSize(Pointer self, Pointer clipValueMin, Pointer out, LongByReference workspaceSize,
                                      PointerByReference executor);

    int aclnnClampMin(Pointer workspace, long workspaceSize, Pointer executor, Pointer stream);

    /** ops-transformer {@code gmm/grouped_matmul/op_host/op_api/aclnn_grouped_matmul_v4.h}. */
    int aclnnGroupedMatmulV4GetWorkspaceSize(Pointer x, Pointer weight, Pointer biasOptional, Pointer scaleOptional,
                                             Pointer offsetOptional, Pointer antiquantScaleOptional,
                                             Pointer antiquantOffsetOptional, Pointer perTokenScaleOptional,
                                             Pointer groupListOptional, Pointer activationInputOptional,
                                             Pointer activationQuantScaleOptional, Pointer activationQuantOffsetOptional,
                                             long splitItem, long groupType, long groupListType, long actType,
                                             Pointer out, Pointer activationFeatureOutOptional,
                                             Pointer dynQuantScaleOutOptional, LongByReference workspaceSize,
                                             PointerByReference executor);

    int aclnnGroupedMatmulV4(Pointer workspace, long workspaceSize, Pointer executor, Pointer stream);

    /** ops-transformer {@code attention/fused_infer_attention_score/op_host/op_api/aclnn_fused_infer_attention_score_v3.h}. */
    int aclnnFusedInferAttentionScoreV3GetWorkspaceSize(
            Pointer query, Pointer key, Pointer value, Pointer pseShiftOptional, Pointer attenMaskOptional,
            Pointer actualSeqLengthsOptional, Pointer actualSeqLengthsKvOptional, Pointer deqScale1Optional,
            Pointer quantScale1Optional, Pointer deqScale2Optional, Pointer quantScale2Optional,
            Pointer quantOffset2Optional, Pointer antiquantScaleOptional, Pointer antiquantOffsetOptional,
            Pointer blockTableOptional, Pointer queryPaddingSizeOptional, Pointer kvPaddingSizeOptional,
            Pointer keyAntiquantScaleOptional, Pointer keyAntiquantOffsetOptional, Pointer valueAntiquantScaleOptional,
            Pointer valueAntiquantOffsetOptional, Pointer keySharedPrefixOptional, Pointer valueSharedPrefixOptional,
            Pointer actualSharedPrefixLenOptional, Pointer queryRopeOptional, Pointer keyRopeOptional,
            Pointer keyRopeAntiquantScaleOptional, long numHeads, double scaleValue, long preTokens, long nextTokens,
            String inputLayout, long numKeyValueHeads, long sparseMode, long innerPrecise, long blockSize,
            long antiquantMode, boolean softmaxLseFlag, long keyAntiquantMode, long valueAntiquantMode,
            Pointer attentionOut, Pointer softmaxLse, LongByReference workspaceSize, PointerByReference executor);

    int aclnnFusedInferAttentionScoreV3(Pointer workspace, long workspaceSize, Pointer executor, Pointer stream);
}
