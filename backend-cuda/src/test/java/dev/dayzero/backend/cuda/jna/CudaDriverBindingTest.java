package dev.dayzero.backend.cuda.jna;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The driver binding's constants and symbol names against CUDA 13.0 {@code cuda.h} (H13 values). No GPU needed. */
class CudaDriverBindingTest {

    /** cuda.md §1.4, §1.5, §1.3 (flags and modes). */
    static final Map<String, Integer> EXPECTED = Map.ofEntries(
            Map.entry("CUDA_SUCCESS", 0), Map.entry("CUDA_ERROR_INVALID_VALUE", 1), Map.entry("CUDA_ERROR_OUT_OF_MEMORY", 2),
            Map.entry("CUDA_ERROR_NOT_INITIALIZED", 3), Map.entry("CUDA_ERROR_STUB_LIBRARY", 34),
            Map.entry("CUDA_ERROR_CALL_REQUIRES_NEWER_DRIVER", 36), Map.entry("CUDA_ERROR_NO_DEVICE", 100),
            Map.entry("CUDA_ERROR_INVALID_IMAGE", 200), Map.entry("CUDA_ERROR_INVALID_CONTEXT", 201),
            Map.entry("CUDA_ERROR_NO_BINARY_FOR_GPU", 209), Map.entry("CUDA_ERROR_INVALID_PTX", 218),
            Map.entry("CUDA_ERROR_UNSUPPORTED_PTX_VERSION", 222), Map.entry("CUDA_ERROR_INVALID_SOURCE", 300),
            Map.entry("CUDA_ERROR_INVALID_HANDLE", 400), Map.entry("CUDA_ERROR_NOT_FOUND", 500),
            Map.entry("CUDA_ERROR_NOT_READY", 600), Map.entry("CUDA_ERROR_ILLEGAL_ADDRESS", 700),
            Map.entry("CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES", 701), Map.entry("CUDA_ERROR_LAUNCH_FAILED", 719),
            Map.entry("CUDA_ERROR_SYSTEM_DRIVER_MISMATCH", 803), Map.entry("CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED", 900),
            Map.entry("CUDA_ERROR_STREAM_CAPTURE_INVALIDATED", 901), Map.entry("CUDA_ERROR_STREAM_CAPTURE_IMPLICIT", 906),
            Map.entry("CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK", 1), Map.entry("CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK", 8),
            Map.entry("CU_DEVICE_ATTRIBUTE_WARP_SIZE", 10), Map.entry("CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_BLOCK", 12),
            Map.entry("CU_DEVICE_ATTRIBUTE_CLOCK_RATE", 13), Map.entry("CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT", 16),
            Map.entry("CU_DEVICE_ATTRIBUTE_ECC_ENABLED", 32), Map.entry("CU_DEVICE_ATTRIBUTE_PCI_BUS_ID", 33),
            Map.entry("CU_DEVICE_ATTRIBUTE_PCI_DEVICE_ID", 34), Map.entry("CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE", 36),
            Map.entry("CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH", 37), Map.entry("CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE", 38),
            Map.entry("CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR", 39), Map.entry("CU_DEVICE_ATTRIBUTE_ASYNC_ENGINE_COUNT", 40),
            Map.entry("CU_DEVICE_ATTRIBUTE_UNIFIED_ADDRESSING", 41), Map.entry("CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR", 75),
            Map.entry("CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR", 76),
            Map.entry("CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_MULTIPROCESSOR", 81),
            Map.entry("CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN", 97),
            Map.entry("CU_DEVICE_ATTRIBUTE_MAX_PERSISTING_L2_CACHE_SIZE", 108), Map.entry("CU_DEVICE_ATTRIBUTE_CLUSTER_LAUNCH", 120),
            Map.entry("CU_STREAM_DEFAULT", 0), Map.entry("CU_STREAM_NON_BLOCKING", 1),
            Map.entry("CU_EVENT_DEFAULT", 0), Map.entry("CU_EVENT_BLOCKING_SYNC", 1), Map.entry("CU_EVENT_DISABLE_TIMING", 2),
            Map.entry("CU_STREAM_CAPTURE_MODE_GLOBAL", 0), Map.entry("CU_STREAM_CAPTURE_MODE_THREAD_LOCAL", 1),
            Map.entry("CU_STREAM_CAPTURE_MODE_RELAXED", 2), Map.entry("CUDA_GRAPH_INSTANTIATE_FLAG_AUTO_FREE_ON_LAUNCH", 1),
            Map.entry("CUDA_GRAPH_INSTANTIATE_FLAG_UPLOAD", 2), Map.entry("CUDA_GRAPH_INSTANTIATE_FLAG_DEVICE_LAUNCH", 4),
            Map.entry("CUDA_GRAPH_INSTANTIATE_FLAG_USE_NODE_PRIORITY", 8),
            Map.entry("CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES", 8));

    /** The exported symbols bound: the versioned names where cuda.h renames (cuda.md §1.1, §1.3). */
    static final Set<String> SYMBOLS = Set.of("cuInit", "cuDriverGetVersion", "cuGetErrorName", "cuGetErrorString",
            "cuDeviceGetCount", "cuDeviceGet", "cuDeviceGetName", "cuDeviceGetAttribute", "cuDeviceTotalMem_v2",
            "cuDevicePrimaryCtxRetain", "cuDevicePrimaryCtxRelease_v2", "cuCtxSetCurrent", "cuCtxSynchronize",
            "cuMemAlloc_v2", "cuMemFree_v2", "cuMemGetInfo_v2", "cuMemcpyHtoD_v2", "cuMemcpyDtoH_v2",
            "cuMemcpyDtoDAsync_v2", "cuMemsetD8Async", "cuStreamCreate", "cuStreamDestroy_v2", "cuStreamSynchronize",
            "cuEventCreate", "cuEventRecord", "cuEventSynchronize", "cuEventElapsedTime", "cuEventDestroy_v2",
            "cuModuleLoadData", "cuModuleUnload", "cuModuleGetFunction", "cuFuncSetAttribute", "cuLaunchKernel",
            "cuStreamBeginCapture_v2", "cuStreamEndCapture", "cuGraphInstantiateWithFlags", "cuGraphLaunch",
            "cuGraphExecDestroy", "cuGraphDestroy");

    @Test
    void everyConstantHasCudaMdValue() throws IllegalAccessException {
        Set<String> declared = new TreeSet<>();
        for (Field f : CudaDriver.class.getDeclaredFields()) {
            declared.add(f.getName());
            assertTrue(EXPECTED.containsKey(f.getName()), "constant " + f.getName() + " has no expected value in this test");
            assertEquals(EXPECTED.get(f.getName()), f.getInt(null), f.getName());
        }
        assertEquals(new TreeSet<>(EXPECTED.keySet()), declared, "every expected constant is declared");
    }

    @Test
    void methodsAreTheExportedSymbolNames() {
        Set<String> methods = Arrays.stream(CudaDriver.class.getDeclaredMethods()).map(Method::getName)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(SYMBOLS), methods);
    }

    @Test
    void noLegacyUnversionedExportIsBound() {
        Set<String> methods = Arrays.stream(CudaDriver.class.getDeclaredMethods()).map(Method::getName).collect(Collectors.toSet());
        for (String legacy : new String[] {"cuMemAlloc", "cuMemFree", "cuDeviceTotalMem", "cuMemcpyHtoD", "cuMemcpyDtoH",
                "cuStreamBeginCapture", "cuGraphInstantiate", "cuGraphInstantiate_v2", "cuCtxCreate", "cuStreamDestroy",
                "cuEventDestroy", "cuDevicePrimaryCtxRelease"}) {
            assertFalse(methods.contains(legacy), legacy + " is the legacy ABI (cuda.md §1.1)");
        }
    }

    @Test
    void handlesSizesAndDevicePointersAreLongs() throws NoSuchMethodException {
        Method alloc = CudaDriver.class.getMethod("cuMemAlloc_v2", long[].class, long.class);
        assertEquals(int.class, alloc.getReturnType());
        Method launch = CudaDriver.class.getMethod("cuLaunchKernel", long.class, int.class, int.class, int.class,
                int.class, int.class, int.class, int.class, long.class, com.sun.jna.Pointer.class, com.sun.jna.Pointer.class);
        assertEquals(11, launch.getParameterCount());
        Method inst = CudaDriver.class.getMethod("cuGraphInstantiateWithFlags", long[].class, long.class, long.class);
        assertEquals(3, inst.getParameterCount(), "the three-argument form, not the legacy five-argument export");
    }

    @Test
    void errorTableNamesTheCodes() {
        assertEquals("CUDA_ERROR_OUT_OF_MEMORY", CudaErrors.driverName(2));
        assertEquals("CUDA_ERROR_STUB_LIBRARY", CudaErrors.driverName(34));
        assertEquals("CUDA_ERROR_NO_DEVICE", CudaErrors.driverName(100));
        assertEquals("", CudaErrors.driverName(123456));
        assertEquals("CUBLAS_STATUS_NOT_SUPPORTED", CudaErrors.cublasName(15));
        dev.dayzero.hal.NativeCallException e = CudaErrors.failure(null, 700, "cuLaunchKernel");
        assertEquals("CUDA_ERROR_ILLEGAL_ADDRESS", e.codeName());
        assertEquals(700L, e.nativeCode().orElseThrow());
        assertEquals("cuLaunchKernel", e.nativeCall().orElseThrow());
        assertTrue(e.getMessage().startsWith("cuLaunchKernel failed with 700 (CUDA_ERROR_ILLEGAL_ADDRESS)"), e.getMessage());
    }
}
