package ${package};

import dev.dayzero.hal.DeviceInfo;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.Support;
import dev.dayzero.hal.host.HostMemoryDevice;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import java.util.Map;

/**
 * One ${vendorName} device. The skeleton keeps everything in host memory, using hal-api's host-memory classes:
 * {@code allocate} gives a {@code byte[]} per buffer, streams run work when it is enqueued, events read
 * {@code System.nanoTime}. Replace them call by call with your runtime's, in this order as it comes up:
 * <ol>
 *   <li>{@code allocate} / {@code DeviceBuffer.write, read, fill, copyFrom}: device malloc and copies (extend
 *       {@code dev.dayzero.hal.AbstractDevice} instead of {@code HostMemoryDevice} when you do);</li>
 *   <li>{@code newStream} / {@code Stream.record, synchronize}: your queues;</li>
 *   <li>{@code newEvent} / {@code Event.millisSince}: device timestamps (the harness times launches with them);</li>
 *   <li>{@code graphCapture()}: optional, where your runtime can capture and replay launches.</li>
 * </ol>
 * The kit's {@code spi/*} checks cover each of these.
 */
final class ${className}Device extends HostMemoryDevice {
    /** Vendor tag of this backend's exceptions. */
    static final String VENDOR = "${vendorName}";

    private final DeviceInfo info;

    ${className}Device(int ordinal) {
        super(VENDOR, "${backendId} device " + ordinal);
        this.info = describe(ordinal);
    }

    /** What {@code dayzero backends} and results files show of the device. */
    static DeviceInfo describe(int ordinal) {
        // TODO: your device's name, architecture, memory, compute units, driver and runtime versions, L2 size
        return new DeviceInfo(${className}BackendProvider.ID, ordinal, VENDOR, "${vendorName} skeleton (host memory)",
                "host", Runtime.getRuntime().maxMemory(), 1, "", "", 0,
                true, // emulated: reports keep its numbers apart from real chips' until this is real hardware
                Map.of());
    }

    @Override
    public DeviceInfo info() {
        return info;
    }

    /**
     * Whether this exact spec will run here. Say why not, in one sentence naming the missing capability; offer an
     * alternative with {@code Support.alternative(spec, reason)} where you run a close variant.
     */
    @Override
    public Support supports(OpSpec spec) {
        if (spec instanceof QuantizeSpec) {
            return Support.supported();
        }
        return Support.unsupported("the ${vendorName} skeleton implements quantize only; " + spec.family()
                + " is not written yet");
    }

    @Override
    public PreparedOp prepare(OpSpec spec) {
        checkOpen();
        refuseUnsupported(spec);
        return own(new QuantizeOp(this, (QuantizeSpec) spec));
    }
}
