package ${package};

import dev.dayzero.hal.DType;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.Probe;
import dev.dayzero.hal.op.QuantizeSpec;
import dev.dayzero.tck.ConformanceCase;
import dev.dayzero.tck.ConformanceKit;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Dayzero's conformance kit on this backend: every standard case (skipped with the reason where
 * {@code supports} says no), the {@code spi/*} checks of buffers, streams, events and graph capture, and the cases
 * of {@link #vendorCases()}. Surefire names each by its case id. The build fails when every case is skipped
 * ({@code dayzero.kit.failIfNothingChecked} in the POM).
 */
class ${className}ConformanceTest extends ConformanceKit {

    @Override
    protected Device openDevice() {
        ${className}BackendProvider provider = new ${className}BackendProvider();
        Probe probe = provider.probe();
        Assumptions.assumeTrue(probe.available(), probe.reason()); // no device here: skip, with the reason
        return provider.open(0);
    }

    /** Your own spec variants, checked against the same oracle; ids name them in Surefire's reports. */
    @Override
    protected List<ConformanceCase> vendorCases() {
        return List.of(ConformanceCase.of("${backendId}/quantize/e4m3-group64-ue8m0",
                new QuantizeSpec(40, 1536, DType.BF16, DType.F8_E4M3FN, QuantizeSpec.perGroup(64), DType.UE8M0),
                "a variant of our own: 1x64 groups, power-of-two scales"));
    }
}
