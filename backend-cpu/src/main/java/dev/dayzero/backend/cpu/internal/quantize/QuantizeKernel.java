package dev.dayzero.backend.cpu.internal.quantize;

import dev.dayzero.backend.cpu.internal.Bytes;
import dev.dayzero.backend.cpu.internal.CpuDevice;
import dev.dayzero.backend.cpu.internal.Kernel;
import dev.dayzero.backend.cpu.internal.WorkerPool;
import dev.dayzero.backend.cpu.internal.simd.Simd;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Ue8m0;
import dev.dayzero.hal.op.QuantizeSpec;

/**
 * Quantization exactly by {@link QuantizeSpec#scaleFor} and {@link QuantizeSpec#encode}, rows in
 * parallel. Units one row high (per token, per group) take one pass over a row: from BF16, each unit's amax
 * and codes are read straight from the input (a group is still in L1 for its second read); from F32, the row
 * is copied once and each unit's amax, scale and codes come from that copy. Taller units (per block, per tensor) take
 * two: per-row partial maxima in parallel, a reduction per unit, then encoding in parallel. The maxima and
 * the encoding run on the device's {@link Simd} (vectorised: the FP8 rounding is integer arithmetic on the
 * quotient's bits, bit for bit {@link QuantizeSpec#encode}).
 */
public final class QuantizeKernel implements Kernel {
    private static final int ROWS_PER_ITEM = 8;

    private final QuantizeSpec spec;
    private final Simd simd;
    private final WorkerPool pool;
    private final int m;
    private final int k;
    private final int bm;
    private final int bk;
    private final int scaleCols;
    private final float[][] row;       // per worker: one row in F32
    private final float[] rowAmax;     // [M][scaleCols], tall units only
    private final float[] scales;      // [scaleRows][scaleCols], tall units only

    public QuantizeKernel(QuantizeSpec spec, CpuDevice device) {
        this.spec = spec;
        this.simd = device.simd();
        this.pool = device.pool();
        this.m = spec.m();
        this.k = spec.k();
        this.bm = spec.blockRows();
        this.bk = spec.blockCols();
        this.scaleCols = spec.scaleCols();
        this.row = new float[pool.threads()][k];
        boolean tall = bm > 1;
        this.rowAmax = tall ? new float[Math.multiplyExact(m, scaleCols)] : null;
        this.scales = tall ? new float[Math.multiplyExact(spec.scaleRows(), scaleCols)] : null;
    }

    @Override
    public void run(byte[][] ops) {
        byte[] x = ops[0];
        byte[] q = ops[1];
        byte[] s = ops[2];
        int items = (m + ROWS_PER_ITEM - 1) / ROWS_PER_ITEM;
        if (bm == 1 && spec.inputType() == DType.BF16) {
            // one row-high units from BF16: amax and codes read the input directly (no F32 copy of the row), a row
            // at a time (Simd.quantizeRowBf16)
            pool.forEach(items, (worker, item) -> {
                float[] unitScales = row[worker]; // the F32 row scratch, unused on this path, holds the row's scales
                for (int i = item * ROWS_PER_ITEM, end = Math.min(m, i + ROWS_PER_ITEM); i < end; i++) {
                    int base = Math.toIntExact((long) i * k);
                    simd.quantizeRowBf16(spec, x, 2 * base, k, bk, unitScales, q, base);
                    for (int g = 0; g < scaleCols; g++) {
                        storeScale(s, (long) i * scaleCols + g, unitScales[g]);
                    }
                }
            });
            return;
        }
        if (bm == 1) {
            pool.forEach(items, (worker, item) -> {
                float[] r = row[worker];
                for (int i = item * ROWS_PER_ITEM, end = Math.min(m, i + ROWS_PER_ITEM); i < end; i++) {
                    load(x, i, r);
                    for (int c = 0, g = 0; c < k; c += bk, g++) {
                        int ce = Math.min(k, c + bk);
                        float scale = spec.scaleFor(simd.amax(r, c, ce - c));
                        storeScale(s, (long) i * scaleCols + g, scale);
                        encode(r, c, ce, scale, q, (long) i * k);
                    }
                }
            });
            return;
        }
        pool.forEach(items, (worker, item) -> {
            float[] r = row[worker];
            for (int i = item * ROWS_PER_ITEM, end = Math.min(m, i + ROWS_PER_ITEM); i < end; i++) {
                load(x, i, r);
                for (int c = 0, g = 0; c < k; c += bk, g++) {
                    rowAmax[i * scaleCols + g] = simd.amax(r, c, Math.min(k, c + bk) - c);
                }
            }
        });
        for (int br = 0, i0 = 0; i0 < m; br++, i0 += bm) {
            for (int g = 0; g < scaleCols; g++) {
                float a = 0f;
                for (int i = i0, end = Math.min(m, i0 + bm); i < end; i++) {
                    a = Math.max(a, rowAmax[i * scaleCols + g]);
                }
                float scale = spec.scaleFor(a);
                scales[br * scaleCols + g] = scale;
                storeScale(s, (long) br * scaleCols + g, scale);
            }
        }
        pool.forEach(items, (worker, item) -> {
            float[] r = row[worker];
            for (int i = item * ROWS_PER_ITEM, end = Math.min(m, i + ROWS_PER_ITEM); i < end; i++) {
                load(x, i, r);
                int sr = (i / bm) * scaleCols;
                for (int c = 0, g = 0; c < k; c += bk, g++) {
                    encode(r, c, Math.min(k, c + bk), scales[sr + g], q, (long) i * k);
                }
            }
        });
    }

    private void load(byte[] x, int i, float[] r) {
        long base = (long) i * k;
        if (spec.inputType() == DType.BF16) {
            simd.bf16ToF32(x, Math.toIntExact(base * 2), r, 0, k);
        } else {
            int off = Math.toIntExact(base * 4);
            for (int j = 0; j < k; j++) {
                r[j] = Bytes.getFloat(x, off + 4 * j);
            }
        }
    }

    private void encode(float[] r, int from, int to, float scale, byte[] q, long rowBase) {
        simd.encode(spec, r, from, to - from, scale, q, Math.toIntExact(rowBase) + from);
    }

    private void storeScale(byte[] s, long index, float scale) {
        if (spec.scaleType() == DType.UE8M0) {
            s[Math.toIntExact(index)] = Ue8m0.encode(scale);
        } else {
            Bytes.putFloat(s, Math.toIntExact(index * 4), scale);
        }
    }
}
