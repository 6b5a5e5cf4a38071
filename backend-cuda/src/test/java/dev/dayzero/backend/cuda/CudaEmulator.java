package dev.dayzero.backend.cuda;

import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.Probe;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The CUDA emulator for tests: {@code target/cuda-emu/libcuda.so.1}, a test double of the NVIDIA driver that runs
 * the real kernels of {@code src/main/cuda}, compiled for the host, one fiber per CUDA thread
 * ({@code src/test/native/cuda_emu}). Its device reports itself as emulated; its results check correctness
 * only, never speed. Where the build could not make it (no g++ or no CUDA headers), {@link #open()} skips the
 * calling test with that reason.
 */
public final class CudaEmulator {
    /** Where the Maven build puts the emulator (system property set by Surefire). */
    public static final Path DIR = Path.of(System.getProperty("dayzero.cuda.emulator", "target/cuda-emu"))
            .toAbsolutePath();

    /** The emulator's test hooks, beside the driver API in the same library. */
    public interface Hooks extends Library {
        int dzEmuLiveAllocations();

        long dzEmuLiveBytes();

        int dzEmuLiveHandles();

        int dzEmuPrimaryRetains();

        String dzEmuLastError();

        void dzEmuFailNextAlloc();
    }

    private CudaEmulator() {
    }

    /** Skips the calling test unless the emulator was built. */
    public static void assumeBuilt() {
        Assumptions.assumeTrue(Files.isRegularFile(DIR.resolve("libcuda.so.1")),
                "CUDA emulator not built (needs g++ and the CUDA headers at build time): no " + DIR.resolve("libcuda.so.1"));
    }

    /**
     * A provider whose driver is the emulator; cuBLASLt is the test double beside it
     * ({@code target/cuda-emu/libcublasLt.so.13}) where gcc built it.
     */
    public static CudaBackendProvider provider() {
        assumeBuilt();
        return new CudaBackendProvider(CudaConfig.resolve(DIR.toString()));
    }

    /** As {@link #provider()}, with the MoE grouped GEMM on {@code moeGemm} whatever the system property says. */
    public static CudaBackendProvider provider(CudaConfig.MoeGemm moeGemm) {
        assumeBuilt();
        return new CudaBackendProvider(CudaConfig.resolve(DIR.toString()).withMoeGemm(moeGemm));
    }

    /** Opens the emulated device 0 (skips the test when the emulator or the kernels were not built). */
    public static Device open() {
        return open(provider());
    }

    /** Opens the emulated device 0 with the MoE grouped GEMM on {@code moeGemm} ({@code kernel} tests the kernels). */
    public static Device open(CudaConfig.MoeGemm moeGemm) {
        return open(provider(moeGemm));
    }

    private static Device open(CudaBackendProvider provider) {
        Probe p = provider.probe();
        Assumptions.assumeTrue(p.available(), () -> "CUDA emulator present but backend-cuda unavailable: " + p.reason());
        return provider.open(0);
    }

    /** The emulator's test hooks (the same library instance the backend loaded). */
    public static Hooks hooks() {
        assumeBuilt();
        return Native.load(DIR.resolve("libcuda.so.1").toString(), Hooks.class);
    }
}
