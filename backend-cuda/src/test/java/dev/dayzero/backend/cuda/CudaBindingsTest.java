package dev.dayzero.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.backend.cuda.jna.CudaDriver;
import dev.dayzero.backend.cuda.jna.CudaLibraries;
import dev.dayzero.hal.BindingReport;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CudaBackendProvider#bindings()}: what {@code dayzero doctor} shows of the CUDA libraries. */
class CudaBindingsTest {

    @Test
    void withoutADriverNothingIsLookedUpAndTheReasonIsTheProbes(@TempDir Path empty) {
        CudaBackendProvider p = new CudaBackendProvider(CudaConfig.only(List.of(empty.toString())));
        BindingReport r = p.bindings();
        assertFalse(r.checked());
        assertTrue(r.libraries().isEmpty());
        assertEquals(p.probe().reason(), r.reason());
        assertTrue(r.reason().startsWith("libcuda.so.1 not found"), r.reason());
    }

    @Test
    void onTheEmulatorEveryDriverFunctionIsLookedUpInTheFileLoaded() {
        BindingReport r = CudaEmulator.provider().bindings();
        assertTrue(r.checked(), r.reason());
        BindingReport.Library driver = r.libraries().get(0);
        assertEquals(CudaLibraries.DRIVER_FILE, driver.name());
        assertEquals(CudaEmulator.DIR.resolve("libcuda.so.1").toString(), driver.path());
        assertEquals(CudaDriver.class.getDeclaredMethods().length, driver.functions());
        assertEquals(List.of(), driver.missing(), "the emulator exports every function the binding declares");
        BindingReport.Library lt = r.libraries().get(1);
        assertEquals("libcublasLt", lt.name());
        assertTrue(lt.loaded() || lt.note().startsWith("optional, not loaded: "), lt.toString());
    }
}
