package dev.dayzero.bench.report;

import dev.dayzero.bench.measure.MeasureOptions;
import dev.dayzero.bench.measure.Stats;
import dev.dayzero.bench.measure.Timing;
import dev.dayzero.bench.results.BackendEntry;
import dev.dayzero.bench.results.CaseRecord;
import dev.dayzero.bench.results.Derived;
import dev.dayzero.bench.results.HostInfo;
import dev.dayzero.bench.results.ResultsFile;
import dev.dayzero.bench.results.RunInfo;
import dev.dayzero.bench.results.SupportAnswer;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.DeviceInfo;
import dev.dayzero.hal.Support;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import dev.dayzero.tck.CaseStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Hand-made results files whose figures are easy to check by hand. */
final class ReportFixtures {
    /** Compute-bound on an H100 (intensity ≈ 1365 FLOP/byte, above the 295 ridge). */
    static final MoeGemmSpec GEMM = MoeGemmSpec.contiguous(MoeGemmSpec.Type.BF16, 4096, 4096, List.of(4096));
    /** Memory-bound (intensity ≈ 0.66 FLOP/byte). */
    static final QuantizeSpec QUANT = new QuantizeSpec(4096, 7168, DType.BF16, DType.F8_E4M3FN,
            QuantizeSpec.perGroup(128), DType.F32);
    static final DeviceInfo H100 = new DeviceInfo("cuda", 0, "NVIDIA", "NVIDIA H100 80GB HBM3", "sm_90", 80L << 30, 132,
            "580.65", "13.0", 50L << 20, false, Map.of());
    static final DeviceInfo DOUBLE = new DeviceInfo("ascend", 0, "Huawei", "Ascend910B3", "Ascend910B3", 64L << 30, 20,
            "", "8.0", 0, true, Map.of());
    static final DeviceInfo MYSTERY = new DeviceInfo("mystery", 0, "Nobody", "Chip X1", "x1", 1L << 30, 1, "", "", 0,
            false, Map.of());

    private ReportFixtures() {
    }

    /** A record of {@code spec} on {@code device}, timed so that its median is {@code medianMs}. */
    static CaseRecord timed(String caseId, OpSpec spec, DeviceInfo device, double medianMs) {
        Timing t = new Timing(Timing.DEVICE_EVENTS, false, 0, false, 3, 1.0, List.of(medianMs, medianMs, medianMs),
                Stats.of(medianMs, medianMs, medianMs), "target-rsd", 3 * medianMs, List.of());
        return CaseRecord.builder(caseId, spec, device.backendId()).workload("model-a", "decode", spec.family(), "", 1)
                .device(device.ordinal(), device.name(), device.emulated()).support(SupportAnswer.of(Support.supported()))
                .ran(spec).status(CaseStatus.PASSED, "ok").timing(t, Derived.of(spec, t)).build();
    }

    static CaseRecord status(String caseId, OpSpec spec, DeviceInfo device, CaseStatus status, String message) {
        return CaseRecord.builder(caseId, spec, device.backendId()).workload("model-a", "decode", spec.family(), "", 1)
                .device(device.ordinal(), device.name(), device.emulated()).status(status, message).build();
    }

    /** Median (ms) at which {@code spec} reaches {@code tflops}. */
    static double msFor(OpSpec spec, double tflops) {
        return spec.flops() / (tflops * 1e12) * 1e3;
    }

    static LoadedRun run(String host, String startedAt, List<DeviceInfo> devices, List<CaseRecord> cases) {
        List<BackendEntry> backends = new ArrayList<>();
        for (DeviceInfo d : devices) {
            backends.add(new BackendEntry(d.backendId(), d.ordinal(), true, "", Map.of(), List.of(d)));
        }
        RunInfo info = new RunInfo("0.1.0", "0123456789abcdef", "run --model model-a", startedAt, startedAt, false,
                Duration.ofMinutes(10), true, true, MeasureOptions.defaults());
        HostInfo hostInfo = new HostInfo("Linux", "6", "amd64", "Test CPU", 2, 1L << 34, "vendor", "17", "vm", host);
        return new LoadedRun(Path.of(host + "-" + startedAt.substring(0, 10) + ".json"),
                ResultsFile.of(info, hostInfo, backends, cases));
    }
}
