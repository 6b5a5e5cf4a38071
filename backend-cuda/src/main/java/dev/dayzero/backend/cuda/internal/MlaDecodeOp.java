package dev.dayzero.backend.cuda.internal;

import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.op.AttentionSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link AttentionSpec.LatentDecode} (BF16 or FP8 FlashMLA KV cache) on {@code mla_decode.cu}'s
 * {@code dz_mla_dense_*} kernels: a block computes 64 consecutive (query, head) rows of one sequence (both MTP
 * queries share each KV tile; causal masking per row) against a range of its 64-token tiles, on tensor cores.
 * See {@link MlaKernel} and {@link MlaPlan} for the launch and the split-KV plan.
 */
final class MlaDecodeOp extends CudaOp<AttentionSpec.LatentDecode> {
    private final MlaKernel kernel;

    MlaDecodeOp(CudaDevice device, AttentionSpec.LatentDecode spec) {
        this(device, spec, MlaKernel.Config.of(device.info()));
    }

    MlaDecodeOp(CudaDevice device, AttentionSpec.LatentDecode spec, MlaKernel.Config config) {
        super(device, spec);
        this.kernel = new MlaKernel(device, spec.describe(), false, spec.kvCache(), units(spec), spec.valueDim(),
                config);
    }

    /** The work: for each sequence, its {@code Sq·Hq} rows in blocks of 64, against all its tiles. */
    static List<MlaPlan.Unit> units(AttentionSpec.LatentDecode spec) {
        int rowsPerSeq = spec.queriesPerSeq() * spec.numHeads();
        List<MlaPlan.Unit> units = new ArrayList<>();
        for (int b = 0; b < spec.batch(); b++) {
            int tiles = (spec.seqLens().get(b) + MlaPlan.TILE - 1) / MlaPlan.TILE;
            for (int r = 0; r < rowsPerSeq; r += MlaPlan.ROWS) {
                units.add(new MlaPlan.Unit(b * rowsPerSeq + r, Math.min(MlaPlan.ROWS, rowsPerSeq - r), b, r, tiles));
            }
        }
        return units;
    }

    @Override
    public List<String> notes() {
        return kernel.notes();
    }

    @Override
    public Launch bind(List<DeviceBuffer> operands) {
        checkBind(operands);
        return kernel.bind(launches, buffer(operands, 0), buffer(operands, 1), buffer(operands, 2),
                address(operands, 3), buffer(operands, 4), spec.queriesPerSeq(), spec.numHeads(),
                spec.headDim(), spec.pageSize(), spec.maxBlocks(), spec.causal(),
                (long) spec.numPages() * spec.pageSize(), spec.softmaxScale());
    }

    @Override
    protected List<Throwable> release() {
        return kernel.free();
    }
}
