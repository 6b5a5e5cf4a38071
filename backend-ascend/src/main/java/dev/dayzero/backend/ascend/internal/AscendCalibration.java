package dev.dayzero.backend.ascend.internal;

import dev.dayzero.hal.Calibration;
import dev.dayzero.hal.RoofMeter;
import dev.dayzero.hal.op.GemmSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An NPU's roofs, through the calls the backend already makes.
 *
 * <ul>
 *   <li><b>Bandwidth</b>: {@code aclrtMemcpyAsync(..., ACL_MEMCPY_DEVICE_TO_DEVICE, stream)} of a 1 GiB buffer into
 *       another (far beyond the L2; scaled by effort, at most a quarter of the free HBM each, from
 *       {@code aclrtGetMemInfo(ACL_HBM_MEM)}), each copy between two events ({@code aclrtCreateEvent},
 *       {@code aclrtRecordEvent}, {@code aclrtEventElapsedTime}); STREAM counts 2 × bytes per copy; best of 20
 *       after a warm-up ({@link RoofMeter#copy}).</li>
 *   <li><b>Peaks</b>: the backend's dense GEMM, {@code aclnnGroupedMatmulV4} with one group (its
 *       {@link MoeGemmOp}), on a square 8192³ problem (edge scaled by ∛effort), random operands, 10 launches
 *       between two events, best of 5 after a warm-up ({@link RoofMeter#gemm}): BF16, and INT8 (A8W8 with a
 *       per-channel and a per-token scale, BF16 out) where the SoC's rules accept it. No FP8: the backend has no
 *       FP8 GEMM on Ascend.</li>
 * </ul>
 * {@link AscendDevice#calibration()} hands this out for real NPUs only. Nothing here has run on an Ascend chip:
 * tests run it through the ABI test double to check the calls and the frees, never a speed.
 */
final class AscendCalibration implements Calibration {
    private final AscendDevice device;
    private final List<String> notes = new ArrayList<>();

    AscendCalibration(AscendDevice device) {
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
        device.enter();
        long free = device.acl().freeMemory();
        long bytes = RoofMeter.copyBytes(RoofMeter.COPY_BYTES, effort, free);
        Figure bandwidth = RoofMeter.copy(device, bytes, RoofMeter.count(RoofMeter.COPY_REPS, effort, 3),
                "aclrtMemcpyAsync ACL_MEMCPY_DEVICE_TO_DEVICE timed by ACL events (aclrtEventElapsedTime)").figure();
        int n = edge(RoofMeter.gemmEdge(RoofMeter.GEMM_EDGE, effort, 128, 256), free);
        int launches = RoofMeter.count(RoofMeter.GEMM_LAUNCHES, effort, 2);
        int reps = RoofMeter.count(RoofMeter.GEMM_REPS, effort, 2);
        Map<String, Figure> peaks = new LinkedHashMap<>();
        peak(peaks, "bf16", GemmSpec.of(GemmSpec.Type.BF16, n, n, n), launches, reps);
        peak(peaks, "int8", GemmSpec.of(GemmSpec.Type.INT8_W8A8, n, n, n), launches, reps);
        notes.add("fp8 not measured: backend-ascend has no FP8 GEMM");
        return new Roofs(Optional.of(bandwidth), peaks);
    }

    /** The largest edge up to {@code n}, halving, whose BF16 x, w and out take at most half of {@code free}; ≥ 128. */
    static int edge(int n, long free) {
        return RoofMeter.fitEdge(n, 6, free);
    }

    private void peak(Map<String, Figure> peaks, String key, GemmSpec spec, int launches, int reps) {
        RoofMeter.gemmPeak(device, peaks, notes, key, spec, launches, reps,
                "aclnnGroupedMatmulV4 with one group (backend-ascend's dense GEMM)" + (key.equals("int8")
                        ? ", A8W8: per-channel BF16 and per-token FP32 scales, BF16 out" : ""));
    }
}
