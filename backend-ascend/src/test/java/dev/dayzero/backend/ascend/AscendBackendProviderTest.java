package dev.dayzero.backend.ascend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.BackendProvider;
import dev.dayzero.hal.BackendUnavailableException;
import dev.dayzero.hal.DeviceInfo;
import dev.dayzero.hal.Probe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AscendBackendProviderTest {

    @Test
    void foundByServiceLoader() {
        boolean found = ServiceLoader.load(BackendProvider.class).stream()
                .anyMatch(p -> p.type() == AscendBackendProvider.class);
        assertTrue(found, "META-INF/services must list AscendBackendProvider");
        assertEquals("ascend", new AscendBackendProvider().id());
        assertEquals("Huawei", new AscendBackendProvider().vendor());
    }

    @Test
    void probeNamesEveryPlaceLookedAtWhenCannIsAbsent(@TempDir Path empty) {
        AscendConfig config = AscendConfig.resolve(null, k -> null,
                Map.of("LD_LIBRARY_PATH", empty + ":" + empty.resolve("nope"))::get);
        Probe p = new AscendBackendProvider(config).probe();
        assertFalse(p.available());
        String r = p.reason();
        assertTrue(r.startsWith("libascendcl.so not found in ASCEND_HOME_PATH (unset), ASCEND_TOOLKIT_HOME (unset), "
                + "LD_LIBRARY_PATH (" + empty + ":" + empty.resolve("nope") + ") or " + AscendConfig.DEFAULT_HOME), r);
        assertFalse(r.contains("\n"), "one sentence");
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> new AscendBackendProvider(config).open(0));
        assertEquals(r, e.getMessage());
    }

    @Test
    void probeNamesTheMissingNnopBase(@TempDir Path dir) throws Exception {
        TestDouble.assumeBuilt();
        Files.copy(TestDouble.DIR.resolve("libascendcl.so"), dir.resolve("libascendcl.so"));
        Probe p = new AscendBackendProvider(AscendConfig.only(dir.toString())).probe();
        assertFalse(p.available());
        assertTrue(p.reason().startsWith("libnnopbase.so not found beside libascendcl.so in " + dir), p.reason());
    }

    @Test
    void probeOnTheDoubleIsAvailableAndLabelledEmulated() {
        TestDouble.assumeBuilt();
        Probe p = new AscendBackendProvider(TestDouble.config()).probe();
        assertTrue(p.available(), p.reason());
        DeviceInfo d = p.devices().get(0);
        assertTrue(d.emulated(), "everything measured on the double is emulated");
        assertTrue(d.name().startsWith("Dayzero test double"), d.name());
        assertEquals("Ascend910B3", d.architecture());
        assertEquals(20, d.computeUnits());
        assertEquals(192L << 20, d.l2Bytes());
        assertEquals("A2", d.properties().get("family"));
        assertEquals("true", p.versions().get("testDouble"));
        assertEquals("1.15.0", p.versions().get("acl"));
        assertEquals(0, TestDouble.runtime().fake_live("device"), "probing opens and closes the device");
    }

    @Test
    void noSuchOrdinal() {
        TestDouble.assumeBuilt();
        assertThrows(IllegalArgumentException.class, () -> new AscendBackendProvider(TestDouble.config()).open(3));
    }
}
