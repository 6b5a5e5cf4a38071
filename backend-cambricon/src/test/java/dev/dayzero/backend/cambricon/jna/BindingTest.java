package dev.dayzero.backend.cambricon.jna;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Binding completeness against the ABI double: every declared function resolves under its real symbol. */
class BindingTest {
    @BeforeEach
    void needDouble() {
        assumeTrue(FakeDouble.built(), FakeDouble.NOT_BUILT);
    }

    @Test
    void everyDeclaredFunctionResolves() {
        Path dir = FakeDouble.DIR;
        assertEquals(List.of(), NativeLibraries.unresolved(Cnrt.class, dir.resolve(NativeLibraries.CNRT)));
        assertEquals(List.of(), NativeLibraries.unresolved(Cnnl.class, dir.resolve(NativeLibraries.CNNL)));
        assertEquals(List.of(), NativeLibraries.unresolved(CnnlExtra.class, dir.resolve(NativeLibraries.CNNL_EXTRA)));
    }

    @Test
    void devicePropertiesBindTheVersionedSymbol() {
        assertEquals("cnrtGetDeviceProperties_V3", NativeLibraries.SYMBOLS.get("cnrtGetDeviceProperties"));
        NativeLibraries.Outcome o = NativeLibraries.load(List.of(FakeDouble.DIR));
        assertTrue(o.loaded().isPresent(), o.reason());
        FakeDouble.load().fake_reset();
        FakeDouble.load().fake_set_capability(5, 0);
        byte[] prop = new byte[Cnrt.DEVICE_PROP_BYTES];
        assertEquals(0, o.loaded().get().cnrt().cnrtGetDeviceProperties(prop, 0));
        assertEquals("MLU590 (Dayzero test double)", NativeLibraries.cString(prop));
        assertEquals(1, FakeDouble.load().fake_calls("cnrtGetDeviceProperties_V3"));
        assertTrue(o.loaded().get().testDouble(), "the double's marker symbol must be seen");
    }

    @Test
    void missingLibrariesGiveOneSentence() {
        NativeLibraries.Outcome o = NativeLibraries.load(List.of(Path.of("/nonexistent/neuware/lib64")));
        assertTrue(o.loaded().isEmpty());
        assertTrue(o.reason().startsWith("libcnrt.so not found in [/nonexistent/neuware/lib64]"), o.reason());
    }
}
