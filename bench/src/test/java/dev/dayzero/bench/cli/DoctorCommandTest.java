package dev.dayzero.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.bench.fault.FaultBackendProvider;
import dev.dayzero.bench.results.HostInfo;
import dev.dayzero.bench.workload.WorkloadCase;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DoctorCommandTest {

    @Test
    void onThisMachineCpuRunsAndTheVendorBackendsSayWhyNot() {
        CliTestSupport r = CliTestSupport.run("doctor", "--backend", "cpu,cuda,ascend,cambricon", "--worker-heap", "1g");
        String md = r.out();
        assertTrue(md.startsWith("## dayzero doctor"), md + r.err());
        // the families the CPU backend has always run pass; the exit code is the cpu row's verdict (the vendor
        // backends, unavailable here, are no failure), so a family the CPU backend cannot run yet shows up as such
        for (String family : List.of("quantize", "moe-gemm", "attention")) {
            assertTrue(md.matches("(?s).*\\| " + family + " \\| [^|]+ \\| passed \\|.*"), family + " passes on cpu: " + md);
        }
        int expected = md.contains("| cpu | passed: ") ? ExitCode.OK : md.contains("| cpu | FAILED: ") ? ExitCode.FAILED
                : ExitCode.CRASHED;
        assertEquals(expected, r.exitCode(), md);
        assertTrue(md.contains("| no native library |"), "cpu binds nothing native: " + md);
        assertTrue(md.contains("| cuda | unavailable: libcuda.so.1 not found: no NVIDIA driver on this machine"), md);
        assertTrue(md.contains("| ascend | unavailable: libascendcl.so not found"), md);
        assertTrue(md.contains("| cambricon | unavailable: libcnrt.so not found"), md);
        assertTrue(md.contains("not checked: no library"), "no library, so no symbol to look up: " + md);
        for (WorkloadCase c : DoctorCommand.smallestOfEachFamily(CaseCatalog.standard())) {
            assertTrue(md.contains("| " + c.spec().family() + " | " + c.id() + " | "), c.id() + " ran on cpu: " + md);
        }
        assertTrue(md.contains("Exit " + expected + ": "), md);
        assertTrue(r.err().contains("doctor: cpu: probing"), "progress goes to stderr: " + r.err());
        assertFalse(md.contains("doctor: cpu:"), "stdout is only the Markdown");
        String hostname = HostInfo.current().hostname();
        assertFalse(hostname.length() > 3 && md.contains(hostname), "the summary names no host");
    }

    @Test
    void aChildThatCrashesIsReportedAsCrashedNotThrown() {
        System.setProperty(FaultBackendProvider.CRASH_BINDINGS_PROPERTY, "true");
        try {
            CliTestSupport r = CliTestSupport.run("doctor", "--backend", FaultBackendProvider.ID, "--worker-heap", "512m");
            assertEquals(ExitCode.CRASHED, r.exitCode(), r.out() + r.err());
            assertTrue(r.out().contains("| fault | CRASHED: the child JVM"), r.out());
            assertTrue(r.out().contains("died while resolving the bound symbols"), r.out());
            assertTrue(r.out().contains("SIGSEGV"), "the JVM's crash banner is kept: " + r.out());
            assertTrue(r.out().contains("fault test double"), "the probe answered before the crash: " + r.out());
            assertTrue(r.out().contains("Exit 3"), r.out());
        } finally {
            System.clearProperty(FaultBackendProvider.CRASH_BINDINGS_PROPERTY);
        }
    }

    @Test
    void anUnknownBackendIsBadInput() {
        CliTestSupport r = CliTestSupport.run("doctor", "--backend", "tpu");
        assertEquals(ExitCode.BAD_INPUT, r.exitCode());
        assertTrue(r.err().contains("tpu") && r.err().contains("cpu"), "names the known backends: " + r.err());
    }

    @Test
    void oneSmallestCasePerFamily() {
        List<WorkloadCase> all = CaseCatalog.standard();
        List<WorkloadCase> picked = DoctorCommand.smallestOfEachFamily(all);
        Set<String> families = all.stream().map(c -> c.spec().family()).collect(Collectors.toSet());
        assertEquals(families.size(), picked.size());
        assertEquals(families, picked.stream().map(c -> c.spec().family()).collect(Collectors.toSet()));
        for (WorkloadCase p : picked) {
            for (WorkloadCase c : all) {
                if (c.spec().family().equals(p.spec().family())) {
                    assertTrue(p.spec().flops() <= c.spec().flops(), p.id() + " is not smaller than " + c.id());
                }
            }
        }
    }
}
