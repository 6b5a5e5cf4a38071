package dev.dayzero.bench.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** The tool version and git commit, from the build. */
public final class Version implements CommandLine.IVersionProvider {

    /** The version the build stamped into the jar, or {@code dev} from classes on disk. */
    public static String tool() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v != null ? v : props().getProperty("version", "dev");
    }

    /**
     * The git commit of the checkout the tool runs from ({@code dayzero.home} or the working directory),
     * or {@code unknown} outside a checkout or without git.
     */
    public static String commit() {
        String home = System.getProperty("dayzero.home", ".");
        try {
            Process p = new ProcessBuilder("git", "-C", home, "rev-parse", "--short=12", "HEAD")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            if (p.waitFor() == 0 && out.matches("[0-9a-f]{7,40}")) {
                String dirty = new String(new ProcessBuilder("git", "-C", home, "status", "--porcelain", "--untracked-files=no")
                        .redirectErrorStream(true).start().getInputStream().readAllBytes(),
                        java.nio.charset.StandardCharsets.UTF_8).isBlank() ? "" : "-dirty";
                return out + dirty;
            }
        } catch (IOException e) {
            // no git here
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "unknown";
    }

    private static Properties props() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("/dev/dayzero/bench/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // no version stamp: report dev / unknown
        }
        return p;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"dayzero " + tool() + " (commit " + commit() + ")",
                "Java " + Runtime.version() + " " + System.getProperty("java.vm.name")};
    }
}
