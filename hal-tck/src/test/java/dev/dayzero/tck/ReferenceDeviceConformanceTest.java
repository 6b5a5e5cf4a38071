package dev.dayzero.tck;

import dev.dayzero.hal.Device;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.KvCacheType;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import java.util.List;

/** The JUnit entry point itself, run on the oracle double with small cases (the full list is slow there). */
class ReferenceDeviceConformanceTest extends ConformanceKit {
    @Override
    protected Device openDevice() {
        return HostDevice.reference();
    }

    @Override
    protected List<ConformanceCase> cases() {
        return List.of(
                new ConformanceCase("small/quantize", new QuantizeSpec(4, 256, DType.F32, DType.I8,
                        QuantizeSpec.perToken(), DType.UE8M0), 1, "small"),
                new ConformanceCase("small/moe", MoeGemmSpec.contiguous(MoeGemmSpec.Type.INT8_W8A8, 32, 64,
                        List.of(1, 2)), 2, "small"),
                new ConformanceCase("small/mla", AttentionSpec.LatentDecode.deepseek(List.of(10), 2, 1,
                        KvCacheType.BF16), 3, "small"));
    }
}
