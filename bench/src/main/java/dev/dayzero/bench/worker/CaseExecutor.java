package dev.dayzero.bench.worker;

import dev.dayzero.bench.measure.Sampler;
import dev.dayzero.bench.measure.Timing;
import dev.dayzero.bench.results.CaseRecord;
import dev.dayzero.bench.results.Conformance;
import dev.dayzero.bench.results.Derived;
import dev.dayzero.bench.results.SupportAnswer;
import dev.dayzero.bench.workload.WorkloadCase;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.DeviceInfo;
import dev.dayzero.hal.DeviceOutOfMemoryException;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.Support;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.hal.op.TensorSpec;
import dev.dayzero.tck.CaseResult;
import dev.dayzero.tck.CaseStatus;
import dev.dayzero.tck.ConformanceRunner;
import dev.dayzero.tck.data.HostTensor;
import dev.dayzero.tck.data.InputGenerator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Runs one case on an open device, in the worker JVM: support query → memory plan → conformance → timing →
 * leak check, each stage feeding the next and none reaching back.
 *
 * <ul>
 *   <li>Unsupported: recorded with the device's reason; nothing runs.</li>
 *   <li>An alternative spec: everything below runs on the alternative; a pass is recorded
 *       {@code alternative-only}.</li>
 *   <li>Memory plan: when the device knows its memory ({@code DeviceInfo.memoryBytes() > 0}) and the plan
 *       (the case's {@code memoryBytes}, or the alternative's operands) exceeds it, the case is recorded
 *       {@code out-of-memory} with both figures, without trying.</li>
 *   <li>Conformance: {@link ConformanceRunner#check} on the spec that runs.</li>
 *   <li>Timing: whatever ran without a runtime error is timed — passes, and numeric, shape or dtype failures
 *       too (their times are recorded but a report must not show them as a working operator); compile
 *       errors, runtime errors and out-of-memory are not. Without conformance the status is
 *       {@link CaseRecord#NOT_CHECKED}, never a pass. Timing runs on fresh buffers holding the same seeded
 *       inputs; an error during timing turns the status into {@code runtime-error} (or {@code compile-error}
 *       when {@code prepare} failed, {@code out-of-memory} when an allocation did), keeping the conformance
 *       figures.</li>
 *   <li>Leaks: {@code device.allocatedBytes()} is compared before and after; the harness frees all it
 *       allocated, so a rise is the backend's leak and is recorded in {@code leakedBytes} with a note. The
 *       status stays what conformance and timing said: a leak is not a wrong answer.</li>
 * </ul>
 */
public final class CaseExecutor {
    private static final Set<String> TIMED = Set.of(CaseStatus.PASSED.label(), CaseStatus.ALTERNATIVE_ONLY.label(),
            CaseStatus.FAILED_NUMERICS.label(), CaseStatus.FAILED_SHAPE.label(), CaseStatus.FAILED_DTYPE.label(),
            CaseRecord.NOT_CHECKED);

    private final Device device;
    private final String backendId;
    private final DeviceInfo info;

    public CaseExecutor(Device device, String backendId) {
        this.device = Objects.requireNonNull(device, "device");
        this.backendId = Objects.requireNonNull(backendId, "backendId");
        this.info = device.info();
    }

    /** Runs {@code c} and returns its record; never throws for a failure of the backend. */
    public CaseRecord run(WorkloadCase c, CaseOptions options) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        CaseRecord.Builder b = CaseRecord.builder(c.id(), c.spec(), backendId)
                .workload(c.model(), c.phase(), c.operator(), c.origin(), c.seed())
                .device(info.ordinal(), info.name(), info.emulated())
                .memoryBytes(c.memoryBytes())
                .runsPerStep(c.runsPerStep());
        long before = device.allocatedBytes();
        try {
            execute(c, options, b);
        } catch (OutOfMemoryError e) {
            b.status(CaseStatus.OUT_OF_MEMORY, "host heap exhausted: " + e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            b.status(CaseStatus.RUNTIME_ERROR, "harness: " + e);
        }
        long after = device.allocatedBytes();
        if (after > before) {
            b.leakedBytes(after - before).note("leaked " + (after - before) + " bytes of device memory (allocatedBytes "
                    + before + " before the case, " + after + " after)");
        }
        return b.timeWindow(started.toString(), (System.nanoTime() - t0) / 1e6).build();
    }

    private void execute(WorkloadCase c, CaseOptions options, CaseRecord.Builder b) {
        Support support;
        try {
            support = device.supports(c.spec());
        } catch (RuntimeException e) {
            b.status(CaseStatus.RUNTIME_ERROR, "supports() threw " + e);
            return;
        }
        b.support(SupportAnswer.of(support));
        if (support instanceof Support.Unsupported u) {
            b.status(CaseStatus.UNSUPPORTED, u.reason());
            return;
        }
        Support.Alternative alt = support instanceof Support.Alternative a ? a : null;
        OpSpec target = alt != null ? alt.spec() : c.spec();
        long plan = alt != null ? WorkloadCase.memoryOf(target) : c.memoryBytes();
        b.memoryBytes(plan);
        if (info.memoryBytes() > 0 && plan > info.memoryBytes()) {
            b.status(CaseStatus.OUT_OF_MEMORY, "planned " + plan + " bytes of device memory"
                    + (alt != null ? " for the alternative " + target.describe() : "") + " exceed the device's "
                    + info.memoryBytes() + " bytes; not run");
            return;
        }
        String prefix = alt != null ? "alternative " + target.describe() + " (" + alt.reason() + "): " : "";
        if (options.conform()) {
            CaseResult r = ConformanceRunner.check(device, c.id(), target, c.seed());
            CaseStatus status = alt != null && r.status() == CaseStatus.PASSED ? CaseStatus.ALTERNATIVE_ONLY : r.status();
            b.status(status, prefix + r.message()).conformance(Conformance.of(r)).notes(r.notes());
            if (r.ran().isPresent()) {
                b.ran(target);
            }
        } else {
            b.status(CaseRecord.NOT_CHECKED, prefix + "conformance not checked");
        }
        if (options.measure() && TIMED.contains(b.status())) {
            time(target, c.seed(), options, b);
        }
    }

    private void time(OpSpec target, long seed, CaseOptions options, CaseRecord.Builder b) {
        String stage = "allocate";
        List<DeviceBuffer> buffers = new ArrayList<>();
        try {
            for (HostTensor in : InputGenerator.generate(target, seed)) {
                DeviceBuffer buf = device.allocate(Math.max(1, in.spec().bytes()));
                buffers.add(buf);
                buf.write(0, in.bytes());
            }
            for (TensorSpec out : target.outputs()) {
                buffers.add(device.allocate(Math.max(1, out.bytes())));
            }
            stage = "prepare";
            try (PreparedOp op = device.prepare(target)) {
                stage = "launch";
                try (PreparedOp.Launch launch = op.bind(buffers)) {
                    Timing timing = Sampler.measure(device, launch, options.measureOptions());
                    b.ran(target).timing(timing, Derived.of(target, timing));
                    Sampler.cacheResidencyNote(target.bytes(), device.info(), timing.coldCache()).ifPresent(b::note);
                    // the timing op's notes, less those the conformance op already gave (a backend can note
                    // what it saw while timed, as the CPU backend notes boxed vectors)
                    List<String> seen = options.conform() ? b.notesSoFar() : List.of();
                    b.notes(op.notes().stream().filter(n -> !seen.contains(n)).toList());
                }
            }
        } catch (DeviceOutOfMemoryException e) {
            b.status(CaseStatus.OUT_OF_MEMORY, "timing, " + stage + ": " + e.getMessage());
        } catch (RuntimeException e) {
            b.status("prepare".equals(stage) ? CaseStatus.COMPILE_ERROR : CaseStatus.RUNTIME_ERROR,
                    "timing, " + stage + ": " + e);
        } finally {
            for (DeviceBuffer buf : buffers) {
                try {
                    buf.close();
                } catch (RuntimeException e) {
                    b.note("closing a timing buffer failed: " + e);
                }
            }
        }
    }
}
