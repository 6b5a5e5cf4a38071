package dev.dayzero.backend.cuda.internal;

import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.op.AttentionSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link AttentionSpec.SparseLatentDecode} (DeepSeek-V3.2 DSA, BF16 or FP8 FlashMLA KV cache) on
 * {@code mla_decode.cu}'s {@code dz_mla_sparse_*} kernels: a block computes up to 64 heads of one query against
 * a range of that query's top-k entries, 64 at a time (each query has its own tokens, so MTP queries do not share
 * a block); {@code -1} entries are masked and never read, and a tile of only {@code -1} entries costs no
 * tensor-core work. See {@link MlaKernel} and {@link MlaPlan}.
 */
final class SparseMlaDecodeOp extends CudaOp<AttentionSpec.SparseLatentDecode> {
    private final MlaKernel kernel;

    SparseMlaDecodeOp(CudaDevice device, AttentionSpec.SparseLatentDecode spec) {
        this(device, spec, MlaKernel.Config.of(device.info()));
    }

    SparseMlaDecodeOp(CudaDevice device, AttentionSpec.SparseLatentDecode spec, MlaKernel.Config config) {
        super(device, spec);
        this.kernel = new MlaKernel(device, spec.describe(), true, spec.kvCache(), units(spec), spec.valueDim(),
                config);
    }

    /** The work: for each query, its heads in blocks of 64, against all its top-k entries. */
    static List<MlaPlan.Unit> units(AttentionSpec.SparseLatentDecode spec) {
        int tiles = (spec.topk() + MlaPlan.TILE - 1) / MlaPlan.TILE;
        int hq = spec.numHeads();
        List<MlaPlan.Unit> units = new ArrayList<>();
        for (int b = 0; b < spec.batch(); b++) {
            for (int j = 0; j < spec.queriesPerSeq(); j++) {
                int query = b * spec.queriesPerSeq() + j;
                for (int h = 0; h < hq; h += MlaPlan.ROWS) {
                    units.add(new MlaPlan.Unit(query * hq + h, Math.min(MlaPlan.ROWS, hq - h), b, query, tiles));
                }
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
        return kernel.bind(launches, buffer(operands, 0), buffer(operands, 1), buffer(operands, 2), 0L,
                buffer(operands, 3), spec.queriesPerSeq(), spec.numHeads(), spec.headDim(),
                spec.pageSize(), spec.topk(), false, (long) spec.numPages() * spec.pageSize(), spec.softmaxScale());
    }

    @Override
    protected List<Throwable> release() {
        return kernel.free();
    }
}
