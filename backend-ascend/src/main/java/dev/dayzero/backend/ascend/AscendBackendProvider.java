package dev.dayzero.backend.ascend;

import dev.dayzero.backend.ascend.internal.AscendDevice;
import dev.dayzero.backend.ascend.jna.Acl;
import dev.dayzero.backend.ascend.jna.AclErrors;
import dev.dayzero.backend.ascend.jna.AscendCl;
import dev.dayzero.backend.ascend.jna.AscendLibraries;
import dev.dayzero.backend.ascend.jna.NnopBase;
import dev.dayzero.backend.ascend.jna.OpApi;
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
import java.util.Objects;

/**
 * The Huawei Ascend backend (id {@code ascend}): CANN's ACL runtime and aclnn operators through JNA.
 * Constructing it loads nothing; {@link #probe()} looks for CANN where {@link AscendConfig} says and answers
 * in one sentence what is missing. Where the runtime found is Dayzero's ABI test double, devices say so in
 * their name and are marked {@link DeviceInfo#emulated() emulated}.
 */
public final class AscendBackendProvider implements BackendProvider {
    /** The backend id. */
    public static final String ID = "ascend";
    /** The prefix of the custom sparse flash attention operator's functions, absent from stock CANN. */
    private static final String SPARSE_FLASH_ATTENTION = "aclnnSparseFlashAttention";

    private final AscendConfig explicitConfig;
    private volatile AscendConfig resolved;

    /** A provider that resolves its configuration from properties, environment and defaults when first used. */
    public AscendBackendProvider() {
        this.explicitConfig = null;
    }

    /** A provider with an explicit configuration. */
    public AscendBackendProvider(AscendConfig config) {
        this.explicitConfig = Objects.requireNonNull(config, "config");
    }

    private AscendConfig config() {
        if (explicitConfig != null) {
            return explicitConfig;
        }
        AscendConfig c = resolved;
        if (c == null) {
            c = AscendConfig.resolve();
            resolved = c;
        }
        return c;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String vendor() {
        return "Huawei";
    }

    @Override
    public Probe probe() {
        try {
            AscendLibraries.Result r = AscendLibraries.load(config());
            if (r.loaded().isEmpty()) {
                return Probe.unavailable(ID, r.reason());
            }
            AscendLibraries.Loaded libs = r.loaded().get();
            Acl acl = new Acl(libs);
            acl.init();
            int count = acl.deviceCount();
            if (count == 0) {
                return Probe.unavailable(ID, "CANN is installed in " + libs.directory()
                        + " but aclrtGetDeviceCount reports no Ascend device (is the driver loaded?)");
            }
            List<DeviceInfo> devices = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                try (AscendDevice d = new AscendDevice(acl, i)) {
                    devices.add(d.info());
                }
            }
            Map<String, String> versions = new LinkedHashMap<>();
            versions.put("acl", acl.version());
            versions.put("libraryDir", libs.directory().toString());
            versions.put("testDouble", Boolean.toString(libs.testDouble()));
            return Probe.available(ID, devices, versions);
        } catch (RuntimeException | LinkageError e) {
            return Probe.unavailable(ID, "the Ascend runtime failed while probing: " + e.getMessage());
        }
    }

    /**
     * The runtime ({@code libascendcl.so} or {@code libacl_rt.so}), {@code libnnopbase.so} and the aclnn operator
     * libraries (custom packages, {@code libopapi_*.so}, {@code libopapi.so}, searched in that order as the calls
     * are): each declared function looked up by name. The sparse flash attention functions come from a custom
     * operator package that few installs have: their absence is a note (sparse MLA decode unsupported), not a
     * missing symbol.
     */
    @Override
    public BindingReport bindings() {
        try {
            AscendLibraries.Result r = AscendLibraries.load(config());
            if (r.loaded().isEmpty()) {
                return BindingReport.unavailable(ID, r.reason());
            }
            AscendLibraries.Loaded libs = r.loaded().get();
            java.nio.file.Path runtime = AscendLibraries.runtimeFile(libs.directory());
            java.nio.file.Path nnopbase = libs.directory().resolve("libnnopbase.so");
            List<BindingReport.Library> found = new ArrayList<>();
            found.add(new BindingReport.Library(runtime.getFileName().toString(), runtime.toString(),
                    AscendLibraries.functions(AscendCl.class).size(), AscendLibraries.unresolved(AscendCl.class, runtime), ""));
            found.add(new BindingReport.Library("libnnopbase.so", nnopbase.toString(),
                    AscendLibraries.functions(NnopBase.class).size(), AscendLibraries.unresolved(NnopBase.class, nnopbase),
                    ""));
            List<String> ops = AscendLibraries.functions(OpApi.class);
            List<String> missing = new ArrayList<>();
            List<String> optionalMissing = new ArrayList<>();
            for (String name : ops) {
                if (!libs.hasSymbol(name)) {
                    (name.startsWith(SPARSE_FLASH_ATTENTION) ? optionalMissing : missing).add(name);
                }
            }
            String note = optionalMissing.isEmpty() ? "" : "optional, absent: " + String.join(", ", optionalMissing)
                    + " (the custom sparse flash attention package is not installed, so sparse MLA decode is unsupported)";
            found.add(new BindingReport.Library("aclnn operator libraries", libs.opFiles().toString(), ops.size(), missing,
                    note));
            return new BindingReport(ID, "", found);
        } catch (RuntimeException | LinkageError e) {
            return BindingReport.unavailable(ID, "looking up CANN's symbols failed: " + e);
        }
    }

    @Override
    public Device open(int ordinal) {
        AscendLibraries.Result r = AscendLibraries.load(config());
        if (r.loaded().isEmpty()) {
            throw new BackendUnavailableException(AclErrors.VENDOR, r.reason());
        }
        return new AscendDevice(new Acl(r.loaded().get()), ordinal);
    }
}
