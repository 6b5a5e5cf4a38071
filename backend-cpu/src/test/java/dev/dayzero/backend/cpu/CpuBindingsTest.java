package dev.dayzero.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.BindingReport;
import org.junit.jupiter.api.Test;

class CpuBindingsTest {
    @Test
    void theCpuBackendBindsNothingNative() {
        BindingReport r = new CpuBackendProvider().bindings();
        assertEquals("cpu", r.backendId());
        assertTrue(r.checked() && r.libraries().isEmpty() && r.missing().isEmpty(), r.toString());
    }
}
