package dev.dayzero.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.Device;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
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
 * Each case becomes one dynamic test named by its case id (with the Surefire reporter settings of the project's
 * POM, the XML reports and the console name it so too). A case the device does not support is skipped with its
 * reason; a case whose alternative passes is reported as passed (the harness records it as alternative-only).
 * A backend adds cases of its own spec variants with {@link #vendorCases()}. Besides the operators, the
 * {@link SpiCheck}s check the device calls a run makes (copies, {@code fill}, {@code copyFrom}, streams, events,
 * graph capture where offered). After all cases, the device must hold no memory the cases allocated.
 *
 * <p>When every operator case was skipped, nothing was checked: the kit says so in a last test,
 * {@value #NOTHING_CHECKED_ID}, which is skipped with a warning, or fails when the system property
 * {@value #FAIL_IF_NOTHING_CHECKED} is {@code true} (or {@link #failIfNothingChecked()} says so).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ConformanceKit {
    /** System property: {@code true} makes a kit run in which every operator case was skipped fail. */
    public static final String FAIL_IF_NOTHING_CHECKED = "dayzero.kit.failIfNothingChecked";
    /** The id of the last test, which reports a run in which every operator case was skipped. */
    public static final String NOTHING_CHECKED_ID = "kit/something-checked";

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

    /**
     * Cases of the backend's own spec variants (shapes, layouts, dtypes no standard case covers), run after
     * {@link #cases()} and named by their ids. Build them with {@link ConformanceCase#of}; none by default.
     */
    protected List<ConformanceCase> vendorCases() {
        return List.of();
    }

    /**
     * Whether a run in which every operator case was skipped fails ({@code true}) or only warns; by default the
     * system property {@value #FAIL_IF_NOTHING_CHECKED}.
     */
    protected boolean failIfNothingChecked() {
        return Boolean.getBoolean(FAIL_IF_NOTHING_CHECKED);
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
    @DisplayName("conformance")
    final Stream<DynamicTest> conformance() {
        List<ConformanceCase> all = new ArrayList<>(cases());
        all.addAll(vendorCases());
        Set<String> ids = new HashSet<>();
        for (ConformanceCase c : all) {
            if (!ids.add(c.id())) {
                throw new IllegalStateException("two conformance cases share the id '" + c.id() + "'");
            }
        }
        AtomicInteger ran = new AtomicInteger();
        AtomicInteger skipped = new AtomicInteger();
        Stream<DynamicTest> cases = all.stream().map(c -> DynamicTest.dynamicTest(c.id(), () -> {
            CaseResult r = ConformanceRunner.run(device, c);
            report(r);
            if (r.status() == CaseStatus.UNSUPPORTED) {
                skipped.incrementAndGet();
            } else {
                ran.incrementAndGet();
            }
            Assumptions.assumeFalse(r.status() == CaseStatus.UNSUPPORTED, () -> "unsupported: " + r.message());
            assertTrue(r.status().isPass(), r::summary);
        }));
        DynamicTest last = DynamicTest.dynamicTest(NOTHING_CHECKED_ID, () -> {
            if (ran.get() > 0) {
                return;
            }
            String why = "every one of the " + skipped.get() + " operator cases was skipped as unsupported on "
                    + device.info().backendId() + ": the kit checked no operator (add vendorCases() for the variants "
                    + "the backend supports)";
            if (failIfNothingChecked()) {
                org.junit.jupiter.api.Assertions.fail(why);
            }
            System.err.println("[conformance] WARNING: " + why);
            Assumptions.abort("WARNING: " + why + "; set -D" + FAIL_IF_NOTHING_CHECKED + "=true to fail instead");
        });
        return Stream.concat(cases, Stream.of(last));
    }

    /** The device calls besides operators ({@link SpiCheck#all()}), one dynamic test each, named by id. */
    @TestFactory
    @DisplayName("spi")
    final Stream<DynamicTest> spi() {
        return SpiCheck.all().stream().map(c -> DynamicTest.dynamicTest(c.id(), () -> c.run(device)));
    }
}
