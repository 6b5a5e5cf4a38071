package dev.dayzero.backend.ascend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.backend.ascend.jna.AscendCl;
import dev.dayzero.backend.ascend.jna.AscendLibraries;
import dev.dayzero.backend.ascend.jna.NnopBase;
import dev.dayzero.backend.ascend.jna.OpApi;
import dev.dayzero.hal.BindingReport;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link AscendBackendProvider#bindings()}: what {@code dayzero doctor} shows of CANN's libraries. */
class AscendBindingsTest {

    @Test
    void withoutCannNothingIsLookedUp(@TempDir Path empty) {
        AscendConfig config = AscendConfig.resolve(null, k -> null, Map.of("LD_LIBRARY_PATH", empty.toString())::get);
        AscendBackendProvider p = new AscendBackendProvider(config);
        BindingReport r = p.bindings();
        assertFalse(r.checked());
        assertEquals(p.probe().reason(), r.reason());
        assertTrue(r.reason().startsWith("libascendcl.so not found"), r.reason());
    }

    @Test
    void onTheDoubleEveryDeclaredFunctionResolves() {
        TestDouble.assumeBuilt();
        BindingReport r = new AscendBackendProvider(TestDouble.config()).bindings();
        assertTrue(r.checked(), r.reason());
        assertEquals(List.of("libascendcl.so", "libnnopbase.so", "aclnn operator libraries"),
                r.libraries().stream().map(BindingReport.Library::name).toList());
        assertEquals(TestDouble.DIR.resolve("libascendcl.so").toString(), r.libraries().get(0).path());
        assertEquals(List.of(AscendLibraries.functions(AscendCl.class).size(),
                AscendLibraries.functions(NnopBase.class).size(), AscendLibraries.functions(OpApi.class).size()),
                r.libraries().stream().map(BindingReport.Library::functions).toList());
        assertEquals(List.of(), r.missing(), "the double exports every required function");
        String note = r.libraries().get(2).note();
        assertTrue(note.isEmpty() || note.startsWith("optional, absent: aclnnSparseFlashAttention"), note);
    }
}
