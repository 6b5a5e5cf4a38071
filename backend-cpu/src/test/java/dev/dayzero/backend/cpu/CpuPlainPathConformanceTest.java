package dev.dayzero.backend.cpu;

import dev.dayzero.hal.Device;
import dev.dayzero.tck.ConformanceKit;

/** The whole conformance kit on the CPU backend's plain path (no Vector API), which users without the module run. */
class CpuPlainPathConformanceTest extends ConformanceKit {
    @Override
    protected Device openDevice() {
        return new CpuBackendProvider().open(CpuConfig.resolve(null, false));
    }
}
