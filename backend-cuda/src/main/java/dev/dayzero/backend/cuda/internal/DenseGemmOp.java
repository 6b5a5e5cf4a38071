package dev.dayzero.backend.cuda.internal;

import dev.dayzero.hal.AbstractLaunch;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.Stream;
import dev.dayzero.hal.op.GemmSpec;
import dev.dayzero.hal.op.MoeGemmSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@link GemmSpec} (F32 scales) on the MoE GEMM's paths: a dense batched GEMM of {@code B} entries of {@code M}
 * rows has the bytes of the contiguous {@link MoeGemmSpec} of {@code B} experts with {@code M} rows each
 * ({@code x [B, M, K]} = {@code [B·M, K]}, scales likewise, {@code w [B, N, K]} = {@code [E, N, K]}, out likewise).
 * So it runs on whatever the MoE route picks — {@link CublasLtMoeGemmOp} (one {@code cublasLtMatmul} per entry)
 * or {@link MoeGemmOp} (the tensor-core kernel, the INT8 kernel) — prepared here for {@link #asMoe}; a bind adds
 * the {@code rows_per_expert [B] I32} tensor the MoE operator takes (written once, at bind) and hands the
 * operands on.
 */
final class DenseGemmOp extends CudaOp<GemmSpec> {
    private final PreparedOp moe;

    DenseGemmOp(CudaDevice device, GemmSpec spec, PreparedOp moe) {
        super(device, spec);
        this.moe = owned.add(moe);
    }

    /** The MoE GEMM with the same bytes: one expert per batch entry, {@code M} rows each, contiguous, F32 scales. */
    static MoeGemmSpec asMoe(GemmSpec spec) {
        MoeGemmSpec.Type type = switch (spec.type()) {
            case BF16 -> MoeGemmSpec.Type.BF16;
            case FP8_BLOCK -> MoeGemmSpec.Type.FP8_BLOCK;
            case INT8_W8A8 -> MoeGemmSpec.Type.INT8_W8A8;
        };
        return type == MoeGemmSpec.Type.FP8_BLOCK
                ? MoeGemmSpec.contiguous(type, spec.scaleType(), spec.n(), spec.k(), Collections.nCopies(spec.batch(), spec.m()))
                : MoeGemmSpec.contiguous(type, spec.n(), spec.k(), Collections.nCopies(spec.batch(), spec.m()));
    }

    @Override
    public List<String> notes() {
        List<String> notes = new ArrayList<>();
        notes.add("dense GEMM as a contiguous MoE GEMM of " + spec.batch() + " expert(s) of " + spec.m() + " rows");
        notes.addAll(moe.notes());
        return notes;
    }

    @Override
    public Launch bind(List<DeviceBuffer> operands) {
        checkBind(operands);
        for (int i = 0; i < operands.size(); i++) {
            buffer(operands, i);
        }
        device.enter();
        return addLaunch(new Bound(), b -> b.build(operands));
    }

    private final class Bound extends AbstractLaunch {
        private Launch inner;

        Bound() {
            super(DenseGemmOp.this);
        }

        void build(List<DeviceBuffer> operands) {
            DeviceBuffer counts = parts.add(device.allocate(4L * spec.batch()));
            ByteBuffer bytes = ByteBuffer.allocate(4 * spec.batch()).order(ByteOrder.LITTLE_ENDIAN);
            for (int b = 0; b < spec.batch(); b++) {
                bytes.putInt(spec.m());
            }
            counts.write(0, bytes.flip());
            List<DeviceBuffer> moeOperands = new ArrayList<>(operands.subList(0, operands.size() - 1));
            moeOperands.add(counts);
            moeOperands.add(operands.get(operands.size() - 1));
            inner = parts.add(moe.bind(moeOperands));
        }

        @Override
        public void enqueue(Stream stream) {
            checkOpen();
            inner.enqueue(stream);
        }

        @Override
        protected void beforeClose() {
            device.enterForClose();
        }
    }
}
