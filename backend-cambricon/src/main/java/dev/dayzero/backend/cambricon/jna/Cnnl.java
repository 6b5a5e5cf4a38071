package dev.dayzero.backend.cambricon.jna;

import com.sun.jna.Library;

/**
 * Raw binding of {@code libcnnl.so} (CNNL 1.28.x), C names verbatim; every function returns
 * {@code cnnlStatus_t} (0 = success) unless noted. Handles, descriptors and device pointers are {@code long};
 * C {@code bool} would be {@code byte}; {@code size_t} is {@code long}; {@code alpha}/{@code beta} are host
 * pointers to F32 ({@code float[1]}). Prototypes: CNNL 1.28.6 {@code cnnl.h} (heyong919/llama.cpp @3f55976).
 */
public interface Cnnl extends Library {
    int CNNL_STATUS_SUCCESS = 0;
    int CNNL_DTYPE_FLOAT = 2;
    int CNNL_DTYPE_INT8 = 3;
    int CNNL_DTYPE_INT32 = 6;
    int CNNL_DTYPE_BFLOAT16 = 17;
    int CNNL_DTYPE_FLOAT8_E4M3FN = 20;
    int CNNL_DTYPE_FLOAT8_E5M2 = 21;
    int CNNL_LAYOUT_ARRAY = 4;
    int CNNL_MATMUL_DESC_COMPUTE_TYPE = 0;
    int CNNL_MATMUL_DESC_TRANSA = 3;
    int CNNL_MATMUL_DESC_TRANSB = 4;
    int CNNL_MATMUL_USE_BETA = 11;
    int CNNL_DIM_MAX = 8;

    int cnnlCreate(long[] handle);

    int cnnlDestroy(long handle);

    int cnnlSetQueue(long handle, long queue);

    String cnnlGetErrorString(int status);

    void cnnlGetLibVersion(int[] major, int[] minor, int[] patch);

    int cnnlCreateTensorDescriptor(long[] desc);

    int cnnlDestroyTensorDescriptor(long desc);

    /** 64-bit dims ({@code const int64_t dimSize[]}). */
    int cnnlSetTensorDescriptor_v2(long desc, int layout, int dtype, int dimNb, long[] dimSize);

    int cnnlSetTensorDescriptorOnchipDataType(long desc, int onchipDtype);

    int cnnlCreateMatMulDescriptor(long[] desc);

    int cnnlDestroyMatMulDescriptor(long desc);

    /** {@code buf} is an {@code int32_t} value, {@code sizeInBytes} = 4. */
    int cnnlSetMatMulDescAttr(long desc, int attr, int[] buf, long sizeInBytes);

    int cnnlCreateMatMulAlgo(long[] algo);

    int cnnlDestroyMatMulAlgo(long algo);

    int cnnlCreateMatMulHeuristicResult(long[] result);

    int cnnlDestroyMatMulHeuristicResult(long result);

    /** {@code preference} NULL (0); {@code requestedAlgoCount} must be 1; {@code resultArray} holds created results. */
    int cnnlGetMatMulAlgoHeuristic(long handle, long matmulDesc, long aDesc, long bDesc, long cDesc, long dDesc,
                                   long preference, int requestedAlgoCount, long[] resultArray, int[] returnAlgoCount);

    int cnnlGetMatMulHeuristicResult(long result, long algo, long[] workspaceSize);

    /** {@code d = alpha·op(a)·op(b) + beta·c}, 2-D; alpha/beta host F32. */
    int cnnlMatMul_v2(long handle, long matmulDesc, long algo, float[] alpha, long aDesc, long a, long bDesc, long b,
                      float[] beta, long cDesc, long c, long workspace, long workspaceSize, long dDesc, long d);
}
