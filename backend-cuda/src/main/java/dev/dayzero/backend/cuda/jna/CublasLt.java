package dev.dayzero.backend.cuda.jna;

import com.sun.jna.Library;
import com.sun.jna.Pointer;

/**
 * cuBLASLt ({@code libcublasLt.so.13} / {@code .so.12}), the handful of calls one matmul (and a scale-tensor
 * transposition by {@code cublasLtMatrixTransform}) needs, as JNA interface
 * mapping with the C names verbatim. Handles and device pointers are {@code long}; attribute payloads and the
 * host scalars alpha/beta are {@link Pointer}s to native scratch. Sources: cudarc {@code src/cublaslt/sys},
 * cuBLAS docs §3.4, CUDA 13.0 {@code library_types.h}
 * §3.1-3.2.
 */
public interface CublasLt extends Library {

    /** {@code sizeof(cublasLtMatmulHeuristicResult_t)}: algo uint64[8] @0, workspaceSize @64, state @72, wavesCount @76, reserved int[4] @80. */
    int HEURISTIC_RESULT_BYTES = 96;
    /** Offset of {@code workspaceSize} in the heuristic result. */
    int HEURISTIC_RESULT_WORKSPACE_OFFSET = 64;
    /** Offset of {@code state} in the heuristic result. */
    int HEURISTIC_RESULT_STATE_OFFSET = 72;

    // ---- cublasStatus_t ----
    int CUBLAS_STATUS_SUCCESS = 0;
    int CUBLAS_STATUS_NOT_INITIALIZED = 1;
    int CUBLAS_STATUS_ALLOC_FAILED = 3;
    int CUBLAS_STATUS_INVALID_VALUE = 7;
    int CUBLAS_STATUS_ARCH_MISMATCH = 8;
    int CUBLAS_STATUS_MAPPING_ERROR = 11;
    int CUBLAS_STATUS_EXECUTION_FAILED = 13;
    int CUBLAS_STATUS_INTERNAL_ERROR = 14;
    int CUBLAS_STATUS_NOT_SUPPORTED = 15;
    int CUBLAS_STATUS_LICENSE_ERROR = 16;

    // ---- cudaDataType (library_types.h l.59-93) ----
    int CUDA_R_32F = 0;
    int CUDA_R_64F = 1;
    int CUDA_R_16F = 2;
    int CUDA_R_8I = 3;
    int CUDA_R_32I = 10;
    int CUDA_R_16BF = 14;
    int CUDA_R_8F_E4M3 = 28;
    int CUDA_R_8F_E5M2 = 29;
    int CUDA_R_8F_UE8M0 = 30;

    // ---- cublasComputeType_t ----
    int CUBLAS_COMPUTE_16F = 64;
    int CUBLAS_COMPUTE_32F = 68;
    int CUBLAS_COMPUTE_32F_PEDANTIC = 69;
    int CUBLAS_COMPUTE_64F = 70;
    int CUBLAS_COMPUTE_32I = 72;
    int CUBLAS_COMPUTE_32F_FAST_16F = 74;
    int CUBLAS_COMPUTE_32F_FAST_16BF = 75;
    int CUBLAS_COMPUTE_32F_FAST_TF32 = 77;

    // ---- cublasOperation_t ----
    int CUBLAS_OP_N = 0;
    int CUBLAS_OP_T = 1;
    int CUBLAS_OP_C = 2;

    // ---- cublasLtMatmulDescAttributes_t ----
    int CUBLASLT_MATMUL_DESC_COMPUTE_TYPE = 0;
    int CUBLASLT_MATMUL_DESC_SCALE_TYPE = 1;
    int CUBLASLT_MATMUL_DESC_POINTER_MODE = 2;
    int CUBLASLT_MATMUL_DESC_TRANSA = 3;
    int CUBLASLT_MATMUL_DESC_TRANSB = 4;
    int CUBLASLT_MATMUL_DESC_TRANSC = 5;
    int CUBLASLT_MATMUL_DESC_EPILOGUE = 7;
    int CUBLASLT_MATMUL_DESC_A_SCALE_POINTER = 17;
    int CUBLASLT_MATMUL_DESC_B_SCALE_POINTER = 18;
    int CUBLASLT_MATMUL_DESC_C_SCALE_POINTER = 19;
    int CUBLASLT_MATMUL_DESC_D_SCALE_POINTER = 20;
    int CUBLASLT_MATMUL_DESC_AMAX_D_POINTER = 21;
    int CUBLASLT_MATMUL_DESC_FAST_ACCUM = 25;
    int CUBLASLT_MATMUL_DESC_A_SCALE_MODE = 31;
    int CUBLASLT_MATMUL_DESC_B_SCALE_MODE = 32;

    // ---- cublasLtMatmulMatrixScale_t (VEC128/BLK128x128 since 12.9, Hopper only) ----
    int CUBLASLT_MATMUL_MATRIX_SCALE_SCALAR_32F = 0;
    int CUBLASLT_MATMUL_MATRIX_SCALE_VEC16_UE4M3 = 1;
    int CUBLASLT_MATMUL_MATRIX_SCALE_VEC32_UE8M0 = 2;
    int CUBLASLT_MATMUL_MATRIX_SCALE_OUTER_VEC_32F = 3;
    int CUBLASLT_MATMUL_MATRIX_SCALE_VEC128_32F = 4;
    int CUBLASLT_MATMUL_MATRIX_SCALE_BLK128x128_32F = 5;

    // ---- cublasLtMatrixLayoutAttribute_t ----
    int CUBLASLT_MATRIX_LAYOUT_TYPE = 0;
    int CUBLASLT_MATRIX_LAYOUT_ORDER = 1;
    int CUBLASLT_MATRIX_LAYOUT_ROWS = 2;
    int CUBLASLT_MATRIX_LAYOUT_COLS = 3;
    int CUBLASLT_MATRIX_LAYOUT_LD = 4;
    int CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT = 5;
    int CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET = 6;
    int CUBLASLT_ORDER_COL = 0;
    int CUBLASLT_ORDER_ROW = 1;

    // ---- cublasLtMatmulPreferenceAttributes_t (MAX_WORKSPACE_BYTES uint64; MIN_ALIGNMENT_* uint32, default 256) ----
    int CUBLASLT_MATMUL_PREF_SEARCH_MODE = 0;
    int CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES = 1;
    int CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES = 5;
    int CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES = 6;
    int CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES = 7;
    int CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES = 8;

    // ---- cublasLtMatrixTransformDescAttributes_t (int32 payloads) ----
    int CUBLASLT_MATRIX_TRANSFORM_DESC_SCALE_TYPE = 0;
    int CUBLASLT_MATRIX_TRANSFORM_DESC_POINTER_MODE = 1;
    int CUBLASLT_MATRIX_TRANSFORM_DESC_TRANSA = 2;
    int CUBLASLT_MATRIX_TRANSFORM_DESC_TRANSB = 3;

    /** {@code cublasLtGetVersion()} of cuBLAS 12.9.0 ({@code major*10000 + minor*100 + patch}): the first with VEC128/BLK128x128 scaling. */
    int VERSION_BLOCK_SCALING = 120900;

    long cublasLtGetVersion();

    String cublasLtGetStatusString(int status);

    int cublasLtCreate(long[] handle);

    int cublasLtDestroy(long handle);

    int cublasLtMatmulDescCreate(long[] desc, int computeType, int scaleType);

    int cublasLtMatmulDescSetAttribute(long desc, int attribute, Pointer buf, long sizeInBytes);

    int cublasLtMatmulDescDestroy(long desc);

    int cublasLtMatrixLayoutCreate(long[] layout, int type, long rows, long cols, long ld);

    int cublasLtMatrixLayoutSetAttribute(long layout, int attribute, Pointer buf, long sizeInBytes);

    int cublasLtMatrixLayoutDestroy(long layout);

    int cublasLtMatmulPreferenceCreate(long[] preference);

    int cublasLtMatmulPreferenceSetAttribute(long preference, int attribute, Pointer buf, long sizeInBytes);

    int cublasLtMatmulPreferenceDestroy(long preference);

    int cublasLtMatmulAlgoGetHeuristic(long handle, long desc, long aDesc, long bDesc, long cDesc, long dDesc,
                                       long preference, int requestedAlgoCount, Pointer results, int[] returnCount);

    int cublasLtMatmul(long handle, long desc, Pointer alpha, long a, long aDesc, long b, long bDesc, Pointer beta,
                       long c, long cDesc, long d, long dDesc, Pointer algo, long workspace, long workspaceSize,
                       long stream);

    int cublasLtMatrixTransformDescCreate(long[] desc, int scaleType);

    int cublasLtMatrixTransformDescSetAttribute(long desc, int attribute, Pointer buf, long sizeInBytes);

    int cublasLtMatrixTransformDescDestroy(long desc);

    /** {@code C = alpha op(A) + beta op(B)}; B and its layout may be 0 when beta is 0 (NVIDIA's LtIgemmTensor sample). */
    int cublasLtMatrixTransform(long handle, long desc, Pointer alpha, long a, long aDesc, Pointer beta, long b,
                                long bDesc, long c, long cDesc, long stream);
}
