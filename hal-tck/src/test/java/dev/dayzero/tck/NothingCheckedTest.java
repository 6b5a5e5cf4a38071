package dev.dayzero.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.DType;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.Support;
import dev.dayzero.hal.op.QuantizeSpec;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * A kit run in which every operator case is unsupported checked nothing: it warns (one skipped test) by default and
 * fails with {@value ConformanceKit#FAIL_IF_NOTHING_CHECKED}; a backend's own case that runs counts as checked.
 */
class NothingCheckedTest {

    /** A device that supports nothing: every standard case is skipped. Run only through the launcher below. */
    static class SupportsNothingKit extends ConformanceKit {
        @Override
        protected Device openDevice() {
            return new HostDevice(HostDevice::oracleKernel, s -> Support.unsupported("nothing here"));
        }

        @Override
        protected List<ConformanceCase> cases() {
            return StandardCases.all().subList(0, 3);
        }
    }

    /** The same, plus a vendor case the device does support. */
    static class OneVendorCaseKit extends ConformanceKit {
        @Override
        protected Device openDevice() {
            return new HostDevice(HostDevice::oracleKernel,
                    s -> s instanceof QuantizeSpec q && q.k() == 64 ? Support.supported() : Support.unsupported("no"));
        }

        @Override
        protected List<ConformanceCase> cases() {
            return StandardCases.all().subList(0, 3);
        }

        @Override
        protected List<ConformanceCase> vendorCases() {
            return List.of(ConformanceCase.of("acme/quantize/small", new QuantizeSpec(4, 64, DType.F32, DType.I8,
                    QuantizeSpec.perToken(), DType.F32), "ours"));
        }
    }

    @AfterEach
    void clear() {
        System.clearProperty(ConformanceKit.FAIL_IF_NOTHING_CHECKED);
    }

    private static TestExecutionSummary run(Class<?> kit) {
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(DiscoverySelectors.selectClass(kit))
                .build(), listener);
        return listener.getSummary();
    }

    @Test
    void everyCaseSkippedWarnsByDefault() {
        TestExecutionSummary s = run(SupportsNothingKit.class);
        assertEquals(0, s.getTotalFailureCount(), s.getFailures().toString());
        assertEquals(5, s.getTestsSkippedCount() + s.getTestsAbortedCount(),
                "3 cases, kit/something-checked and spi/graph-capture (the double has none)");
    }

    @Test
    void everyCaseSkippedFailsWhenAskedTo() {
        System.setProperty(ConformanceKit.FAIL_IF_NOTHING_CHECKED, "true");
        TestExecutionSummary s = run(SupportsNothingKit.class);
        assertEquals(1, s.getTotalFailureCount());
        String message = s.getFailures().get(0).getException().getMessage();
        assertTrue(message.contains("every one of the 3 operator cases was skipped"), message);
        assertTrue(s.getFailures().get(0).getTestIdentifier().getDisplayName().equals(ConformanceKit.NOTHING_CHECKED_ID));
    }

    @Test
    void aVendorCaseThatRunsCountsAndIsNamedById() {
        System.setProperty(ConformanceKit.FAIL_IF_NOTHING_CHECKED, "true");
        TestExecutionSummary s = run(OneVendorCaseKit.class);
        assertEquals(0, s.getTotalFailureCount(), s.getFailures().toString());
        assertTrue(s.getTestsSucceededCount() >= 2, "the vendor case and kit/something-checked (and SPI checks)");
    }
}
