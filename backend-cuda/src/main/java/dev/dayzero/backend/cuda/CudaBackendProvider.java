package dev.dayzero.backend.cuda;

import dev.dayzero.backend.cuda.internal.CudaDevice;
import dev.dayzero.backend.cuda.internal.KernelImages;
import dev.dayzero.backend.cuda.internal.SupportRules;
import dev.dayzero.backend.cuda.jna.CublasLt;
import dev.dayzero.backend.cuda.jna.CublasLtApi;
import dev.dayzero.backend.cuda.jna.CudaApi;
import dev.dayzero.backend.cuda.jna.CudaDriver;
import dev.dayzero.backend.cuda.jna.CudaErrors;
import dev.dayzero.backend.cuda.jna.CudaLibraries;
import dev.dayzero.hal.BackendProvider;
import dev.dayzero.hal.BackendUnavailableException;
import dev.dayzero.hal.BindingReport;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.DeviceInfo;
import dev.dayzero.hal.Probe;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * NVIDIA GPUs through the CUDA driver API ({@code libcuda.so.1}) and cuBLASLt, both by JNA. Constructing the
 * provider loads nothing; {@link #probe()} loads the libraries (once per configuration) and asks the driver for
 * its version and devices.
 *
 * <p>The backend's kernels are fatbins nvcc compiled during the build; a driver must support at least the CUDA
 * version of that nvcc to load them (a CUDA 13.0 build needs an R580 or newer driver). Reasons a probe gives:
 * no driver, the toolkit's stub library instead of a driver, a driver too old for the kernels, no device. A
 * missing cuBLASLt (or one older than 12.9, without FP8 block scaling) or unbuilt kernels leave the backend
 * available and are named in the probe's reason with the operators they affect. {@code versions.cublasLt} names the
 * loaded cuBLASLt ({@code "12.9.1 (120901, /path/libcublasLt.so.12)"}); the MoE GEMM path follows
 * {@link CudaConfig#MOE_GEMM_PROPERTY}.
 */
public final class CudaBackendProvider implements BackendProvider {
    /** Backend id. */
    public static final String ID = "cuda";

    private final CudaConfig config;

    /** With the configuration resolved from system properties, environment and defaults (at probe time). */
    public CudaBackendProvider() {
        this(null);
    }

    /** With {@code config}; null resolves it when first needed. */
    public CudaBackendProvider(CudaConfig config) {
        this.config = config;
    }

    private CudaConfig config() {
        return config != null ? config : CudaConfig.resolve();
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String vendor() {
        return "NVIDIA";
    }

    @Override
    public Probe probe() {
        try {
            return probe(config());
        } catch (RuntimeException | LinkageError e) {
            return Probe.unavailable(ID, "probing the CUDA driver failed: " + e);
        }
    }

    private static Probe probe(CudaConfig config) {
        CudaLibraries.Result libs = CudaLibraries.load(config);
        if (libs.driver().isEmpty()) {
            return Probe.unavailable(ID, libs.driverReason());
        }
        CudaLibraries.Loaded<CudaDriver> drv = libs.driver().get();
        CudaApi api = new CudaApi(drv.api());
        int rc = api.tryInit();
        if (rc == CudaDriver.CUDA_ERROR_STUB_LIBRARY) {
            return Probe.unavailable(ID, CudaLibraries.DRIVER_FILE + " at " + drv.origin()
                    + " is the CUDA toolkit's stub library, not a driver: no NVIDIA driver on this machine");
        }
        if (rc == CudaDriver.CUDA_ERROR_NO_DEVICE) {
            return Probe.unavailable(ID, "no CUDA device: the NVIDIA driver is installed but sees no GPU (cuInit: CUDA_ERROR_NO_DEVICE)");
        }
        if (rc != CudaDriver.CUDA_SUCCESS) {
            return Probe.unavailable(ID, "the NVIDIA driver failed to initialise: " + api.failure(rc, "cuInit").getMessage());
        }
        int driverVersion = api.driverVersion();
        Optional<Integer> built = KernelImages.builtWithCuda();
        if (built.isPresent() && driverVersion < built.get()) {
            return Probe.unavailable(ID, "the NVIDIA driver supports CUDA " + KernelImages.cudaVersionText(driverVersion)
                    + " but backend-cuda's kernels were built with CUDA " + KernelImages.cudaVersionText(built.get())
                    + " and need a driver for CUDA " + KernelImages.cudaVersionText(built.get())
                    + " or newer: update the NVIDIA driver");
        }
        int count = api.deviceCount();
        if (count == 0) {
            return Probe.unavailable(ID, "no CUDA device: the NVIDIA driver sees no GPU");
        }
        long ltNumber = libs.cublasLt().map(l -> l.api().cublasLtGetVersion()).orElse(0L);
        String ltVersion = libs.cublasLt().isPresent() ? CublasLtApi.versionText(ltNumber) : "";
        List<DeviceInfo> devices = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            devices.add(info(api, i, driverVersion, built, ltVersion));
        }
        Map<String, String> versions = new LinkedHashMap<>();
        versions.put("driver", KernelImages.cudaVersionText(driverVersion) + " (" + driverVersion + ")");
        versions.put("libcuda", drv.origin());
        versions.put("kernels", built.map(v -> "nvcc " + KernelImages.cudaVersionText(v) + ", " + KernelImages.TARGETS)
                .orElse("not built (" + KernelImages.whyAbsent() + ")"));
        versions.put("cublasLt", libs.cublasLt().map(l -> ltVersion + " (" + ltNumber + ", " + l.origin() + ")")
                .orElse("missing"));
        List<String> notes = new ArrayList<>();
        if (built.isEmpty()) {
            notes.add("backend-cuda's kernels were not built (" + KernelImages.whyAbsent() + "), which disables "
                    + SupportRules.KERNEL_OPERATORS);
        }
        if (libs.cublasLt().isEmpty()) {
            notes.add(libs.cublasLtReason() + "; the MoE grouped GEMM runs on backend-cuda's own kernels");
        } else if (!CublasLtApi.hasBlockScaling(ltNumber)) {
            notes.add("cuBLASLt " + ltVersion + " (" + libs.cublasLt().get().origin() + ") predates 12.9, so FP8 "
                    + "block-scaled MoE GEMM (1x128 / 128x128 scales) runs on backend-cuda's kernel; BF16 uses cuBLASLt");
        }
        return new Probe(ID, true, String.join("; ", notes), devices, versions);
    }

    /** The device name by which the host emulator identifies itself. */
    static final String EMULATOR_NAME_PREFIX = "Dayzero CUDA emulator";

    /** {@link DeviceInfo} of {@code ordinal} from the driver's attributes. */
    static DeviceInfo info(CudaApi api, int ordinal, int driverVersion, Optional<Integer> built, String ltVersion) {
        int dev = api.device(ordinal);
        int major = api.attribute(CudaDriver.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev);
        int minor = api.attribute(CudaDriver.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev);
        int sms = api.attribute(CudaDriver.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, dev);
        int clockKhz = api.attribute(CudaDriver.CU_DEVICE_ATTRIBUTE_CLOCK_RATE, dev);
        int memClockKhz = api.attribute(CudaDriver.CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE, dev);
        int busWidth = api.attribute(CudaDriver.CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH, dev);
        int l2 = api.attribute(CudaDriver.CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE, dev);
        Map<String, String> props = new LinkedHashMap<>();
        props.put("computeCapability", major + "." + minor);
        props.put("smCount", String.valueOf(sms));
        props.put("clockKHz", String.valueOf(clockKhz));
        props.put("memoryClockKHz", String.valueOf(memClockKhz));
        props.put("memoryBusWidthBits", String.valueOf(busWidth));
        // DDR: two transfers a clock (cuda.md §1.4, derived)
        props.put("peakMemoryBandwidthBytesPerSecond", String.valueOf(2L * memClockKhz * 1000L * busWidth / 8));
        props.put("maxSharedMemoryPerBlockOptin",
                String.valueOf(api.attribute(CudaDriver.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, dev)));
        if (!ltVersion.isEmpty()) {
            props.put("cublasLtVersion", ltVersion);
        }
        String name = api.deviceName(dev);
        return new DeviceInfo(ID, ordinal, "NVIDIA", name, "sm_" + major + minor,
                api.totalMemory(dev), sms, KernelImages.cudaVersionText(driverVersion),
                built.map(KernelImages::cudaVersionText).orElse(""), l2, isEmulator(name), props);
    }

    /**
     * Whether the "device" is the test double that runs the kernels on the host (backend-cuda's tests,
     * {@code src/test/native/cuda_emu}): its figures are never a GPU's.
     */
    static boolean isEmulator(String deviceName) {
        return deviceName.startsWith(EMULATOR_NAME_PREFIX);
    }

    /**
     * The driver ({@code libcuda.so.1}, required) and cuBLASLt (optional: without it the MoE GEMM runs on the
     * backend's own kernels): each declared function looked up by its exported name. Loads the libraries as
     * {@link #probe()} does, and initialises nothing.
     */
    @Override
    public BindingReport bindings() {
        try {
            CudaLibraries.Result libs = CudaLibraries.load(config());
            if (libs.driver().isEmpty()) {
                return BindingReport.unavailable(ID, libs.driverReason());
            }
            List<BindingReport.Library> found = new ArrayList<>();
            String driver = libs.driver().get().origin();
            found.add(new BindingReport.Library(CudaLibraries.DRIVER_FILE, driver,
                    CudaLibraries.functions(CudaDriver.class), CudaLibraries.unresolved(CudaDriver.class, driver), ""));
            int ltFunctions = CudaLibraries.functions(CublasLt.class);
            if (libs.cublasLt().isPresent()) {
                String lt = libs.cublasLt().get().origin();
                found.add(new BindingReport.Library("libcublasLt", lt, ltFunctions,
                        CudaLibraries.unresolved(CublasLt.class, lt), ""));
            } else {
                found.add(new BindingReport.Library("libcublasLt", "", ltFunctions, List.of(),
                        "optional, not loaded: " + libs.cublasLtReason()));
            }
            return new BindingReport(ID, "", found);
        } catch (RuntimeException | LinkageError e) {
            return BindingReport.unavailable(ID, "looking up the CUDA libraries' symbols failed: " + e);
        }
    }

    @Override
    public Device open(int ordinal) {
        CudaConfig cfg = config();
        Probe p = probe(cfg);
        if (!p.available()) {
            throw new BackendUnavailableException(CudaErrors.VENDOR, p.reason());
        }
        if (ordinal < 0 || ordinal >= p.devices().size()) {
            throw new IllegalArgumentException("no CUDA device " + ordinal + ": " + p.devices().size() + " present");
        }
        CudaLibraries.Result libs = CudaLibraries.load(cfg);
        CudaApi api = new CudaApi(libs.driver().orElseThrow().api());
        CublasLtApi lt = libs.cublasLt().map(l -> new CublasLtApi(l.api(), l.origin())).orElse(null);
        return new CudaDevice(api, ordinal, p.devices().get(ordinal), lt, libs.cublasLtReason(), cfg.moeGemm());
    }
}
