package dev.dayzero.backend.ascend.jna;

import com.sun.jna.Library;
import com.sun.jna.Pointer;

/**
 * Raw binding of {@code libnnopbase.so}, the aclnn tensor plumbing, named exactly as the C API
 * ({@code aclnn/acl_meta.h}, hicann/opbase; ascend.md §2.3). Strides and offsets are in elements;
 * {@code aclDestroyTensorList} also destroys the tensors it holds.
 */
public interface NnopBase extends Library {
    /** {@code ACL_FORMAT_ND}. */
    int ACL_FORMAT_ND = 2;
    /** {@code ACL_FLOAT}. */
    int ACL_FLOAT = 0;
    /** {@code ACL_FLOAT16}. */
    int ACL_FLOAT16 = 1;
    /** {@code ACL_INT8}. */
    int ACL_INT8 = 2;
    /** {@code ACL_INT32}. */
    int ACL_INT32 = 3;
    /** {@code ACL_UINT8}. */
    int ACL_UINT8 = 4;
    /** {@code ACL_INT64}. */
    int ACL_INT64 = 9;
    /** {@code ACL_BOOL}. */
    int ACL_BOOL = 12;
    /** {@code ACL_BF16}. */
    int ACL_BF16 = 27;
    /** {@code ACL_FLOAT8_E5M2} (newer CANN; Ascend950 kernels only). */
    int ACL_FLOAT8_E5M2 = 35;
    /** {@code ACL_FLOAT8_E4M3FN} (newer CANN; Ascend950 kernels only). */
    int ACL_FLOAT8_E4M3FN = 36;

    Pointer aclCreateTensor(long[] viewDims, long viewDimsNum, int dataType, long[] stride, long offset, int format,
                            long[] storageDims, long storageDimsNum, Pointer tensorData);

    int aclDestroyTensor(Pointer tensor);

    Pointer aclCreateIntArray(long[] value, long size);

    int aclDestroyIntArray(Pointer array);

    Pointer aclCreateTensorList(Pointer[] value, long size);

    int aclDestroyTensorList(Pointer list);

    Pointer aclCreateScalar(Pointer value, int dataType);

    int aclDestroyScalar(Pointer scalar);

    int aclSetAclOpExecutorRepeatable(Pointer executor);

    int aclDestroyAclOpExecutor(Pointer executor);
}
