package dev.dayzero.backend.cuda.internal;

import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.KvCacheType;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link AttentionSpec.SparsePrefill} (FlashMLA's {@code flash_mla_sparse_fwd}: each token attends to the rows its
 * top-k indices name over one shared latent KV head) on {@code mla_decode.cu}'s {@code dz_mla_sparse_bf16_s*}
 * kernel, which computes exactly that: a block takes up to 64 heads of one query against 64-entry tiles of that
 * query's own index list, {@code -1} entries (and any outside {@code [0, T)}) masked and never read, online softmax
 * in F32, the value being the key's first {@code Dv} columns, zeros for a query with no valid index. Prefill is
 * sparse decode with {@code B = T} queries of one token each and the packed {@code kv [T, 1, Dk]} seen as a cache
 * of {@code T} one-token pages, so that an index is a cache slot: {@code q [T, Hq, Dk]} is the decode kernel's
 * {@code [B, 1, Hq, Dk]}, {@code indices [T, 1, topk]} its {@code [B, 1, topk]}, {@code out} its
 * {@code [B, 1, Hq, Dv]}. No split-KV when the (token, 64-head group) units fill the SMs twice over; otherwise
 * {@link MlaPlan#of} decides as for decode.
 */
final class SparsePrefillOp extends CudaOp<AttentionSpec.SparsePrefill> {
    private final MlaKernel kernel;

    SparsePrefillOp(CudaDevice device, AttentionSpec.SparsePrefill spec) {
        this(device, spec, MlaKernel.Config.of(device.info()));
    }

    SparsePrefillOp(CudaDevice device, AttentionSpec.SparsePrefill spec, MlaKernel.Config config) {
        super(device, spec);
        this.kernel = new MlaKernel(device, spec.describe(), true, KvCacheType.BF16, plan(spec, config.sms()),
                spec.valueDim(), config);
    }

    /** The work: for each token, its heads in blocks of 64, against all its top-k entries. */
    static List<MlaPlan.Unit> units(AttentionSpec.SparsePrefill spec) {
        int tiles = (spec.topk() + MlaPlan.TILE - 1) / MlaPlan.TILE;
        int hq = spec.numHeads();
        int tokens = Math.toIntExact(spec.totalTokens());
        List<MlaPlan.Unit> units = new ArrayList<>();
        for (int t = 0; t < tokens; t++) {
            for (int h = 0; h < hq; h += MlaPlan.ROWS) {
                units.add(new MlaPlan.Unit(t * hq + h, Math.min(MlaPlan.ROWS, hq - h), t, t, tiles));
            }
        }
        return units;
    }

    /** Unsplit when the units number at least twice the SMs; otherwise as decode plans. */
    static MlaPlan plan(AttentionSpec.SparsePrefill spec, int sms) {
        List<MlaPlan.Unit> units = units(spec);
        return units.size() >= 2L * Math.max(1, sms) ? MlaPlan.unsplit(units, sms) : MlaPlan.of(units, sms);
    }

    @Override
    public List<String> notes() {
        List<String> notes = new ArrayList<>(kernel.notes());
        notes.add("sparse prefill as sparse MLA decode over T = " + spec.totalTokens() + " one-token queries, the "
                + "packed kv seen as " + spec.totalTokens() + " one-token pages (indices are its rows)");
        return notes;
    }

    @Override
    public Launch bind(List<DeviceBuffer> operands) {
        checkBind(operands);
        return kernel.bind(launches, buffer(operands, 0), buffer(operands, 1), buffer(operands, 2), 0L,
                buffer(operands, 3), 1, spec.numHeads(), spec.headDim(), 1, spec.topk(), false,
                spec.totalTokens(), spec.softmaxScale());
    }

    @Override
    protected List<Throwable> release() {
        return kernel.free();
    }
}
