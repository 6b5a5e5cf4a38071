package dev.dayzero.backend.cuda;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The CUDA backend's configuration, resolved once: where {@code libcuda.so.1} and {@code libcublasLt.so*} are
 * looked for, in order, with where each place came from.
 *
 * <p>The driver, {@code libcuda.so.1}: an explicit home (argument, else system property {@value #HOME_PROPERTY},
 * else environment variable {@value #HOME_ENV}); {@code CUDA_HOME}; {@code CUDA_PATH}; every directory of
 * {@code LD_LIBRARY_PATH}; {@value #DEFAULT_HOME}; the distributions' driver directories
 * ({@code /usr/lib/x86_64-linux-gnu}, {@code /usr/lib64}, {@code /usr/lib/wsl/lib}); then, when
 * {@link #systemLoader()} is on, the system loader by name. A directory {@code d} is searched as {@code d},
 * {@code d/lib64} and {@code d/lib}.
 *
 * <p>cuBLASLt: an explicit file or directory (system property {@value #CUBLASLT_PROPERTY}, else environment
 * variable {@value #CUBLASLT_ENV}); then the same homes and directories as the driver; then PyTorch's
 * {@code nvidia-cublas} wheel ({@code site-packages/nvidia/cublas/lib}, CUDA 13 wheels
 * {@code site-packages/nvidia/cu13/lib}) in {@code VIRTUAL_ENV}, {@code CONDA_PREFIX}, the user's and the
 * system's Python directories; then the system loader.
 *
 * <p>Which implementation runs the MoE grouped GEMM: system property {@value #MOE_GEMM_PROPERTY}, else environment
 * variable {@value #MOE_GEMM_ENV}: {@code auto} (the default: cuBLASLt where it is loaded and able, else the
 * backend's kernel), {@code cublaslt} (cuBLASLt or unsupported with the reason; INT8 W8A8 always runs on the
 * kernel) or {@code kernel}.
 *
 * @param driverSearchPath   places for {@code libcuda.so.1}, unset sources kept with a null directory
 * @param cublasLtSearchPath places for cuBLASLt (an entry may name a file)
 * @param systemLoader       whether to fall back to the system loader ({@code dlopen} by name) after the list
 * @param moeGemm            which implementation runs the MoE grouped GEMM
 */
public record CudaConfig(List<SearchDir> driverSearchPath, List<SearchDir> cublasLtSearchPath, boolean systemLoader,
                         MoeGemm moeGemm) {

    /** System property naming a CUDA home (or a directory holding the libraries). */
    public static final String HOME_PROPERTY = "dayzero.cuda.home";
    /** Environment variable naming a CUDA home. */
    public static final String HOME_ENV = "DAYZERO_CUDA_HOME";
    /** System property naming the cuBLASLt library file or its directory. */
    public static final String CUBLASLT_PROPERTY = "dayzero.cublaslt.path";
    /** Environment variable naming the cuBLASLt library file or its directory. */
    public static final String CUBLASLT_ENV = "DAYZERO_CUBLASLT_PATH";
    /** The default toolkit install. */
    public static final String DEFAULT_HOME = "/usr/local/cuda";
    /** System property choosing the MoE grouped GEMM implementation ({@code auto | cublaslt | kernel}). */
    public static final String MOE_GEMM_PROPERTY = "dayzero.cuda.moeGemm";
    /** Environment variable choosing the MoE grouped GEMM implementation. */
    public static final String MOE_GEMM_ENV = "DAYZERO_CUDA_MOE_GEMM";
    /** Where distributions put {@code libcuda.so.1}. */
    public static final List<String> DRIVER_DIRS = List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib/wsl/lib");

    /**
     * One place a library may be.
     *
     * @param source where it came from ({@code CUDA_HOME}, {@code LD_LIBRARY_PATH}, ...)
     * @param dir    the directory (or file), or null when that source is unset
     */
    public record SearchDir(String source, String dir) {
        public SearchDir {
            Objects.requireNonNull(source, "source");
        }
    }

    /** Which implementation runs the MoE grouped GEMM. */
    public enum MoeGemm {
        /** cuBLASLt where it is loaded and able (BF16; FP8 block scaling with cuBLASLt 12.9+ on Hopper), else the kernel. */
        AUTO,
        /** cuBLASLt for BF16 and FP8, or unsupported with the reason; INT8 W8A8 still runs on the kernel. */
        CUBLASLT,
        /** backend-cuda's own kernels only. */
        KERNEL;

        /** The setting's value as written ({@code auto}, {@code cublaslt}, {@code kernel}). */
        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /**
         * Parses {@code text} (case-insensitive; blank = {@link #AUTO}) from {@code source}.
         *
         * @throws IllegalArgumentException naming the source, the value and the accepted ones
         */
        public static MoeGemm parse(String text, String source) {
            if (blank(text)) {
                return AUTO;
            }
            for (MoeGemm m : values()) {
                if (m.value().equals(text.trim().toLowerCase(java.util.Locale.ROOT))) {
                    return m;
                }
            }
            throw new IllegalArgumentException(source + " = '" + text + "' is not one of auto, cublaslt, kernel");
        }
    }

    public CudaConfig {
        driverSearchPath = List.copyOf(driverSearchPath);
        cublasLtSearchPath = List.copyOf(cublasLtSearchPath);
        Objects.requireNonNull(moeGemm, "moeGemm");
    }

    /** The library search only, MoE GEMM on {@link MoeGemm#AUTO}. */
    public CudaConfig(List<SearchDir> driverSearchPath, List<SearchDir> cublasLtSearchPath, boolean systemLoader) {
        this(driverSearchPath, cublasLtSearchPath, systemLoader, MoeGemm.AUTO);
    }

    /** This configuration with the MoE GEMM implementation {@code choice}. */
    public CudaConfig withMoeGemm(MoeGemm choice) {
        return new CudaConfig(driverSearchPath, cublasLtSearchPath, systemLoader, choice);
    }

    /** The MoE GEMM setting: {@value #MOE_GEMM_PROPERTY}, else {@value #MOE_GEMM_ENV}, else auto. */
    public static MoeGemm resolveMoeGemm(UnaryOperator<String> properties, UnaryOperator<String> env) {
        String p = properties.apply(MOE_GEMM_PROPERTY);
        if (!blank(p)) {
            return MoeGemm.parse(p, MOE_GEMM_PROPERTY);
        }
        return MoeGemm.parse(env.apply(MOE_GEMM_ENV), MOE_GEMM_ENV);
    }

    /** Everything from system properties, environment and defaults. */
    public static CudaConfig resolve() {
        return resolve(null);
    }

    /** An explicit home where given (null = not given), the rest from properties, environment and defaults. */
    public static CudaConfig resolve(String explicitHome) {
        return resolve(explicitHome, System::getProperty, System::getenv);
    }

    /** Resolution with the property and environment lookups given (tests pass maps). */
    public static CudaConfig resolve(String explicitHome, UnaryOperator<String> properties, UnaryOperator<String> env) {
        List<SearchDir> common = new ArrayList<>();
        String home = explicitHome;
        String homeSource = "the explicit home";
        if (blank(home)) {
            home = properties.apply(HOME_PROPERTY);
            homeSource = HOME_PROPERTY;
        }
        if (blank(home)) {
            home = env.apply(HOME_ENV);
            homeSource = HOME_ENV;
        }
        if (!blank(home)) {
            common.add(new SearchDir(homeSource, home));
        }
        common.add(new SearchDir("CUDA_HOME", emptyToNull(env.apply("CUDA_HOME"))));
        common.add(new SearchDir("CUDA_PATH", emptyToNull(env.apply("CUDA_PATH"))));
        String ld = env.apply("LD_LIBRARY_PATH");
        if (blank(ld)) {
            common.add(new SearchDir("LD_LIBRARY_PATH", null));
        } else {
            for (String d : ld.split(File.pathSeparator)) {
                if (!d.isBlank()) {
                    common.add(new SearchDir("LD_LIBRARY_PATH", d));
                }
            }
        }
        common.add(new SearchDir(DEFAULT_HOME, DEFAULT_HOME));

        List<SearchDir> driver = new ArrayList<>(common);
        DRIVER_DIRS.forEach(d -> driver.add(new SearchDir(d, d)));

        List<SearchDir> lt = new ArrayList<>();
        String explicitLt = properties.apply(CUBLASLT_PROPERTY);
        String ltSource = CUBLASLT_PROPERTY;
        if (blank(explicitLt)) {
            explicitLt = env.apply(CUBLASLT_ENV);
            ltSource = CUBLASLT_ENV;
        }
        if (!blank(explicitLt)) {
            lt.add(new SearchDir(ltSource, explicitLt));
        }
        lt.addAll(common);
        for (Path sitePackages : pythonSitePackages(env)) {
            lt.add(new SearchDir("nvidia-cublas wheel", sitePackages.resolve("nvidia/cublas/lib").toString()));
            lt.add(new SearchDir("nvidia-cublas wheel", sitePackages.resolve("nvidia/cu13/lib").toString()));
        }
        return new CudaConfig(driver, lt, true, resolveMoeGemm(properties, env));
    }

    /**
     * Only {@code dirs}, for both libraries, and no system loader: what tests use to pin the search; the MoE GEMM
     * setting still comes from {@value #MOE_GEMM_PROPERTY} / {@value #MOE_GEMM_ENV}.
     */
    public static CudaConfig only(List<String> dirs) {
        List<SearchDir> list = dirs.stream().map(d -> new SearchDir("test", d)).toList();
        return new CudaConfig(list, list, false, resolveMoeGemm(System::getProperty, System::getenv));
    }

    /** Python package directories that exist: VIRTUAL_ENV, CONDA_PREFIX, the user's, the system's. */
    static List<Path> pythonSitePackages(UnaryOperator<String> env) {
        List<Path> roots = new ArrayList<>();
        for (String var : List.of("VIRTUAL_ENV", "CONDA_PREFIX")) {
            String v = env.apply(var);
            if (!blank(v)) {
                roots.add(Path.of(v, "lib"));
            }
        }
        String userHome = env.apply("HOME");
        if (!blank(userHome)) {
            roots.add(Path.of(userHome, ".local", "lib"));
        }
        roots.add(Path.of("/opt/conda/lib"));
        roots.add(Path.of("/usr/local/lib"));
        roots.add(Path.of("/usr/lib"));
        List<Path> out = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, "python3*")) {
                List<Path> pys = new ArrayList<>();
                ds.forEach(pys::add);
                pys.sort(null);
                for (Path py : pys) {
                    for (String sub : List.of("site-packages", "dist-packages")) {
                        if (Files.isDirectory(py.resolve(sub))) {
                            out.add(py.resolve(sub));
                        }
                    }
                }
            } catch (IOException e) {
                // unreadable: nothing there for us
            }
        }
        return out;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String emptyToNull(String s) {
        return blank(s) ? null : s;
    }
}
