package dev.dayzero.backend.cuda.internal;

import dev.dayzero.backend.cuda.jna.KernelParams;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.AttentionSpec.KvIndexSet;
import dev.dayzero.hal.op.SharedKvFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link AttentionSpec.SparseSharedKvDecode} (DeepSeek-V4's attention, also V3.2's 656-byte layout) on
 * {@code sharedkv_decode.cu}'s {@code dz_skv_<bf16|fp8_v32|fp8_model1>_s<stages>} kernels, the sparse MLA kernel's
 * body ({@link MlaKernel}, {@link MlaPlan}) with a loader for two caches: a block computes up to 64 heads of one
 * query against a range of that query's tiles, the main cache's {@code ceil(main.lengths[b] / 64)} tiles first,
 * then the extra cache's {@code ceil(extra.lengths[b] / 64)} (the unit's {@code aux} says where the main tiles
 * end). Positions at or past a length are never read, {@code -1} entries are masked. Unsplit blocks write the
 * output, its lse and the sink's factor themselves; split units are merged by {@code dz_skv_combine}, which applies
 * the sink there. A query with no token (both lengths 0, or only {@code -1} entries) gets one all-masked tile and
 * writes 0 and lse {@code +∞}.
 */
final class SharedKvDecodeOp extends CudaOp<AttentionSpec.SparseSharedKvDecode> {
    /** The merge kernel (lse and sink). */
    static final String COMBINE = "dz_skv_combine";

    private final MlaKernel kernel;

    SharedKvDecodeOp(CudaDevice device, AttentionSpec.SparseSharedKvDecode spec) {
        this(device, spec, MlaKernel.Config.of(device.info()));
    }

    SharedKvDecodeOp(CudaDevice device, AttentionSpec.SparseSharedKvDecode spec, MlaKernel.Config config) {
        super(device, spec);
        this.kernel = new MlaKernel(device, spec.describe(), KernelImages.SHAREDKV_DECODE,
                kernelName(spec.format(), config.stages()), COMBINE, MlaPlan.of(units(spec), config.sms()),
                SharedKvFormat.VALUE_DIM, config);
    }

    /** {@code dz_skv_<bf16|fp8_v32|fp8_model1>_s<stages>}. */
    static String kernelName(SharedKvFormat format, int stages) {
        String f = switch (format) {
            case BF16 -> "bf16";
            case FP8_V32 -> "fp8_v32";
            case FP8_MODEL1 -> "fp8_model1";
        };
        return "dz_skv_" + f + "_s" + stages;
    }

    /**
     * The work: for each query, its heads in blocks of 64, against its main tiles then its extra tiles (at least
     * one tile, so that a query with no token still writes its zeros and {@code +∞}).
     */
    static List<MlaPlan.Unit> units(AttentionSpec.SparseSharedKvDecode spec) {
        int hq = spec.numHeads();
        List<MlaPlan.Unit> units = new ArrayList<>();
        for (int b = 0; b < spec.main().batch(); b++) {
            int seq = b;
            int mainTiles = tiles(spec.main(), b);
            int extraTiles = spec.extra().map(x -> tiles(x, seq)).orElse(0);
            int tiles = Math.max(1, mainTiles + extraTiles);
            for (int j = 0; j < spec.queriesPerSeq(); j++) {
                int query = b * spec.queriesPerSeq() + j;
                for (int h = 0; h < hq; h += MlaPlan.ROWS) {
                    units.add(new MlaPlan.Unit(query * hq + h, Math.min(MlaPlan.ROWS, hq - h), b, query, tiles,
                            mainTiles));
                }
            }
        }
        return units;
    }

    private static int tiles(KvIndexSet set, int b) {
        return (set.lengths().get(b) + MlaPlan.TILE - 1) / MlaPlan.TILE;
    }

    @Override
    public List<String> notes() {
        List<String> notes = new ArrayList<>(kernel.notes());
        notes.add("value = the first 512 of the token's " + spec.headDim() + " dequantized values"
                + (spec.valueHasRope() ? " (RoPE dims included)" : "") + "; lse" + (spec.returnLse() ? "" : " not")
                + " written" + (spec.sink() ? "; sink factor 1/(1 + e^(sink - lse)) on out" : ""));
        return notes;
    }

    @Override
    public Launch bind(List<DeviceBuffer> operands) {
        checkBind(operands);
        int n = spec.inputs().size();
        long q = address(operands, 0);
        long out = address(operands, n);
        long lse = spec.returnLse() ? address(operands, n + 1) : 0;
        long sink = spec.sink() ? address(operands, n - 1) : 0;
        KernelParams p = new KernelParams(25)
                .address(0, q)
                .address(1, out)
                .address(2, lse)
                .address(3, sink)
                .address(4, kernel.itemsAddress())
                .address(5, kernel.partOAddress())
                .address(6, kernel.partMlAddress());
        cache(p, 7, spec.main(), operands, 1);
        Optional<KvIndexSet> extra = spec.extra();
        if (extra.isPresent()) {
            cache(p, 14, extra.get(), operands, 4);
        } else {
            p.address(14, 0).address(15, 0).address(16, 0).int32(17, 0).int32(18, 1).int64(19, 0).int64(20, 0);
        }
        p.int32(21, spec.queriesPerSeq())
                .int32(22, spec.numHeads())
                .int32(23, spec.headDim())
                .float32(24, (float) (spec.softmaxScale() * (1.0 / Math.log(2.0))));
        KernelParams c = null;
        if (kernel.splits()) {
            c = new KernelParams(8)
                    .address(0, kernel.groupsAddress())
                    .address(1, kernel.partOAddress())
                    .address(2, kernel.partMlAddress())
                    .address(3, out)
                    .address(4, lse)
                    .address(5, sink)
                    .int32(6, spec.numHeads())
                    .int32(7, spec.queriesPerSeq());
        }
        return kernel.bind(launches, p, c);
    }

    /** A cache's seven arguments from {@code at}: cache, indices, lengths (operands from {@code op}), topk,
     *  page size, page bytes, slots. */
    private void cache(KernelParams p, int at, KvIndexSet set, List<DeviceBuffer> operands, int op) {
        p.address(at, address(operands, op))
                .address(at + 1, address(operands, op + 1))
                .address(at + 2, address(operands, op + 2))
                .int32(at + 3, set.topk())
                .int32(at + 4, set.pageBlockSize())
                .int64(at + 5, spec.format().blockBytes(set.pageBlockSize(), spec.headDim()))
                .int64(at + 6, (long) set.numPages() * set.pageBlockSize());
    }

    @Override
    protected List<Throwable> release() {
        return kernel.free();
    }
}
