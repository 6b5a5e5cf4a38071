package dev.dayzero.backend.cambricon;

import dev.dayzero.backend.cambricon.jna.FakeDouble;
import dev.dayzero.hal.Device;
import dev.dayzero.tck.ConformanceCase;
import dev.dayzero.tck.ConformanceKit;
import dev.dayzero.tck.StandardCases;
import org.junit.jupiter.api.Assumptions;

import java.util.List;

/** The quantize cases at compute capability 6.0, where FP8 codes come from cnnlGroupQuant itself. */
class CambriconDoubleFp8ConformanceTest extends ConformanceKit {
    @Override
    protected Device openDevice() {
        Assumptions.assumeTrue(FakeDouble.built(), FakeDouble.NOT_BUILT);
        FakeDouble.load().fake_set_capability(6, 0);
        return new CambriconBackendProvider(CambriconConfig.ofDirectories(List.of(FakeDouble.DIR))).open(0);
    }

    @Override
    protected List<ConformanceCase> cases() {
        return StandardCases.all().stream().filter(c -> c.id().contains("quantize/")).toList();
    }
}
