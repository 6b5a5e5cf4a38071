package dev.dayzero.backend.ascend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.Device;
import dev.dayzero.tck.CaseResult;
import dev.dayzero.tck.CaseStatus;
import dev.dayzero.tck.ConformanceCase;
import dev.dayzero.tck.ConformanceRunner;
import dev.dayzero.tck.StandardCases;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Sparse MLA where DeepSeek-V3.2's custom SparseFlashAttention package is installed: the double's
 * {@code libcust_opapi.so} under {@code target/native/opp/vendors/dayzero/op_api/lib}, found through
 * {@code ASCEND_CUSTOM_OPP_PATH}. (Without it, {@link AscendDoubleConformanceTest} sees the two sparse cases
 * unsupported, naming the missing symbol.)
 */
class SparseMlaDoubleTest {
    private static final Path OPP = TestDouble.DIR.resolve("opp");

    @Test
    void standardSparseCasesPassThroughTheCustomOperator() {
        TestDouble.assumeBuilt();
        Assumptions.assumeTrue(Files.isRegularFile(OPP.resolve("vendors/dayzero/op_api/lib/libcust_opapi.so")),
                "gcc not available: the custom-op double was not built");
        TestDouble.Runtime rt = TestDouble.runtime();
        long live = rt.fake_live_resources();
        try (Device d = new AscendBackendProvider(TestDouble.config().withCustomOppPath(OPP.toString())).open(0)) {
            assertEquals("true", d.info().properties().get("sparseFlashAttention"));
            int checked = 0;
            for (ConformanceCase c : StandardCases.all()) {
                if (!c.id().contains("sparse-mla")) {
                    continue;
                }
                CaseResult r = ConformanceRunner.run(d, c);
                System.out.println("[sparse-mla] " + r.summary());
                boolean fp8 = c.id().contains("fp8");
                assertEquals(fp8 ? CaseStatus.ALTERNATIVE_ONLY : CaseStatus.PASSED, r.status(), r.summary());
                assertEquals("PA_BSND", rt.fake_recorded_str("layoutKv"));
                assertEquals(2, TestDouble.recorded("attentionMode"));
                assertEquals(1, TestDouble.recorded("sparseBlockSize"));
                assertTrue(r.notes().stream().anyMatch(n -> n.contains("identity block table")), r.notes().toString());
                checked++;
            }
            assertEquals(2, checked);
            assertEquals(0, d.allocatedBytes());
        }
        assertEquals(live, rt.fake_live_resources());
    }
}
