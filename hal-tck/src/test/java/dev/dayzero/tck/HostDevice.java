package dev.dayzero.tck;

import dev.dayzero.hal.DeviceInfo;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.Support;
import dev.dayzero.hal.host.HostMemoryDevice;
import dev.dayzero.hal.host.HostPreparedOp;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.GemmSpec;
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
final class HostDevice extends HostMemoryDevice {
    /** Computes outputs from inputs; the default is the oracle over every valid row. */
    interface Kernel {
        void run(OpSpec spec, List<HostTensor> inputs, List<HostTensor> outputs);
    }

    private final Kernel kernel;
    private final Function<OpSpec, Support> support;
    HostDevice(Kernel kernel, Function<OpSpec, Support> support) {
        super("test", "the oracle double");
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
                : spec instanceof GemmSpec g ? Oracle.gemm(g, in, rows)
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
    public Support supports(OpSpec spec) {
        return support.apply(spec);
    }

    @Override
    public PreparedOp prepare(OpSpec spec) {
        checkOpen();
        return own(new HostPreparedOp<OpSpec>("test", this, spec) {
            @Override
            protected void run(ByteBuffer[] operands) {
                List<TensorSpec> all = spec.operands();
                List<HostTensor> in = new ArrayList<>();
                List<HostTensor> out = new ArrayList<>();
                for (int i = 0; i < all.size(); i++) {
                    HostTensor t = new HostTensor(all.get(i), operands[i]);
                    (i < spec.inputs().size() ? in : out).add(t);
                }
                kernel.run(spec, in, out);
            }
        });
    }
}
