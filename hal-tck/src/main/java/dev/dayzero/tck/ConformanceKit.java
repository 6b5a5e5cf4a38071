package dev.dayzero.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.Device;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * The conformance kit as JUnit 5 tests. A backend's test extends it and says how to open its device:
 *
 * <pre>{@code
 * class MyConformanceTest extends ConformanceKit {
 *     @Override
 *     protected Device openDevice() {
 *         return new MyBackendProvider().open(0);
 *     }
 * }
 * }</pre>
 *
 * Each case becomes one dynamic test. A case the device does not support is skipped with its reason; a
 * case whose alternative passes is reported as passed (the harness records it as alternative-only).
 * After all cases, the device must hold no memory the cases allocated.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ConformanceKit {
    private Device device;

    /**
     * Opens the device under test; called once for the class. Skip the whole class when it is not
     * available here: {@code Assumptions.assumeTrue(probe.available(), probe.reason())}.
     */
    protected abstract Device openDevice();

    /** The cases to run; the standard list unless a backend narrows it (and says why). */
    protected List<ConformanceCase> cases() {
        return StandardCases.all();
    }

    /** Called with every case's result; prints its one-line summary (figures, rows checked) by default. */
    protected void report(CaseResult result) {
        System.out.println("[conformance] " + device.info().backendId() + ": " + result.summary());
    }

    @BeforeAll
    final void openDeviceOnce() {
        device = openDevice();
    }

    @AfterAll
    final void closeDevice() {
        if (device == null) {
            return;
        }
        try {
            assertEquals(0, device.allocatedBytes(), "device memory still held after every case closed its buffers");
        } finally {
            device.close();
        }
    }

    @TestFactory
    final Stream<DynamicTest> conformance() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.id(), () -> {
            CaseResult r = ConformanceRunner.run(device, c);
            report(r);
            Assumptions.assumeFalse(r.status() == CaseStatus.UNSUPPORTED, () -> "unsupported: " + r.message());
            assertTrue(r.status().isPass(), r::summary);
        }));
    }
}
