package dev.dayzero.backend.cuda.internal;

import dev.dayzero.backend.cuda.jna.KernelParams;
import dev.dayzero.hal.AbstractLaunch;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.Stream;
import dev.dayzero.hal.op.IndexerSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The lightning indexer ({@link IndexerSpec}) on {@code indexer.cu}: {@link IndexerSpec.IndexerLogits} is one launch
 * of the logits kernel into the output; {@link IndexerSpec.PagedIndexerTopK} and {@link IndexerSpec.IndexerTopK}
 * are the logits kernel into an F32 workspace of {@code queries × width} (allocated at bind, freed with the launch)
 * followed by {@code dz_indexer_topk}, one block per query row. The work plan ({@link IndexerPlan}) is uploaded at
 * prepare.
 *
 * <p>Operands: paged — {@code q, k_cache, weights, context_lens, block_table, out}; prefill —
 * {@code q, k, k_scale, weights, ks, ke, out}. Logits kernel arguments: {@code (q, k, kScale, weights, lo, hi, table,
 * items, out, outStride, outCols, heads, pageSize, tableCols, fillInf)} with, paged, {@code lo = 0} (unused),
 * {@code hi = context_lens}, and prefill {@code lo = ks, hi = ke, table = 0}; {@code kScale} is prefill FP8's
 * {@code k_scale} (0 otherwise: the paged FP8 scales live in the cache's blocks, BF16 has none). Top-k arguments:
 * {@code (logits, stride, width, lo, hi, mode, out, topk)}, mode 0 (paged: length {@code context_lens[row]}, index =
 * column) or 1 (prefill: length {@code ke - ks}, index = {@code ks + column}).
 */
final class IndexerOp extends CudaOp<IndexerSpec> {
    /** Threads of a logits block (4 warps). */
    static final int THREADS = 128;
    /** Threads of a top-k block. */
    static final int TOPK_THREADS = 512;
    /** The top-k kernel. */
    static final String TOPK = "dz_indexer_topk";

    private final IndexerPlan plan;
    private final String kernel;
    private final long logits;
    private final long topk;
    private final int sharedBytes;
    private final CudaBuffer items;

    IndexerOp(CudaDevice device, IndexerSpec spec) {
        super(device, spec);
        this.plan = IndexerPlan.of(spec, device.info().computeUnits());
        this.kernel = kernelName(spec);
        this.sharedBytes = sharedBytes(spec.headDim());
        CudaModule module = device.module(KernelImages.INDEXER);
        this.logits = module.function(kernel, sharedBytes);
        this.topk = spec instanceof IndexerSpec.IndexerLogits ? 0 : module.function(TOPK);
        this.items = plan.blocks() == 0 ? null : upload(plan.items());
    }

    private CudaBuffer upload(int[] table) {
        CudaBuffer b = owned.add((CudaBuffer) device.allocate(4L * table.length));
        ByteBuffer bytes = ByteBuffer.allocate(4 * table.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asIntBuffer().put(table);
        b.write(0, bytes);
        return b;
    }

    /** {@code dz_indexer_logits_<paged|flat>_<fp8|bf16>_d<D>}. */
    static String kernelName(IndexerSpec spec) {
        return "dz_indexer_logits_" + (spec instanceof IndexerSpec.IndexerTopK ? "flat" : "paged") + "_"
                + (spec.keyType() == IndexerSpec.KeyType.FP8 ? "fp8" : "bf16") + "_d" + spec.headDim();
    }

    /**
     * Dynamic shared memory of a logits block ({@code Smem<D>::bytes}, static_assert'ed in the source): Q [128][D+8]
     * and a key tile [64][D+8] in BF16, S [128][72] F32, the head weights, key scales and the queries' key ranges.
     */
    static int sharedBytes(int headDim) {
        int ld = headDim + 8;
        return IndexerPlan.MAX_ROWS * ld * 2 + IndexerPlan.TILE * ld * 2 + IndexerPlan.MAX_ROWS * 72 * 4
                + IndexerPlan.MAX_ROWS * 4 + IndexerPlan.TILE * 4 + 2 * IndexerPlan.MAX_ROWS * 4;
    }

    /** Columns of a workspace row: every key a query of the spec may see. */
    static int workspaceWidth(IndexerSpec spec) {
        if (spec instanceof IndexerSpec.PagedIndexerTopK p) {
            return Math.max(1, p.cache().maxKeys());
        }
        if (spec instanceof IndexerSpec.IndexerTopK t) {
            return t.seqLens().stream().mapToInt(Integer::intValue).max().orElse(1);
        }
        return 0;
    }

    /** Bytes of the F32 logits workspace a top-k launch allocates at bind (0 for {@link IndexerSpec.IndexerLogits}). */
    static long workspaceBytes(IndexerSpec spec) {
        return 4L * spec.queries() * workspaceWidth(spec);
    }

    IndexerPlan plan() {
        return plan;
    }

    @Override
    public List<String> notes() {
        List<String> notes = new ArrayList<>();
        notes.add("kernel " + kernel + ": " + plan.blocks() + " blocks of " + THREADS + " threads (" + plan.groups()
                + " groups of query rows sharing their keys, up to " + plan.tilesPerItem() + " tiles of "
                + IndexerPlan.TILE + " keys a block), Q·Kᵀ on tensor cores (mma.sync m16n8k16 BF16"
                + (spec.keyType() == IndexerSpec.KeyType.FP8 ? ", E4M3 codes decoded exactly to BF16" : "")
                + ", F32 accumulation), ReLU and head weights in F32, " + sharedBytes + " B shared memory a block");
        if (!(spec instanceof IndexerSpec.IndexerLogits)) {
            notes.add(TOPK + ": one block of " + TOPK_THREADS + " threads a row, radix select (11-bit digits, "
                    + "shared-memory histograms, the threshold's bin gathered into shared memory) over the F32 logits "
                    + "in a " + workspaceBytes(spec) + " B workspace allocated at bind");
        }
        return notes;
    }

    @Override
    public Launch bind(List<DeviceBuffer> operands) {
        checkBind(operands);
        return launches.add(new IndexerLaunch(addresses(operands)));
    }

    /** The logits kernel, and for a top-k its workspace and the top-k kernel; closing frees the workspace. */
    private final class IndexerLaunch extends AbstractLaunch {
        private final List<KernelLaunch> kernels = new ArrayList<>();

        IndexerLaunch(long[] a) {
            super(IndexerOp.this);
            try {
                long out = a[a.length - 1];
                long logitsOut = out;
                if (!(spec instanceof IndexerSpec.IndexerLogits)) {
                    logitsOut = parts.add((CudaBuffer) device.allocate(workspaceBytes(spec))).address();
                }
                if (plan.blocks() > 0) {
                    kernels.add(parts.add(new KernelLaunch(device, spec.describe(), logits,
                            new int[] {plan.blocks(), 1, 1}, new int[] {THREADS, 1, 1}, sharedBytes,
                            logitsParams(spec, a, items.address(), logitsOut), parts)));
                }
                if (!(spec instanceof IndexerSpec.IndexerLogits)) {
                    kernels.add(parts.add(new KernelLaunch(device, spec.describe() + " (top-k)", topk,
                            new int[] {Math.toIntExact(spec.queries()), 1, 1}, new int[] {TOPK_THREADS, 1, 1},
                            topkParams(spec, a, logitsOut), parts)));
                }
            } catch (RuntimeException e) {
                parts.closeAll().forEach(e::addSuppressed);
                throw e;
            }
        }

        @Override
        public void enqueue(Stream stream) {
            checkOpen();
            for (KernelLaunch k : kernels) {
                k.enqueue(stream);
            }
        }
    }

    /** Columns of the logits kernel's output rows: the output's ({@code max(1, maxKeys)}) or the workspace's. */
    static int logitsColumns(IndexerSpec spec) {
        return spec instanceof IndexerSpec.IndexerLogits l ? Math.max(1, l.cache().maxKeys()) : workspaceWidth(spec);
    }

    /**
     * The logits kernel's 15 arguments for the operand addresses {@code a} (in spec order, the output last), the
     * item table and the logits destination (the output, or the workspace): {@code (q, k, kScale, weights, lo, hi,
     * table, items, out, outStride, outCols, heads, pageSize, tableCols, fillInf)}.
     */
    static KernelParams logitsParams(IndexerSpec spec, long[] a, long items, long logitsOut) {
        boolean prefill = spec instanceof IndexerSpec.IndexerTopK;
        boolean fp8 = spec.keyType() == IndexerSpec.KeyType.FP8;
        IndexerSpec.PagedKeys cache = pagedKeys(spec);
        int cols = logitsColumns(spec);
        KernelParams p = new KernelParams(15);
        return p.address(0, a[0])
                .address(1, a[1])
                .address(2, prefill && fp8 ? a[2] : 0)
                .address(3, prefill ? a[3] : a[2])
                .address(4, prefill ? a[4] : 0)
                .address(5, prefill ? a[5] : a[3])
                .address(6, prefill ? 0 : a[4])
                .address(7, items)
                .address(8, logitsOut)
                .int64(9, cols)
                .int32(10, cols)
                .int32(11, spec.heads())
                .int32(12, cache == null ? 1 : cache.pageSize())
                .int32(13, cache == null ? 0 : cache.maxBlocks())
                .int32(14, spec instanceof IndexerSpec.IndexerLogits ? 1 : 0);
    }

    /**
     * The top-k kernel's 8 arguments: {@code (logits, stride, width, lo, hi, mode, out, topk)}; {@code a} as for
     * {@link #logitsParams}, {@code logits} the workspace.
     */
    static KernelParams topkParams(IndexerSpec spec, long[] a, long logits) {
        boolean prefill = spec instanceof IndexerSpec.IndexerTopK;
        int k = spec instanceof IndexerSpec.PagedIndexerTopK pt ? pt.topk() : ((IndexerSpec.IndexerTopK) spec).topk();
        int cols = logitsColumns(spec);
        KernelParams t = new KernelParams(8);
        return t.address(0, logits)
                .int64(1, cols)
                .int32(2, cols)
                .address(3, prefill ? a[4] : 0)
                .address(4, prefill ? a[5] : a[3])
                .int32(5, prefill ? 1 : 0)
                .address(6, a[a.length - 1])
                .int32(7, k);
    }

    private static IndexerSpec.PagedKeys pagedKeys(IndexerSpec spec) {
        if (spec instanceof IndexerSpec.PagedIndexerTopK p) {
            return p.cache();
        }
        if (spec instanceof IndexerSpec.IndexerLogits l) {
            return l.cache();
        }
        return null;
    }
}
