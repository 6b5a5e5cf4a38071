package dev.dayzero.backend.ascend.jna;

import com.sun.jna.Function;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import dev.dayzero.backend.ascend.AscendConfig;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The lazy holder of CANN's libraries: nothing is loaded until {@link #load} is called, every failure
 * ({@link LinkageError} included) becomes a one-sentence reason, and a result is kept per configuration so
 * that a library is opened once per process.
 *
 * <p>Where the libraries are: the first directory of the configuration's search path holding
 * {@code libascendcl.so} (or, newer CANN, {@code libacl_rt.so}) provides the runtime; {@code libnnopbase.so}
 * and the operator libraries are taken from the same directory. The operator functions are resolved in
 * op-plugin's order: custom {@code libcust_opapi.so} packages, then every {@code libopapi_*.so}, then
 * {@code libopapi.so}.
 *
 * <p>The Dayzero test double (test sources only) exports {@code fake_is_test_double}; {@link Loaded#testDouble()}
 * says whether the runtime found is that double, so that everything measured on it is labelled emulated.
 */
public final class AscendLibraries {
    private static final Map<AscendConfig, Result> CACHE = new ConcurrentHashMap<>();

    private AscendLibraries() {
    }

    /** The libraries found for {@code config}, or why not; never throws. */
    public static Result load(AscendConfig config) {
        return CACHE.computeIfAbsent(config, AscendLibraries::loadUncached);
    }

    /**
     * What loading gave.
     *
     * @param loaded the libraries, when found and loaded
     * @param reason one sentence saying what is missing, when not
     */
    public record Result(Optional<Loaded> loaded, String reason) {
    }

    /**
     * The loaded libraries.
     *
     * @param cl         the runtime
     * @param nn         the aclnn plumbing
     * @param op         the operators, over every operator library found
     * @param directory  where the runtime was found
     * @param opFiles    the operator library files, in resolution order
     * @param testDouble whether the runtime is Dayzero's ABI test double
     * @param opLibraries the operator libraries, in the order of {@code opFiles}
     * @param customOpsVersion the configuration's declared vllm-ascend version of the custom package ("" = none)
     */
    public record Loaded(AscendCl cl, NnopBase nn, OpApi op, Path directory, List<Path> opFiles, boolean testDouble,
                         List<NativeLibrary> opLibraries, String customOpsVersion) {
        /** Whether the operator libraries export {@code symbol} (e.g. a custom operator's GetWorkspaceSize). */
        public boolean hasSymbol(String symbol) {
            return !filesExporting(symbol).isEmpty();
        }

        /** The operator library files that export {@code symbol}, in resolution order (custom packages first). */
        public List<Path> filesExporting(String symbol) {
            List<Path> files = new ArrayList<>();
            for (int i = 0; i < opLibraries.size(); i++) {
                try {
                    opLibraries.get(i).getFunction(symbol);
                    files.add(opFiles.get(i));
                } catch (UnsatisfiedLinkError e) {
                    // not in this one
                }
            }
            return files;
        }
    }

    /** The runtime library in {@code directory} as {@link #load} picks it: {@code libascendcl.so}, else {@code libacl_rt.so}. */
    public static Path runtimeFile(Path directory) {
        Path cl = directory.resolve("libascendcl.so");
        return Files.isRegularFile(cl) ? cl : directory.resolve("libacl_rt.so");
    }

    /** The functions {@code binding} declares (each method's name is its exported symbol), sorted. */
    public static List<String> functions(Class<?> binding) {
        List<String> names = new ArrayList<>();
        for (Method m : binding.getDeclaredMethods()) {
            if (Modifier.isAbstract(m.getModifiers())) {
                names.add(m.getName());
            }
        }
        names.sort(null);
        return names;
    }

    /** The functions of {@code binding} that the library at {@code library} does not export, sorted. */
    public static List<String> unresolved(Class<?> binding, Path library) {
        NativeLibrary lib = NativeLibrary.getInstance(library.toString());
        List<String> missing = new ArrayList<>();
        for (String name : functions(binding)) {
            try {
                lib.getFunction(name);
            } catch (UnsatisfiedLinkError e) {
                missing.add(name);
            }
        }
        return missing;
    }

    private static Result loadUncached(AscendConfig config) {
        List<String> looked = new ArrayList<>();
        Path found = null;
        String runtimeFile = null;
        for (AscendConfig.SearchDir d : config.searchPath()) {
            if (d.dir() == null) {
                looked.add(d.source() + " (unset)");
                continue;
            }
            String prefix = d.source() + " (";
            int last = looked.size() - 1;
            if (last >= 0 && looked.get(last).startsWith(prefix) && !d.source().equals(d.dir())) {
                String prev = looked.get(last);
                looked.set(last, prev.substring(0, prev.length() - 1) + java.io.File.pathSeparator + d.dir() + ")");
            } else {
                looked.add(d.source().equals(d.dir()) ? d.dir() : prefix + d.dir() + ")");
            }
            for (Path candidate : List.of(Path.of(d.dir(), "lib64"), Path.of(d.dir()))) {
                for (String name : List.of("libascendcl.so", "libacl_rt.so")) {
                    if (Files.isRegularFile(candidate.resolve(name))) {
                        found = candidate;
                        runtimeFile = name;
                        break;
                    }
                }
                if (found != null) {
                    break;
                }
            }
            if (found != null) {
                break;
            }
        }
        if (found == null) {
            return new Result(Optional.empty(), "libascendcl.so not found in " + joinSentence(dedupe(looked))
                    + ": install CANN and source its set_env.sh, or set " + AscendConfig.HOME_PROPERTY);
        }
        Path nnFile = found.resolve("libnnopbase.so");
        if (!Files.isRegularFile(nnFile)) {
            return new Result(Optional.empty(), "libnnopbase.so not found beside " + runtimeFile + " in " + found
                    + ": the CANN install lacks the aclnn runtime (opbase)");
        }
        List<Path> opFiles = operatorFiles(found, config.customOppPath());
        if (opFiles.isEmpty()) {
            return new Result(Optional.empty(), "neither libopapi.so nor libopapi_*.so found in " + found
                    + ": the CANN install lacks the aclnn operator libraries");
        }
        try {
            AscendCl cl = Native.load(found.resolve(runtimeFile).toString(), AscendCl.class);
            NnopBase nn = Native.load(nnFile.toString(), NnopBase.class);
            List<NativeLibrary> libs = new ArrayList<>();
            for (Path p : opFiles) {
                libs.add(NativeLibrary.getInstance(p.toString()));
            }
            boolean testDouble;
            try {
                NativeLibrary.getInstance(found.resolve(runtimeFile).toString()).getFunction("fake_is_test_double");
                testDouble = true;
            } catch (UnsatisfiedLinkError e) {
                testDouble = false;
            }
            OpApi op = proxy(libs);
            return new Result(Optional.of(new Loaded(cl, nn, op, found, List.copyOf(opFiles), testDouble,
                    List.copyOf(libs), config.customOpsVersion())), "");
        } catch (LinkageError | RuntimeException e) {
            return new Result(Optional.empty(), "CANN's libraries in " + found + " could not be loaded: " + e.getMessage());
        }
    }

    private static List<Path> operatorFiles(Path dir, String customOppPath) {
        List<Path> files = new ArrayList<>();
        for (String root : customOppPath.split(java.io.File.pathSeparator)) {
            if (root.isBlank()) {
                continue;
            }
            Path vendors = Path.of(root, "vendors");
            if (Files.isDirectory(vendors)) {
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(vendors)) {
                    for (Path v : ds) {
                        Path lib = v.resolve("op_api/lib/libcust_opapi.so");
                        if (Files.isRegularFile(lib)) {
                            files.add(lib);
                        }
                    }
                } catch (IOException e) {
                    // unreadable custom path: its operators are simply absent
                }
            }
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "libopapi_*.so")) {
            List<Path> split = new ArrayList<>();
            ds.forEach(split::add);
            split.sort(null);
            files.addAll(split);
        } catch (IOException e) {
            // no split libraries
        }
        if (Files.isRegularFile(dir.resolve("libopapi.so"))) {
            files.add(dir.resolve("libopapi.so"));
        }
        return files;
    }

    /** OpApi over several files: each method resolves, once, in the first library that exports it. */
    private static OpApi proxy(List<NativeLibrary> libs) {
        Map<Method, Function> resolved = new ConcurrentHashMap<>();
        return (OpApi) Proxy.newProxyInstance(OpApi.class.getClassLoader(), new Class<?>[] {OpApi.class},
                (self, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return switch (method.getName()) {
                            case "toString" -> "OpApi" + libs.stream().map(NativeLibrary::getName).toList();
                            case "hashCode" -> System.identityHashCode(self);
                            case "equals" -> self == args[0];
                            default -> throw new UnsupportedOperationException(method.getName());
                        };
                    }
                    Function f = resolved.computeIfAbsent(method, m -> find(libs, m.getName()));
                    return f.invoke(method.getReturnType(), args == null ? new Object[0] : args);
                });
    }

    private static Function find(List<NativeLibrary> libs, String name) {
        for (NativeLibrary lib : libs) {
            try {
                return lib.getFunction(name);
            } catch (UnsatisfiedLinkError e) {
                // next
            }
        }
        throw new UnsatisfiedLinkError(name + " is not exported by any of "
                + libs.stream().map(NativeLibrary::getName).collect(Collectors.joining(", ")));
    }

    private static List<String> dedupe(List<String> items) {
        return List.copyOf(new LinkedHashMap<String, Boolean>() {
            {
                items.forEach(i -> put(i, true));
            }
        }.keySet());
    }

    private static String joinSentence(List<String> items) {
        if (items.size() <= 1) {
            return String.join("", items);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " or " + items.get(items.size() - 1);
    }
}
