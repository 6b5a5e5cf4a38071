package dev.dayzero.backend.cuda.internal;

import dev.dayzero.backend.cuda.jna.KernelParams;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.AbstractLaunch;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.Stream;
import dev.dayzero.hal.op.QuantizeSpec;
import java.util.List;

/**
 * {@link QuantizeSpec} on the {@code quantize.cu} kernels: one launch, one thread block of
 * {@value #THREADS} threads per scaling unit, each reading its unit twice (amax, then encode) — one pass over
 * global memory per unit as far as the cache holds it. Kernel chosen by input type, format and scale type.
 */
final class QuantizeOp extends CudaOp<QuantizeSpec> {
    static final int THREADS = 256;

    private final long function;
    private final String kernel;

    QuantizeOp(CudaDevice device, QuantizeSpec spec) {
        super(device, spec);
        this.kernel = kernelName(spec);
        this.function = device.module(KernelImages.QUANTIZE).function(kernel);
    }

    /** Scaling units one warp handles in the {@code _rows} kernels: one per warp of a block. */
    static final int UNITS_PER_ROWS_BLOCK = THREADS / 32;

    /**
     * Whether {@code spec} takes the one-warp-per-unit kernels ({@code quantize_rows_warp}): units one row high,
     * a multiple of 128 wide up to 2048, tiling K exactly (1x128 activation groups, per-token rows up to 2048).
     */
    static boolean warpPerUnit(QuantizeSpec spec) {
        return spec.blockRows() == 1 && spec.blockCols() % 128 == 0 && spec.blockCols() <= 2048
                && spec.k() % spec.blockCols() == 0;
    }

    /**
     * Whether {@code spec} takes the one-block-per-unit single-pass kernels ({@code quantize_row_block}): units one
     * row high that {@link #warpPerUnit} does not take, a multiple of 4 wide up to 8192, tiling K (per-token rows of
     * K = 7168, widths not a multiple of 128).
     */
    static boolean blockPerRowUnit(QuantizeSpec spec) {
        return !warpPerUnit(spec) && spec.blockRows() == 1 && spec.blockCols() % 4 == 0 && spec.blockCols() <= 8192
                && spec.k() % spec.blockCols() == 0;
    }

    /** Values from which a per-tensor spec runs over a grid (amax kernel + encode kernel) instead of one block. */
    static final long TENSOR_GRID_MIN_VALUES = 64 * 1024;

    /** Whether {@code spec} is one scaling unit over a tensor large enough for the two grid kernels. */
    static boolean wholeTensorGrid(QuantizeSpec spec) {
        return spec.scaleRows() == 1 && spec.scaleCols() == 1 && (long) spec.m() * spec.k() >= TENSOR_GRID_MIN_VALUES;
    }

    /** Blocks of each of the two grid kernels: enough for 4 values a thread, at most 8 a multiprocessor. */
    static int tensorGridBlocks(QuantizeSpec spec, int multiprocessors) {
        long values = (long) spec.m() * spec.k();
        long wanted = (values + THREADS * 4L - 1) / (THREADS * 4L);
        return (int) Math.max(1, Math.min(wanted, 8L * Math.max(1, multiprocessors)));
    }

    /** Thread blocks of the launch. */
    static long blocks(QuantizeSpec spec) {
        long units = (long) spec.scaleRows() * spec.scaleCols();
        return warpPerUnit(spec) ? (units + UNITS_PER_ROWS_BLOCK - 1) / UNITS_PER_ROWS_BLOCK : units;
    }

    /**
     * The {@code extern "C"} kernel for {@code spec}: {@code dz_quantize_<bf16|f32>_<e4m3|e5m2|i8>_<f32|ue8m0>},
     * with {@code _rows} where {@link #warpPerUnit} holds, {@code _rowblock} where {@link #blockPerRowUnit} does.
     */
    static String kernelName(QuantizeSpec spec) {
        String in = spec.inputType() == DType.BF16 ? "bf16" : "f32";
        String fmt = switch (spec.format()) {
            case F8_E4M3FN -> "e4m3";
            case F8_E5M2 -> "e5m2";
            case I8 -> "i8";
            default -> throw new IllegalArgumentException("no quantize kernel for " + spec.format());
        };
        String scale = spec.scaleType() == DType.UE8M0 ? "ue8m0" : "f32";
        return "dz_quantize_" + in + "_" + fmt + "_" + scale + (warpPerUnit(spec) ? "_rows" : blockPerRowUnit(spec) ? "_rowblock"
                : wholeTensorGrid(spec) ? "_tensor" : "");
    }

    @Override
    public List<String> notes() {
        if (wholeTensorGrid(spec)) {
            return List.of("kernels " + amaxKernel(spec) + " then " + kernel + ": per-tensor over a grid of "
                    + tensorGridBlocks(spec, device.info().computeUnits()) + " blocks (max |x| by atomicMax into a "
                    + "4-byte workspace zeroed first, then every block derives the scale and encodes its share)");
        }
        if (warpPerUnit(spec)) {
            return List.of("kernel " + kernel + ": one warp per scaling unit, " + UNITS_PER_ROWS_BLOCK
                    + " units a block, " + blocks(spec) + " blocks; one coalesced pass (values held in registers)");
        }
        if (blockPerRowUnit(spec)) {
            return List.of("kernel " + kernel + ": one block of " + THREADS + " threads per scaling unit, "
                    + blocks(spec) + " blocks; one coalesced pass (values held in registers)");
        }
        return List.of("kernel " + kernel + ": one block of " + THREADS + " threads per scaling unit, " + blocks(spec)
                + " blocks, the unit read twice (amax, then encode); not tuned");
    }

    @Override
    public Launch bind(List<DeviceBuffer> operands) {
        checkBind(operands);
        CudaBuffer x = buffer(operands, 0);
        CudaBuffer q = buffer(operands, 1);
        CudaBuffer scale = buffer(operands, 2);
        if (wholeTensorGrid(spec)) {
            return launches.add(new TensorLaunch(x, q, scale));
        }
        KernelParams params = new KernelParams(8)
                .address(0, x.address())
                .address(1, q.address())
                .address(2, scale.address())
                .int32(3, spec.m())
                .int32(4, spec.k())
                .int32(5, spec.blockRows())
                .int32(6, spec.blockCols())
                .int32(7, spec.scaleCols());
        return launches.add(new KernelLaunch(device, spec.describe(), function, new int[] {(int) blocks(spec), 1, 1},
                new int[] {THREADS, 1, 1}, params,
                launches));
    }

    /** {@code dz_quantize_amax_<bf16|f32>}: the first of the two per-tensor grid kernels. */
    static String amaxKernel(QuantizeSpec spec) {
        return "dz_quantize_amax_" + (spec.inputType() == DType.BF16 ? "bf16" : "f32");
    }

    /** Per-tensor over a grid: zero the 4-byte amax workspace, the amax kernel, the encode kernel; owns the workspace. */
    private final class TensorLaunch extends AbstractLaunch {
        private final CudaBuffer workspace;
        private final KernelLaunch amax;
        private final KernelLaunch encode;

        TensorLaunch(CudaBuffer x, CudaBuffer q, CudaBuffer scale) {
            super(QuantizeOp.this);
            try {
                long values = (long) spec.m() * spec.k();
                int[] grid = {tensorGridBlocks(spec, device.info().computeUnits()), 1, 1};
                workspace = parts.add((CudaBuffer) device.allocate(4));
                long amaxFunction = device.module(KernelImages.QUANTIZE).function(amaxKernel(spec));
                amax = parts.add(new KernelLaunch(device, spec.describe() + " (amax)", amaxFunction, grid,
                        new int[] {THREADS, 1, 1}, new KernelParams(3).address(0, x.address()).int64(1, values)
                        .address(2, workspace.address()), parts));
                encode = parts.add(new KernelLaunch(device, spec.describe(), function, grid, new int[] {THREADS, 1, 1},
                        new KernelParams(5).address(0, x.address()).address(1, q.address())
                                .address(2, scale.address()).int64(3, values).address(4, workspace.address()),
                        parts));
            } catch (RuntimeException e) {
                parts.closeAll().forEach(e::addSuppressed);
                throw e;
            }
        }

        @Override
        public void enqueue(Stream stream) {
            checkOpen();
            workspace.fill(stream, (byte) 0);
            amax.enqueue(stream);
            encode.enqueue(stream);
        }
    }
}
