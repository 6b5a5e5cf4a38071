package dev.dayzero.backend.cpu.internal.simd;

import dev.dayzero.backend.cpu.CpuConfig;

/**
 * Picks the {@link Simd} for a config. {@code VectorSimd} is only touched (and so only loaded) when
 * the config enables the Vector API, so the plain path runs without {@code --add-modules}.
 */
public final class Simds {
    private Simds() {
    }

    public static Simd create(CpuConfig config) {
        return config.useVectorApi() ? VectorSimd.create() : new PlainSimd();
    }

    /** The SIMD flavour a config runs: the vector species and ISA, or {@code plain}. */
    public static String describe(CpuConfig config) {
        return config.useVectorApi() ? VectorSimd.describe() : "plain";
    }

    /**
     * The widest kernels this JVM can run, whatever the config: the Vector API where its module is loaded,
     * else the plain loops. The calibration measures the hardware's peak with these.
     */
    public static Simd widest() {
        return ModuleLayer.boot().findModule(CpuConfig.VECTOR_MODULE).isPresent() ? VectorSimd.create() : new PlainSimd();
    }
}
