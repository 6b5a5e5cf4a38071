package dev.dayzero.backend.cambricon;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The Cambricon backend's configuration, resolved once: the directories searched, in order, for
 * {@code libcnrt.so}, {@code libcnnl.so} and {@code libcnnl_extra.so}. Resolution: an explicit Neuware home,
 * else the system property {@value #HOME_PROPERTY}, else the environment variable {@value #HOME_ENV}; then
 * {@code NEUWARE_HOME}; then every entry of {@code LD_LIBRARY_PATH}; then the default
 * {@value #DEFAULT_HOME}. A home contributes {@code home/lib64}, {@code home/lib} and {@code home} itself.
 *
 * @param libraryDirs directories searched in order (duplicates removed)
 */
public record CambriconConfig(List<Path> libraryDirs) {
    /** System property naming the Neuware (or test double) home. */
    public static final String HOME_PROPERTY = "dayzero.cambricon.home";
    /** Environment variable naming the Neuware (or test double) home. */
    public static final String HOME_ENV = "DAYZERO_CAMBRICON_HOME";
    /** Cambricon's own install variable. */
    public static final String NEUWARE_ENV = "NEUWARE_HOME";
    /** Where Neuware installs by default. */
    public static final String DEFAULT_HOME = "/usr/local/neuware";

    public CambriconConfig {
        libraryDirs = List.copyOf(new LinkedHashSet<>(Objects.requireNonNull(libraryDirs, "libraryDirs")));
    }

    /** Everything from system properties, environment and defaults. */
    public static CambriconConfig resolve() {
        return resolve(null);
    }

    /** An explicit home first (null = none), then properties, environment and defaults. */
    public static CambriconConfig resolve(Path explicitHome) {
        return resolve(explicitHome, System::getProperty, System::getenv);
    }

    /** Exactly these directories, nothing else (tests, and callers who know where the libraries are). */
    public static CambriconConfig ofDirectories(List<Path> directories) {
        return new CambriconConfig(directories);
    }

    /** The resolution rule with its lookups passed in (for tests). */
    static CambriconConfig resolve(Path explicitHome, UnaryOperator<String> properties, UnaryOperator<String> env) {
        List<Path> dirs = new ArrayList<>();
        String configured = firstText(properties.apply(HOME_PROPERTY), env.apply(HOME_ENV));
        if (explicitHome != null) {
            addHome(dirs, explicitHome);
        } else if (configured != null) {
            addHome(dirs, Path.of(configured));
        }
        String neuware = env.apply(NEUWARE_ENV);
        if (neuware != null && !neuware.isBlank()) {
            addHome(dirs, Path.of(neuware.trim()));
        }
        String ld = env.apply("LD_LIBRARY_PATH");
        if (ld != null) {
            for (String entry : ld.split(":")) {
                if (!entry.isBlank()) {
                    dirs.add(Path.of(entry.trim()));
                }
            }
        }
        addHome(dirs, Path.of(DEFAULT_HOME));
        return new CambriconConfig(dirs);
    }

    private static void addHome(List<Path> dirs, Path home) {
        dirs.add(home.resolve("lib64"));
        dirs.add(home.resolve("lib"));
        dirs.add(home);
    }

    private static String firstText(String a, String b) {
        if (a != null && !a.isBlank()) {
            return a.trim();
        }
        return b != null && !b.isBlank() ? b.trim() : null;
    }
}
