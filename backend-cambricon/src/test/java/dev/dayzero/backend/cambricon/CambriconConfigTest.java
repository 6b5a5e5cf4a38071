package dev.dayzero.backend.cambricon;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CambriconConfigTest {
    @Test
    void explicitThenPropertyThenNeuwareThenLdPathThenDefault() {
        Map<String, String> env = Map.of("NEUWARE_HOME", "/opt/nw", "LD_LIBRARY_PATH", "/a:/b",
                CambriconConfig.HOME_ENV, "/env-home");
        Map<String, String> props = Map.of(CambriconConfig.HOME_PROPERTY, "/prop-home");
        CambriconConfig c = CambriconConfig.resolve(null, props::get, env::get);
        assertEquals(List.of(Path.of("/prop-home/lib64"), Path.of("/prop-home/lib"), Path.of("/prop-home"),
                Path.of("/opt/nw/lib64"), Path.of("/opt/nw/lib"), Path.of("/opt/nw"), Path.of("/a"), Path.of("/b"),
                Path.of("/usr/local/neuware/lib64"), Path.of("/usr/local/neuware/lib"), Path.of("/usr/local/neuware")),
                c.libraryDirs());
        CambriconConfig explicit = CambriconConfig.resolve(Path.of("/x"), props::get, env::get);
        assertEquals(Path.of("/x/lib64"), explicit.libraryDirs().get(0));
        CambriconConfig envOnly = CambriconConfig.resolve(null, k -> null, env::get);
        assertEquals(Path.of("/env-home/lib64"), envOnly.libraryDirs().get(0));
        CambriconConfig none = CambriconConfig.resolve(null, k -> null, k -> null);
        assertEquals(List.of(Path.of("/usr/local/neuware/lib64"), Path.of("/usr/local/neuware/lib"),
                Path.of("/usr/local/neuware")), none.libraryDirs());
    }
}
