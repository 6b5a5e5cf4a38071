package dev.dayzero.backend.cuda.internal;

import dev.dayzero.backend.cuda.jna.KernelParams;
import dev.dayzero.hal.AbstractLaunch;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.Stream;
import dev.dayzero.hal.op.AttentionSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link AttentionSpec.PagedDecode} on {@code attention.cu}'s {@code dz_attn_decode_d<D>}: the query heads sharing
 * a KV head are the rows of the tensor-core mma (16 a block), so every KV tile is read once per 16 of them. When
 * the (sequence, KV head, 16-head group) blocks are too few to fill the GPU, the context is split
 * (flash-decoding): each split writes F32 partials to a workspace allocated at bind, and
 * {@code dz_attn_decode_combine} merges them in a second launch.
 */
final class PagedDecodeOp extends CudaOp<AttentionSpec.PagedDecode> {
    static final int THREADS = 128;
    static final int KEY_TILE = 64;
    static final String COMBINE = "dz_attn_decode_combine";
    /** Fewest key tiles (of 64 tokens) a split gets: below that the combine costs more than it gains. */
    static final int MIN_TILES_PER_SPLIT = 4;
    /** Most splits of one sequence. */
    static final int MAX_SPLITS = 64;
    /** Blocks aimed at, per SM: two resident blocks (about 240 registers a thread) times two waves. */
    static final int BLOCKS_PER_SM = 4;

    private final String kernel;
    private final long function;
    private final long combine;
    private final int[] grid;
    private final int splits;
    private final int splitTokens;
    private final int sharedBytes;

    PagedDecodeOp(CudaDevice device, AttentionSpec.PagedDecode spec) {
        super(device, spec);
        int d = spec.headDim();
        int maxLen = spec.seqLens().stream().mapToInt(Integer::intValue).max().orElse(0);
        this.splits = splits(spec, device.info().computeUnits());
        this.splitTokens = splitTokens(maxLen, splits);
        this.kernel = kernelName(d);
        this.sharedBytes = sharedBytes(d);
        this.grid = new int[] {splits, spec.numKvHeads() * groupsPerKvHead(spec), spec.batch()};
        CudaModule module = device.module(KernelImages.ATTENTION);
        this.function = module.function(kernel, sharedBytes);
        this.combine = splits > 1 ? module.function(COMBINE) : 0;
    }

    /** The kernel instance for head dim {@code d} (a multiple of 16 up to 256). */
    static String kernelName(int d) {
        return "dz_attn_decode_d" + d;
    }

    /** Blocks a KV head's query heads take: one per 16 (the mma's M). */
    static int groupsPerKvHead(AttentionSpec.PagedDecode spec) {
        return PrefillOp.ceilDiv(spec.numHeads() / spec.numKvHeads(), 16);
    }

    /** Dynamic shared memory: {@code DecodeShape<D>::SMEM}, Q [16][D+8], K [64][D+8] and Vᵀ [D][64+8] in BF16. */
    static int sharedBytes(int d) {
        return (16 * (d + 8) + KEY_TILE * (d + 8) + d * (KEY_TILE + 8)) * 2;
    }

    /**
     * How many pieces each sequence's context is cut into. One when the (sequence, KV head, group) blocks
     * already number {@value #BLOCKS_PER_SM} per SM; otherwise enough to reach that many blocks, but never fewer
     * than {@value #MIN_TILES_PER_SPLIT} key tiles ({@value #MIN_TILES_PER_SPLIT}·64 tokens) of the longest
     * sequence a split, and at most {@value #MAX_SPLITS}. {@code sms} is the SM count (132 on H100 SXM, taken
     * as 132 when unknown).
     */
    static int splits(AttentionSpec.PagedDecode spec, int sms) {
        long base = (long) spec.batch() * spec.numKvHeads() * groupsPerKvHead(spec);
        long target = (long) BLOCKS_PER_SM * (sms > 0 ? sms : 132);
        if (base >= target) {
            return 1;
        }
        int maxLen = spec.seqLens().stream().mapToInt(Integer::intValue).max().orElse(0);
        int byLength = Math.max(1, PrefillOp.ceilDiv(maxLen, KEY_TILE) / MIN_TILES_PER_SPLIT);
        long wanted = (target + base - 1) / base;
        int s = (int) Math.min(Math.min(wanted, byLength), MAX_SPLITS);
        // no split of the longest sequence left empty
        return Math.max(1, PrefillOp.ceilDiv(maxLen, splitTokens(maxLen, s)));
    }

    /** Tokens a split covers: the longest sequence's key tiles shared out evenly, a whole number of tiles. */
    static int splitTokens(int maxLen, int splits) {
        int tiles = Math.max(1, PrefillOp.ceilDiv(maxLen, KEY_TILE));
        return PrefillOp.ceilDiv(tiles, splits) * KEY_TILE;
    }

    /** F32 workspace bytes: m and l per (split, sequence, query head), and an unnormalized output row. */
    static long workspaceBytes(AttentionSpec.PagedDecode spec, int splits) {
        return splits <= 1 ? 0 : 4L * splits * spec.batch() * spec.numHeads() * (spec.headDim() + 2);
    }

    @Override
    public List<String> notes() {
        String split = splits == 1 ? "no KV split"
                : splits + " KV splits of " + splitTokens + " tokens, merged by " + COMBINE + " (F32 workspace "
                        + workspaceBytes(spec, splits) + " B, allocated at bind)";
        return List.of("kernel " + kernel + ": BF16 tensor-core mma with the query heads of a KV head as the M "
                + "dimension (" + spec.numHeads() / spec.numKvHeads() + " heads, padded to 16 a block), F32 online "
                + "softmax, " + KEY_TILE + "-token K/V tiles; grid " + grid[0] + "x" + grid[1] + "x" + grid[2] + "; "
                + split);
    }

    @Override
    public Launch bind(List<DeviceBuffer> operands) {
        checkBind(operands);
        return launches.add(new DecodeLaunch(addresses(operands)));
    }

    /** The decode kernel, and with splits its workspace and the combine kernel; closing frees the workspace. */
    private final class DecodeLaunch extends AbstractLaunch {
        private final List<KernelLaunch> kernels = new ArrayList<>();

        DecodeLaunch(long[] a) {
            super(PagedDecodeOp.this);
            try {
                long ws = 0;
                if (splits > 1) {
                    CudaBuffer workspace = (CudaBuffer) device.allocate(workspaceBytes(spec, splits));
                    parts.add(workspace);
                    ws = workspace.address();
                }
                KernelParams p = new KernelParams(13);
                for (int i = 0; i < 6; i++) {
                    p.address(i, a[i]);
                }
                p.address(6, ws)
                        .int32(7, spec.numHeads())
                        .int32(8, spec.numKvHeads())
                        .int32(9, spec.pageSize())
                        .int32(10, spec.maxBlocks())
                        .int32(11, splitTokens)
                        .float32(12, PrefillOp.scaleLog2(spec.softmaxScale()));
                kernels.add(parts.add(new KernelLaunch(device, spec.describe(), function, grid,
                        new int[] {THREADS, 1, 1}, sharedBytes, p, parts)));
                if (splits > 1) {
                    KernelParams c = new KernelParams(5);
                    c.address(0, ws).address(1, a[5]).int32(2, spec.batch() * spec.numHeads()).int32(3, splits)
                            .int32(4, spec.headDim());
                    kernels.add(parts.add(new KernelLaunch(device, spec.describe() + " (combine)", combine,
                            new int[] {spec.batch() * spec.numHeads(), 1, 1}, new int[] {THREADS, 1, 1}, c, parts)));
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
}
