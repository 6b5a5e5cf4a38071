package dev.dayzero.backend.cpu.internal.gemm;

import dev.dayzero.backend.cpu.internal.Bytes;
import dev.dayzero.backend.cpu.internal.CpuDevice;
import dev.dayzero.backend.cpu.internal.Kernel;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Ue8m0;
import dev.dayzero.hal.op.GemmSpec;
import dev.dayzero.hal.op.MoeGemmSpec;
import java.util.Collections;

/**
 * Dense batched GEMM on the MoE kernel: a {@link GemmSpec} of {@code B} entries of {@code M} rows is the
 * contiguous {@link MoeGemmSpec} of {@code B} experts with {@code M} rows each, whose tensors have the same
 * bytes ({@code x [B, M, K]} = {@code [B·M, K]}, scales likewise, {@code w [B, N, K]} = {@code [E, N, K]}). The
 * MoE kernel runs unchanged; this class only maps the operands, passes the per-expert row counts, and turns
 * UE8M0 scales into the F32 scales the MoE kernel reads, once per launch (exact: every UE8M0 value is an F32
 * power of two).
 */
public final class DenseGemmKernel implements Kernel {
    private final GemmSpec spec;
    private final MoeGemmKernel moe;
    private final boolean scaled;
    private final byte[] rowsPerExpert;
    private final byte[] xScaleF32;   // UE8M0 only
    private final byte[] wScaleF32;   // UE8M0 only

    public DenseGemmKernel(GemmSpec spec, CpuDevice device) {
        this.spec = spec;
        this.moe = new MoeGemmKernel(asMoe(spec), device);
        this.scaled = spec.type() != GemmSpec.Type.BF16;
        this.rowsPerExpert = new byte[4 * spec.batch()];
        for (int b = 0; b < spec.batch(); b++) {
            Bytes.putInt(rowsPerExpert, 4 * b, spec.m());
        }
        boolean ue8m0 = spec.type() == GemmSpec.Type.FP8_BLOCK && spec.scaleType() == DType.UE8M0;
        xScaleF32 = ue8m0 ? new byte[Math.toIntExact(4L * spec.batch() * spec.m() * spec.kBlocks())] : null;
        wScaleF32 = ue8m0 ? new byte[Math.toIntExact(4L * spec.batch() * spec.nBlocks() * spec.kBlocks())] : null;
    }

    /** The MoE GEMM with the same bytes: one expert per batch entry, {@code M} rows each, contiguous. */
    public static MoeGemmSpec asMoe(GemmSpec spec) {
        MoeGemmSpec.Type type = switch (spec.type()) {
            case BF16 -> MoeGemmSpec.Type.BF16;
            case FP8_BLOCK -> MoeGemmSpec.Type.FP8_BLOCK;
            case INT8_W8A8 -> MoeGemmSpec.Type.INT8_W8A8;
        };
        return MoeGemmSpec.contiguous(type, spec.n(), spec.k(), Collections.nCopies(spec.batch(), spec.m()));
    }

    @Override
    public void run(byte[][] ops) {
        byte[][] moeOps;
        if (!scaled) {
            moeOps = new byte[][] {ops[0], ops[1], rowsPerExpert, ops[2]};
        } else {
            byte[] xs = ops[1];
            byte[] ws = ops[3];
            if (xScaleF32 != null) {
                toF32(xs, xScaleF32);
                toF32(ws, wScaleF32);
                xs = xScaleF32;
                ws = wScaleF32;
            }
            moeOps = new byte[][] {ops[0], xs, ops[2], ws, rowsPerExpert, ops[4]};
        }
        moe.run(moeOps);
    }

    private static void toF32(byte[] ue8m0, byte[] f32) {
        for (int i = 0; i < f32.length / 4; i++) {
            Bytes.putFloat(f32, 4 * i, Ue8m0.decode(ue8m0[i]));
        }
    }

    GemmSpec spec() {
        return spec;
    }
}
