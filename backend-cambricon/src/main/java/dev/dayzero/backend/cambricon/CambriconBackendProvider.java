package dev.dayzero.backend.cambricon;

import dev.dayzero.backend.cambricon.internal.CambriconDevice;
import dev.dayzero.backend.cambricon.jna.Cnnl;
import dev.dayzero.backend.cambricon.jna.CnnlExtra;
import dev.dayzero.backend.cambricon.jna.Cnrt;
import dev.dayzero.backend.cambricon.jna.NativeLibraries;
import dev.dayzero.hal.BackendProvider;
import dev.dayzero.hal.BackendUnavailableException;
import dev.dayzero.hal.BindingReport;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.DeviceInfo;
import dev.dayzero.hal.Probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Cambricon MLU backend (id {@code cambricon}): CNRT for devices, memory, queues and notifiers; CNNL and
 * CNNL-Extra for the operators. Constructing it loads nothing; {@link #probe()} loads the three libraries
 * from the directories {@link CambriconConfig} names and asks CNRT for its devices. Against the Dayzero test
 * double (a library exporting {@code dayzero_test_double}) every device is reported {@code emulated}.
 */
public final class CambriconBackendProvider implements BackendProvider {
    /** The backend id. */
    public static final String ID = "cambricon";

    private final CambriconConfig explicitConfig;

    /** Configuration resolved from properties, environment and defaults at first use. */
    public CambriconBackendProvider() {
        this(null);
    }

    /** An explicit configuration (null = resolve at first use). */
    public CambriconBackendProvider(CambriconConfig config) {
        this.explicitConfig = config;
    }

    private CambriconConfig config() {
        return explicitConfig != null ? explicitConfig : CambriconConfig.resolve();
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String vendor() {
        return "Cambricon";
    }

    @Override
    public Probe probe() {
        try {
            NativeLibraries.Outcome o = NativeLibraries.load(config().libraryDirs());
            if (o.loaded().isEmpty()) {
                return Probe.unavailable(ID, o.reason());
            }
            NativeLibraries.Loaded libs = o.loaded().get();
            int count = CambriconDevice.deviceCount(libs);
            if (count < 1) {
                return Probe.unavailable(ID, "CNRT in " + libs.directory() + " reports no MLU device (cnrtGetDeviceCount = 0)");
            }
            List<DeviceInfo> devices = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                try (CambriconDevice d = CambriconDevice.open(libs, i)) {
                    devices.add(d.info());
                }
            }
            Map<String, String> versions = CambriconDevice.versions(libs);
            return Probe.available(ID, devices, versions);
        } catch (RuntimeException | LinkageError e) {
            return Probe.unavailable(ID, "the Cambricon libraries loaded but the device query failed: " + e.getMessage());
        }
    }

    /**
     * CNRT, CNNL and CNNL-Extra from the directories the configuration names: each declared function looked up by
     * its exported symbol (the versioned name where the header renames one, e.g. {@code cnrtGetDeviceProperties_V3}).
     */
    @Override
    public BindingReport bindings() {
        try {
            List<java.nio.file.Path> dirs = config().libraryDirs();
            NativeLibraries.Outcome o = NativeLibraries.load(dirs);
            if (o.loaded().isEmpty()) {
                return BindingReport.unavailable(ID, o.reason());
            }
            Map<String, java.nio.file.Path> files = NativeLibraries.files(dirs);
            List<BindingReport.Library> found = new ArrayList<>();
            found.add(library(NativeLibraries.CNRT, Cnrt.class, files));
            found.add(library(NativeLibraries.CNNL, Cnnl.class, files));
            found.add(library(NativeLibraries.CNNL_EXTRA, CnnlExtra.class, files));
            return new BindingReport(ID, "", found);
        } catch (RuntimeException | LinkageError e) {
            return BindingReport.unavailable(ID, "looking up the Cambricon libraries' symbols failed: " + e);
        }
    }

    private static BindingReport.Library library(String name, Class<? extends com.sun.jna.Library> binding,
                                                 Map<String, java.nio.file.Path> files) {
        java.nio.file.Path file = files.get(name);
        return new BindingReport.Library(name, file.toString(), NativeLibraries.functions(binding),
                NativeLibraries.unresolved(binding, file), "");
    }

    @Override
    public Device open(int ordinal) {
        NativeLibraries.Outcome o = NativeLibraries.load(config().libraryDirs());
        if (o.loaded().isEmpty()) {
            throw new BackendUnavailableException(ID, o.reason());
        }
        return CambriconDevice.open(o.loaded().get(), ordinal);
    }
}
