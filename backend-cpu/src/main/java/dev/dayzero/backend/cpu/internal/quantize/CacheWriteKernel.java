package dev.dayzero.backend.cpu.internal.quantize;

import dev.dayzero.backend.cpu.internal.Bytes;
import dev.dayzero.backend.cpu.internal.CpuDevice;
import dev.dayzero.backend.cpu.internal.Kernel;
import dev.dayzero.backend.cpu.internal.WorkerPool;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp8;
import dev.dayzero.hal.Ue8m0;
import dev.dayzero.hal.op.CacheWriteSpec;
import dev.dayzero.hal.op.SharedKvFormat;

/**
 * Quantize-and-insert by {@link CacheWriteSpec.QuantInsert}'s recipe, tokens in parallel: per tile,
 * {@link CacheWriteSpec.QuantInsert#scaleFor} and {@link Fp8#encode} of the F32 quotient; the scale stored as
 * UE8M0 (MODEL1) or F32 (V32); RoPE values copied. Only the bytes of the named slots are written (the MODEL1
 * pad byte is left as it was).
 */
public final class CacheWriteKernel implements Kernel {
    private static final int TOKENS_PER_ITEM = 8;

    private final CacheWriteSpec.QuantInsert spec;
    private final WorkerPool pool;
    private final float[][] row;

    public CacheWriteKernel(CacheWriteSpec.QuantInsert spec, CpuDevice device) {
        this.spec = spec;
        this.pool = device.pool();
        this.row = new float[pool.threads()][spec.headDim()];
    }

    @Override
    public void run(byte[][] ops) {
        byte[] kv = ops[0];
        byte[] slots = ops[1];
        byte[] cache = ops[2];
        int items = (spec.tokens() + TOKENS_PER_ITEM - 1) / TOKENS_PER_ITEM;
        pool.forEach(items, (worker, item) -> {
            for (int r = item * TOKENS_PER_ITEM, end = Math.min(spec.tokens(), r + TOKENS_PER_ITEM); r < end; r++) {
                long slot = Bytes.getInt(slots, 8 * r) & 0xffffffffL | ((long) Bytes.getInt(slots, 8 * r + 4) << 32);
                if (slot != -1) {
                    write(kv, r, slot, cache, row[worker]);
                }
            }
        });
    }

    private void write(byte[] kv, int r, long slot, byte[] cache, float[] x) {
        SharedKvFormat f = spec.format();
        int d = spec.headDim();
        int bs = spec.pageBlockSize();
        long total = (long) spec.numPages() * bs;
        if (slot < 0 || slot >= total) {
            throw new IllegalArgumentException("slot_mapping[" + r + "] = " + slot + " is neither -1 nor a slot in [0, "
                    + total + ")");
        }
        long page = (slot / bs) * f.blockBytes(bs, d);
        int t = (int) (slot % bs);
        int at = Math.toIntExact(page + f.tokenOffset(bs, d, t));
        int src = r * d * 2;
        if (f == SharedKvFormat.BF16) {
            System.arraycopy(kv, src, cache, at, 2 * d);
            return;
        }
        for (int i = 0; i < d; i++) {
            x[i] = Bytes.getBf16(kv, src + 2 * i);
        }
        int tile = f.tileSize();
        int scales = Math.toIntExact(page + f.scaleOffset(bs, t));
        for (int g = 0; g < f.quantizedDims() / tile; g++) {
            float amax = 0f;
            for (int i = g * tile; i < (g + 1) * tile; i++) {
                amax = Math.max(amax, Math.abs(x[i]));
            }
            float scale = CacheWriteSpec.QuantInsert.scaleFor(amax);
            for (int i = g * tile; i < (g + 1) * tile; i++) {
                cache[at + i] = Fp8.encode(DType.F8_E4M3FN, x[i] / scale);
            }
            if (f == SharedKvFormat.FP8_MODEL1) {
                cache[scales + g] = Ue8m0.encode(scale);
            } else {
                Bytes.putFloat(cache, scales + 4 * g, scale);
            }
        }
        int rope = Math.toIntExact(at + f.ropeOffset(d));
        System.arraycopy(kv, src + 2 * (d - SharedKvFormat.ROPE), cache, rope, 2 * SharedKvFormat.ROPE);
    }
}
