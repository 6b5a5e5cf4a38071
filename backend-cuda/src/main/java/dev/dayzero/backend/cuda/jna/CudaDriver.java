package dev.dayzero.backend.cuda.jna;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * The CUDA driver API, {@code libcuda.so.1}, as JNA interface mapping. Every method name is the symbol the
 * driver <em>exports</em>, which is not always the name {@code cuda.h} shows: the header {@code #define}s
 * {@code cuMemAlloc} to {@code cuMemAlloc_v2} and so on, and the unversioned exports are the legacy ABI
 * (32-bit sizes, the one-argument {@code cuStreamBeginCapture}, the five-argument {@code cuGraphInstantiate}).
 * Sources: CUDA 13.0 {@code include/cuda.h} ("H13").
 *
 * <p>Types (LP64): {@code CUresult}, enums, {@code CUdevice} and {@code unsigned int} are {@code int};
 * {@code size_t}, {@code CUdeviceptr} and every opaque handle ({@code CUcontext}, {@code CUstream}, ...) are
 * {@code long}; out-parameters are one-element primitive arrays.
 */
public interface CudaDriver extends Library {

    // ---- CUresult (H13 cudaError_enum; cuda.md §1.5) ----
    int CUDA_SUCCESS = 0;
    int CUDA_ERROR_INVALID_VALUE = 1;
    int CUDA_ERROR_OUT_OF_MEMORY = 2;
    int CUDA_ERROR_NOT_INITIALIZED = 3;
    int CUDA_ERROR_STUB_LIBRARY = 34;
    int CUDA_ERROR_CALL_REQUIRES_NEWER_DRIVER = 36;
    int CUDA_ERROR_NO_DEVICE = 100;
    int CUDA_ERROR_INVALID_IMAGE = 200;
    int CUDA_ERROR_INVALID_CONTEXT = 201;
    int CUDA_ERROR_NO_BINARY_FOR_GPU = 209;
    int CUDA_ERROR_INVALID_PTX = 218;
    int CUDA_ERROR_UNSUPPORTED_PTX_VERSION = 222;
    int CUDA_ERROR_INVALID_SOURCE = 300;
    int CUDA_ERROR_INVALID_HANDLE = 400;
    int CUDA_ERROR_NOT_FOUND = 500;
    int CUDA_ERROR_NOT_READY = 600;
    int CUDA_ERROR_ILLEGAL_ADDRESS = 700;
    int CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES = 701;
    int CUDA_ERROR_LAUNCH_FAILED = 719;
    int CUDA_ERROR_SYSTEM_DRIVER_MISMATCH = 803;
    int CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED = 900;
    int CUDA_ERROR_STREAM_CAPTURE_INVALIDATED = 901;
    int CUDA_ERROR_STREAM_CAPTURE_IMPLICIT = 906;

    // ---- CUdevice_attribute (H13 l.724-849; cuda.md §1.4) ----
    int CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 1;
    int CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK = 8;
    int CU_DEVICE_ATTRIBUTE_WARP_SIZE = 10;
    int CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_BLOCK = 12;
    /** kHz, "typical". */
    int CU_DEVICE_ATTRIBUTE_CLOCK_RATE = 13;
    int CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16;
    int CU_DEVICE_ATTRIBUTE_ECC_ENABLED = 32;
    int CU_DEVICE_ATTRIBUTE_PCI_BUS_ID = 33;
    int CU_DEVICE_ATTRIBUTE_PCI_DEVICE_ID = 34;
    /** kHz, peak. */
    int CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE = 36;
    /** Bits. */
    int CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH = 37;
    /** Bytes. */
    int CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE = 38;
    int CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR = 39;
    int CU_DEVICE_ATTRIBUTE_ASYNC_ENGINE_COUNT = 40;
    int CU_DEVICE_ATTRIBUTE_UNIFIED_ADDRESSING = 41;
    int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
    int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
    int CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_MULTIPROCESSOR = 81;
    int CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN = 97;
    int CU_DEVICE_ATTRIBUTE_MAX_PERSISTING_L2_CACHE_SIZE = 108;
    int CU_DEVICE_ATTRIBUTE_CLUSTER_LAUNCH = 120;

    // ---- flags and modes (H13; cuda.md §1.3, §1.5) ----
    int CU_STREAM_DEFAULT = 0;
    int CU_STREAM_NON_BLOCKING = 1;
    int CU_EVENT_DEFAULT = 0;
    int CU_EVENT_BLOCKING_SYNC = 1;
    int CU_EVENT_DISABLE_TIMING = 2;
    int CU_STREAM_CAPTURE_MODE_GLOBAL = 0;
    int CU_STREAM_CAPTURE_MODE_THREAD_LOCAL = 1;
    int CU_STREAM_CAPTURE_MODE_RELAXED = 2;
    int CUDA_GRAPH_INSTANTIATE_FLAG_AUTO_FREE_ON_LAUNCH = 1;
    int CUDA_GRAPH_INSTANTIATE_FLAG_UPLOAD = 2;
    int CUDA_GRAPH_INSTANTIATE_FLAG_DEVICE_LAUNCH = 4;
    int CUDA_GRAPH_INSTANTIATE_FLAG_USE_NODE_PRIORITY = 8;
    int CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8;

    // ---- init and versions ----
    int cuInit(int flags);

    int cuDriverGetVersion(int[] version);

    int cuGetErrorName(int error, PointerByReference name);

    int cuGetErrorString(int error, PointerByReference message);

    // ---- devices ----
    int cuDeviceGetCount(int[] count);

    int cuDeviceGet(int[] device, int ordinal);

    int cuDeviceGetName(byte[] name, int length, int device);

    int cuDeviceGetAttribute(int[] value, int attribute, int device);

    int cuDeviceTotalMem_v2(long[] bytes, int device);

    // ---- contexts ----
    int cuDevicePrimaryCtxRetain(long[] context, int device);

    int cuDevicePrimaryCtxRelease_v2(int device);

    int cuCtxSetCurrent(long context);

    int cuCtxSynchronize();

    // ---- memory ----
    int cuMemAlloc_v2(long[] address, long bytes);

    int cuMemFree_v2(long address);

    int cuMemGetInfo_v2(long[] free, long[] total);

    int cuMemcpyHtoD_v2(long dst, Pointer src, long bytes);

    int cuMemcpyDtoH_v2(Pointer dst, long src, long bytes);

    int cuMemcpyDtoDAsync_v2(long dst, long src, long bytes, long stream);

    int cuMemsetD8Async(long dst, byte value, long count, long stream);

    // ---- streams and events ----
    int cuStreamCreate(long[] stream, int flags);

    int cuStreamDestroy_v2(long stream);

    int cuStreamSynchronize(long stream);

    int cuEventCreate(long[] event, int flags);

    int cuEventRecord(long event, long stream);

    int cuEventSynchronize(long event);

    /** The v1 export: {@code cuEventElapsedTime_v2} is missing from drivers older than 12.8 (cuda.md §1.3). */
    int cuEventElapsedTime(float[] millis, long start, long end);

    int cuEventDestroy_v2(long event);

    // ---- modules and launches ----
    int cuModuleLoadData(long[] module, Pointer image);

    int cuModuleUnload(long module);

    int cuModuleGetFunction(long[] function, long module, String name);

    int cuFuncSetAttribute(long function, int attribute, int value);

    int cuLaunchKernel(long function, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ,
                       int sharedMemBytes, long stream, Pointer kernelParams, Pointer extra);

    // ---- stream capture and graphs ----
    int cuStreamBeginCapture_v2(long stream, int mode);

    int cuStreamEndCapture(long stream, long[] graph);

    int cuGraphInstantiateWithFlags(long[] graphExec, long graph, long flags);

    int cuGraphLaunch(long graphExec, long stream);

    int cuGraphExecDestroy(long graphExec);

    int cuGraphDestroy(long graph);
}
