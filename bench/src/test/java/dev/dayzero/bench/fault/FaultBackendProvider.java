package dev.dayzero.bench.fault;

import dev.dayzero.backend.cpu.CpuBackendProvider;
import dev.dayzero.hal.BackendProvider;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.DeviceInfo;
import dev.dayzero.hal.Event;
import dev.dayzero.hal.HalException;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.Probe;
import dev.dayzero.hal.Stream;
import dev.dayzero.hal.Support;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.OpSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A test-only backend (id {@code fault}, registered only in test resources) whose operators misbehave on
 * purpose, chosen by the MoE GEMM spec's {@code n}. It is the CPU backend underneath (host memory, the CPU
 * kernels), so every other spec runs correctly and passes conformance.
 *
 * <ul>
 *   <li>{@code n = 1}: segfault in native code (JNA writes to address 0) on launch;</li>
 *   <li>{@code n = 2}: hang (sleeps forever) on launch;</li>
 *   <li>{@code n = 3}: throws a {@link HalException} on launch;</li>
 *   <li>{@code n = 4}: runs, then overwrites the output with BF16 NaN;</li>
 *   <li>{@code n = 5}: runs correctly but leaks 1 MiB of device memory per launch object;</li>
 *   <li>{@code n = 6}: declared unsupported;</li>
 *   <li>{@link MoeGemmSpec.Type#FP8_BLOCK}: offers the INT8 W8A8 GEMM as the alternative;</li>
 *   <li>{@code n = 7}: runs correctly, 200 ms per launch (slow cases for kill tests).</li>
 * </ul>
 * The device claims 1 GiB of memory, so a case planned above that is refused without running.
 */
public final class FaultBackendProvider implements BackendProvider {
    public static final String ID = "fault";
    public static final int SEGFAULT = 1;
    public static final int HANG = 2;
    public static final int THROW = 3;
    public static final int NAN = 4;
    public static final int LEAK = 5;
    public static final int UNSUPPORTED = 6;
    public static final int SLOW = 7;
    public static final long MEMORY_BYTES = 1L << 30;
    public static final long LEAK_BYTES = 1L << 20;
    /** When true, {@link #bindings()} segfaults (child JVMs inherit {@code dayzero.*} properties). */
    public static final String CRASH_BINDINGS_PROPERTY = "dayzero.test.faultBindingsCrash";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String vendor() {
        return "dayzero-test";
    }

    @Override
    public Probe probe() {
        return Probe.available(ID, List.of(deviceInfo()), Map.of("fault", "1"));
    }

    /** No native library, unless {@link #CRASH_BINDINGS_PROPERTY} asks for a segfault here. */
    @Override
    public dev.dayzero.hal.BindingReport bindings() {
        if (Boolean.getBoolean(CRASH_BINDINGS_PROPERTY)) {
            new com.sun.jna.Pointer(0).setInt(0, 1);
        }
        return dev.dayzero.hal.BindingReport.none(ID);
    }

    static DeviceInfo deviceInfo() {
        return new DeviceInfo(ID, 0, "dayzero-test", "fault test double", "host", MEMORY_BYTES, 1, "", "", 1L << 20,
                true, Map.of("purpose", "fault injection"));
    }

    @Override
    public Device open(int ordinal) {
        if (ordinal != 0) {
            throw new IllegalArgumentException("the fault backend has one device, ordinal 0; got " + ordinal);
        }
        return new FaultDevice(new CpuBackendProvider().open(0));
    }

    /** The CPU device with misbehaving operators. */
    static final class FaultDevice implements Device {
        private final Device cpu;
        private final DeviceInfo info = deviceInfo();

        FaultDevice(Device cpu) {
            this.cpu = cpu;
        }

        @Override
        public DeviceInfo info() {
            return info;
        }

        @Override
        public DeviceBuffer allocate(long bytes) {
            return cpu.allocate(bytes);
        }

        @Override
        public long allocatedBytes() {
            return cpu.allocatedBytes();
        }

        @Override
        public Stream defaultStream() {
            return cpu.defaultStream();
        }

        @Override
        public Stream newStream() {
            return cpu.newStream();
        }

        @Override
        public Event newEvent() {
            return cpu.newEvent();
        }

        @Override
        public Support supports(OpSpec spec) {
            if (spec instanceof MoeGemmSpec m) {
                if (m.n() == UNSUPPORTED) {
                    return Support.unsupported("the fault backend declares n = 6 unsupported");
                }
                if (m.type() == MoeGemmSpec.Type.FP8_BLOCK) {
                    return Support.alternative(m.withType(MoeGemmSpec.Type.INT8_W8A8),
                            "the fault backend has no FP8; INT8 W8A8 instead");
                }
            }
            return cpu.supports(spec);
        }

        @Override
        public PreparedOp prepare(OpSpec spec) {
            Support s = supports(spec);
            if (!s.isSupported()) {
                throw new dev.dayzero.hal.UnsupportedSpecException(ID, s.toString());
            }
            int n = spec instanceof MoeGemmSpec m ? m.n() : 0;
            return new FaultOp(this, cpu.prepare(spec), n);
        }

        @Override
        public boolean isClosed() {
            return cpu.isClosed();
        }

        @Override
        public void close() {
            cpu.close();
        }
    }

    private record FaultOp(FaultDevice device, PreparedOp inner, int n) implements PreparedOp {
        @Override
        public OpSpec spec() {
            return inner.spec();
        }

        @Override
        public Launch bind(List<DeviceBuffer> operands) {
            return new FaultLaunch(device, inner.bind(operands), new ArrayList<>(operands), n);
        }

        @Override
        public List<String> notes() {
            return List.of("fault backend, n = " + n);
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    private static final class FaultLaunch implements PreparedOp.Launch {
        private final FaultDevice device;
        private final PreparedOp.Launch inner;
        private final List<DeviceBuffer> operands;
        private final int n;
        private boolean leaked;

        FaultLaunch(FaultDevice device, PreparedOp.Launch inner, List<DeviceBuffer> operands, int n) {
            this.device = device;
            this.inner = inner;
            this.operands = operands;
            this.n = n;
        }

        @Override
        public void enqueue(Stream stream) {
            switch (n) {
                case SEGFAULT -> new com.sun.jna.Pointer(0).setInt(0, 1);
                case HANG -> {
                    while (true) {
                        try {
                            Thread.sleep(Long.MAX_VALUE);
                        } catch (InterruptedException e) {
                            // keep hanging: only the coordinator's kill ends this
                        }
                    }
                }
                case THROW -> throw new HalException(ID, "injected failure in the fault backend's launch");
                case NAN -> {
                    inner.enqueue(stream);
                    DeviceBuffer out = operands.get(operands.size() - 1);
                    ByteBuffer nan = ByteBuffer.allocate((int) out.size()).order(ByteOrder.LITTLE_ENDIAN);
                    while (nan.remaining() >= 2) {
                        nan.putShort((short) 0x7fc0);
                    }
                    nan.flip();
                    out.write(0, nan);
                }
                case LEAK -> {
                    inner.enqueue(stream);
                    if (!leaked) {
                        leaked = true;
                        device.allocate(LEAK_BYTES); // never closed: the leak
                    }
                }
                case SLOW -> {
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    inner.enqueue(stream);
                }
                default -> inner.enqueue(stream);
            }
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
