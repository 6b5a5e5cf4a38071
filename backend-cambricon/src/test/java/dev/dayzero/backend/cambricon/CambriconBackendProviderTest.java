package dev.dayzero.backend.cambricon;

import dev.dayzero.backend.cambricon.jna.FakeDouble;
import dev.dayzero.hal.BackendProvider;
import dev.dayzero.hal.BackendUnavailableException;
import dev.dayzero.hal.DeviceInfo;
import dev.dayzero.hal.Probe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CambriconBackendProviderTest {
    @Test
    void foundByServiceLoader() {
        assertTrue(ServiceLoader.load(BackendProvider.class).stream()
                .anyMatch(p -> p.type() == CambriconBackendProvider.class));
        assertEquals("cambricon", new CambriconBackendProvider().id());
    }

    @Test
    void probeSaysWhichLibraryIsMissing(@TempDir Path empty) throws Exception {
        Probe p = new CambriconBackendProvider(CambriconConfig.ofDirectories(List.of(empty))).probe();
        assertFalse(p.available());
        assertTrue(p.reason().startsWith("libcnrt.so not found in [" + empty + "]"), p.reason());
        assertThrows(BackendUnavailableException.class,
                () -> new CambriconBackendProvider(CambriconConfig.ofDirectories(List.of(empty))).open(0));
        assumeTrue(FakeDouble.built(), FakeDouble.NOT_BUILT);
        Files.copy(FakeDouble.DIR.resolve("libcnrt.so"), empty.resolve("libcnrt.so"));
        Probe partial = new CambriconBackendProvider(CambriconConfig.ofDirectories(List.of(empty))).probe();
        assertFalse(partial.available());
        assertTrue(partial.reason().startsWith("libcnnl.so not found"), partial.reason());
    }

    @Test
    void probeOnTheDoubleIsEmulated() {
        assumeTrue(FakeDouble.built(), FakeDouble.NOT_BUILT);
        FakeDouble.load().fake_set_capability(5, 0);
        Probe p = new CambriconBackendProvider(CambriconConfig.resolve(FakeDouble.DIR)).probe();
        assertTrue(p.available(), p.reason());
        DeviceInfo d = p.devices().get(0);
        assertTrue(d.emulated());
        assertEquals("MLU590 (Dayzero test double)", d.name());
        assertEquals("6.14.1", p.versions().get("cnrt"));
        assertEquals("1.28.6", p.versions().get("cnnl"));
        assertEquals("1.12.3", p.versions().get("cnnl_extra"));
        assertEquals(0, FakeDouble.load().fake_live("handle"), "probe closes the devices it opened");
    }
}
