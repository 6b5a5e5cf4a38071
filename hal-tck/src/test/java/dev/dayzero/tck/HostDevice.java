package dev.dayzero.tck;

import dev.dayzero.hal.Device;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.DeviceInfo;
import dev.dayzero.hal.Event;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.Stream;
import dev.dayzero.hal.Support;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import dev.dayzero.hal.op.TensorSpec;
import dev.dayzero.tck.data.HostTensor;
import dev.dayzero.tck.oracle.Oracle;
import dev.dayzero.tck.oracle.QuantizeReference;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A test double for the kit's own tests: host buffers, and operators computed by the oracle (so a
 * correct run must pass), with hooks to break the result (so the kit must notice).
 */
final class HostDevice implements Device {
    /** Computes outputs from inputs; the default is the oracle over every valid row. */
    interface Kernel {
        void run(OpSpec spec, List<HostTensor> inputs, List<HostTensor> outputs);
    }

    private final Kernel kernel;
    private final Function<OpSpec, Support> support;
    private final List<Buffer> live = new ArrayList<>();
    private boolean closed;

    HostDevice(Kernel kernel, Function<OpSpec, Support> support) {
        this.kernel = kernel;
        this.support = support;
    }

    static HostDevice reference() {
        return new HostDevice(HostDevice::oracleKernel, s -> Support.supported());
    }

    static void oracleKernel(OpSpec spec, List<HostTensor> in, List<HostTensor> out) {
        if (spec instanceof QuantizeSpec q) {
            QuantizeReference ref = Oracle.quantize(q, in.get(0));
            out.get(0).bytes().put(ref.codes());
            out.get(1).bytes().put(ref.scaleBytes());
            return;
        }
        if (spec instanceof IndexerSpec x) {
            indexerKernel(x, in, out);
            return;
        }
        int[] rows = RowSampler.groups(spec).stream()
                .flatMapToInt(g -> java.util.stream.IntStream.range(g.start(), g.start() + g.count())).toArray();
        double[][] values = spec instanceof MoeGemmSpec m ? Oracle.moeGemm(m, in, rows)
                : Oracle.attention((AttentionSpec) spec, in, rows);
        HostTensor o = out.get(0);
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < values[r].length; c++) {
                o.setFloat((long) rows[r] * values[r].length + c, (float) values[r][c]);
            }
        }
    }

    /** The oracle's indexer answer over every row: logits with -inf past each row, or its top-k. */
    static void indexerKernel(IndexerSpec spec, List<HostTensor> in, List<HostTensor> out) {
        int[] rows = java.util.stream.IntStream.range(0, Math.toIntExact(spec.queries())).toArray();
        HostTensor o = out.get(0);
        int width = Math.toIntExact(o.spec().dim(1));
        if (spec instanceof IndexerSpec.IndexerLogits) {
            double[][] s = Oracle.indexerScores(spec, in, rows).logits(width);
            for (int r = 0; r < rows.length; r++) {
                for (int c = 0; c < width; c++) {
                    o.setFloat((long) r * width + c, (float) s[r][c]);
                }
            }
            return;
        }
        int[][] idx = Oracle.indexerTopK(spec, width, in, rows);
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < width; c++) {
                o.setInt((long) r * width + c, idx[r][c]);
            }
        }
    }

    @Override
    public DeviceInfo info() {
        return new DeviceInfo("host", 0, "test", "oracle double", "host", 0, 1, "", "", 0, true, Map.of());
    }

    @Override
    public DeviceBuffer allocate(long bytes) {
        Buffer b = new Buffer(new byte[Math.toIntExact(bytes)]);
        live.add(b);
        return b;
    }

    @Override
    public long allocatedBytes() {
        return live.stream().mapToLong(b -> b.data.length).sum();
    }

    @Override
    public Stream defaultStream() {
        return new Stream() {
            @Override
            public void record(Event event) {
            }

            @Override
            public void synchronize() {
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public Stream newStream() {
        return defaultStream();
    }

    @Override
    public Event newEvent() {
        throw new UnsupportedOperationException("the kit does not time");
    }

    @Override
    public Support supports(OpSpec spec) {
        return support.apply(spec);
    }

    @Override
    public PreparedOp prepare(OpSpec spec) {
        return new PreparedOp() {
            @Override
            public OpSpec spec() {
                return spec;
            }

            @Override
            public Launch bind(List<DeviceBuffer> operands) {
                PreparedOp.checkOperands(spec, operands);
                return new Launch() {
                    @Override
                    public void enqueue(Stream stream) {
                        List<TensorSpec> all = spec.operands();
                        List<HostTensor> in = new ArrayList<>();
                        List<HostTensor> out = new ArrayList<>();
                        for (int i = 0; i < all.size(); i++) {
                            HostTensor t = new HostTensor(all.get(i), ByteBuffer.wrap(((Buffer) operands.get(i)).data));
                            (i < spec.inputs().size() ? in : out).add(t);
                        }
                        kernel.run(spec, in, out);
                    }

                    @Override
                    public void close() {
                    }
                };
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        live.clear();
        closed = true;
    }

    private final class Buffer implements DeviceBuffer {
        final byte[] data;
        boolean bufferClosed;

        Buffer(byte[] data) {
            this.data = data;
        }

        @Override
        public long size() {
            return data.length;
        }

        @Override
        public void write(long offset, ByteBuffer src) {
            src.get(data, (int) offset, src.remaining());
        }

        @Override
        public void read(long offset, ByteBuffer dst) {
            dst.put(data, (int) offset, dst.remaining());
        }

        @Override
        public void fill(Stream stream, byte value) {
            java.util.Arrays.fill(data, value);
        }

        @Override
        public void copyFrom(Stream stream, DeviceBuffer src) {
            System.arraycopy(((Buffer) src).data, 0, data, 0, (int) src.size());
        }

        @Override
        public boolean isClosed() {
            return bufferClosed;
        }

        @Override
        public void close() {
            bufferClosed = true;
            live.remove(this);
        }
    }
}
