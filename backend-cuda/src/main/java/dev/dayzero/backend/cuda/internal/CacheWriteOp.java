package dev.dayzero.backend.cuda.internal;

import dev.dayzero.backend.cuda.jna.KernelParams;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.op.CacheWriteSpec;
import java.util.List;

/**
 * {@link CacheWriteSpec.QuantInsert} on {@code quantize.cu}'s {@code dz_cache_write_<bf16|fp8_v32|fp8_model1>}: one
 * warp a token, {@value #TOKENS_PER_BLOCK} tokens a block; per 64- (MODEL1) or 128-value (V3.2) tile a warp-wide
 * amax, the power-of-two scale of the recipe, E4M3 codes (the quantize kernels' encoder, hal-api's rounding), the
 * scale as UE8M0 or F32, the RoPE values copied as BF16. Rows with slot {@code -1} and every byte of other slots
 * (MODEL1 pad bytes included) are left as they were.
 */
final class CacheWriteOp extends CudaOp<CacheWriteSpec.QuantInsert> {
    static final int THREADS = 256;
    static final int TOKENS_PER_BLOCK = THREADS / 32;

    private final String kernel;
    private final long function;

    CacheWriteOp(CudaDevice device, CacheWriteSpec.QuantInsert spec) {
        super(device, spec);
        this.kernel = kernelName(spec);
        this.function = device.module(KernelImages.QUANTIZE).function(kernel);
    }

    /** {@code dz_cache_write_<bf16|fp8_v32|fp8_model1>}. */
    static String kernelName(CacheWriteSpec.QuantInsert spec) {
        return "dz_cache_write_" + switch (spec.format()) {
            case BF16 -> "bf16";
            case FP8_V32 -> "fp8_v32";
            case FP8_MODEL1 -> "fp8_model1";
        };
    }

    static int blocks(CacheWriteSpec.QuantInsert spec) {
        return (spec.tokens() + TOKENS_PER_BLOCK - 1) / TOKENS_PER_BLOCK;
    }

    @Override
    public List<String> notes() {
        return List.of("kernel " + kernel + ": one warp a token, " + TOKENS_PER_BLOCK + " tokens a block, "
                + blocks(spec) + " blocks; only the given slots' bytes are written");
    }

    @Override
    public Launch bind(List<DeviceBuffer> operands) {
        checkBind(operands);
        KernelParams p = new KernelParams(7)
                .address(0, address(operands, 0))
                .address(1, address(operands, 1))
                .address(2, address(operands, 2))
                .int32(3, spec.tokens())
                .int32(4, spec.headDim())
                .int32(5, spec.pageBlockSize())
                .int64(6, spec.format().blockBytes(spec.pageBlockSize(), spec.headDim()));
        return launches.add(new KernelLaunch(device, spec.describe(), function, new int[] {blocks(spec), 1, 1},
                new int[] {THREADS, 1, 1}, p, launches));
    }
}
