package dev.dayzero.bench.worker;

import dev.dayzero.bench.fault.FaultBackendProvider;
import dev.dayzero.bench.measure.MeasureOptions;
import dev.dayzero.bench.workload.WorkloadCase;
import dev.dayzero.hal.op.MoeGemmSpec;
import java.time.Duration;
import java.util.List;

/** Small MoE GEMM cases for the fault backend, whose behaviour the spec's {@code n} picks. */
final class FaultCases {
    private FaultCases() {
    }

    /** Short timing so tests stay fast. */
    static final MeasureOptions QUICK = new MeasureOptions(Duration.ofMillis(5), 3, Duration.ofMillis(20),
            Duration.ofMillis(100), MeasureOptions.DEFAULT_TARGET_RSD, false, true);

    static MoeGemmSpec gemm(int n) {
        return MoeGemmSpec.contiguous(MoeGemmSpec.Type.BF16, n, 128, List.of(3, 5));
    }

    static WorkloadCase of(String name, int n) {
        return WorkloadCase.of("fault/" + name, "fault-model", "decode", name, gemm(n), "test");
    }

    static WorkloadCase fp8(String name) {
        return WorkloadCase.of("fault/" + name, "fault-model", "decode", name,
                MoeGemmSpec.contiguous(MoeGemmSpec.Type.FP8_BLOCK, 16, 128, List.of(3, 5)), "test");
    }

    /** A correct case whose plan claims more memory than the fault device has. */
    static WorkloadCase tooBig(String name) {
        WorkloadCase c = of(name, 8);
        return new WorkloadCase(c.id(), c.model(), c.phase(), c.operator(), c.spec(), c.seed(),
                2 * FaultBackendProvider.MEMORY_BYTES, c.origin());
    }

    /** Worker settings for tests: a small heap, and a start-up that fails fast. */
    static WorkerSettings worker() {
        return WorkerSettings.inherit("512m").withStartupTimeout(Duration.ofSeconds(30));
    }
}
