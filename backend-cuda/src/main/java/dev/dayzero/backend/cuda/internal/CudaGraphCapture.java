package dev.dayzero.backend.cuda.internal;

import dev.dayzero.hal.NativeHandle;
import dev.dayzero.backend.cuda.jna.CudaDriver;
import dev.dayzero.hal.GraphCapture;
import dev.dayzero.hal.Stream;
import java.util.Objects;

/**
 * CUDA graphs: {@code cuStreamBeginCapture_v2} (thread-local mode) on the given stream, the launches, then
 * {@code cuStreamEndCapture} and {@code cuGraphInstantiateWithFlags}. Replay is {@code cuGraphLaunch}. The graph
 * and its executable are owned by the returned {@link Graph}, itself owned by the device.
 */
final class CudaGraphCapture implements GraphCapture {
    private final CudaDevice device;

    CudaGraphCapture(CudaDevice device) {
        this.device = device;
    }

    @Override
    public Graph capture(Stream stream, Runnable launches) {
        Objects.requireNonNull(launches, "launches");
        CudaStream s = device.checkStream(stream);
        device.api().beginCapture(s.handle(), CudaDriver.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL);
        long graph;
        try {
            launches.run();
        } catch (RuntimeException | Error e) {
            try {
                long broken = device.api().endCapture(s.handle());
                if (broken != 0) {
                    device.api().graphDestroy(broken);
                }
            } catch (RuntimeException ignoredAfter) {
                e.addSuppressed(ignoredAfter);
            }
            throw e;
        }
        graph = device.api().endCapture(s.handle());
        NativeHandle g = new NativeHandle("CUDA graph", graph, device.api()::graphDestroy);
        long exec;
        try {
            exec = device.api().instantiate(graph);
        } catch (RuntimeException e) {
            g.close();
            throw e;
        }
        return device.own(new CudaGraph(device, g, new NativeHandle("CUDA graph exec", exec, device.api()::graphExecDestroy)));
    }

    /** A captured, instantiated graph. */
    static final class CudaGraph implements Graph {
        private final CudaDevice device;
        private final NativeHandle graph;
        private final NativeHandle exec;

        CudaGraph(CudaDevice device, NativeHandle graph, NativeHandle exec) {
            this.device = device;
            this.graph = graph;
            this.exec = exec;
        }

        @Override
        public void replay(Stream stream) {
            CudaStream s = device.checkStream(stream);
            device.api().graphLaunch(exec.get(), s.handle());
        }

        @Override
        public void close() {
            if (!exec.isClosed() || !graph.isClosed()) {
                device.enterForClose();
                try {
                    exec.close();
                } finally {
                    try {
                        graph.close();
                    } finally {
                        device.forget(this);
                    }
                }
            }
        }
    }
}
