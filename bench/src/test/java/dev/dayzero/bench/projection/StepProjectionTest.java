package dev.dayzero.bench.projection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.bench.measure.Stats;
import dev.dayzero.bench.measure.Timing;
import dev.dayzero.bench.results.CaseRecord;
import dev.dayzero.hal.op.GemmSpec;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The projection's arithmetic on hand-made results: one good device, one failed, one unsupported, one alternative. */
class StepProjectionTest {

    private static final String STEP = "m/decode/b8/ctx4096/tp2-ep8/uniform";

    private static CaseRecord rec(String backend, String operator, OpSpec spec, String status, double medianMs,
                                  int runs, boolean emulated) {
        CaseRecord.Builder b = CaseRecord.builder(STEP + "/" + operator, spec, backend)
                .workload("m", "decode", operator, "test", 1)
                .device(0, backend + "-device", emulated)
                .status(status, "")
                .runsPerStep(runs);
        if (!Double.isNaN(medianMs)) {
            Stats s = Stats.of(medianMs, medianMs, medianMs);
            b.timing(new Timing(Timing.DEVICE_EVENTS, false, 0, false, 1, 0, List.of(medianMs, medianMs, medianMs), s,
                    "test", 0, List.of()), null);
        }
        return b.build();
    }

    private static final OpSpec GEMM = GemmSpec.of(GemmSpec.Type.BF16, 8, 256, 256);
    private static final OpSpec QUANT = new QuantizeSpec(8, 256, dev.dayzero.hal.DType.BF16,
            dev.dayzero.hal.DType.F8_E4M3FN, QuantizeSpec.perGroup(128), dev.dayzero.hal.DType.F32);

    @Test
    void sumsMedianTimesRunsPerStepByFamilyAndDividesTheBatch() {
        List<CaseRecord> rs = new ArrayList<>();
        rs.add(rec("good", "gemm-o", GEMM, "passed", 0.25, 61, false));
        rs.add(rec("good", "quantize-x", QUANT, "passed", 0.01, 58, false));
        rs.add(rec("good", "gemm-lm-head", GEMM, "passed", 1.5, 1, false));
        // a case outside the step (runs 0) is not counted whatever its status
        rs.add(rec("good", "attention-bf16", GEMM, "unsupported", Double.NaN, 0, false));
        List<StepProjection> ps = StepProjection.project(rs);
        assertEquals(1, ps.size());
        StepProjection p = ps.get(0);
        assertEquals(StepProjection.State.PROJECTED, p.state());
        // 0.25 x 61 + 0.01 x 58 + 1.5 x 1 = 15.25 + 0.58 + 1.5 = 17.33 ms
        assertEquals(17.33, p.stepMs(), 1e-9);
        assertEquals(Map.of("gemm", 16.75, "quantize", 0.58).keySet(), p.msByFamily().keySet());
        assertEquals(16.75, p.msByFamily().get("gemm"), 1e-9);
        assertEquals(0.58, p.msByFamily().get("quantize"), 1e-9);
        // 8 sequences / 17.33 ms = 461.6 tok/s a rank; tp2-ep8: 8 devices, dp = 8 / 2 = 4 ranks
        assertEquals(8 * 1000.0 / 17.33, p.tokensPerSecondPerRank(), 1e-9);
        assertEquals(4, p.dpRanks());
        assertEquals(4 * 8 * 1000.0 / 17.33, p.tokensPerSecondPerDeployment(), 1e-9);
        assertTrue(p.line().contains("17.330 ms"), p.line());
    }

    @Test
    void aFailedOrUnsupportedCaseBlocksThatDeviceAndIsNamed() {
        List<CaseRecord> rs = List.of(
                rec("failing", "gemm-o", GEMM, "passed", 0.2, 10, false),
                rec("failing", "gemm-q-b", GEMM, "failed-numerics", 0.2, 10, false),
                rec("unsup", "gemm-o", GEMM, "passed", 0.2, 10, false),
                rec("unsup", "attention-csa-fp8", GEMM, "unsupported", Double.NaN, 21, false));
        List<StepProjection> ps = StepProjection.project(rs);
        assertEquals(2, ps.size());
        StepProjection failing = ps.get(0);
        assertEquals(StepProjection.State.BLOCKED, failing.state());
        assertEquals(List.of("gemm-q-b (failed-numerics)"), failing.blockedBy());
        assertTrue(Double.isNaN(failing.tokensPerSecondPerRank()));
        StepProjection unsup = ps.get(1);
        assertEquals(StepProjection.State.BLOCKED, unsup.state());
        assertTrue(unsup.line().contains("attention-csa-fp8 (unsupported)"), unsup.line());
    }

    @Test
    void anAlternativeCountsWithItsTimeAndIsSaidAndEmulatedDevicesGetNone() {
        List<CaseRecord> rs = List.of(
                rec("alt", "gemm-o", GEMM, "passed", 0.5, 4, false),
                rec("alt", "moe-gate-up-fp8", GEMM, "alternative-only", 2.0, 3, false),
                rec("emu", "gemm-o", GEMM, "passed", 0.5, 4, true));
        List<StepProjection> ps = StepProjection.project(rs);
        StepProjection alt = ps.get(0);
        assertEquals(StepProjection.State.PROJECTED, alt.state());
        assertEquals(0.5 * 4 + 2.0 * 3, alt.stepMs(), 1e-9);
        assertEquals(List.of("moe-gate-up-fp8"), alt.alternatives());
        assertTrue(alt.line().contains("alternative"), alt.line());
        StepProjection emu = ps.get(1);
        assertEquals(StepProjection.State.EMULATED, emu.state());
        assertTrue(Double.isNaN(emu.stepMs()));
    }
}
