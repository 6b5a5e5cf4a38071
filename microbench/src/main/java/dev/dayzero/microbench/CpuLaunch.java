package dev.dayzero.microbench;

import dev.dayzero.backend.cpu.CpuBackendProvider;
import dev.dayzero.backend.cpu.CpuConfig;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.Stream;
import dev.dayzero.hal.op.OpSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** The CPU device a benchmark times and one bound launch of its spec: what every CPU benchmark's setup builds. */
final class CpuLaunch implements AutoCloseable {
    private final Device device;
    private final Stream stream;
    private final PreparedOp.Launch launch;

    /** Operand i is written from {@code contents.get(i)}; operands past the list (the outputs) stay as allocated. */
    CpuLaunch(OpSpec spec, boolean vectorApi, List<ByteBuffer> contents) {
        device = new CpuBackendProvider().open(CpuConfig.resolve(null, vectorApi));
        stream = device.defaultStream();
        List<DeviceBuffer> buffers = new ArrayList<>();
        for (int i = 0; i < spec.operands().size(); i++) {
            DeviceBuffer b = device.allocate(spec.operands().get(i).bytes());
            if (i < contents.size()) {
                b.write(0, contents.get(i));
            }
            buffers.add(b);
        }
        launch = device.prepare(spec).bind(buffers);
    }

    /** A little-endian buffer of {@code bytes} bytes to fill. */
    static ByteBuffer buffer(long bytes) {
        return ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The device the launch runs on. */
    Device device() {
        return device;
    }

    /** One launch, waited for: what each benchmark invocation times. */
    PreparedOp.Launch run() {
        launch.enqueue(stream);
        stream.synchronize();
        return launch;
    }

    @Override
    public void close() {
        device.close();
    }
}
