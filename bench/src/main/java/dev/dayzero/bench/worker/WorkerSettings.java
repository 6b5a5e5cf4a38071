package dev.dayzero.bench.worker;

import java.lang.management.ManagementFactory;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * How worker JVMs are started: the same {@code java} executable and class path as this JVM, the JVM options
 * that matter to backends, and the limits the coordinator applies.
 *
 * @param javaExecutable  the {@code java} launcher (this JVM's, from {@link ProcessHandle})
 * @param classPath       the class path ({@code java.class.path} of this JVM)
 * @param jvmOptions      options before the main class of every child JVM: heap, {@code -D} properties for
 *                        {@code dayzero.*} and {@code jna.*}, and no core dump on a crash (the JVM's crash banner
 *                        goes to stdout, where the coordinator keeps it as non-protocol lines in the stderr tail).
 *                        {@code --add-modules jdk.incubator.vector} is not among them: {@link #command} adds it to
 *                        the workers of the backends that use it ({@link #VECTOR_BACKENDS}) only, so that no other
 *                        JVM prints the JDK's "Using incubator modules" warning
 * @param startupTimeout  how long a worker may take to probe, open its device and say hello
 * @param stderrTailLines how many of a worker's last stderr lines a crash record keeps
 * @param crashDir        where a crashing worker's {@code hs_err_pid*.log} goes (null: the working directory)
 */
public record WorkerSettings(String javaExecutable, String classPath, List<String> jvmOptions, Duration startupTimeout,
                             int stderrTailLines, Path crashDir) {

    /** The incubating module the CPU backend's fast kernels use. */
    public static final String VECTOR_MODULE = "jdk.incubator.vector";
    /** The backends whose workers get {@link #VECTOR_MODULE} (where the Java runtime has it). */
    public static final Set<String> VECTOR_BACKENDS = Set.of("cpu");

    public WorkerSettings {
        Objects.requireNonNull(javaExecutable, "javaExecutable");
        Objects.requireNonNull(classPath, "classPath");
        jvmOptions = List.copyOf(jvmOptions);
        Objects.requireNonNull(startupTimeout, "startupTimeout");
        if (stderrTailLines < 1) {
            throw new IllegalArgumentException("stderrTailLines must be >= 1, got " + stderrTailLines);
        }
    }

    /**
     * Settings inherited from this JVM.
     *
     * @param maxHeap the worker's {@code -Xmx} value ({@code 4g}); null to pass on this JVM's {@code -Xmx} if it has one
     */
    public static WorkerSettings inherit(String maxHeap) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> opts = new ArrayList<>();
        if (maxHeap != null && !maxHeap.isBlank()) {
            opts.add("-Xmx" + maxHeap);
        } else {
            ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                    .filter(a -> a.startsWith("-Xmx")).reduce((a, b) -> b).ifPresent(opts::add);
        }
        Map<String, String> props = new TreeMap<>();
        System.getProperties().forEach((k, v) -> {
            String key = String.valueOf(k);
            if (key.startsWith("dayzero.") || key.startsWith("jna.")) {
                props.put(key, String.valueOf(v));
            }
        });
        props.forEach((k, v) -> opts.add("-D" + k + "=" + v));
        opts.add("-XX:-CreateCoredumpOnCrash");
        return new WorkerSettings(java, System.getProperty("java.class.path"), opts, Duration.ofMinutes(2), 20, null);
    }

    /** The same settings with crash logs ({@code hs_err_pid*.log}) written to {@code dir}. */
    public WorkerSettings withCrashDir(Path dir) {
        return new WorkerSettings(javaExecutable, classPath, jvmOptions, startupTimeout, stderrTailLines, dir);
    }

    /** The same settings with another start-up timeout. */
    public WorkerSettings withStartupTimeout(Duration timeout) {
        return new WorkerSettings(javaExecutable, classPath, jvmOptions, timeout, stderrTailLines, crashDir);
    }

    /**
     * The command line of a worker for device {@code ordinal} of backend {@code backendId}: with
     * {@code --add-modules jdk.incubator.vector} for a backend of {@link #VECTOR_BACKENDS} (the CPU backend's
     * Vector API kernels), without it for the others.
     */
    public List<String> command(String backendId, int ordinal) {
        return javaCommand(moduleOptions(backendId), "hs_err_" + backendId + "_pid%p.log", WorkerMain.class.getName(),
                backendId, Integer.toString(ordinal));
    }

    /**
     * {@code --add-modules jdk.incubator.vector} for a JVM that runs cases of {@code backendId} when that backend
     * uses it and the Java runtime has the module (and {@link #jvmOptions} do not add it already); else nothing.
     */
    public List<String> moduleOptions(String backendId) {
        if (!VECTOR_BACKENDS.contains(backendId) || !vectorModuleInRuntime()
                || String.join(" ", jvmOptions).contains(VECTOR_MODULE)) {
            return List.of();
        }
        return List.of("--add-modules", VECTOR_MODULE);
    }

    /** Whether this Java runtime has {@link #VECTOR_MODULE} (whether or not this JVM loaded it). */
    public static boolean vectorModuleInRuntime() {
        return ModuleFinder.ofSystem().find(VECTOR_MODULE).isPresent();
    }

    /**
     * A child JVM like a worker's running {@code mainClass} with {@code args}; its crash log, if any, is
     * {@code crashLog} in {@link #crashDir}. No {@code --add-modules}: the child does not run CPU cases.
     */
    public List<String> javaCommand(String crashLog, String mainClass, String... args) {
        return javaCommand(List.of(), crashLog, mainClass, args);
    }

    /** As {@link #javaCommand(String, String, String...)}, with {@code extraOptions} after {@link #jvmOptions}. */
    public List<String> javaCommand(List<String> extraOptions, String crashLog, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable);
        cmd.addAll(jvmOptions);
        cmd.addAll(extraOptions);
        if (crashDir != null) {
            cmd.add("-XX:ErrorFile=" + crashDir.toAbsolutePath().resolve(crashLog));
        }
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return cmd;
    }
}
