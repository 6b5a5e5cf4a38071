package dev.dayzero.backend.ascend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.Device;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.NativeCallException;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.Support;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.hal.op.TensorSpec;
import dev.dayzero.tck.CaseResult;
import dev.dayzero.tck.CaseStatus;
import dev.dayzero.tck.ConformanceCase;
import dev.dayzero.tck.ConformanceRunner;
import dev.dayzero.tck.StandardCases;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DeepSeek-V4's attention through the double's {@code aclnnSparseAttnSharedkv} and its metadata step (vllm-ascend
 * 0.21 install, the double reporting an Atlas A3): the kit's V4 cases that the operator can run pass through the
 * backend's bind-time gather, the attributes and modes reach the operator as the mapping says, and what cannot
 * run is refused with the constraint named.
 */
class SharedKvDoubleTest {
    static final String A3 = "Ascend910_9382";
    static final String CSA_MTP = "deepseek-v4-flash/attention/csa-ctx8k-fp8-mtp";
    static final String SWA_NOSINK = "deepseek-v4-flash/attention/swa-fp8-nosink";
    static final String EMPTY_ROWS = "deepseek-v4-flash/attention/swa-fp8-empty-rows";
    /** Every V4 standard case the A3 mapping takes (as the BF16, no-lse alternative where the spec differs). */
    static final List<String> RUNS = List.of(CSA_MTP, "deepseek-v4-flash/attention/csa-ctx128k-fp8",
            "deepseek-v4-flash/attention/hca-ctx8k-fp8-mtp", EMPTY_ROWS, SWA_NOSINK,
            "deepseek-v4-flash/attention/csa-ctx8k-bf16");

    /** A device on the double reporting {@code soc}, with the given operator package. */
    static Device open(String soc, Path opp) {
        TestDouble.Runtime rt = TestDouble.runtime();
        rt.fake_set_soc(soc);
        try {
            return new AscendBackendProvider(TestDouble.withPackage(opp)).open(0);
        } finally {
            rt.fake_set_soc(null);
        }
    }

    static ConformanceCase standard(String id) {
        return StandardCases.deepseekV4Attention().stream().filter(c -> c.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no standard case " + id));
    }

    static void passes(Device d, String id) {
        CaseResult r = ConformanceRunner.run(d, standard(id));
        System.out.println("[sas] " + r.summary());
        boolean alt = d.supports(standard(id).spec()) instanceof Support.Alternative;
        assertEquals(alt ? CaseStatus.ALTERNATIVE_ONLY : CaseStatus.PASSED, r.status(), r.summary());
    }

    @Test
    void theV4CasesRunThroughTheGatherAndTheMetadataStep() {
        TestDouble.Runtime rt = TestDouble.runtime();
        long live = rt.fake_live_resources();
        try (Device d = open(A3, TestDouble.V021_OPP)) {
            assertTrue(d.info().properties().get("sparseAttnSharedkv").startsWith("from "),
                    d.info().properties().get("sparseAttnSharedkv"));
            for (String id : RUNS) {
                long metaBefore = rt.fake_call_count("aclnnSparseAttnSharedkvMetadata");
                passes(d, id);
                assertTrue(rt.fake_call_count("aclnnSparseAttnSharedkvMetadata") > metaBefore, id + ": metadata step run");
                assertEquals(0, TestDouble.recorded("sas.oriIndicesGiven"), "ori_sparse_indices is never relied on");
                if (id.equals(CSA_MTP)) {
                    assertEquals(6, TestDouble.recorded("sas.batch"), "3 sequences x 2 queries, one TND sequence each");
                    assertEquals(6, TestDouble.recorded("sas.meta.batch"));
                    assertEquals(1, TestDouble.recorded("sas.hasCmp"));
                    assertEquals(4, TestDouble.recorded("sas.cmpRatio"));
                    assertEquals(1, TestDouble.recorded("sas.hasSinks"));
                }
                if (id.equals(SWA_NOSINK)) {
                    assertEquals(0, TestDouble.recorded("sas.hasCmp"), "128 tokens a row: the window alone");
                    assertEquals(1, TestDouble.recorded("sas.cmpRatio"));
                    assertEquals(0, TestDouble.recorded("sas.hasSinks"));
                }
            }
            assertEquals(0, d.allocatedBytes());
        }
        assertEquals(live, rt.fake_live_resources());
    }

    @Test
    void aFailingMetadataStepFailsTheBindAndLeaksNothing() throws Exception {
        TestDouble.Runtime rt = TestDouble.runtime();
        long live = rt.fake_live_resources();
        try (Device d = open(A3, TestDouble.V021_OPP)) {
            OpSpec spec = ((Support.Alternative) d.supports(standard(CSA_MTP).spec())).spec();
            List<DeviceBuffer> bufs = new ArrayList<>();
            for (TensorSpec t : spec.inputs()) {
                bufs.add(d.allocate(t.bytes()));
            }
            for (TensorSpec t : spec.outputs()) {
                bufs.add(d.allocate(t.bytes()));
            }
            for (DeviceBuffer b : bufs) {
                b.fill(d.defaultStream(), (byte) 0);
            }
            d.defaultStream().synchronize();
            try (PreparedOp op = d.prepare(spec)) {
                rt.fake_fail_next("aclnnSparseAttnSharedkvMetadata", 561103);
                NativeCallException e = assertThrows(NativeCallException.class, () -> op.bind(bufs));
                assertTrue(e.getMessage().contains("aclnnSparseAttnSharedkvMetadata"), e.getMessage());
            }
            for (DeviceBuffer b : bufs) {
                b.close();
            }
            assertEquals(0, d.allocatedBytes(), "the failed bind's launch buffers were freed");
        }
        assertEquals(live, rt.fake_live_resources());
    }

    @Test
    void whatTheOperatorCannotRunIsRefusedWithItsConstraint() {
        try (Device d = open(A3, TestDouble.V021_OPP)) {
            for (String id : List.of("deepseek-v4-flash/attention/hca-ctx128k-fp8",
                    "deepseek-v4-pro/attention/csa-fp8-h128-nolse", "deepseek-v3.2/attention/sparse-sharedkv-fp8-v32",
                    "deepseek-v3.2/attention/sparse-sharedkv-bf16-576-extra-sink")) {
                Support.Unsupported u = assertInstanceOf(Support.Unsupported.class, d.supports(standard(id).spec()), id);
                System.out.println("[sas refusal] " + id + ": " + u.reason());
            }
        }
        try (Device d = open(A3, TestDouble.V020_OPP)) {
            Support.Unsupported u = assertInstanceOf(Support.Unsupported.class, d.supports(standard(CSA_MTP).spec()));
            assertTrue(u.reason().contains("aclnnSparseAttnSharedkvGetWorkspaceSize"), u.reason());
        }
        try (Device d = TestDouble.open()) {
            Support.Unsupported u = assertInstanceOf(Support.Unsupported.class, d.supports(standard(CSA_MTP).spec()));
            assertTrue(u.reason().contains("absent") || u.reason().contains("Atlas A3"), u.reason());
        }
        try (Device d = new AscendBackendProvider(TestDouble.withPackage(TestDouble.V021_OPP)).open(0)) {
            Support.Unsupported u = assertInstanceOf(Support.Unsupported.class, d.supports(standard(CSA_MTP).spec()));
            assertTrue(u.reason().contains("Atlas A3 only") && u.reason().contains("Ascend910B3"), u.reason());
        }
    }
}
