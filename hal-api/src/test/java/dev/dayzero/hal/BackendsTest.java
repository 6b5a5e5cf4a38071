package dev.dayzero.hal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackendsTest {

    /** Registered through META-INF/services in the test resources. */
    public static final class FakeProvider implements BackendProvider {
        private final String id;

        public FakeProvider() {
            this("fake");
        }

        FakeProvider(String id) {
            this.id = id;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String vendor() {
            return "Nobody";
        }

        @Override
        public Probe probe() {
            return Probe.unavailable(id, "the fake backend has no devices");
        }

        @Override
        public Device open(int ordinal) {
            throw new BackendUnavailableException(vendor(), probe().reason());
        }
    }

    @Test
    void serviceLoaderFindsRegisteredProviders() {
        Backends backends = Backends.discover();
        assertEquals(List.of("fake"), backends.ids());
        assertEquals("Nobody", backends.require("fake").vendor());
    }

    @Test
    void unknownIdNamesTheKnownOnes() {
        Backends backends = Backends.of(List.of(new FakeProvider("a"), new FakeProvider("b")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backends.require("cuda"));
        assertTrue(e.getMessage().contains("'cuda'") && e.getMessage().contains("a, b"), e.getMessage());
    }

    @Test
    void openingAnUnavailableBackendSaysWhy() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.of(List.of(new FakeProvider())).open("fake", 0));
        assertEquals("the fake backend has no devices", e.getMessage());
    }

    @Test
    void probesMustExplainThemselves() {
        assertThrows(IllegalArgumentException.class, () -> Probe.unavailable("x", " "));
        assertThrows(IllegalArgumentException.class, () -> Probe.available("x", List.of(), Map.of()));
    }

    @Test
    void supportAnswersCarryReasons() {
        assertTrue(Support.supported().isSupported());
        assertThrows(IllegalArgumentException.class, () -> Support.unsupported(""));
        Support u = Support.unsupported("no FP8 data type on Ascend910B");
        assertTrue(!u.isSupported() && u instanceof Support.Unsupported r && r.reason().contains("FP8"));
    }

    @Test
    void nativeCallExceptionCarriesEverything() {
        NativeCallException e = new NativeCallException("NVIDIA", "cuMemAlloc_v2", 2, "CUDA_ERROR_OUT_OF_MEMORY",
                "out of memory");
        assertEquals("cuMemAlloc_v2 failed with 2 (CUDA_ERROR_OUT_OF_MEMORY): out of memory", e.getMessage());
        assertEquals("cuMemAlloc_v2", e.nativeCall().orElseThrow());
        assertEquals(2L, e.nativeCode().orElseThrow());
        assertEquals("NVIDIA", e.vendor());
        assertTrue(new HalException("cpu", "plain").nativeCall().isEmpty());
    }

    @Test
    void deviceInfoSortsAndCopiesProperties() {
        DeviceInfo info = new DeviceInfo("cpu", 0, "Intel", "Xeon", "x86_64", 1, 2, null, "17", 0, false,
                Map.of("b", "2", "a", "1"));
        assertEquals(List.of("a", "b"), List.copyOf(info.properties().keySet()));
        assertEquals("", info.driverVersion());
        assertThrows(UnsupportedOperationException.class, () -> info.properties().put("c", "3"));
    }
}
