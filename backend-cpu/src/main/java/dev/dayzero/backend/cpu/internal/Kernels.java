package dev.dayzero.backend.cpu.internal;

import dev.dayzero.backend.cpu.internal.attention.LatentDecodeKernel;
import dev.dayzero.backend.cpu.internal.attention.PagedDecodeKernel;
import dev.dayzero.backend.cpu.internal.attention.PrefillKernel;
import dev.dayzero.backend.cpu.internal.attention.SharedKvDecodeKernel;
import dev.dayzero.backend.cpu.internal.attention.SparseLatentDecodeKernel;
import dev.dayzero.backend.cpu.internal.gemm.MoeGemmKernel;
import dev.dayzero.backend.cpu.internal.indexer.PagedIndexerKernel;
import dev.dayzero.backend.cpu.internal.indexer.PrefillIndexerKernel;
import dev.dayzero.backend.cpu.internal.quantize.CacheWriteKernel;
import dev.dayzero.backend.cpu.internal.quantize.QuantizeKernel;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.CacheWriteSpec;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import dev.dayzero.hal.op.TensorSpec;
import java.util.Optional;

/** The kernel for each spec, and the one limit the CPU backend has: what fits in Java arrays. */
final class Kernels {
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private Kernels() {
    }

    /** Why {@code spec} cannot run here, or empty when it can. */
    static Optional<String> check(OpSpec spec) {
        for (TensorSpec t : spec.operands()) {
            if (t.bytes() > CpuDevice.MAX_BUFFER_BYTES) {
                return Optional.of("tensor '" + t.name() + "' needs " + t.bytes() + " bytes; the cpu backend holds"
                        + " each tensor in one Java array of at most " + CpuDevice.MAX_BUFFER_BYTES + " bytes");
            }
        }
        if (spec instanceof MoeGemmSpec m && MoeGemmKernel.scratchFloats(m) > MAX_ARRAY) {
            return Optional.of("the transposed activations need " + MoeGemmKernel.scratchFloats(m)
                    + " floats of scratch, more than one Java array holds (" + MAX_ARRAY + ")");
        }
        if (spec instanceof IndexerSpec ix && PagedIndexerKernel.queryFloats(ix) > MAX_ARRAY) {
            return Optional.of("the decoded queries need " + PagedIndexerKernel.queryFloats(ix)
                    + " floats, more than one Java array holds (" + MAX_ARRAY + ")");
        }
        return Optional.empty();
    }

    static Kernel create(OpSpec spec, CpuDevice device) {
        if (spec instanceof QuantizeSpec q) {
            return new QuantizeKernel(q, device);
        }
        if (spec instanceof MoeGemmSpec m) {
            return new MoeGemmKernel(m, device);
        }
        if (spec instanceof AttentionSpec.Prefill p) {
            return new PrefillKernel(p, device);
        }
        if (spec instanceof AttentionSpec.PagedDecode p) {
            return new PagedDecodeKernel(p, device);
        }
        if (spec instanceof AttentionSpec.LatentDecode l) {
            return new LatentDecodeKernel(l, device);
        }
        if (spec instanceof AttentionSpec.SparseLatentDecode s) {
            return new SparseLatentDecodeKernel(s, device);
        }
        if (spec instanceof AttentionSpec.SparseSharedKvDecode s) {
            return new SharedKvDecodeKernel(s, device);
        }
        if (spec instanceof CacheWriteSpec.QuantInsert w) {
            return new CacheWriteKernel(w, device);
        }
        if (spec instanceof AttentionSpec.SparsePrefill s) {
            return new SparseLatentDecodeKernel(s.asSparseDecode(), device); // identical bytes: see asSparseDecode
        }
        if (spec instanceof IndexerSpec.PagedIndexerTopK || spec instanceof IndexerSpec.IndexerLogits) {
            return new PagedIndexerKernel((IndexerSpec) spec, device);
        }
        if (spec instanceof IndexerSpec.IndexerTopK t) {
            return new PrefillIndexerKernel(t, device);
        }
        throw new IllegalArgumentException("no cpu kernel for " + spec.getClass().getName());
    }
}
