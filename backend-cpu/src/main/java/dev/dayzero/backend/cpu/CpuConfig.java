package dev.dayzero.backend.cpu;

import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The CPU backend's configuration, resolved once: an explicit value, else the system property
 * ({@code dayzero.cpu.threads}, {@code dayzero.cpu.vector}), else the environment variable
 * ({@code DAYZERO_CPU_THREADS}, {@code DAYZERO_CPU_VECTOR}), else the default (all available processors;
 * the Vector API on when the module {@code jdk.incubator.vector} is in the boot layer).
 *
 * <p>Asking for the Vector API when the module is absent is an error rather than a silent fallback.
 *
 * @param threads      worker threads a device uses for one launch (at least 1)
 * @param useVectorApi whether kernels use the incubating Vector API (else plain loops the JIT vectorises)
 */
public record CpuConfig(int threads, boolean useVectorApi) {

    /** System property naming the thread count. */
    public static final String THREADS_PROPERTY = "dayzero.cpu.threads";
    /** System property switching the Vector API kernels ({@code true} / {@code false}). */
    public static final String VECTOR_PROPERTY = "dayzero.cpu.vector";
    /** Environment variable naming the thread count. */
    public static final String THREADS_ENV = "DAYZERO_CPU_THREADS";
    /** Environment variable switching the Vector API kernels. */
    public static final String VECTOR_ENV = "DAYZERO_CPU_VECTOR";
    /** System property: whether each timed case runs in its own worker JVM ({@code true}, the default). */
    public static final String ISOLATE_PROPERTY = "dayzero.cpu.isolate";
    /** Environment variable for {@link #ISOLATE_PROPERTY}. */
    public static final String ISOLATE_ENV = "DAYZERO_CPU_ISOLATE";
    /** System property: whether FP8 experts of five to eight rows take the 8 × 3 tile ({@link #tile8x3()}). */
    public static final String TILE8X3_PROPERTY = "dayzero.cpu.tile8x3";
    /** Environment variable for {@link #TILE8X3_PROPERTY} (the worker JVMs of a run inherit it). */
    public static final String TILE8X3_ENV = "DAYZERO_CPU_TILE8X3";
    /** The incubating module the fast kernels need. */
    public static final String VECTOR_MODULE = "jdk.incubator.vector";

    public CpuConfig {
        if (threads < 1) {
            throw new IllegalArgumentException("CpuConfig.threads must be >= 1, got " + threads);
        }
        if (useVectorApi && !vectorModulePresent()) {
            throw new IllegalArgumentException("CpuConfig.useVectorApi needs the module " + VECTOR_MODULE
                    + "; start the JVM with --add-modules " + VECTOR_MODULE);
        }
    }

    /** Everything from system properties, environment and defaults. */
    public static CpuConfig resolve() {
        return resolve(null, null);
    }

    /** Explicit values where given (null = not given), the rest from properties, environment, defaults. */
    public static CpuConfig resolve(Integer threads, Boolean useVectorApi) {
        return resolve(threads, useVectorApi, System::getProperty, System::getenv);
    }

    /** The resolution rule with its lookups passed in (for tests). */
    static CpuConfig resolve(Integer threads, Boolean useVectorApi, UnaryOperator<String> properties,
                             UnaryOperator<String> environment) {
        int t = threads != null ? threads
                : firstInt(properties.apply(THREADS_PROPERTY), THREADS_PROPERTY,
                        environment.apply(THREADS_ENV), THREADS_ENV, Runtime.getRuntime().availableProcessors());
        boolean v = useVectorApi != null ? useVectorApi
                : firstBoolean(properties.apply(VECTOR_PROPERTY), VECTOR_PROPERTY,
                        environment.apply(VECTOR_ENV), VECTOR_ENV, vectorModulePresent());
        return new CpuConfig(t, v);
    }

    /**
     * Whether the CPU device asks for each timed case in a fresh worker JVM ({@code DeviceInfo.ISOLATE_CASES}):
     * {@code dayzero.cpu.isolate}, else {@code DAYZERO_CPU_ISOLATE}, else true. Kernels compiled in one JVM after
     * other kernels can meet call sites of the Vector API whose type profiles those filled, and run with boxed
     * vectors; off, a run takes about half the time and the boxing note reports such a case.
     */
    public static boolean isolateCases() {
        return isolateCases(System::getProperty, System::getenv);
    }

    static boolean isolateCases(UnaryOperator<String> properties, UnaryOperator<String> environment) {
        return firstBoolean(properties.apply(ISOLATE_PROPERTY), ISOLATE_PROPERTY, environment.apply(ISOLATE_ENV),
                ISOLATE_ENV, true);
    }

    /**
     * Whether the Vector API kernels take the 8 × 3 FP8 tile at five to eight rows per expert: {@code
     * dayzero.cpu.tile8x3}, else {@code DAYZERO_CPU_TILE8X3}, else true. Before the Vector API's operator caches were
     * primed at start-up ({@code VectorSimd.primeOperatorCaches}) the tile boxed its vectors in about one JDK 17 JVM in
     * two, so it was on from JDK 25 only (docs/design.md, "The 8 × 3 tile"); false takes the 8 × 2 tile.
     */
    public static boolean tile8x3() {
        return tile8x3(System::getProperty, System::getenv);
    }

    static boolean tile8x3(UnaryOperator<String> properties, UnaryOperator<String> environment) {
        return firstBoolean(properties.apply(TILE8X3_PROPERTY), TILE8X3_PROPERTY, environment.apply(TILE8X3_ENV),
                TILE8X3_ENV, true);
    }

    /** Whether {@code jdk.incubator.vector} is in the boot layer. */
    public static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    private static int firstInt(String property, String propertyName, String env, String envName, int fallback) {
        String[] values = {property, env};
        String[] names = {propertyName, envName};
        for (int i = 0; i < 2; i++) {
            if (values[i] != null && !values[i].isBlank()) {
                try {
                    return Integer.parseInt(values[i].trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(names[i] + " must be a whole number of threads, got '"
                            + values[i] + "'", e);
                }
            }
        }
        return fallback;
    }

    private static boolean firstBoolean(String property, String propertyName, String env, String envName,
                                        boolean fallback) {
        String[] values = {property, env};
        String[] names = {propertyName, envName};
        for (int i = 0; i < 2; i++) {
            if (values[i] != null && !values[i].isBlank()) {
                String v = values[i].trim().toLowerCase(Locale.ROOT);
                if (v.equals("true") || v.equals("1") || v.equals("on")) {
                    return true;
                }
                if (v.equals("false") || v.equals("0") || v.equals("off")) {
                    return false;
                }
                throw new IllegalArgumentException(names[i] + " must be true or false, got '" + values[i] + "'");
            }
        }
        return fallback;
    }
}
