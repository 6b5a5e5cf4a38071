package dev.dayzero.backend.cambricon.jna;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loads the three Cambricon libraries lazily, once per directory, and remembers why a load failed: a
 * {@link LinkageError} becomes a recorded reason, never a thrown error. Nothing is loaded until
 * {@link #load(List)} is called.
 */
public final class NativeLibraries {
    /** File names looked for in each directory. */
    public static final String CNRT = "libcnrt.so";
    public static final String CNNL = "libcnnl.so";
    public static final String CNNL_EXTRA = "libcnnl_extra.so";
    /** Exported by the Dayzero test double only: where it resolves, the device is emulated. */
    public static final String TEST_DOUBLE_MARKER = "dayzero_test_double";
    /** Java method name → exported symbol where the C header renames a function by macro. */
    public static final Map<String, String> SYMBOLS = Map.of("cnrtGetDeviceProperties", "cnrtGetDeviceProperties_V3");

    private static final Map<Path, Loaded> CACHE = new ConcurrentHashMap<>();
    private static final Map<String, Object> OPTIONS = Map.of(Library.OPTION_FUNCTION_MAPPER,
            (com.sun.jna.FunctionMapper) (lib, method) -> SYMBOLS.getOrDefault(method.getName(), method.getName()));

    private NativeLibraries() {
    }

    /**
     * The three libraries loaded from one directory.
     *
     * @param directory  where they were found
     * @param testDouble whether {@link #TEST_DOUBLE_MARKER} resolved in libcnrt.so
     */
    public record Loaded(Path directory, Cnrt cnrt, Cnnl cnnl, CnnlExtra cnnlExtra, boolean testDouble) {
    }

    /** A load outcome: the libraries, or the one-sentence reason they could not be loaded. */
    public record Outcome(Optional<Loaded> loaded, String reason) {
    }

    /**
     * Looks through {@code directories} in order for {@code libcnrt.so}; loads it and the two CNNL libraries
     * from the first directory that has it (each CNNL library from the same directory, else the next that
     * has it). Never throws.
     */
    public static Outcome load(List<Path> directories) {
        Optional<Path> cnrtDir = find(directories, CNRT);
        if (cnrtDir.isEmpty()) {
            return new Outcome(Optional.empty(), CNRT + " not found in " + describe(directories)
                    + " (set dayzero.cambricon.home or NEUWARE_HOME to the Neuware install)");
        }
        Optional<Path> cnnlDir = find(prefer(cnrtDir.get(), directories), CNNL);
        Optional<Path> extraDir = find(prefer(cnrtDir.get(), directories), CNNL_EXTRA);
        if (cnnlDir.isEmpty() || extraDir.isEmpty()) {
            return new Outcome(Optional.empty(), (cnnlDir.isEmpty() ? CNNL : CNNL_EXTRA) + " not found in "
                    + describe(directories) + " although " + CNRT + " is in " + cnrtDir.get()
                    + " (install the CNNL / CNNL-Extra packages of the same Neuware release)");
        }
        try {
            Loaded l = CACHE.computeIfAbsent(cnrtDir.get(), d -> {
                Path cnrtPath = d.resolve(CNRT);
                Cnrt cnrt = Native.load(cnrtPath.toString(), Cnrt.class, OPTIONS);
                Cnnl cnnl = Native.load(cnnlDir.get().resolve(CNNL).toString(), Cnnl.class, OPTIONS);
                CnnlExtra extra = Native.load(extraDir.get().resolve(CNNL_EXTRA).toString(), CnnlExtra.class, OPTIONS);
                return new Loaded(d, cnrt, cnnl, extra, hasSymbol(cnrtPath, TEST_DOUBLE_MARKER));
            });
            return new Outcome(Optional.of(l), "");
        } catch (LinkageError | RuntimeException e) {
            return new Outcome(Optional.empty(), "the Cambricon libraries in " + cnrtDir.get()
                    + " could not be loaded: " + e.getMessage());
        }
    }

    /**
     * The three library files as {@link #load(List)} picks them from {@code directories} (CNRT, CNNL, CNNL-Extra,
     * in that order); a library not found is absent.
     */
    public static Map<String, Path> files(List<Path> directories) {
        Map<String, Path> files = new java.util.LinkedHashMap<>();
        Optional<Path> cnrtDir = find(directories, CNRT);
        if (cnrtDir.isEmpty()) {
            return files;
        }
        files.put(CNRT, cnrtDir.get().resolve(CNRT));
        find(prefer(cnrtDir.get(), directories), CNNL).ifPresent(d -> files.put(CNNL, d.resolve(CNNL)));
        find(prefer(cnrtDir.get(), directories), CNNL_EXTRA).ifPresent(d -> files.put(CNNL_EXTRA, d.resolve(CNNL_EXTRA)));
        return files;
    }

    /** How many functions {@code binding} declares. */
    public static int functions(Class<? extends Library> binding) {
        return (int) java.util.Arrays.stream(binding.getDeclaredMethods())
                .filter(m -> java.lang.reflect.Modifier.isAbstract(m.getModifiers())).count();
    }

    /** Functions of {@code binding} whose symbol does not resolve in the library at {@code path}. */
    public static List<String> unresolved(Class<? extends Library> binding, Path path) {
        List<String> missing = new ArrayList<>();
        NativeLibrary lib = NativeLibrary.getInstance(path.toString());
        for (Method m : binding.getDeclaredMethods()) {
            if (!java.lang.reflect.Modifier.isAbstract(m.getModifiers())) {
                continue;
            }
            String symbol = SYMBOLS.getOrDefault(m.getName(), m.getName());
            try {
                lib.getFunction(symbol);
            } catch (UnsatisfiedLinkError e) {
                missing.add(symbol);
            }
        }
        return missing;
    }

    /** The C string of a fixed-size {@code char[]} field at offset 0 of {@code bytes}. */
    public static String cString(byte[] bytes) {
        int n = 0;
        while (n < bytes.length && bytes[n] != 0) {
            n++;
        }
        return new String(bytes, 0, n, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static boolean hasSymbol(Path library, String symbol) {
        try {
            NativeLibrary.getInstance(library.toString()).getGlobalVariableAddress(symbol);
            return true;
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }

    private static List<Path> prefer(Path first, List<Path> rest) {
        List<Path> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }

    private static Optional<Path> find(List<Path> directories, String file) {
        return directories.stream().filter(d -> Files.isRegularFile(d.resolve(file))).findFirst();
    }

    private static String describe(List<Path> directories) {
        return directories.isEmpty() ? "no directory (none configured)" : directories.toString();
    }
}
