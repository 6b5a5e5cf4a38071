package dev.dayzero.bench.results;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** Provenance of the tool itself: its version and the git commit it was built from, where these can be told. */
public final class ToolInfo {
    /** What a field holds when it cannot be told. */
    public static final String UNKNOWN = "unknown";

    private ToolInfo() {
    }

    /** The jar manifest's implementation version, else the version the build stamped into the classes, else {@value #UNKNOWN}. */
    public static String version() {
        String v = ToolInfo.class.getPackage().getImplementationVersion();
        if (v != null && !v.isBlank()) {
            return v;
        }
        try (InputStream in = ToolInfo.class.getResourceAsStream("/dev/dayzero/bench/version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", UNKNOWN);
            }
        } catch (IOException e) {
            return UNKNOWN;
        }
        return UNKNOWN;
    }

    /**
     * The commit of the git work tree holding this tool's classes or jar ({@code git rev-parse HEAD}, with
     * {@code -dirty} when {@code git status} shows changes), else {@value #UNKNOWN}. Never waits more than a few seconds.
     */
    public static String gitCommit() {
        try {
            Path where = Path.of(ToolInfo.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = Files.isDirectory(where) ? where : where.getParent();
            String head = git(dir, "rev-parse", "HEAD");
            if (head == null || head.isBlank()) {
                return UNKNOWN;
            }
            String status = git(dir, "status", "--porcelain", "--untracked-files=no");
            return head.trim() + (status != null && !status.isBlank() ? "-dirty" : "");
        } catch (Exception e) {
            return UNKNOWN;
        }
    }

    private static String git(Path dir, String... args) throws IOException, InterruptedException {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "git";
        cmd[1] = "-C";
        cmd[2] = dir.toString();
        System.arraycopy(args, 0, cmd, 3, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return null;
        }
        return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8) : null;
    }
}
