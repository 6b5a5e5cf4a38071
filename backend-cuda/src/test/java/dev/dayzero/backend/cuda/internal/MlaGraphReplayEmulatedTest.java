package dev.dayzero.backend.cuda.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.backend.cuda.CudaEmulator;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.GraphCapture;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.Stream;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.KvCacheType;
import dev.dayzero.hal.op.TensorSpec;
import dev.dayzero.tck.data.HostTensor;
import dev.dayzero.tck.data.InputGenerator;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A split MLA decode is two kernels (main and merge) behind one launch: captured into a graph and replayed, it
 * gives the bytes a direct launch gives, and closing the operator frees its plan and split-KV workspace. On the
 * CUDA emulator (4 SMs, so the long sequence is split).
 */
class MlaGraphReplayEmulatedTest {

    @Test
    void aSplitLaunchReplaysFromAGraphAndFreesItsWorkspace() {
        AttentionSpec.LatentDecode spec = AttentionSpec.LatentDecode.deepseek(List.of(700, 3), 16, 1,
                KvCacheType.BF16);
        try (Device device = CudaEmulator.open()) {
            List<HostTensor> inputs = InputGenerator.generate(spec, 99);
            List<DeviceBuffer> buffers = new ArrayList<>();
            for (HostTensor in : inputs) {
                DeviceBuffer b = device.allocate(in.spec().bytes());
                b.write(0, in.bytes());
                buffers.add(b);
            }
            TensorSpec outSpec = spec.outputs().get(0);
            DeviceBuffer out = device.allocate(outSpec.bytes());
            buffers.add(out);
            long before = device.allocatedBytes();
            Stream stream = device.defaultStream();
            try (PreparedOp op = device.prepare(spec)) {
                assertTrue(op.notes().stream().anyMatch(n -> n.contains("split-KV")), op.notes().toString());
                assertTrue(device.allocatedBytes() > before, "plan and workspace on the device");
                try (PreparedOp.Launch launch = op.bind(buffers)) {
                    byte[] direct = run(out, stream, () -> launch.enqueue(stream));
                    GraphCapture capture = device.graphCapture().orElseThrow();
                    try (GraphCapture.Graph graph = capture.capture(stream, () -> launch.enqueue(stream))) {
                        byte[] replayed = run(out, stream, () -> graph.replay(stream));
                        assertArrayEquals(direct, replayed);
                        assertFalse(allFill(direct), "the launch wrote the output");
                    }
                }
            }
            assertEquals(before, device.allocatedBytes(), "closing the operator frees its device memory");
            buffers.forEach(DeviceBuffer::close);
        }
    }

    private static byte[] run(DeviceBuffer out, Stream stream, Runnable launch) {
        byte[] fill = new byte[Math.toIntExact(out.size())];
        Arrays.fill(fill, (byte) 0xFF);
        out.write(0, ByteBuffer.wrap(fill));
        launch.run();
        stream.synchronize();
        ByteBuffer got = ByteBuffer.allocate(fill.length);
        out.read(0, got);
        return got.array();
    }

    private static boolean allFill(byte[] bytes) {
        for (byte b : bytes) {
            if (b != (byte) 0xFF) {
                return false;
            }
        }
        return true;
    }
}
