package dev.dayzero.backend.ascend;

import dev.dayzero.hal.Device;
import dev.dayzero.tck.ConformanceCase;
import dev.dayzero.tck.ConformanceKit;
import dev.dayzero.tck.StandardCases;
import java.util.List;

/**
 * The kit's DeepSeek-V4 attention cases against the double reporting an Atlas A3 ({@code Ascend910_9382}), with
 * vllm-ascend 0.21's package (SparseAttnSharedkv and its metadata step are A3-only, so
 * {@link AscendDoubleConformanceTest}'s Ascend910B3 skips them). Cases the operator cannot run are skipped by
 * the kit with the backend's reason; the FP8 / lse cases are checked as their BF16, no-lse alternative.
 */
class AscendDoubleA3ConformanceTest extends ConformanceKit {
    @Override
    protected Device openDevice() {
        return SharedKvDoubleTest.open(SharedKvDoubleTest.A3, TestDouble.V021_OPP);
    }

    @Override
    protected List<ConformanceCase> cases() {
        return StandardCases.deepseekV4Attention();
    }
}
