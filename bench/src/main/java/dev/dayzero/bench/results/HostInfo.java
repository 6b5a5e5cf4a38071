package dev.dayzero.bench.results;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine the coordinator ran on.
 *
 * @param os          {@code os.name}
 * @param osVersion   {@code os.version}
 * @param arch        {@code os.arch}
 * @param cpu         the CPU model ({@code /proc/cpuinfo} "model name" on Linux, else the architecture)
 * @param cores       available processors
 * @param memoryBytes physical memory, 0 where unknown
 * @param jvmVendor   {@code java.vm.vendor}
 * @param jvmVersion  {@code java.runtime.version}
 * @param jvmName     {@code java.vm.name}
 * @param hostname    the machine's name ({@code HOSTNAME}, else {@code /etc/hostname}, else the local host name);
 *                    reports label runs by it. With {@code --redact-host}, {@link #redact(String)} of it instead
 */
public record HostInfo(String os, String osVersion, String arch, String cpu, int cores, long memoryBytes,
                       String jvmVendor, String jvmVersion, String jvmName, String hostname) {

    public HostInfo {
        hostname = hostname == null ? "" : hostname;
    }

    /** What every redacted hostname starts with. */
    public static final String REDACTED_PREFIX = "redacted-";

    /**
     * The stand-in for {@code hostname} in results sent from elsewhere: {@value #REDACTED_PREFIX} and the first 16 hex
     * digits (64 bits) of the SHA-256 of its UTF-8 bytes. The same name always gives the same stand-in, so runs
     * from one machine still group together; an empty name stays empty (nothing to hide). Not a secret: a name
     * that can be guessed can be checked against it.
     */
    public static String redact(String hostname) {
        if (hostname == null || hostname.isEmpty()) {
            return "";
        }
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(hostname.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return REDACTED_PREFIX + java.util.HexFormat.of().formatHex(h, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The same host with its name replaced by {@link #redact(String)} of it. */
    public HostInfo redacted() {
        return new HostInfo(os, osVersion, arch, cpu, cores, memoryBytes, jvmVendor, jvmVersion, jvmName, redact(hostname));
    }

    /** This machine. */
    public static HostInfo current() {
        String arch = System.getProperty("os.arch", "");
        return new HostInfo(System.getProperty("os.name", ""), System.getProperty("os.version", ""), arch,
                cpuModel(arch), Runtime.getRuntime().availableProcessors(), physicalMemory(),
                System.getProperty("java.vm.vendor", ""), System.getProperty("java.runtime.version", ""),
                System.getProperty("java.vm.name", ""), currentHostname());
    }

    private static String currentHostname() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            Path etc = Path.of("/etc/hostname");
            if (Files.isReadable(etc)) {
                String name = Files.readString(etc).trim();
                if (!name.isEmpty()) {
                    return name;
                }
            }
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
    }

    private static String cpuModel(String fallback) {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            try {
                List<String> lines = Files.readAllLines(cpuinfo);
                for (String line : lines) {
                    int colon = line.indexOf(':');
                    if (colon > 0 && line.substring(0, colon).trim().equals("model name")) {
                        return line.substring(colon + 1).trim();
                    }
                }
            } catch (IOException | RuntimeException e) {
                return fallback;
            }
        }
        return fallback;
    }

    private static long physicalMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 0;
    }
}
