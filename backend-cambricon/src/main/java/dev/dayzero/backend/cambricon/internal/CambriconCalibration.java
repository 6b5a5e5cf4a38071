package dev.dayzero.backend.cambricon.internal;

import dev.dayzero.hal.Calibration;
import dev.dayzero.hal.RoofMeter;
import dev.dayzero.hal.op.GemmSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An MLU's roofs, through the calls the backend already makes.
 *
 * <ul>
 *   <li><b>Bandwidth</b>: {@code cnrtMemcpyAsync_V3(..., cnrtMemcpyDevToDev)} of a 1 GiB buffer into another (far
 *       beyond the L2; scaled by effort, at most a quarter of the free memory each, from {@code cnrtMemGetInfo}) on
 *       a queue, each copy between two notifiers ({@code cnrtPlaceNotifier}); STREAM counts 2 × bytes per copy;
 *       best of 20 after a warm-up ({@link RoofMeter#copy}). The interval is read with
 *       {@code cnrtNotifierElapsedTime} (software time, ms), not the backend's usual {@code cnrtNotifierDuration}:
 *       CNRT only guarantees hardware time for intervals holding a kernel, and a copy is not one.</li>
 *   <li><b>Peak</b>: BF16 on the backend's dense GEMM, {@code cnnlMatMul_v2} (BF16 in and out, float
 *       accumulation), square 8192³ (edge scaled by ∛effort), random operands, 10 launches between two notifiers
 *       read with {@code cnrtNotifierDuration} (hardware time of the kernels), best of 5 after a warm-up
 *       ({@link RoofMeter#gemm}). Where the generation has no BF16 GEMM (MLU300) there is no peak, and the notes
 *       say why. No FP8 (the backend binds no FP8 matmul: {@code cnnlMatMul_v2} has none) and no INT8 (the backend
 *       has no INT8 GEMM on Cambricon).</li>
 * </ul>
 * {@link CambriconDevice#calibration()} hands this out for real MLUs only. Nothing here has run on a Cambricon
 * chip: tests run it through the ABI test double to check the calls and the frees, never a speed.
 */
final class CambriconCalibration implements Calibration {
    private final CambriconDevice device;
    private final List<String> notes = new ArrayList<>();

    CambriconCalibration(CambriconDevice device) {
        this.device = device;
    }

    @Override
    public List<String> notes() {
        return List.copyOf(notes);
    }

    @Override
    public Roofs measure(double effort) {
        RoofMeter.checkEffort(effort);
        notes.clear();
        device.checkOpen();
        device.select();
        long[] free = new long[1];
        long[] total = new long[1];
        device.natives().check(device.natives().cnrt().cnrtMemGetInfo(free, total), "cnrtMemGetInfo");
        long bytes = RoofMeter.copyBytes(RoofMeter.COPY_BYTES, effort, free[0]);
        Figure bandwidth = RoofMeter.copy(device, bytes, RoofMeter.count(RoofMeter.COPY_REPS, effort, 3),
                "cnrtMemcpyAsync_V3 cnrtMemcpyDevToDev on a queue between two notifiers, read by"
                        + " cnrtNotifierElapsedTime (software time)",
                (start, end) -> ((MluNotifier) end).wallMillisSince((MluNotifier) start)).figure();
        Map<String, Figure> peaks = new LinkedHashMap<>();
        int n = edge(RoofMeter.gemmEdge(RoofMeter.GEMM_EDGE, effort, 128, 256), free[0]);
        RoofMeter.gemmPeak(device, peaks, notes, "bf16", GemmSpec.of(GemmSpec.Type.BF16, n, n, n),
                RoofMeter.count(RoofMeter.GEMM_LAUNCHES, effort, 2), RoofMeter.count(RoofMeter.GEMM_REPS, effort, 2),
                "cnnlMatMul_v2 (backend-cambricon's dense GEMM, BF16 in and out, float accumulation) between notifiers"
                        + " read by cnrtNotifierDuration (hardware time)");
        notes.add("fp8 not measured: backend-cambricon binds no FP8 matmul (cnnlMatMul_v2 has no FP8)");
        notes.add("int8 not measured: backend-cambricon has no INT8 GEMM");
        return new Roofs(Optional.of(bandwidth), peaks);
    }

    /** The largest edge up to {@code n}, halving, whose BF16 x, w and out take at most half of {@code free}; ≥ 128. */
    static int edge(int n, long free) {
        return RoofMeter.fitEdge(n, 6, free);
    }
}
