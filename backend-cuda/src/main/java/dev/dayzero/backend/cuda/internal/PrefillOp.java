package dev.dayzero.backend.cuda.internal;

import dev.dayzero.backend.cuda.jna.KernelParams;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.op.AttentionSpec;
import java.util.List;

/**
 * {@link AttentionSpec.Prefill} on {@code attention.cu}'s {@code dz_attn_prefill_d<D>}: flash-attention-2 style,
 * tensor cores (BF16 mma, F32 online softmax), one block of {@value #THREADS} threads per (q tile, query head,
 * sequence), keys in tiles of {@value #KEY_TILE} through shared memory, causal tiles past the diagonal skipped.
 */
final class PrefillOp extends CudaOp<AttentionSpec.Prefill> {
    static final int THREADS = 128;
    static final int KEY_TILE = 64;

    private final String kernel;
    private final long function;
    private final int[] grid;
    private final int sharedBytes;

    PrefillOp(CudaDevice device, AttentionSpec.Prefill spec) {
        super(device, spec);
        int d = spec.headDim();
        int maxLen = spec.seqLens().stream().mapToInt(Integer::intValue).max().orElse(0);
        this.kernel = kernelName(d);
        this.sharedBytes = sharedBytes(d);
        this.grid = new int[] {Math.max(1, ceilDiv(maxLen, rowsPerBlock(d))), spec.numHeads(), spec.batch()};
        this.function = device.module(KernelImages.ATTENTION).function(kernel, sharedBytes);
    }

    /** The kernel instance for head dim {@code d} (a multiple of 16 up to 256). */
    static String kernelName(int d) {
        return "dz_attn_prefill_d" + d;
    }

    /** Query rows per block: {@code PrefillShape<D>::BM} in attention.cu (two 16-row m-tiles a warp for D <= 64). */
    static int rowsPerBlock(int d) {
        return d <= 64 ? 128 : 64;
    }

    /** Dynamic shared memory: {@code PrefillShape<D>::SMEM}, Q [BM][D+8], K [64][D+8] and Vᵀ [D][64+8] in BF16. */
    static int sharedBytes(int d) {
        return (rowsPerBlock(d) * (d + 8) + KEY_TILE * (d + 8) + d * (KEY_TILE + 8)) * 2;
    }

    /** {@code softmaxScale · log2(e)}: the kernels exponentiate with exp2. */
    static float scaleLog2(float softmaxScale) {
        return (float) (softmaxScale / Math.log(2.0));
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    @Override
    public List<String> notes() {
        return List.of("kernel " + kernel + ": BF16 tensor-core mma (m16n8k16), F32 online softmax, "
                + rowsPerBlock(spec.headDim()) + "-row q tiles x " + KEY_TILE + "-token K/V tiles, grid "
                + grid[0] + "x" + grid[1] + "x" + grid[2] + ", " + sharedBytes + " B shared memory a block");
    }

    @Override
    public Launch bind(List<DeviceBuffer> operands) {
        checkBind(operands);
        KernelParams p = new KernelParams(9);
        for (int i = 0; i < 5; i++) {
            p.address(i, address(operands, i));
        }
        p.int32(5, spec.numHeads())
                .int32(6, spec.numKvHeads())
                .int32(7, spec.causal() ? 1 : 0)
                .float32(8, scaleLog2(spec.softmaxScale()));
        return launches.add(new KernelLaunch(device, spec.describe(), function, grid,
                new int[] {THREADS, 1, 1}, sharedBytes, p, launches));
    }
}
