package dev.dayzero.backend.cuda.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.dayzero.backend.cuda.CudaEmulator;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.GraphCapture;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.Stream;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.IndexerSpec.KeyType;
import dev.dayzero.tck.data.HostTensor;
import dev.dayzero.tck.data.InputGenerator;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An indexer top-k is two kernels (logits into a workspace, then top-k) behind one launch: the plan is uploaded at
 * prepare, the workspace allocated at bind (outside any timed or captured enqueue) and freed with the launch;
 * captured into a graph and replayed, the launch gives the bytes a direct launch gives. On the CUDA emulator.
 */
class IndexerGraphReplayEmulatedTest {

    @Test
    void pagedTopKAllocatesItsWorkspaceAtBindAndReplaysFromAGraph() {
        check(IndexerSpec.PagedIndexerTopK.of(List.of(700, 3), 2, 8, 64, KeyType.FP8, 1, 100));
    }

    @Test
    void prefillTopKAllocatesItsWorkspaceAtBindAndReplaysFromAGraph() {
        check(new IndexerSpec.IndexerTopK(List.of(150, 20), 4, 32, KeyType.BF16, 16));
    }

    @Test
    void logitsNeedNoWorkspace() {
        check(new IndexerSpec.IndexerLogits(IndexerSpec.PagedKeys.of(List.of(90, 3), 1, 4, 32, KeyType.BF16, 16, 1)));
    }

    private static void check(IndexerSpec spec) {
        try (Device device = CudaEmulator.open()) {
            List<HostTensor> inputs = InputGenerator.generate(spec, 7);
            List<DeviceBuffer> buffers = new ArrayList<>();
            for (HostTensor in : inputs) {
                DeviceBuffer b = device.allocate(Math.max(1, in.spec().bytes()));
                b.write(0, in.bytes());
                buffers.add(b);
            }
            DeviceBuffer out = device.allocate(spec.outputs().get(0).bytes());
            buffers.add(out);
            long before = device.allocatedBytes();
            Stream stream = device.defaultStream();
            try (PreparedOp op = device.prepare(spec)) {
                IndexerOp indexer = (IndexerOp) op;
                long plan = 4L * indexer.plan().blocks() * IndexerPlan.ITEM_INTS;
                assertEquals(before + plan, device.allocatedBytes(), "the plan is uploaded at prepare");
                try (PreparedOp.Launch launch = op.bind(buffers)) {
                    assertEquals(before + plan + IndexerOp.workspaceBytes(spec), device.allocatedBytes(),
                            "the workspace is allocated at bind");
                    byte[] direct = run(out, stream, () -> launch.enqueue(stream));
                    assertFalse(allFill(direct), "the launch wrote the output");
                    GraphCapture capture = device.graphCapture().orElseThrow();
                    try (GraphCapture.Graph graph = capture.capture(stream, () -> launch.enqueue(stream))) {
                        assertEquals(before + plan + IndexerOp.workspaceBytes(spec), device.allocatedBytes(),
                                "capture allocates nothing");
                        byte[] replayed = run(out, stream, () -> graph.replay(stream));
                        assertArrayEquals(direct, replayed);
                    }
                }
                assertEquals(before + plan, device.allocatedBytes(), "closing the launch frees the workspace");
            }
            assertEquals(before, device.allocatedBytes(), "closing the operator frees its plan");
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
