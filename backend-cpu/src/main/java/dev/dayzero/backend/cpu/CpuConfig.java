package dev.dayzero.backend.cpu;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.function.LongSupplier;
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
    /**
     * The HotSpot option the JVMs that run CPU cases get (a run's workers, its {@code dump} child, {@code calibrate}'s
     * child, the JMH benchmarks): C2's per-method limit on speculative traps, raised from 100. Before JDK 25 the
     * 8 × 3 tile's compilation exceeds the default when the Vector API methods it inlines carry class-check traps
     * from earlier code (each inlined copy adds its method's count); C2 then calls the accumulators' stores
     * virtually and boxes every vector ({@link #tile8x3()}).
     */
    public static final String TRAP_LIMIT_OPTION = "-XX:PerMethodTrapLimit=100000";
    /** The least {@code PerMethodTrapLimit} at which {@link #tile8x3()} is on by default before JDK 25. */
    public static final long TILE8X3_MIN_TRAP_LIMIT = 10_000;
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
     * dayzero.cpu.tile8x3}, else {@code DAYZERO_CPU_TILE8X3}, else true from JDK 25 on and, before, where this JVM
     * runs with {@link #TRAP_LIMIT_OPTION} (a {@code PerMethodTrapLimit} of at least {@link #TILE8X3_MIN_TRAP_LIMIT}).
     * On JDK 17 with C2's default limit the tile boxes its vectors in about one JVM in two (docs/design.md, "The 8 × 3
     * tile"): C2 parses it past its node-count cutoff, so some of its FMAs are inlined late and the accumulators lose
     * their exact class; their stores then need class-check guards, which C2 stops emitting once the method's count
     * of such traps reaches the limit. JDK 18-24 were not tried.
     */
    public static boolean tile8x3() {
        return tile8x3(System::getProperty, System::getenv, Runtime.version().feature(), CpuConfig::perMethodTrapLimit);
    }

    static boolean tile8x3(UnaryOperator<String> properties, UnaryOperator<String> environment, int jdkFeature,
                           LongSupplier trapLimit) {
        Boolean said = firstBoolean(properties.apply(TILE8X3_PROPERTY), TILE8X3_PROPERTY,
                environment.apply(TILE8X3_ENV), TILE8X3_ENV, null);
        if (said != null) {
            return said;
        }
        return jdkFeature >= 25 || trapLimit.getAsLong() >= TILE8X3_MIN_TRAP_LIMIT;
    }

    /** This JVM's {@code PerMethodTrapLimit}, or -1 where it does not say (not HotSpot, no jdk.management). */
    static long perMethodTrapLimit() {
        try {
            com.sun.management.HotSpotDiagnosticMXBean bean =
                    ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return bean == null ? -1 : Long.parseLong(bean.getVMOption("PerMethodTrapLimit").getValue());
        } catch (LinkageError | RuntimeException e) {
            return -1;
        }
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

    private static Boolean firstBoolean(String property, String propertyName, String env, String envName,
                                        Boolean fallback) {
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
