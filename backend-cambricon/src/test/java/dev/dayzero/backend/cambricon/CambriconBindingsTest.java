package dev.dayzero.backend.cambricon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dayzero.backend.cambricon.jna.Cnnl;
import dev.dayzero.backend.cambricon.jna.CnnlExtra;
import dev.dayzero.backend.cambricon.jna.Cnrt;
import dev.dayzero.backend.cambricon.jna.FakeDouble;
import dev.dayzero.backend.cambricon.jna.NativeLibraries;
import dev.dayzero.hal.BindingReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CambriconBackendProvider#bindings()}: what {@code dayzero doctor} shows of CNRT, CNNL and CNNL-Extra. */
class CambriconBindingsTest {

    @Test
    void withoutNeuwareNothingIsLookedUp(@TempDir Path empty) {
        CambriconBackendProvider p = new CambriconBackendProvider(CambriconConfig.ofDirectories(List.of(empty)));
        BindingReport r = p.bindings();
        assertFalse(r.checked());
        assertEquals(p.probe().reason(), r.reason());
    }

    @Test
    void onTheDoubleEveryDeclaredFunctionResolves() {
        assumeTrue(FakeDouble.built(), FakeDouble.NOT_BUILT);
        BindingReport r = new CambriconBackendProvider(CambriconConfig.ofDirectories(List.of(FakeDouble.DIR))).bindings();
        assertTrue(r.checked(), r.reason());
        assertEquals(List.of(NativeLibraries.CNRT, NativeLibraries.CNNL, NativeLibraries.CNNL_EXTRA),
                r.libraries().stream().map(BindingReport.Library::name).toList());
        assertEquals(List.of(NativeLibraries.functions(Cnrt.class), NativeLibraries.functions(Cnnl.class),
                NativeLibraries.functions(CnnlExtra.class)),
                r.libraries().stream().map(BindingReport.Library::functions).toList());
        assertEquals(FakeDouble.DIR.resolve(NativeLibraries.CNNL).toString(), r.libraries().get(1).path());
        assertEquals(List.of(), r.missing());
    }

    @Test
    void aLibraryThatLacksFunctionsIsNamedWithThem(@TempDir Path dir) throws Exception {
        assumeTrue(FakeDouble.built(), FakeDouble.NOT_BUILT);
        Files.copy(FakeDouble.DIR.resolve(NativeLibraries.CNRT), dir.resolve(NativeLibraries.CNRT));
        Files.copy(FakeDouble.DIR.resolve(NativeLibraries.CNNL_EXTRA), dir.resolve(NativeLibraries.CNNL_EXTRA));
        // a libcnnl.so that is really CNNL-Extra: none of CNNL's own functions are there
        Files.copy(FakeDouble.DIR.resolve(NativeLibraries.CNNL_EXTRA), dir.resolve(NativeLibraries.CNNL));
        BindingReport r = new CambriconBackendProvider(CambriconConfig.ofDirectories(List.of(dir))).bindings();
        assertTrue(r.checked(), r.reason());
        assertEquals(List.of(), r.libraries().get(0).missing(), "CNRT is complete");
        List<String> missing = r.libraries().get(1).missing();
        assertTrue(missing.contains("cnnlGetLibVersion") && missing.contains("cnnlCreate"), missing.toString());
        assertTrue(r.missing().contains("libcnnl.so: cnnlGetLibVersion"), r.missing().toString());
    }
}
