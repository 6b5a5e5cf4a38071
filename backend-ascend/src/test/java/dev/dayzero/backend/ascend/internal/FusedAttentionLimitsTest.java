package dev.dayzero.backend.ascend.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.dayzero.backend.ascend.AscendBackendProvider;
import dev.dayzero.backend.ascend.AscendConfig;
import dev.dayzero.backend.ascend.TestDouble;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.NativeCallException;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.Support;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.TensorSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FIA prefill's documented limits by CANN version, the version file, and what the double enforces. */
class FusedAttentionLimitsTest {
    private static final String A2 = "Ascend910B3";
    private static final CannVersion OLD = new CannVersion(Optional.of("8.3.RC1"), 8, 3, "/opt/cann/x86_64-linux/"
            + CannVersion.FILE);
    private static final CannVersion NEW = new CannVersion(Optional.of("9.0.0"), 9, 0, "/opt/cann9/aarch64-linux/"
            + CannVersion.FILE);

    private static AttentionSpec.Prefill prefill(int headDim) {
        return new AttentionSpec.Prefill(List.of(5, 11), 8, 2, headDim, true, AttentionSpec.defaultScale(headDim));
    }

    private static String refusal(String soc, AttentionSpec spec, CannVersion v) {
        return assertInstanceOf(Support.Unsupported.class, SupportRules.answer(soc, spec, DsaOperators.none(), v)).reason();
    }

    @Test
    void olderCannTakesHeadDims128And192Only() {
        assertTrue(SupportRules.answer(A2, prefill(128), DsaOperators.none(), OLD).isSupported());
        assertTrue(SupportRules.answer(A2, prefill(192), DsaOperators.none(), OLD).isSupported(), "Dk = Dv = 192");
        for (int d : new int[] {64, 96, 256, 512}) {
            String r = refusal(A2, prefill(d), OLD);
            assertTrue(r.contains("CANN 8.3.RC1 (/opt/cann/x86_64-linux/ascend_toolkit_install.info) is older than 9.0"), r);
            assertTrue(r.contains("Q_D = K_D = V_D = 128, or Q_D = K_D = 192 with V_D 128 or 192"), r);
            assertTrue(r.endsWith("got Dk=" + d + ", Dv=" + d), r);
        }
        // the same rule on Atlas A3
        assertTrue(refusal("Ascend910_9382", prefill(64), OLD).contains("Atlas A3"));
    }

    @Test
    void newerCannTakesEqualHeadDimsUpTo256() {
        for (int d : new int[] {64, 96, 128, 192, 256}) {
            assertTrue(SupportRules.answer(A2, prefill(d), DsaOperators.none(), NEW).isSupported(), "D = " + d);
        }
        String r = refusal(A2, prefill(320), NEW);
        assertTrue(r.contains("with CANN 9.0.0") && r.contains("Q_D = K_D = V_D <= 256"), r);
        assertTrue(SupportRules.answer(A2, prefill(64), DsaOperators.none(), new CannVersion(Optional.of("9.2.0-beta.2"), 9, 2, "f"))
                .isSupported());
    }

    @Test
    void anUnknownVersionGetsTheStricterRuleAndSaysSo() {
        String r = refusal(A2, prefill(64), CannVersion.unknown("no ascend_toolkit_install.info beside /x/lib64"));
        assertTrue(r.contains("CANN version unknown (no ascend_toolkit_install.info beside /x/lib64), so the stricter"
                + " rule of CANN before 9.0 applies"), r);
        assertTrue(SupportRules.answer(A2, prefill(128), DsaOperators.none()).isSupported(), "the three-argument form: unknown");
        assertFalse(SupportRules.answer(A2, prefill(64), DsaOperators.none()).isSupported());
    }

    @Test
    void ascend950AndTheOtherLimits() {
        assertTrue(SupportRules.answer("Ascend950PR_9599", prefill(320), DsaOperators.none(), OLD).isSupported(),
                "no TND head-dim rule is documented for 950");
        assertTrue(refusal("Ascend950PR_9599", prefill(576), OLD).contains("head dim <= 512"));
        AttentionSpec.Prefill many = new AttentionSpec.Prefill(Collections.nCopies(4097, 1), 8, 8, 128, true,
                AttentionSpec.defaultScale(128));
        assertTrue(refusal(A2, many, NEW).contains("at most 4096 entries in actualSeqLengths"), refusal(A2, many, NEW));
        assertEquals(0, SupportRules.PREFILL_INNER_PRECISE, "GQA in TND takes innerPrecise 0 only");
    }

    @Test
    void theVersionFileIsParsedAndFound(@TempDir Path dir) throws IOException {
        CannVersion v = CannVersion.parse(List.of("package_name=Ascend-cann-toolkit", "version=8.3.RC2",
                "innerversion=V100R001C23SPC002B210", "arch=aarch64"), "f");
        assertEquals(Optional.of("8.3.RC2"), v.text());
        assertEquals(8, v.major());
        assertEquals(3, v.minor());
        assertTrue(v.atLeast(8, 3) && !v.atLeast(8, 5) && !v.atLeast(9, 0));
        assertEquals(9, CannVersion.parse(List.of("version=9.2.0-beta.2"), "f").major());
        assertEquals(0, CannVersion.parse(List.of("version=8.0.T6"), "f").minor());
        assertFalse(CannVersion.parse(List.of("package_name=x"), "f").known());
        assertFalse(CannVersion.parse(List.of("version=latest"), "f").known());
        // <toolkit>/<arch>-linux/lib64 with the file in <arch>-linux
        Path arch = Files.createDirectories(dir.resolve("t1/x86_64-linux/lib64")).getParent();
        Files.writeString(arch.resolve(CannVersion.FILE), "package_name=Ascend-cann-toolkit\nversion=8.1.RC1\n");
        assertEquals(Optional.of("8.1.RC1"), CannVersion.find(arch.resolve("lib64")).text());
        // <toolkit>/lib64 with the file in <toolkit>/aarch64-linux
        Path home = dir.resolve("t2");
        Files.createDirectories(home.resolve("lib64"));
        Files.createDirectories(home.resolve("aarch64-linux"));
        Files.writeString(home.resolve("aarch64-linux").resolve(CannVersion.FILE), "version=8.5.0\n");
        CannVersion found = CannVersion.find(home.resolve("lib64"));
        assertEquals(Optional.of("8.5.0"), found.text());
        assertTrue(found.describe().startsWith("CANN 8.5.0 ("), found.describe());
        CannVersion none = CannVersion.find(Files.createDirectories(dir.resolve("t3/lib64")));
        assertFalse(none.known());
        assertTrue(none.describe().contains("no ascend_toolkit_install.info beside"), none.describe());
    }

    /** A toolkit layout around the double's libraries, with the given version file. */
    private static Path toolkit(Path dir, String version) throws IOException {
        Path lib = Files.createDirectories(dir.resolve("x86_64-linux/lib64"));
        for (String f : List.of("libascendcl.so", "libnnopbase.so", "libopapi.so")) {
            Files.createSymbolicLink(lib.resolve(f), TestDouble.DIR.resolve(f));
        }
        Files.writeString(lib.getParent().resolve(CannVersion.FILE), "package_name=Ascend-cann-toolkit\nversion="
                + version + "\n");
        return lib;
    }

    private static List<DeviceBuffer> operands(Device d, AttentionSpec spec) {
        List<DeviceBuffer> out = new ArrayList<>();
        for (TensorSpec t : spec.operands()) {
            out.add(d.allocate(t.bytes()));
        }
        return out;
    }

    @Test
    void theDeviceAnswersByTheVersionBesideItsLibraries(@TempDir Path dir) throws IOException {
        TestDouble.assumeBuilt();
        Path lib = toolkit(dir, "8.3.RC1");
        try (Device d = new AscendBackendProvider(AscendConfig.only(lib.toString())).open(0)) {
            assertTrue(d.info().properties().get("cannVersion").startsWith("CANN 8.3.RC1 ("), d.info().properties().toString());
            Support.Unsupported u = assertInstanceOf(Support.Unsupported.class, d.supports(prefill(64)));
            assertTrue(u.reason().contains("CANN 8.3.RC1") && u.reason().contains("older than 9.0"), u.reason());
            assertTrue(d.supports(prefill(128)).isSupported());
        }
        // the double's own toolkit file (target/ascend_toolkit_install.info) says 9.0.0
        try (Device d = TestDouble.open()) {
            assertTrue(d.info().properties().get("cannVersion").startsWith("CANN 9.0.0"), d.info().properties().toString());
            assertTrue(d.supports(prefill(64)).isSupported());
        }
    }

    /** The double's FIA control: 0 = the older TND head-dim rule, 1 = the newer (its default). */
    interface FiaRule extends Library {
        void fake_set_fia_tnd_rule(int wide);
    }

    @Test
    void theDoubleRefusesWhatAnOlderCannRefuses() {
        TestDouble.assumeBuilt();
        FiaRule rule = Native.load(TestDouble.DIR.resolve("libopapi.so").toString(), FiaRule.class);
        try (Device d = TestDouble.open()) {
            AttentionSpec.Prefill d64 = prefill(64);
            try (PreparedOp op = d.prepare(d64)) {
                rule.fake_set_fia_tnd_rule(0);
                NativeCallException e = assertThrows(NativeCallException.class, () -> op.bind(operands(d, d64)));
                assertEquals(161002, e.nativeCode().orElseThrow());
                assertTrue(e.getMessage().contains("TND takes Q_D = K_D = V_D = 128"), e.getMessage());
                rule.fake_set_fia_tnd_rule(1);
                op.bind(operands(d, d64)).close();
                assertEquals(0, TestDouble.recorded("innerPrecise"), "prefill passes innerPrecise 0");
            } finally {
                rule.fake_set_fia_tnd_rule(1);
            }
        }
    }
}
