package dev.dayzero.backend.cuda.internal;

import dev.dayzero.backend.cuda.jna.CudaErrors;
import dev.dayzero.backend.cuda.jna.KernelParams;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.OwnedResources;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.OpSpec;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link MoeGemmSpec} on {@code moe_gemm.cu}'s fallback kernels ({@code dz_moe_gemm_bf16}, {@code _fp8_block},
 * {@code _int8}): one launch over (N tiles, row tiles, experts), 16×16 tiles, no tensor cores. The reference the
 * planned cuBLASLt path is to be checked against, not a fast kernel.
 */
final class MoeGemmOp implements PreparedOp {
    static final int TILE = 16;

    private final CudaDevice device;
    private final MoeGemmSpec spec;
    private final String kernel;
    private final long function;
    private final int gridX;
    private final int gridY;
    private final OwnedResources launches = new OwnedResources();
    private final AtomicBoolean closed = new AtomicBoolean();

    MoeGemmOp(CudaDevice device, MoeGemmSpec spec) {
        this.device = device;
        this.spec = spec;
        this.kernel = kernelName(spec.type());
        int maxRows = spec.rowsPerExpert().stream().mapToInt(Integer::intValue).max().orElse(0);
        this.gridX = (spec.n() + TILE - 1) / TILE;
        this.gridY = Math.max(1, (maxRows + TILE - 1) / TILE);
        this.function = device.module(KernelImages.MOE_GEMM).function(kernel);
    }

    /** The kernel for {@code type}. */
    static String kernelName(MoeGemmSpec.Type type) {
        return switch (type) {
            case BF16 -> "dz_moe_gemm_bf16";
            case FP8_BLOCK -> "dz_moe_gemm_fp8_block";
            case INT8_W8A8 -> "dz_moe_gemm_int8";
        };
    }

    @Override
    public OpSpec spec() {
        return spec;
    }

    @Override
    public List<String> notes() {
        return List.of("fallback kernel " + kernel + " (16x16 tiles, no tensor cores); cuBLASLt path not implemented yet");
    }

    @Override
    public Launch bind(List<DeviceBuffer> operands) {
        if (closed.get()) {
            throw new IllegalStateException("prepared " + spec.describe() + " is closed");
        }
        PreparedOp.checkOperands(spec, operands);
        int buffers = operands.size();
        KernelParams p = new KernelParams(buffers + 4);
        for (int i = 0; i < buffers; i++) {
            DeviceBuffer b = operands.get(i);
            if (!(b instanceof CudaBuffer c) || c.device() != device) {
                throw new IllegalArgumentException("operand " + i + " must be a buffer of this CUDA device");
            }
            p.address(i, c.address());
        }
        boolean masked = spec.layout() == MoeGemmSpec.Layout.MASKED;
        p.int32(buffers, spec.n())
                .int32(buffers + 1, spec.k())
                .int32(buffers + 2, masked ? 1 : 0)
                .int32(buffers + 3, masked ? spec.maxRows() : 0);
        return launches.add(new KernelLaunch(device, spec.describe(), function, new int[] {gridX, gridY, spec.experts()},
                new int[] {TILE, TILE, 1}, p,
                launches));
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
