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
 */
public record HostInfo(String os, String osVersion, String arch, String cpu, int cores, long memoryBytes,
                       String jvmVendor, String jvmVersion, String jvmName) {

    /** This machine. */
    public static HostInfo current() {
        String arch = System.getProperty("os.arch", "");
        return new HostInfo(System.getProperty("os.name", ""), System.getProperty("os.version", ""), arch,
                cpuModel(arch), Runtime.getRuntime().availableProcessors(), physicalMemory(),
                System.getProperty("java.vm.vendor", ""), System.getProperty("java.runtime.version", ""),
                System.getProperty("java.vm.name", ""));
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
