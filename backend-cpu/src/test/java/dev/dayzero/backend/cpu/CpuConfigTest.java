package dev.dayzero.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class CpuConfigTest {
    private static UnaryOperator<String> map(Map<String, String> m) {
        return m::get;
    }

    private static final UnaryOperator<String> NONE = k -> null;

    @Test
    void explicitBeatsPropertyBeatsEnvironmentBeatsDefault() {
        var props = map(Map.of(CpuConfig.THREADS_PROPERTY, "3", CpuConfig.VECTOR_PROPERTY, "false"));
        var env = map(Map.of(CpuConfig.THREADS_ENV, "5", CpuConfig.VECTOR_ENV, "true"));
        assertEquals(new CpuConfig(7, true), CpuConfig.resolve(7, true, props, env));
        assertEquals(new CpuConfig(3, false), CpuConfig.resolve(null, null, props, env));
        assertEquals(new CpuConfig(5, true), CpuConfig.resolve(null, null, NONE, env));
        CpuConfig defaults = CpuConfig.resolve(null, null, NONE, NONE);
        assertEquals(Runtime.getRuntime().availableProcessors(), defaults.threads());
        assertEquals(CpuConfig.vectorModulePresent(), defaults.useVectorApi());
    }

    @Test
    void blankValuesFallThrough() {
        var props = map(Map.of(CpuConfig.THREADS_PROPERTY, " "));
        var env = map(Map.of(CpuConfig.THREADS_ENV, "2"));
        assertEquals(2, CpuConfig.resolve(null, false, props, env).threads());
    }

    @Test
    void badValuesNameTheirSource() {
        var bad = map(Map.of(CpuConfig.THREADS_PROPERTY, "many"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CpuConfig.resolve(null, false, bad, NONE));
        assertTrue(e.getMessage().contains(CpuConfig.THREADS_PROPERTY), e.getMessage());
        var badVector = map(Map.of(CpuConfig.VECTOR_ENV, "maybe"));
        e = assertThrows(IllegalArgumentException.class, () -> CpuConfig.resolve(1, null, NONE, badVector));
        assertTrue(e.getMessage().contains(CpuConfig.VECTOR_ENV), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CpuConfig(0, false));
    }

    @Test
    void caseIsolationIsOnUnlessTurnedOff() {
        assertTrue(CpuConfig.isolateCases(NONE, NONE));
        assertFalse(CpuConfig.isolateCases(NONE, map(Map.of(CpuConfig.ISOLATE_ENV, "0"))));
        assertTrue(CpuConfig.isolateCases(map(Map.of(CpuConfig.ISOLATE_PROPERTY, "true")),
                map(Map.of(CpuConfig.ISOLATE_ENV, "off"))), "the property wins");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CpuConfig.isolateCases(map(Map.of(CpuConfig.ISOLATE_PROPERTY, "sometimes")), NONE));
        assertTrue(e.getMessage().contains(CpuConfig.ISOLATE_PROPERTY), e.getMessage());
    }

    @Test
    void the8x3TileIsOnUnlessSaidOtherwise() {
        assertTrue(CpuConfig.tile8x3(NONE, NONE));
        assertFalse(CpuConfig.tile8x3(NONE, map(Map.of(CpuConfig.TILE8X3_ENV, "0"))));
        assertTrue(CpuConfig.tile8x3(NONE, map(Map.of(CpuConfig.TILE8X3_ENV, " "))), "blank is unset");
        assertFalse(CpuConfig.tile8x3(map(Map.of(CpuConfig.TILE8X3_PROPERTY, "false")),
                map(Map.of(CpuConfig.TILE8X3_ENV, "true"))), "the property wins");
        assertTrue(CpuConfig.tile8x3(map(Map.of(CpuConfig.TILE8X3_PROPERTY, "on")),
                map(Map.of(CpuConfig.TILE8X3_ENV, "off"))), "the property wins");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CpuConfig.tile8x3(NONE, map(Map.of(CpuConfig.TILE8X3_ENV, "yes please"))));
        assertTrue(e.getMessage().contains(CpuConfig.TILE8X3_ENV), e.getMessage());
    }

    @Test
    void vectorModuleIsPresentUnderSurefire() {
        assertTrue(CpuConfig.vectorModulePresent(), "surefire runs with --add-modules jdk.incubator.vector");
    }
}
