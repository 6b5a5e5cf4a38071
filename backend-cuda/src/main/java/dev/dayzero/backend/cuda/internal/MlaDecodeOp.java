package dev.dayzero.backend.cuda.internal;

import dev.dayzero.backend.cuda.jna.CudaErrors;
import dev.dayzero.backend.cuda.jna.KernelParams;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.OwnedResources;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.OpSpec;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link AttentionSpec.LatentDecode} with a BF16 KV cache on {@code mla_decode.cu}'s {@code dz_mla_decode_bf16}: one
 * block of {@value #THREADS} threads per (sequence, query, head), online softmax in F32. Simple and correct first;
 * not yet tensor cores, and each head re-reads the cache.
 */
final class MlaDecodeOp implements PreparedOp {
    static final int THREADS = 256;
    static final String KERNEL = "dz_mla_decode_bf16";

    private final CudaDevice device;
    private final AttentionSpec.LatentDecode spec;
    private final long function;
    private final int grid;
    private final OwnedResources launches = new OwnedResources();
    private final AtomicBoolean closed = new AtomicBoolean();

    MlaDecodeOp(CudaDevice device, AttentionSpec.LatentDecode spec) {
        this.device = device;
        this.spec = spec;
        this.grid = spec.batch() * spec.queriesPerSeq() * spec.numHeads();
        this.function = device.module(KernelImages.MLA_DECODE).function(KERNEL);
    }

    @Override
    public OpSpec spec() {
        return spec;
    }

    @Override
    public List<String> notes() {
        return List.of("kernel " + KERNEL + ": one block per (sequence, query, head), F32 online softmax, no tensor "
                + "cores yet; the KV cache is read once per head");
    }

    @Override
    public Launch bind(List<DeviceBuffer> operands) {
        if (closed.get()) {
            throw new IllegalStateException("prepared " + spec.describe() + " is closed");
        }
        PreparedOp.checkOperands(spec, operands);
        KernelParams p = new KernelParams(13);
        for (int i = 0; i < 5; i++) {
            DeviceBuffer b = operands.get(i);
            if (!(b instanceof CudaBuffer c) || c.device() != device) {
                throw new IllegalArgumentException("operand " + i + " must be a buffer of this CUDA device");
            }
            p.address(i, c.address());
        }
        p.int32(5, spec.queriesPerSeq())
                .int32(6, spec.numHeads())
                .int32(7, spec.headDim())
                .int32(8, spec.valueDim())
                .int32(9, spec.pageSize())
                .int32(10, spec.maxBlocks())
                .int32(11, spec.causal() ? 1 : 0)
                .float32(12, spec.softmaxScale());
        return launches.add(new KernelLaunch(device, spec.describe(), function, new int[] {grid, 1, 1},
                new int[] {THREADS, 1, 1}, p,
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
