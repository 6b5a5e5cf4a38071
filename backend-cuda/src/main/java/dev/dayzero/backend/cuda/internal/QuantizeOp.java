package dev.dayzero.backend.cuda.internal;

import dev.dayzero.backend.cuda.jna.CudaErrors;
import dev.dayzero.backend.cuda.jna.KernelParams;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.OwnedResources;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link QuantizeSpec} on the {@code quantize.cu} kernels: one launch, one thread block of
 * {@value #THREADS} threads per scaling unit, each reading its unit twice (amax, then encode) — one pass over
 * global memory per unit as far as the cache holds it. Kernel chosen by input type, format and scale type.
 */
final class QuantizeOp implements PreparedOp {
    static final int THREADS = 256;

    private final CudaDevice device;
    private final QuantizeSpec spec;
    private final long function;
    private final String kernel;
    private final OwnedResources launches = new OwnedResources();
    private final AtomicBoolean closed = new AtomicBoolean();

    QuantizeOp(CudaDevice device, QuantizeSpec spec) {
        this.device = device;
        this.spec = spec;
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

    /** Thread blocks of the launch. */
    static long blocks(QuantizeSpec spec) {
        long units = (long) spec.scaleRows() * spec.scaleCols();
        return warpPerUnit(spec) ? (units + UNITS_PER_ROWS_BLOCK - 1) / UNITS_PER_ROWS_BLOCK : units;
    }

    /**
     * The {@code extern "C"} kernel for {@code spec}: {@code dz_quantize_<bf16|f32>_<e4m3|e5m2|i8>_<f32|ue8m0>},
     * with {@code _rows} where {@link #warpPerUnit} holds.
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
        return "dz_quantize_" + in + "_" + fmt + "_" + scale + (warpPerUnit(spec) ? "_rows" : "");
    }

    @Override
    public OpSpec spec() {
        return spec;
    }

    @Override
    public List<String> notes() {
        return List.of(warpPerUnit(spec)
                ? "kernel " + kernel + ": one warp per scaling unit, " + UNITS_PER_ROWS_BLOCK + " units a block, "
                        + blocks(spec) + " blocks; one coalesced pass (values held in registers)"
                : "kernel " + kernel + ": one block of " + THREADS + " threads per scaling unit, " + blocks(spec)
                        + " blocks, the unit read twice (amax, then encode); not tuned");
    }

    @Override
    public Launch bind(List<DeviceBuffer> operands) {
        if (closed.get()) {
            throw new IllegalStateException("prepared " + spec.describe() + " is closed");
        }
        PreparedOp.checkOperands(spec, operands);
        CudaBuffer x = own(operands.get(0));
        CudaBuffer q = own(operands.get(1));
        CudaBuffer scale = own(operands.get(2));
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

    private CudaBuffer own(DeviceBuffer b) {
        if (!(b instanceof CudaBuffer c) || c.device() != device) {
            throw new IllegalArgumentException("operands must be buffers of this CUDA device");
        }
        return c;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                OwnedResources.report(CudaErrors.VENDOR, "prepared " + spec.describe(), launches.closeAll());
            } finally {
                device.forget(this);
            }
        }
    }
}
