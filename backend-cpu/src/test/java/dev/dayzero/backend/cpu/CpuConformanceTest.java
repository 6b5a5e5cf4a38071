package dev.dayzero.backend.cpu;

import dev.dayzero.hal.Device;
import dev.dayzero.tck.ConformanceKit;

/** The whole conformance kit on the CPU backend, with the configuration the JVM resolves (Vector API on in tests). */
class CpuConformanceTest extends ConformanceKit {
    @Override
    protected Device openDevice() {
        return new CpuBackendProvider().open(0);
    }
}
