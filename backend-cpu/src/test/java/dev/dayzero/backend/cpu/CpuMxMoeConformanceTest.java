package dev.dayzero.backend.cpu;

import dev.dayzero.hal.Device;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.tck.ConformanceCase;
import dev.dayzero.tck.ConformanceKit;
import dev.dayzero.tck.StandardCases;
import java.util.ArrayList;
import java.util.List;

/**
 * The kit's UE8M0 and MXFP4 MoE cases on the CPU backend, on both paths (Vector API and plain), plus small
 * odd shapes (N not a multiple of the 96-row work item, K not a multiple of the 256 K block). The full
 * kit runs them too; this class runs only them, for a quick check.
 */
class CpuMxMoeConformanceTest extends ConformanceKit {
    private static final boolean VECTOR = !Boolean.getBoolean("dayzero.test.plainPath");

    @Override
    protected Device openDevice() {
        return new CpuBackendProvider().open(CpuConfig.resolve(null, VECTOR));
    }

    @Override
    protected List<ConformanceCase> cases() {
        List<ConformanceCase> cases = new ArrayList<>();
        for (ConformanceCase c : StandardCases.all()) {
            if (c.spec() instanceof MoeGemmSpec m && (m.type().isMxfp4() || m.scaleType() == dev.dayzero.hal.DType.UE8M0)) {
                cases.add(c);
            }
        }
        cases.add(new ConformanceCase("small/mxfp4-fp8-odd", MoeGemmSpec.masked(MoeGemmSpec.Type.MXFP4_FP8, 100, 384, 5,
                List.of(5, 0, 2)), 3, "N=100, K=384"));
        cases.add(new ConformanceCase("small/mxfp4-bf16-odd", MoeGemmSpec.contiguous(MoeGemmSpec.Type.MXFP4_BF16, 97, 96,
                List.of(1, 6)), 4, "N=97, K=96"));
        // one-row experts (the in-register 1x4 tile) with a last work item of 6 rows: a group of 4, then 2 alone
        cases.add(new ConformanceCase("small/mxfp4-fp8-b1", MoeGemmSpec.contiguous(MoeGemmSpec.Type.MXFP4_FP8, 102, 128,
                List.of(1, 3, 1)), 5, "N=102, K=128"));
        return cases;
    }
}
