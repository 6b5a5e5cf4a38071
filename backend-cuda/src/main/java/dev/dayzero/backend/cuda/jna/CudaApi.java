package dev.dayzero.backend.cuda.jna;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.dayzero.hal.DeviceOutOfMemoryException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The driver calls the backend makes, each checked through {@link CudaErrors#check}: typed {@code long}
 * handles and device addresses in and out, host data as {@link ByteBuffer}s, so that nothing outside this
 * package sees a JNA {@link Pointer}. Out-parameters are fresh one-element arrays (not on a launch path).
 */
public final class CudaApi {
    private final CudaDriver driver;

    /** Wraps a loaded driver binding. */
    public CudaApi(CudaDriver driver) {
        this.driver = driver;
    }

    /** {@code cuInit(0)}. */
    public void init() {
        check(driver.cuInit(0), "cuInit");
    }

    /** {@code cuInit(0)}'s raw result, for probes that explain a failure rather than throw. */
    public int tryInit() {
        return driver.cuInit(0);
    }

    /** The exception {@code cuX} returning {@code rc} would throw (for probes that phrase their own sentence). */
    public RuntimeException failure(int rc, String function) {
        return CudaErrors.failure(driver, rc, function);
    }

    /** CUDA version the driver supports, as {@code 1000*major + 10*minor} (13000 = 13.0). */
    public int driverVersion() {
        int[] v = new int[1];
        check(driver.cuDriverGetVersion(v), "cuDriverGetVersion");
        return v[0];
    }

    /** Number of CUDA devices. */
    public int deviceCount() {
        int[] n = new int[1];
        check(driver.cuDeviceGetCount(n), "cuDeviceGetCount");
        return n[0];
    }

    /** The {@code CUdevice} of {@code ordinal}. */
    public int device(int ordinal) {
        int[] d = new int[1];
        check(driver.cuDeviceGet(d, ordinal), "cuDeviceGet");
        return d[0];
    }

    /** The device's marketing name. */
    public String deviceName(int device) {
        byte[] name = new byte[256];
        check(driver.cuDeviceGetName(name, name.length, device), "cuDeviceGetName");
        int n = 0;
        while (n < name.length && name[n] != 0) {
            n++;
        }
        return new String(name, 0, n, StandardCharsets.UTF_8);
    }

    /** One {@code CUdevice_attribute}. */
    public int attribute(int attribute, int device) {
        int[] v = new int[1];
        check(driver.cuDeviceGetAttribute(v, attribute, device), "cuDeviceGetAttribute");
        return v[0];
    }

    /** Total device memory in bytes ({@code cuDeviceTotalMem_v2}: 64-bit size). */
    public long totalMemory(int device) {
        long[] v = new long[1];
        check(driver.cuDeviceTotalMem_v2(v, device), "cuDeviceTotalMem_v2");
        return v[0];
    }

    /** Retains the device's primary context. */
    public long primaryContextRetain(int device) {
        long[] c = new long[1];
        check(driver.cuDevicePrimaryCtxRetain(c, device), "cuDevicePrimaryCtxRetain");
        return c[0];
    }

    /** Releases one retain of the device's primary context. */
    public void primaryContextRelease(int device) {
        check(driver.cuDevicePrimaryCtxRelease_v2(device), "cuDevicePrimaryCtxRelease_v2");
    }

    /** Makes {@code context} current on the calling thread. */
    public void setCurrent(long context) {
        check(driver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    /** Waits for all work of the current context. */
    public void contextSynchronize() {
        check(driver.cuCtxSynchronize(), "cuCtxSynchronize");
    }

    /**
     * Allocates device memory.
     *
     * @throws DeviceOutOfMemoryException on {@code CUDA_ERROR_OUT_OF_MEMORY}
     */
    public long memAlloc(long bytes) {
        long[] p = new long[1];
        int rc = driver.cuMemAlloc_v2(p, bytes);
        if (rc == CudaDriver.CUDA_ERROR_OUT_OF_MEMORY) {
            throw new DeviceOutOfMemoryException(CudaErrors.VENDOR, bytes, "cuMemAlloc_v2 could not allocate "
                    + bytes + " bytes", CudaErrors.failure(driver, rc, "cuMemAlloc_v2"));
        }
        check(rc, "cuMemAlloc_v2");
        return p[0];
    }

    /** Free and total memory of the current context's device, bytes ({@code cuMemGetInfo_v2}). */
    public long[] memoryInfo() {
        long[] free = new long[1];
        long[] total = new long[1];
        check(driver.cuMemGetInfo_v2(free, total), "cuMemGetInfo_v2");
        return new long[] {free[0], total[0]};
    }

    /** Frees device memory. */
    public void memFree(long address) {
        check(driver.cuMemFree_v2(address), "cuMemFree_v2");
    }

    /** Copies {@code src.remaining()} bytes to {@code dst}, synchronously; {@code src}'s position is not moved. */
    public void copyToDevice(long dst, ByteBuffer src) {
        int n = src.remaining();
        if (n == 0) {
            return;
        }
        if (src.isDirect()) {
            Pointer p = Native.getDirectBufferPointer(src).share(src.position());
            check(driver.cuMemcpyHtoD_v2(dst, p, n), "cuMemcpyHtoD_v2");
            return;
        }
        try (Memory staging = new Memory(n)) {
            byte[] bytes = new byte[n];
            src.duplicate().get(bytes);
            staging.write(0, bytes, 0, n);
            check(driver.cuMemcpyHtoD_v2(dst, staging, n), "cuMemcpyHtoD_v2");
        }
    }

    /** Copies {@code dst.remaining()} bytes from {@code src}, synchronously; {@code dst}'s position is not moved. */
    public void copyToHost(ByteBuffer dst, long src) {
        int n = dst.remaining();
        if (n == 0) {
            return;
        }
        if (dst.isDirect()) {
            Pointer p = Native.getDirectBufferPointer(dst).share(dst.position());
            check(driver.cuMemcpyDtoH_v2(p, src, n), "cuMemcpyDtoH_v2");
            return;
        }
        try (Memory staging = new Memory(n)) {
            check(driver.cuMemcpyDtoH_v2(staging, src, n), "cuMemcpyDtoH_v2");
            byte[] bytes = staging.getByteArray(0, n);
            dst.duplicate().put(bytes);
        }
    }

    /** Sets {@code count} bytes at {@code dst} to {@code value}, on {@code stream}. */
    public void memsetAsync(long dst, byte value, long count, long stream) {
        check(driver.cuMemsetD8Async(dst, value, count, stream), "cuMemsetD8Async");
    }

    /** Copies {@code bytes} device to device, on {@code stream}. */
    public void copyDeviceAsync(long dst, long src, long bytes, long stream) {
        check(driver.cuMemcpyDtoDAsync_v2(dst, src, bytes, stream), "cuMemcpyDtoDAsync_v2");
    }

    /** A new stream. */
    public long streamCreate(int flags) {
        long[] s = new long[1];
        check(driver.cuStreamCreate(s, flags), "cuStreamCreate");
        return s[0];
    }

    /** Destroys a stream. */
    public void streamDestroy(long stream) {
        check(driver.cuStreamDestroy_v2(stream), "cuStreamDestroy_v2");
    }

    /** Waits for a stream. */
    public void streamSynchronize(long stream) {
        check(driver.cuStreamSynchronize(stream), "cuStreamSynchronize");
    }

    /** A new event. */
    public long eventCreate(int flags) {
        long[] e = new long[1];
        check(driver.cuEventCreate(e, flags), "cuEventCreate");
        return e[0];
    }

    /** Records an event on a stream. */
    public void eventRecord(long event, long stream) {
        check(driver.cuEventRecord(event, stream), "cuEventRecord");
    }

    /** Waits for an event. */
    public void eventSynchronize(long event) {
        check(driver.cuEventSynchronize(event), "cuEventSynchronize");
    }

    /** Milliseconds between two completed events (resolution about 0.5 us). */
    public float eventElapsedMillis(long start, long end) {
        float[] ms = new float[1];
        check(driver.cuEventElapsedTime(ms, start, end), "cuEventElapsedTime");
        return ms[0];
    }

    /** Destroys an event. */
    public void eventDestroy(long event) {
        check(driver.cuEventDestroy_v2(event), "cuEventDestroy_v2");
    }

    /** Loads a module from a cubin, fatbin or NUL-terminated PTX image in the current context. */
    public long moduleLoadData(byte[] image) {
        try (Memory m = new Memory(image.length + 1L)) {
            m.write(0, image, 0, image.length);
            m.setByte(image.length, (byte) 0);
            long[] mod = new long[1];
            check(driver.cuModuleLoadData(mod, m), "cuModuleLoadData");
            return mod[0];
        }
    }

    /** Unloads a module. */
    public void moduleUnload(long module) {
        check(driver.cuModuleUnload(module), "cuModuleUnload");
    }

    /** A kernel of a loaded module, by its {@code extern "C"} name. */
    public long function(long module, String name) {
        long[] f = new long[1];
        check(driver.cuModuleGetFunction(f, module, name), "cuModuleGetFunction(" + name + ")");
        return f[0];
    }

    /** Lets {@code function} (kernel {@code name}) use up to {@code bytes} of dynamic shared memory. */
    public void setMaxDynamicSharedMemory(long function, int bytes, String name) {
        check(driver.cuFuncSetAttribute(function, CudaDriver.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, bytes),
                "cuFuncSetAttribute(" + name + ", MAX_DYNAMIC_SHARED_SIZE_BYTES, " + bytes + ")");
    }

    /** Launches {@code function} on {@code stream} with the arguments in {@code params}. */
    public void launch(long function, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ,
                       int sharedMemBytes, long stream, KernelParams params) {
        check(driver.cuLaunchKernel(function, gridX, gridY, gridZ, blockX, blockY, blockZ, sharedMemBytes, stream,
                params.array(), null), "cuLaunchKernel");
    }

    /** Starts capturing {@code stream} ({@code cuStreamBeginCapture_v2}). */
    public void beginCapture(long stream, int mode) {
        check(driver.cuStreamBeginCapture_v2(stream, mode), "cuStreamBeginCapture_v2");
    }

    /** Ends capturing {@code stream}; returns the graph. */
    public long endCapture(long stream) {
        long[] g = new long[1];
        check(driver.cuStreamEndCapture(stream, g), "cuStreamEndCapture");
        return g[0];
    }

    /** Instantiates a graph ({@code cuGraphInstantiateWithFlags}, not the legacy five-argument export). */
    public long instantiate(long graph) {
        long[] e = new long[1];
        check(driver.cuGraphInstantiateWithFlags(e, graph, 0L), "cuGraphInstantiateWithFlags");
        return e[0];
    }

    /** Launches an instantiated graph on a stream. */
    public void graphLaunch(long graphExec, long stream) {
        check(driver.cuGraphLaunch(graphExec, stream), "cuGraphLaunch");
    }

    /** Destroys an instantiated graph. */
    public void graphExecDestroy(long graphExec) {
        check(driver.cuGraphExecDestroy(graphExec), "cuGraphExecDestroy");
    }

    /** Destroys a graph. */
    public void graphDestroy(long graph) {
        check(driver.cuGraphDestroy(graph), "cuGraphDestroy");
    }

    private void check(int rc, String function) {
        CudaErrors.check(driver, rc, function);
    }
}
