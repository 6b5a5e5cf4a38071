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
        return new CudaBackendProvider().open(0);
    }
}
