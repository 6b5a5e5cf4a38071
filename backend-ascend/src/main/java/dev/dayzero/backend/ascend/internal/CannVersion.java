package dev.dayzero.backend.ascend.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CANN toolkit's version, as the toolkit records it at install in {@value #FILE} (one {@code key=value} a line,
 * e.g. {@code version=8.3.RC1}), beside its libraries: {@code <toolkit>/<arch>-linux/ascend_toolkit_install.info},
 * the libraries being in {@code <toolkit>/<arch>-linux/lib64} (which {@code <toolkit>/lib64} links to). Versions seen
 * in that file: {@code 8.0.RC3}, {@code 8.0.0}, {@code 8.1.RC1}, {@code 8.3.RC2}, {@code 8.5.0},
 * {@code 9.2.0-beta.2}; only major and minor are compared.
 *
 * @param text  the {@code version=} value, or empty when unknown
 * @param major its first number (0 when unknown)
 * @param minor its second number (0 when unknown)
 * @param where the file it was read from, or why it is unknown
 */
public record CannVersion(Optional<String> text, int major, int minor, String where) {
    /** The file a CANN toolkit install writes its version into. */
    public static final String FILE = "ascend_toolkit_install.info";
    private static final Pattern NUMBERS = Pattern.compile("^(\\d+)\\.(\\d+)");
    private static final List<String> ARCHES = List.of("aarch64-linux", "x86_64-linux");

    /** An unknown version, saying why. */
    public static CannVersion unknown(String why) {
        return new CannVersion(Optional.empty(), 0, 0, why);
    }

    /** Whether the version was read. */
    public boolean known() {
        return text.isPresent();
    }

    /** Whether the version is known and at least {@code major.minor}. */
    public boolean atLeast(int major, int minor) {
        return known() && (this.major > major || (this.major == major && this.minor >= minor));
    }

    /** For reasons and device properties: {@code "CANN 8.3.RC1 (<file>)"} or {@code "CANN version unknown (<why>)"}. */
    public String describe() {
        return text.map(t -> "CANN " + t + " (" + where + ")").orElse("CANN version unknown (" + where + ")");
    }

    /**
     * The version of the toolkit whose runtime library was found in {@code libraryDir}: {@value #FILE} in its parent
     * ({@code <arch>-linux/lib64}), or in {@code <arch>-linux} beside it ({@code <toolkit>/lib64}), also after
     * resolving links, and in {@code libraryDir} itself.
     */
    public static CannVersion find(Path libraryDir) {
        if (libraryDir == null) {
            return unknown("no library directory");
        }
        Set<Path> dirs = new LinkedHashSet<>();
        dirs.add(libraryDir.toAbsolutePath().normalize());
        try {
            dirs.add(libraryDir.toRealPath());
        } catch (IOException e) {
            // keep the path as given
        }
        List<Path> candidates = new ArrayList<>();
        for (Path d : dirs) {
            Path parent = d.getParent();
            if (parent != null) {
                candidates.add(parent.resolve(FILE));
                for (String arch : ARCHES) {
                    candidates.add(parent.resolve(arch).resolve(FILE));
                }
            }
            candidates.add(d.resolve(FILE));
        }
        for (Path f : candidates) {
            if (Files.isRegularFile(f)) {
                try {
                    return parse(Files.readAllLines(f), f.toString());
                } catch (IOException e) {
                    return unknown(f + " unreadable: " + e.getMessage());
                }
            }
        }
        return unknown("no " + FILE + " beside " + libraryDir);
    }

    /** The {@code version=} line of the file's {@code lines}; unknown where it is missing or not numeric. */
    static CannVersion parse(List<String> lines, String where) {
        for (String line : lines) {
            String t = line.strip();
            if (t.startsWith("version=")) {
                String v = t.substring("version=".length()).strip();
                Matcher m = NUMBERS.matcher(v);
                if (!m.find()) {
                    return unknown("'version=" + v + "' in " + where + " is not <major>.<minor>...");
                }
                return new CannVersion(Optional.of(v), Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), where);
            }
        }
        return unknown("no version= line in " + where);
    }
}
