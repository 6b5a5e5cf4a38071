package dev.dayzero.backend.cuda;

import dev.dayzero.hal.Device;
import dev.dayzero.hal.Probe;
import dev.dayzero.tck.ConformanceKit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;

/** The whole conformance kit on a real NVIDIA GPU; skips with the probe's one-line reason elsewhere. */
@Tag("gpu")
class CudaConformanceTest extends ConformanceKit {
    @Override
    protected Device openDevice() {
        Probe p = new CudaBackendProvider().probe();
        Assumptions.assumeTrue(p.available(), p.reason());
        // safety net: Surefire runs the gpu tag in its own JVM (pom), where the emulator's libcuda.so.1 is never loaded
        Assumptions.assumeFalse(p.devices().get(0).emulated(), "the CUDA driver found is the emulator, not a GPU");
        return new CudaBackendProvider().open(0);
    }
}
