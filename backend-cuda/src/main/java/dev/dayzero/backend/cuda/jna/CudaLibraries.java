package dev.dayzero.backend.cuda.jna;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import dev.dayzero.backend.cuda.CudaConfig;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lazy holder of the CUDA libraries: nothing is loaded until {@link #load} is called, every failure
 * ({@link LinkageError} included) becomes a one-sentence reason, and the result is kept per configuration, so
 * a library is opened once per process. The driver and cuBLASLt are found independently: a machine with the
 * driver but without cuBLASLt still runs the backend's own kernels.
 */
public final class CudaLibraries {
    /** The driver's file name; the toolkit's {@code stubs/libcuda.so} is link-time only and never loaded. */
    public static final String DRIVER_FILE = "libcuda.so.1";
    /** cuBLASLt's file names, newest first. */
    public static final List<String> CUBLASLT_FILES = List.of("libcublasLt.so.13", "libcublasLt.so.12", "libcublasLt.so");

    private static final Map<CudaConfig, Result> CACHE = new ConcurrentHashMap<>();

    private CudaLibraries() {
    }

    /** The libraries found for {@code config}, or why not; never throws. */
    public static Result load(CudaConfig config) {
        return CACHE.computeIfAbsent(config, CudaLibraries::loadUncached);
    }

    /**
     * What loading gave.
     *
     * @param driver         the driver, when found and loaded
     * @param driverReason   why not, one sentence, when not
     * @param cublasLt       cuBLASLt, when found and loaded
     * @param cublasLtReason why not, one sentence, when not
     */
    public record Result(Optional<Loaded<CudaDriver>> driver, String driverReason,
                         Optional<Loaded<CublasLt>> cublasLt, String cublasLtReason) {
    }

    /**
     * One loaded library.
     *
     * @param api    its binding
     * @param origin the file it came from, or the name the system loader resolved
     */
    public record Loaded<T>(T api, String origin) {
    }

    /**
     * Where {@code file} is on {@code path}: the first directory {@code d} whose {@code d}, {@code d/lib64} or
     * {@code d/lib} holds it (an entry naming a file matches when its name is {@code file}); empty when none.
     */
    public static Optional<Path> find(List<CudaConfig.SearchDir> path, List<String> files) {
        for (CudaConfig.SearchDir d : path) {
            if (d.dir() == null) {
                continue;
            }
            Path p = Path.of(d.dir());
            if (Files.isRegularFile(p) && files.contains(p.getFileName().toString())) {
                return Optional.of(p);
            }
            for (Path candidate : List.of(p, p.resolve("lib64"), p.resolve("lib"))) {
                for (String f : files) {
                    if (Files.isRegularFile(candidate.resolve(f))) {
                        return Optional.of(candidate.resolve(f));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** The places looked at, in one phrase: "CUDA_HOME (unset), LD_LIBRARY_PATH (/a:/b) or /usr/local/cuda". */
    public static String describe(List<CudaConfig.SearchDir> path) {
        return describe(path, false);
    }

    /** As {@link #describe(List)}, ending with "the system library path" when the system loader is tried too. */
    public static String describe(List<CudaConfig.SearchDir> path, boolean systemLoader) {
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        List<String> parts = new ArrayList<>();
        String lastSource = null;
        for (CudaConfig.SearchDir d : path) {
            if (d.dir() == null) {
                parts.add(d.source() + " (unset)");
                lastSource = null;
                continue;
            }
            if (!seen.add(d.dir())) {
                continue;
            }
            if (d.source().equals(d.dir())) {
                parts.add(d.dir());
                lastSource = null;
            } else if (d.source().equals(lastSource)) {
                String prev = parts.remove(parts.size() - 1);
                parts.add(prev.substring(0, prev.length() - 1) + java.io.File.pathSeparator + d.dir() + ")");
            } else {
                parts.add(d.source() + " (" + d.dir() + ")");
                lastSource = d.source();
            }
        }
        if (systemLoader) {
            parts.add("the system library path");
        }
        if (parts.size() <= 1) {
            return String.join("", parts);
        }
        return String.join(", ", parts.subList(0, parts.size() - 1)) + " or " + parts.get(parts.size() - 1);
    }

    /** How many functions {@code binding} declares. */
    public static int functions(Class<?> binding) {
        return (int) java.util.Arrays.stream(binding.getDeclaredMethods()).filter(m -> Modifier.isAbstract(m.getModifiers()))
                .count();
    }

    /**
     * The functions of {@code binding} (each method's name is its exported symbol) that the library loaded from
     * {@code origin} (a {@link Loaded#origin()}) does not export, in declaration-independent sorted order.
     */
    public static List<String> unresolved(Class<?> binding, String origin) {
        NativeLibrary lib = NativeLibrary.getInstance(origin);
        List<String> missing = new ArrayList<>();
        for (Method m : binding.getDeclaredMethods()) {
            if (!Modifier.isAbstract(m.getModifiers())) {
                continue;
            }
            try {
                lib.getFunction(m.getName());
            } catch (UnsatisfiedLinkError e) {
                missing.add(m.getName());
            }
        }
        missing.sort(null);
        return missing;
    }

    private static Result loadUncached(CudaConfig config) {
        Optional<Loaded<CudaDriver>> driver = Optional.empty();
        String driverReason;
        Optional<Path> driverFile = find(config.driverSearchPath(), List.of(DRIVER_FILE));
        String where = describe(config.driverSearchPath(), config.systemLoader());
        if (driverFile.isPresent()) {
            driverReason = "";
            try {
                driver = Optional.of(new Loaded<>(Native.load(driverFile.get().toString(), CudaDriver.class),
                        driverFile.get().toString()));
            } catch (LinkageError | RuntimeException e) {
                driverReason = DRIVER_FILE + " at " + driverFile.get() + " could not be loaded: " + e.getMessage();
            }
        } else if (config.systemLoader()) {
            try {
                driver = Optional.of(new Loaded<>(Native.load(DRIVER_FILE, CudaDriver.class), DRIVER_FILE));
                driverReason = "";
            } catch (LinkageError | RuntimeException e) {
                driverReason = notFound(where);
            }
        } else {
            driverReason = notFound(where);
        }

        Optional<Loaded<CublasLt>> lt = Optional.empty();
        String ltReason = "";
        Optional<Path> ltFile = find(config.cublasLtSearchPath(), CUBLASLT_FILES);
        if (ltFile.isPresent()) {
            try {
                lt = Optional.of(new Loaded<>(Native.load(ltFile.get().toString(), CublasLt.class), ltFile.get().toString()));
            } catch (LinkageError | RuntimeException e) {
                ltReason = "cuBLASLt at " + ltFile.get() + " could not be loaded: " + e.getMessage();
            }
        } else {
            if (config.systemLoader()) {
                for (String name : CUBLASLT_FILES) {
                    try {
                        lt = Optional.of(new Loaded<>(Native.load(name, CublasLt.class), name));
                        break;
                    } catch (LinkageError | RuntimeException e) {
                        // next name
                    }
                }
            }
            if (lt.isEmpty()) {
                ltReason = "cuBLASLt (libcublasLt.so.13 or .so.12) not found in " + describe(config.cublasLtSearchPath(), config.systemLoader()) + "; set "
                        + CudaConfig.CUBLASLT_PROPERTY + " or install PyTorch's nvidia-cublas package";
            }
        }
        return new Result(driver, driverReason, lt, ltReason);
    }

    private static String notFound(String where) {
        return DRIVER_FILE + " not found: no NVIDIA driver on this machine (looked in " + where + ")";
    }
}
