package dev.dayzero.bench.worker;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How worker JVMs are started: the same {@code java} executable and class path as this JVM, the JVM options
 * that matter to backends, and the limits the coordinator applies.
 *
 * @param javaExecutable  the {@code java} launcher (this JVM's, from {@link ProcessHandle})
 * @param classPath       the class path ({@code java.class.path} of this JVM)
 * @param jvmOptions      options before the main class: heap, {@code --add-modules jdk.incubator.vector} when
 *                        that module is in this JVM's boot layer, {@code -D} properties for {@code dayzero.*}
 *                        and {@code jna.*}, and no core dump on a crash (the JVM's crash banner goes to stdout,
 *                        where the coordinator keeps it as non-protocol lines in the stderr tail)
 * @param startupTimeout  how long a worker may take to probe, open its device and say hello
 * @param stderrTailLines how many of a worker's last stderr lines a crash record keeps
 * @param crashDir        where a crashing worker's {@code hs_err_pid*.log} goes (null: the working directory)
 */
public record WorkerSettings(String javaExecutable, String classPath, List<String> jvmOptions, Duration startupTimeout,
                             int stderrTailLines, Path crashDir) {

    /** The incubating module the CPU backend's fast kernels use. */
    public static final String VECTOR_MODULE = "jdk.incubator.vector";

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
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent()) {
            opts.add("--add-modules");
            opts.add(VECTOR_MODULE);
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

    /** The command line of a worker for device {@code ordinal} of backend {@code backendId}. */
    public List<String> command(String backendId, int ordinal) {
        return javaCommand("hs_err_" + backendId + "_pid%p.log", WorkerMain.class.getName(), backendId,
                Integer.toString(ordinal));
    }

    /**
     * A child JVM like a worker's running {@code mainClass} with {@code args}; its crash log, if any, is
     * {@code crashLog} in {@link #crashDir}.
     */
    public List<String> javaCommand(String crashLog, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable);
        cmd.addAll(jvmOptions);
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
