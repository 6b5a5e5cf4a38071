package dev.dayzero.backend.cambricon;

import dev.dayzero.backend.cambricon.jna.FakeDouble;
import dev.dayzero.hal.Device;
import dev.dayzero.tck.ConformanceCase;
import dev.dayzero.tck.ConformanceKit;
import dev.dayzero.tck.StandardCases;
import org.junit.jupiter.api.Assumptions;

import java.util.List;

/**
 * The conformance kit against the ABI double at compute capability 5.0 (MLU590): every mapped case must pass
 * through the real argument mapping; unsupported cases skip with the backend's reason. The two "-sampled"
 * cases (45 GFLOP MoE, 17 GFLOP prefill) are left out: the double's scalar C reference math would take
 * minutes at those shapes, and their smaller siblings exercise the same mapping.
 */
class CambriconDoubleConformanceTest extends ConformanceKit {
    @Override
    protected Device openDevice() {
        Assumptions.assumeTrue(FakeDouble.built(), FakeDouble.NOT_BUILT);
        FakeDouble.load().fake_set_capability(5, 0);
        return new CambriconBackendProvider(CambriconConfig.ofDirectories(List.of(FakeDouble.DIR))).open(0);
    }

    @Override
    protected List<ConformanceCase> cases() {
        return StandardCases.all().stream().filter(c -> !c.id().endsWith("-sampled")).toList();
    }
}
