package dev.dayzero.backend.ascend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AscendConfigTest {
    private static AscendConfig resolve(String explicit, Map<String, String> props, Map<String, String> env) {
        return AscendConfig.resolve(explicit, props::get, env::get);
    }

    @Test
    void explicitBeatsPropertyBeatsEnvironment() {
        Map<String, String> props = Map.of(AscendConfig.HOME_PROPERTY, "/prop");
        Map<String, String> env = Map.of(AscendConfig.HOME_ENV, "/env");
        assertEquals(new AscendConfig.SearchDir("explicit", "/x"), resolve("/x", props, env).searchPath().get(0));
        assertEquals(new AscendConfig.SearchDir(AscendConfig.HOME_PROPERTY, "/prop"),
                resolve(null, props, env).searchPath().get(0));
        assertEquals(new AscendConfig.SearchDir(AscendConfig.HOME_ENV, "/env"),
                resolve(null, Map.of(), env).searchPath().get(0));
    }

    @Test
    void cannVariablesThenLdLibraryPathThenDefault() {
        AscendConfig c = resolve(null, Map.of(), Map.of("ASCEND_HOME_PATH", "/cann", "LD_LIBRARY_PATH", "/a:/b",
                "ASCEND_CUSTOM_OPP_PATH", "/opp"));
        List<AscendConfig.SearchDir> p = c.searchPath();
        assertEquals(new AscendConfig.SearchDir("ASCEND_HOME_PATH", "/cann"), p.get(0));
        assertEquals("ASCEND_TOOLKIT_HOME", p.get(1).source());
        assertNull(p.get(1).dir(), "an unset source is kept, without a directory, so a probe can name it");
        assertEquals(new AscendConfig.SearchDir("LD_LIBRARY_PATH", "/a"), p.get(2));
        assertEquals(new AscendConfig.SearchDir("LD_LIBRARY_PATH", "/b"), p.get(3));
        assertEquals(AscendConfig.DEFAULT_HOME, p.get(4).dir());
        assertEquals(5, p.size());
        assertEquals("/opp", c.customOppPath());
    }
}
