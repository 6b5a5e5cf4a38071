package dev.dayzero.backend.ascend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.NativeLibrary;
import dev.dayzero.backend.ascend.jna.AscendCl;
import dev.dayzero.backend.ascend.jna.AscendLibraries;
import dev.dayzero.backend.ascend.jna.NnopBase;
import dev.dayzero.backend.ascend.jna.OpApi;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * On a machine with real CANN (found through {@link AscendConfig#resolve()}): every function the bindings
 * declare resolves in the installed libraries. The first thing to run on a 910B; skipped elsewhere.
 */
@Tag("npu")
class RealCannBindingTest {
    @Test
    void everyDeclaredFunctionResolves() {
        AscendLibraries.Result r = AscendLibraries.load(AscendConfig.resolve());
        Assumptions.assumeTrue(r.loaded().isPresent(), r.reason());
        AscendLibraries.Loaded libs = r.loaded().get();
        Assumptions.assumeFalse(libs.testDouble(), "the configured CANN is the test double, not a real install");
        NativeLibrary cl = NativeLibrary.getInstance(libs.directory().resolve("libascendcl.so").toString());
        NativeLibrary nn = NativeLibrary.getInstance(libs.directory().resolve("libnnopbase.so").toString());
        List<String> missing = new ArrayList<>();
        for (Method m : AscendCl.class.getDeclaredMethods()) {
            resolve(cl, m.getName(), missing);
        }
        for (Method m : NnopBase.class.getDeclaredMethods()) {
            resolve(nn, m.getName(), missing);
        }
        for (Method m : OpApi.class.getDeclaredMethods()) {
            if (!libs.hasSymbol(m.getName())) {
                missing.add(m.getName());
            }
        }
        // DsaOps: only where an install exports SparseFlashAttention or LightningIndexer, and then in that file
        for (String op : List.of("aclnnSparseFlashAttention", "aclnnLightningIndexer")) {
            for (java.nio.file.Path file : libs.filesExporting(op + "GetWorkspaceSize")) {
                if (libs.filesExporting(op).stream().noneMatch(file::equals)) {
                    missing.add(op + " in " + file);
                }
            }
        }
        assertEquals(List.of(), missing, "functions not exported by " + libs.directory() + " / " + libs.opFiles());
    }

    private static void resolve(NativeLibrary lib, String name, List<String> missing) {
        try {
            lib.getFunction(name);
        } catch (UnsatisfiedLinkError e) {
            missing.add(name);
        }
    }
}
