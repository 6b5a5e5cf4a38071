package dev.dayzero.backend.cuda.internal;

import dev.dayzero.hal.NativeHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One fatbin loaded with {@code cuModuleLoadData}, unloaded on close; owned by its device. */
final class CudaModule implements AutoCloseable {
    private final CudaDevice device;
    private final String name;
    private final NativeHandle module;
    private final Map<String, Long> functions = new ConcurrentHashMap<>();

    CudaModule(CudaDevice device, String name, long handle) {
        this.device = device;
        this.name = name;
        this.module = new NativeHandle("CUDA module " + name, handle, device.api()::moduleUnload);
    }

    /** The {@code CUfunction} of kernel {@code kernel} (its {@code extern "C"} name); valid while the module is. */
    long function(String kernel) {
        long m = module.get();
        return functions.computeIfAbsent(kernel, k -> device.api().function(m, k));
    }

    /**
     * The {@code CUfunction} of {@code kernel}, allowed {@code dynamicSharedBytes} of dynamic shared memory
     * ({@code cuFuncSetAttribute(CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES)}, needed above 48 KiB; set once
     * per size asked).
     */
    long function(String kernel, int dynamicSharedBytes) {
        long f = function(kernel);
        if (dynamicSharedBytes > 48 * 1024) {
            functions.computeIfAbsent(kernel + "#smem" + dynamicSharedBytes, k -> {
                device.api().setMaxDynamicSharedMemory(f, dynamicSharedBytes, kernel);
                return f;
            });
        }
        return f;
    }

    @Override
    public void close() {
        device.closeChild(this, module);
    }

    @Override
    public String toString() {
        return "module " + name;
    }
}
