package dev.dayzero.backend.ascend.jna;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.FloatByReference;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * Raw binding of {@code libascendcl.so}, the ACL runtime, named exactly as the C API. Prototypes from
 * {@code acl/acl_rt.h} and {@code acl/acl_base.h} (hicann/runtime, Ascend/pytorch third_party/acl); see
 * the CANN {@code acl/acl_base.h} and {@code acl/acl_rt.h} headers. {@code size_t} is {@code long} (LP64), {@code aclError} is {@code int}.
 */
public interface AscendCl extends Library {
    /** {@code ACL_MEMCPY_HOST_TO_DEVICE}. */
    int ACL_MEMCPY_HOST_TO_DEVICE = 1;
    /** {@code ACL_MEMCPY_DEVICE_TO_HOST}. */
    int ACL_MEMCPY_DEVICE_TO_HOST = 2;
    /** {@code ACL_MEMCPY_DEVICE_TO_DEVICE}. */
    int ACL_MEMCPY_DEVICE_TO_DEVICE = 3;
    /** {@code ACL_MEM_MALLOC_HUGE_FIRST}: what aclnn workspaces use. */
    int ACL_MEM_MALLOC_HUGE_FIRST = 0;
    /** {@code ACL_HBM_MEM} for aclrtGetMemInfo. */
    int ACL_HBM_MEM = 1;
    /** {@code ACL_DEVICE_INFO_AI_CORE_NUM}. */
    int ACL_DEVICE_INFO_AI_CORE_NUM = 0;
    /** {@code ACL_DEVICE_INFO_VECTOR_CORE_NUM}. */
    int ACL_DEVICE_INFO_VECTOR_CORE_NUM = 1;
    /** {@code ACL_DEVICE_INFO_L2_SIZE}. */
    int ACL_DEVICE_INFO_L2_SIZE = 2;
    /** {@code ACL_ERROR_REPEAT_INITIALIZE}: aclInit called twice in one process (harmless). */
    int ACL_ERROR_REPEAT_INITIALIZE = 100002;

    int aclInit(String configPath);

    int aclFinalize();

    int aclrtSetDevice(int deviceId);

    int aclrtResetDevice(int deviceId);

    int aclrtGetDeviceCount(IntByReference count);

    int aclrtSynchronizeDevice();

    String aclrtGetSocName();

    int aclrtCreateContext(PointerByReference context, int deviceId);

    int aclrtDestroyContext(Pointer context);

    int aclrtSetCurrentContext(Pointer context);

    int aclrtCreateStream(PointerByReference stream);

    int aclrtDestroyStream(Pointer stream);

    int aclrtSynchronizeStream(Pointer stream);

    int aclrtMalloc(PointerByReference devPtr, long size, int policy);

    int aclrtFree(Pointer devPtr);

    int aclrtMemcpy(Pointer dst, long destMax, Pointer src, long count, int kind);

    int aclrtMemcpyAsync(Pointer dst, long destMax, Pointer src, long count, int kind, Pointer stream);

    int aclrtMemsetAsync(Pointer devPtr, long maxCount, int value, long count, Pointer stream);

    int aclrtGetMemInfo(int attr, LongByReference free, LongByReference total);

    int aclrtCreateEvent(PointerByReference event);

    int aclrtDestroyEvent(Pointer event);

    int aclrtRecordEvent(Pointer event, Pointer stream);

    int aclrtSynchronizeEvent(Pointer event);

    int aclrtEventElapsedTime(FloatByReference ms, Pointer startEvent, Pointer endEvent);

    String aclGetRecentErrMsg();

    int aclrtGetVersion(IntByReference majorVersion, IntByReference minorVersion, IntByReference patchVersion);

    int aclGetDeviceCapability(int deviceId, int deviceInfo, LongByReference value);
}
