package dev.dayzero.bench.results;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code MANIFEST.sha256}: the SHA-256 of every file of a run directory, written last (after the results and the
 * report), in {@code sha256sum}'s format — one {@code <64 hex digits>  <relative path>} line per file, sorted by
 * path, {@code /} as separator — so {@code sha256sum -c MANIFEST.sha256} checks it too. A name holding a
 * backslash or a line break is written as {@code sha256sum} writes it (the line starts with {@code \}, and
 * {@code \\}, {@code \n} stand for them).
 *
 * <p>It shows a directory arrived as the run wrote it; it is not a signature (whoever can change a file can
 * write a new manifest).
 */
public final class RunManifest {
    /** The manifest's file name. */
    public static final String FILE = "MANIFEST.sha256";

    private static final Pattern LINE = Pattern.compile("(\\\\?)([0-9a-fA-F]{64}) [ *](.+)");

    private RunManifest() {
    }

    /** What a check found. */
    public enum Check {
        /** Every listed file is there, unchanged, and {@code results.json} is listed. */
        VERIFIED,
        /** The directory has no manifest. */
        NO_MANIFEST
    }

    /**
     * Writes {@code dir/MANIFEST.sha256} over every regular file below {@code dir} except the manifest itself and
     * temporaries ({@code *.tmp}, {@code .write-check*}), to a temporary file then renamed.
     *
     * @return the manifest written
     */
    public static Path write(Path dir) {
        Path target = dir.resolve(FILE);
        Path tmp = dir.resolve(FILE + ".tmp");
        try {
            StringBuilder sb = new StringBuilder();
            for (Path file : files(dir)) {
                String name = relative(dir, file);
                boolean escape = name.indexOf('\\') >= 0 || name.indexOf('\n') >= 0;
                if (escape) {
                    sb.append('\\');
                    name = name.replace("\\", "\\\\").replace("\n", "\\n");
                }
                sb.append(sha256(file)).append("  ").append(name).append('\n');
            }
            Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Removes {@code dir}'s manifest, if any (a resumed run changes the files it vouched for). */
    public static void remove(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve(FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks {@code dir} against its manifest.
     *
     * @return {@link Check#NO_MANIFEST} when there is none, {@link Check#VERIFIED} when every listed file matches
     * @throws IllegalArgumentException in one line naming the first file that is missing or changed, a malformed
     *                                  or unsafe manifest line, or a manifest that does not cover {@code results.json}
     */
    public static Check verify(Path dir) {
        Path manifest = dir.resolve(FILE);
        if (!Files.exists(manifest)) {
            return Check.NO_MANIFEST;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(manifest + " cannot be read: " + e.getMessage(), e);
        }
        boolean coversResults = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty()) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException(manifest + " line " + (i + 1) + " is not '<sha256>  <file>'");
            }
            String name = m.group(3);
            if (!m.group(1).isEmpty()) {
                name = unescape(name);
            }
            Path file = dir.resolve(name).normalize();
            if (name.startsWith("/") || !file.startsWith(dir.normalize()) || file.equals(dir.normalize())) {
                throw new IllegalArgumentException(manifest + " line " + (i + 1) + " names " + name
                        + ", which is not a file inside " + dir);
            }
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(file + " is missing: " + manifest + " lists it");
            }
            String actual;
            try {
                actual = sha256(file);
            } catch (IOException e) {
                throw new IllegalArgumentException(file + " cannot be read to check it against " + manifest + ": "
                        + e.getMessage(), e);
            }
            if (!actual.equalsIgnoreCase(m.group(2))) {
                throw new IllegalArgumentException(file + " does not match " + manifest
                        + ": it changed after the run wrote it");
            }
            coversResults |= name.equals(ResultsStore.RESULTS_FILE);
        }
        if (!coversResults) {
            throw new IllegalArgumentException(manifest + " does not list " + ResultsStore.RESULTS_FILE
                    + ", so the results cannot be checked");
        }
        return Check.VERIFIED;
    }

    /** The SHA-256 of {@code file}, as 64 lower-case hex digits. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static List<Path> files(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(Files::isRegularFile).filter(p -> {
                String n = p.getFileName().toString();
                return !(p.getParent().equals(dir) && n.equals(FILE)) && !n.endsWith(".tmp")
                        && !n.startsWith(".write-check");
            }).forEach(out::add);
        }
        out.sort((a, b) -> relative(dir, a).compareTo(relative(dir, b)));
        return out;
    }

    private static String relative(Path dir, Path file) {
        return dir.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }

    private static String unescape(String name) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '\\' && i + 1 < name.length()) {
                char next = name.charAt(++i);
                sb.append(next == 'n' ? '\n' : next);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
