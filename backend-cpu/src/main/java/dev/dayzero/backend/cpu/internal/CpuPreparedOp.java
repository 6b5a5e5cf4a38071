package dev.dayzero.backend.cpu.internal;

import dev.dayzero.hal.AbstractPreparedOp;
import dev.dayzero.hal.host.HostBuffer;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.op.OpSpec;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** A spec made ready on the CPU: binding sizes the kernel's scratch memory once per launch. */
final class CpuPreparedOp extends AbstractPreparedOp<CpuDevice, OpSpec, HostBuffer> {

    /** Launches whose allocations {@link #notes} looks at: the most recent, past the warm-up's interpreted runs. */
    static final int WATCHED = 8;
    /** Heap bytes a launch may allocate (futures, lambdas) before its code counts as boxing: normal is ~5 KB. */
    static final long BOXING_BYTES = 64 << 10;

    private final long[] recent = new long[WATCHED]; // bytes allocated by the last launches, a ring
    private long launched;

    CpuPreparedOp(CpuDevice device, OpSpec spec) {
        super(CpuDevice.VENDOR, device, spec);
    }

    /** Launches recorded by {@link #allocated}. */
    synchronized long launchesSeen() {
        return launched;
    }

    /** Records the heap bytes one launch allocated (its caller's and the pool threads'). */
    synchronized void allocated(long bytes) {
        recent[(int) (launched++ % WATCHED)] = bytes;
    }

    @Override
    public Launch bind(List<DeviceBuffer> operands) {
        checkBind(operands);
        HostBuffer[] buffers = buffers(operands, HostBuffer[]::new);
        Kernel kernel = Kernels.create(spec, device);
        return launches.add(new CpuLaunch(this, device, kernel, buffers));
    }

    @Override
    public List<String> notes() {
        String how = "pure Java on " + device.config().threads() + " thread(s), "
                + (device.config().useVectorApi() ? "Vector API " + device.simd().name() : "plain loops (JIT auto-vectorised)")
                + "; F32 accumulation";
        return boxingNote().map(n -> List.of(how, n)).orElse(List.of(how));
    }

    /**
     * A note when each of the last {@value #WATCHED} launches (all but the first, when fewer ran: a launch of a
     * second or more) allocated more than {@value #BOXING_BYTES} bytes: the JIT compiled the kernel with its vectors
     * boxed (a C2 inlining limit, met or not from one JVM to the next), which runs it several times slower than its
     * compiled speed. Empty before the second launch.
     */
    synchronized Optional<String> boxingNote() {
        int window = (int) Math.min(launched - 1, WATCHED); // never the first launch alone: it may be interpreted
        if (window < 1) {
            return Optional.empty();
        }
        long least = Long.MAX_VALUE;
        for (int i = 1; i <= window; i++) {
            least = Math.min(least, recent[(int) ((launched - i) % WATCHED)]);
        }
        if (least <= BOXING_BYTES) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "the kernel allocated at least %.1f MB of Java heap a launch "
                + "(last %d launch%s): the JIT compiled it with boxed vectors, so this figure is below its compiled "
                + "speed; JIT compilation differs from one JVM to the next: run again", least / 1e6, window,
                window == 1 ? "" : "es"));
    }

    @Override
    protected void checkDevice() {
        device.checkOpen();
    }

    @Override
    protected HostBuffer checkBuffer(DeviceBuffer buffer, String what) {
        return device.checkBuffer(buffer, what);
    }
}
