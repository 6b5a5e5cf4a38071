package dev.dayzero.backend.ascend;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The Ascend backend's configuration, resolved once. Where CANN's libraries are looked for, in order:
 * <ol>
 *   <li>an explicit home (argument of {@link #resolve(String)}), else the system property
 *       {@value #HOME_PROPERTY}, else the environment variable {@value #HOME_ENV};</li>
 *   <li>{@code ASCEND_HOME_PATH}, then {@code ASCEND_TOOLKIT_HOME} (what CANN's {@code set_env.sh} exports);</li>
 *   <li>every directory of {@code LD_LIBRARY_PATH};</li>
 *   <li>the default install, {@value #DEFAULT_HOME}.</li>
 * </ol>
 * A home directory is searched as {@code <home>/lib64} and {@code <home>} itself. Custom operator packages
 * (DeepSeek-V3.2's sparse flash attention) are looked for under {@code ASCEND_CUSTOM_OPP_PATH}.
 *
 * <p>The vllm-ascend version of a custom operator package is read from the files beside it (see the module
 * README, "version evidence"); where they are missing it may be declared: system property
 * {@value #CUSTOM_OPS_VERSION_PROPERTY}, else environment variable {@value #CUSTOM_OPS_VERSION_ENV}. A wrong
 * declaration makes the backend call the wrong C signature, which crashes the process.
 *
 * @param searchPath       every place looked at, in order, with where it came from; unset sources are kept
 *                         (with a null directory) so that a probe can name them
 * @param customOppPath    {@code ASCEND_CUSTOM_OPP_PATH} entries (colon separated), empty when unset
 * @param customOpsVersion the declared vllm-ascend version of the custom operator package, empty when not declared
 */
public record AscendConfig(List<SearchDir> searchPath, String customOppPath, String customOpsVersion) {

    /** System property naming the CANN home (or a directory holding the libraries). */
    public static final String HOME_PROPERTY = "dayzero.ascend.home";
    /** Environment variable naming the CANN home. */
    public static final String HOME_ENV = "DAYZERO_ASCEND_HOME";
    /** System property declaring the vllm-ascend version of the custom operator package. */
    public static final String CUSTOM_OPS_VERSION_PROPERTY = "dayzero.ascend.customOpsVersion";
    /** Environment variable declaring the same. */
    public static final String CUSTOM_OPS_VERSION_ENV = "DAYZERO_ASCEND_CUSTOM_OPS_VERSION";
    /** The default CANN toolkit install. */
    public static final String DEFAULT_HOME = "/usr/local/Ascend/ascend-toolkit/latest";

    /**
     * One place the libraries may be.
     *
     * @param source where it came from ({@code ASCEND_HOME_PATH}, {@code LD_LIBRARY_PATH}, ...)
     * @param dir    the directory, or null when that source is unset
     */
    public record SearchDir(String source, String dir) {
        public SearchDir {
            Objects.requireNonNull(source, "source");
        }
    }

    public AscendConfig {
        searchPath = List.copyOf(searchPath);
        customOppPath = customOppPath == null ? "" : customOppPath;
        customOpsVersion = customOpsVersion == null ? "" : customOpsVersion.strip();
    }

    /** Without a declared custom-ops version. */
    public AscendConfig(List<SearchDir> searchPath, String customOppPath) {
        this(searchPath, customOppPath, "");
    }

    /** Everything from system properties, environment and defaults. */
    public static AscendConfig resolve() {
        return resolve(null);
    }

    /** An explicit home where given (null = not given), the rest from properties, environment, defaults. */
    public static AscendConfig resolve(String explicitHome) {
        return resolve(explicitHome, System::getProperty, System::getenv);
    }

    /** A configuration that looks only in {@code dir} (tests, or a user who knows exactly where CANN is). */
    public static AscendConfig only(String dir) {
        return new AscendConfig(List.of(new SearchDir("explicit", dir)), "");
    }

    /** The same search path with {@code ASCEND_CUSTOM_OPP_PATH} replaced by {@code path}. */
    public AscendConfig withCustomOppPath(String path) {
        return new AscendConfig(searchPath, path, customOpsVersion);
    }

    /** The same configuration declaring the custom operator package's vllm-ascend version. */
    public AscendConfig withCustomOpsVersion(String version) {
        return new AscendConfig(searchPath, customOppPath, version);
    }

    /** The resolution rule with its lookups passed in (for tests). */
    static AscendConfig resolve(String explicitHome, UnaryOperator<String> properties, UnaryOperator<String> env) {
        List<SearchDir> dirs = new ArrayList<>();
        if (explicitHome != null && !explicitHome.isBlank()) {
            dirs.add(new SearchDir("explicit", explicitHome));
        } else if (nonBlank(properties.apply(HOME_PROPERTY))) {
            dirs.add(new SearchDir(HOME_PROPERTY, properties.apply(HOME_PROPERTY)));
        } else if (nonBlank(env.apply(HOME_ENV))) {
            dirs.add(new SearchDir(HOME_ENV, env.apply(HOME_ENV)));
        }
        for (String var : List.of("ASCEND_HOME_PATH", "ASCEND_TOOLKIT_HOME")) {
            String v = env.apply(var);
            dirs.add(new SearchDir(var, nonBlank(v) ? v : null));
        }
        String ld = env.apply("LD_LIBRARY_PATH");
        boolean anyLd = false;
        if (nonBlank(ld)) {
            for (String part : ld.split(File.pathSeparator)) {
                if (!part.isBlank()) {
                    dirs.add(new SearchDir("LD_LIBRARY_PATH", part));
                    anyLd = true;
                }
            }
        }
        if (!anyLd) {
            dirs.add(new SearchDir("LD_LIBRARY_PATH", null));
        }
        dirs.add(new SearchDir(DEFAULT_HOME, DEFAULT_HOME));
        String opp = env.apply("ASCEND_CUSTOM_OPP_PATH");
        String version = properties.apply(CUSTOM_OPS_VERSION_PROPERTY);
        if (!nonBlank(version)) {
            version = env.apply(CUSTOM_OPS_VERSION_ENV);
        }
        return new AscendConfig(dirs, opp, version);
    }

    private static boolean nonBlank(String s) {
        return s != null && !s.isBlank();
    }
}
