package dev.dayzero.backend.cambricon.jna;

import com.sun.jna.Library;

/**
 * Raw binding of {@code libcnrt.so} (CNRT 6.x), C names verbatim. Every function returns {@code cnrtRet_t}
 * (0 = {@code cnrtSuccess}) unless noted. ABI choices: opaque handles ({@code cnrtQueue_t},
 * {@code cnrtNotifier_t}) and device pointers are {@code long} (LP64); out-parameters are one-element arrays;
 * {@code size_t} is {@code long}. {@code cnrtGetDeviceProperties} is bound to the exported symbol
 * {@code cnrtGetDeviceProperties_V3} (the CNRT 6.14 header's macro; see {@link NativeLibraries#SYMBOLS}).
 * Prototypes: CNRT 6.14.1 {@code cnrt.h} (heyong919/llama.cpp @3f55976, ggml/src/ggml-mlu/mlu_include).
 */
public interface Cnrt extends Library {
    int cnrtSuccess = 0;
    int cnrtMemcpyHostToDev = 0;
    int cnrtMemcpyDevToDev = 1;
    int cnrtMemcpyDevToHost = 2;
    int cnrtAttrComputeCapabilityMajor = 0x01;
    int cnrtAttrComputeCapabilityMinor = 0x02;
    int cnrtAttrBF16ComputingSupported = 0x07;
    int cnrtAttrClusterCount = 0x205;
    int cnrtAttrMcorePerCluster = 0x206;
    int cnrtAttrISAVersion = 0x20a;
    int cnrtAttrMaxL2CacheSize = 0x301;
    int cnrtAttrIpuClockRate = 0x402;
    int cnrtAttrMemClockRate = 0x403;
    int cnrtAttrGmemBusWidth = 0x404;
    int cnrtAttrTotalMemSize = 0x405;
    /** Bytes handed to {@code cnrtGetDeviceProperties_V3}: {@code sizeof(cnrtDeviceProp_t)} is 584, padded. */
    int DEVICE_PROP_BYTES = 1024;

    int cnrtGetDeviceCount(int[] pCount);                  // unsigned int *pCount

    int cnrtSetDevice(int ordinal);

    int cnrtGetDevice(int[] pOrdinal);

    /** Mapped to {@code cnrtGetDeviceProperties_V3}; {@code prop} at least {@link #DEVICE_PROP_BYTES}; name at offset 0. */
    int cnrtGetDeviceProperties(byte[] prop, int device);

    int cnrtDeviceGetAttribute(int[] pValue, int attr, int device);

    int cnrtSyncDevice();

    int cnrtGetLibVersion(int[] major, int[] minor, int[] patch);

    int cnrtDriverGetVersion(int[] major, int[] minor, int[] patch);

    int cnrtMalloc(long[] pPtr, long bytes);

    int cnrtFree(long ptr);

    int cnrtMemcpy(long dst, long src, long bytes, int dir);

    /** Host side given as a Java array: host → device. */
    int cnrtMemcpy(long dst, byte[] src, long bytes, int dir);

    /** Host side given as a Java array: device → host. */
    int cnrtMemcpy(byte[] dst, long src, long bytes, int dir);

    int cnrtMemcpyAsync_V3(long dst, long src, long bytes, long queue, int dir);

    int cnrtMemsetAsync(long ptr, int value, long bytes, long queue);

    int cnrtMemGetInfo(long[] free, long[] total);

    int cnrtQueueCreate(long[] pQueue);

    int cnrtQueueDestroy(long queue);

    int cnrtQueueSync(long queue);

    int cnrtNotifierCreate(long[] pNotifier);

    int cnrtNotifierDestroy(long notifier);

    int cnrtPlaceNotifier(long notifier, long queue);

    int cnrtWaitNotifier(long notifier);

    /** Software (wall) time between two notifiers, in MILLISECONDS. */
    int cnrtNotifierElapsedTime(long start, long end, float[] ms);

    /** Hardware time between two notifiers, in MICROSECONDS. */
    int cnrtNotifierDuration(long start, long end, float[] us);

    String cnrtGetErrorName(int error);

    String cnrtGetErrorStr(int error);
}
