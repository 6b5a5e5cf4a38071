package dev.dayzero.backend.cpu.internal;

import dev.dayzero.backend.cpu.CpuBackendProvider;
import dev.dayzero.backend.cpu.CpuConfig;
import dev.dayzero.backend.cpu.internal.simd.Simds;
import dev.dayzero.hal.DeviceInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What the host is: read from {@code /proc/cpuinfo} and {@code /sys} where readable, else from the JVM. */
public final class HostInfo {
    private static final Path CPUINFO = Path.of("/proc/cpuinfo");
    private static final Path CACHE = Path.of("/sys/devices/system/cpu/cpu0/cache");

    private HostInfo() {
    }

    /** The CPU vendor ({@code Intel}, {@code AMD}, or the raw {@code vendor_id}), else the OS architecture. */
    public static String vendor() {
        return cpuinfoField("vendor_id").map(v -> switch (v) {
            case "GenuineIntel" -> "Intel";
            case "AuthenticAMD" -> "AMD";
            default -> v;
        }).orElse(System.getProperty("os.arch"));
    }

    /** The device description for a device with {@code config}. */
    public static DeviceInfo describe(CpuConfig config) {
        String arch = System.getProperty("os.arch");
        String osArch = arch.equals("amd64") ? "x86_64" : arch;
        String simd = Simds.describe(config);
        long l2 = cacheBytes("index2");
        long l3 = cacheBytes("index3");
        Map<String, String> props = new HashMap<>();
        props.put("threads", String.valueOf(config.threads()));
        props.put("vectorApi", String.valueOf(config.useVectorApi()));
        props.put("vectorSpecies", simd);
        props.put("availableProcessors", String.valueOf(Runtime.getRuntime().availableProcessors()));
        props.put("l2Bytes", String.valueOf(l2));
        props.put("l3Bytes", String.valueOf(l3));
        props.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        props.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        // each timed case in a fresh JVM (unless turned off): a kernel's Vector API code compiled after other kernels'
        // can inherit their polluted type profiles (three byte-vector shapes at one JDK call site) and box its vectors
        props.put(DeviceInfo.ISOLATE_CASES, String.valueOf(CpuConfig.isolateCases()));
        return new DeviceInfo(CpuBackendProvider.ID, 0, vendor(),
                cpuinfoField("model name").orElse(osArch),
                config.useVectorApi() ? osArch + " " + simd : osArch,
                Runtime.getRuntime().maxMemory(), config.threads(), "", Runtime.version().toString(),
                lastLevel(l2, l3), false, props);
    }

    /**
     * The device's last-level cache, which {@link DeviceInfo#l2Bytes()} means (cold-cache flushes are twice it): the L3
     * where the host has one, else the L2. A 2 MiB L2 there would leave a 300 MiB L3 holding a whole MoE layer's weights
     * through a "cold" run.
     */
    static long lastLevel(long l2, long l3) {
        return Math.max(l2, l3);
    }

    private static java.util.Optional<String> cpuinfoField(String field) {
        try {
            List<String> lines = Files.readAllLines(CPUINFO);
            for (String line : lines) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equals(field)) {
                    String value = line.substring(colon + 1).trim();
                    if (!value.isEmpty()) {
                        return java.util.Optional.of(value);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: the caller falls back
        }
        return java.util.Optional.empty();
    }

    /** Size of cache {@code index} of cpu0 in bytes, or 0 where unreadable. */
    static long cacheBytes(String index) {
        try {
            String s = Files.readString(CACHE.resolve(index).resolve("size")).trim().toUpperCase(Locale.ROOT);
            long unit = 1;
            if (s.endsWith("K")) {
                unit = 1024;
                s = s.substring(0, s.length() - 1);
            } else if (s.endsWith("M")) {
                unit = 1024 * 1024;
                s = s.substring(0, s.length() - 1);
            }
            return Long.parseLong(s.trim()) * unit;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
