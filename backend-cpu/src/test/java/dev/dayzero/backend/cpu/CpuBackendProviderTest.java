package dev.dayzero.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.Backends;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.DeviceInfo;
import dev.dayzero.hal.Probe;
import org.junit.jupiter.api.Test;

class CpuBackendProviderTest {

    @Test
    void foundByServiceLoader() {
        Backends backends = Backends.discover();
        assertTrue(backends.ids().contains("cpu"), backends.ids().toString());
        assertInstanceOf(CpuBackendProvider.class, backends.require("cpu"));
    }

    @Test
    void probeIsAvailableWithOneHostDevice() {
        Probe probe = new CpuBackendProvider().probe();
        assertTrue(probe.available(), probe.reason());
        assertEquals(1, probe.devices().size());
        DeviceInfo info = probe.devices().get(0);
        assertEquals("cpu", info.backendId());
        assertFalse(info.emulated());
        assertTrue(info.computeUnits() >= 1);
        assertEquals(Runtime.getRuntime().maxMemory(), info.memoryBytes());
        assertTrue(info.properties().containsKey("threads"));
        assertFalse(info.name().isBlank());
    }

    @Test
    void opensOrdinalZeroOnly() {
        CpuBackendProvider provider = new CpuBackendProvider();
        assertThrows(IllegalArgumentException.class, () -> provider.open(1));
        try (Device d = Backends.discover().open("cpu", 0)) {
            assertFalse(d.isClosed());
        }
    }

    @Test
    void explicitConfigShowsInDeviceInfo() {
        try (Device d = new CpuBackendProvider().open(new CpuConfig(1, false))) {
            assertEquals(1, d.info().computeUnits());
            assertEquals("plain", d.info().properties().get("vectorSpecies"));
        }
        try (Device d = new CpuBackendProvider().open(new CpuConfig(2, true))) {
            assertEquals(2, d.info().computeUnits());
            assertTrue(d.info().properties().get("vectorSpecies").contains("FloatVector"));
        }
    }
}
