package dev.dayzero.hal;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a device is. Common fields for every vendor, plus {@code properties}: vendor-specific facts (SM
 * count, clocks, ISA version, ...) that results and reports carry through unchanged, so a new backend
 * needs no change here.
 *
 * @param backendId       the backend that opened it ({@code cpu}, {@code cuda}, ...)
 * @param ordinal         the device's index within its backend
 * @param vendor          the chip vendor ({@code NVIDIA}, {@code Huawei}, {@code Cambricon}, ...)
 * @param name            the marketing name the driver reports ({@code NVIDIA H100 80GB HBM3})
 * @param architecture    the architecture or SoC ({@code sm_90}, {@code Ascend910B3}, {@code MLU590})
 * @param memoryBytes     device memory in bytes (0 where unknown)
 * @param computeUnits    SMs, AI cores, MLU cores or CPU cores
 * @param driverVersion   driver version as the vendor writes it, empty where none
 * @param runtimeVersion  runtime or library version as the vendor writes it, empty where none
 * @param l2Bytes         last-level on-chip cache in bytes, used to size cold-cache flushes (0 where unknown)
 * @param emulated        true for test doubles, simulators and emulators: never a chip's speed
 * @param properties      vendor-specific facts, sorted by key
 */
public record DeviceInfo(
        String backendId,
        int ordinal,
        String vendor,
        String name,
        String architecture,
        long memoryBytes,
        int computeUnits,
        String driverVersion,
        String runtimeVersion,
        long l2Bytes,
        boolean emulated,
        Map<String, String> properties) {

    /**
     * A property a backend sets to {@code "true"} when a harness should time each case in a fresh process: the CPU
     * backend's kernels are compiled by the JVM's JIT, whose type profiles, shared by every kernel in a process,
     * can make an earlier case's kernels slow a later one's (see the CPU backend's notes on boxed vectors).
     */
    public static final String ISOLATE_CASES = "isolateCases";

    public DeviceInfo {
        Objects.requireNonNull(backendId, "backendId");
        Objects.requireNonNull(vendor, "vendor");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(architecture, "architecture");
        driverVersion = driverVersion == null ? "" : driverVersion;
        runtimeVersion = runtimeVersion == null ? "" : runtimeVersion;
        if (ordinal < 0 || memoryBytes < 0 || computeUnits < 0 || l2Bytes < 0) {
            throw new IllegalArgumentException("ordinal, memoryBytes, computeUnits and l2Bytes must be >= 0");
        }
        properties = Collections.unmodifiableSortedMap(new TreeMap<>(properties == null ? Map.of() : properties));
    }
}
