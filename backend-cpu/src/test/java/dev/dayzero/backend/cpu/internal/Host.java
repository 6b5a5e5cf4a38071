package dev.dayzero.backend.cpu.internal;

import dev.dayzero.hal.Bf16;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.hal.op.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Test helper: host tensors as little-endian byte buffers, and one-shot runs of a spec on a device. */
final class Host {
    private Host() {
    }

    static ByteBuffer bytes(long n) {
        return ByteBuffer.allocate(Math.toIntExact(n)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Random BF16 values in [-1, 1); returns the buffer, {@code values} receives the decoded values. */
    static ByteBuffer bf16(Random rnd, float[] values) {
        ByteBuffer b = bytes(values.length * 2L);
        for (int i = 0; i < values.length; i++) {
            short code = Bf16.encode(rnd.nextFloat() * 2 - 1);
            values[i] = Bf16.decode(code);
            b.putShort(i * 2, code);
        }
        return b;
    }

    static ByteBuffer ints(int... v) {
        ByteBuffer b = bytes(v.length * 4L);
        for (int i = 0; i < v.length; i++) {
            b.putInt(i * 4, v[i]);
        }
        return b;
    }

    static ByteBuffer floats(float... v) {
        ByteBuffer b = bytes(v.length * 4L);
        for (int i = 0; i < v.length; i++) {
            b.putFloat(i * 4, v[i]);
        }
        return b;
    }

    /**
     * Runs {@code spec} once with {@code inputs}; outputs start filled with {@code fill}. Returns the
     * outputs' bytes, and closes everything it allocated.
     */
    static List<ByteBuffer> run(CpuDevice d, OpSpec spec, List<ByteBuffer> inputs, byte fill) {
        List<DeviceBuffer> bufs = new ArrayList<>();
        try {
            for (ByteBuffer in : inputs) {
                DeviceBuffer b = d.allocate(in.capacity());
                b.write(0, in.duplicate().clear());
                bufs.add(b);
            }
            for (TensorSpec t : spec.outputs()) {
                DeviceBuffer b = d.allocate(t.bytes());
                b.fill(d.defaultStream(), fill);
                bufs.add(b);
            }
            try (PreparedOp op = d.prepare(spec); PreparedOp.Launch launch = op.bind(bufs)) {
                launch.enqueue(d.defaultStream());
                d.defaultStream().synchronize();
            }
            List<ByteBuffer> outs = new ArrayList<>();
            for (int i = inputs.size(); i < bufs.size(); i++) {
                ByteBuffer o = bytes(bufs.get(i).size());
                bufs.get(i).read(0, o);
                outs.add(o.clear());
            }
            return outs;
        } finally {
            bufs.forEach(DeviceBuffer::close);
        }
    }
}
