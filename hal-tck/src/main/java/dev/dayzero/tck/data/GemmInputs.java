package dev.dayzero.tck.data;

import dev.dayzero.hal.Bf16;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp8;
import dev.dayzero.hal.Ue8m0;
import dev.dayzero.hal.op.GemmSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import dev.dayzero.hal.op.TensorSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Seeded inputs of the dense GEMM. Every scaling unit (a 1×128 group of an activation row, a 128×128
 * weight block, an INT8 row or channel) draws its own magnitude, a power of two between 2^-3 and 2^3, so
 * that a kernel applying a neighbour's scale, or transposing the weight-scale grid, is off by up to 64×
 * rather than by the few percent two similar scales would give. BF16 operands carry the same per-block
 * magnitudes, so batch entries and weight blocks are told apart there too. FP8 codes and scales follow
 * {@link QuantizeSpec}'s recipe (amax floored at 1e-4, {@code scale = amax / 448}, rounded up to a power of two
 * for UE8M0 scales).
 */
final class GemmInputs {
    private static final int BLOCK = GemmSpec.FP8_BLOCK;

    private GemmInputs() {
    }

    static List<HostTensor> generate(GemmSpec spec, long seed) {
        List<TensorSpec> specs = spec.inputs();
        List<HostTensor> out = new ArrayList<>();
        int at = 0;
        HostTensor x = HostTensor.allocate(specs.get(at++));
        HostTensor xScale = spec.type() == GemmSpec.Type.BF16 ? null : HostTensor.allocate(specs.get(at++));
        HostTensor w = HostTensor.allocate(specs.get(at++));
        HostTensor wScale = spec.type() == GemmSpec.Type.BF16 ? null : HostTensor.allocate(specs.get(at));
        long xRows = (long) spec.batch() * spec.m();
        long wRows = (long) spec.batch() * spec.n();
        SplitMix64 rx = SplitMix64.forStream(seed, "x");
        SplitMix64 rw = SplitMix64.forStream(seed, "w");
        switch (spec.type()) {
            case BF16 -> {
                bf16(x, xRows, spec.k(), 1, rx, 1f);
                for (int b = 0; b < spec.batch(); b++) { // weight blocks do not straddle batch entries
                    bf16Slice(w, (long) b * spec.n(), spec.n(), spec.k(), BLOCK, rw, 0.05f);
                }
            }
            case FP8_BLOCK -> {
                fp8(x, xScale, 0, 0, xRows, spec.k(), 1, spec.scaleType(), rx, 1f);
                long perEntry = (long) spec.nBlocks() * spec.kBlocks();
                for (int b = 0; b < spec.batch(); b++) {
                    fp8(w, wScale, (long) b * spec.n() * spec.k(), b * perEntry, spec.n(), spec.k(), BLOCK,
                            spec.scaleType(), rw, 0.05f);
                }
            }
            case INT8_W8A8 -> {
                int8(x, xRows * spec.k(), rx);
                int8(w, wRows * spec.k(), rw);
                scales(xScale, xRows, SplitMix64.forStream(seed, "x_scale"), 1f / 127);
                scales(wScale, wRows, SplitMix64.forStream(seed, "w_scale"), 0.05f / 127);
            }
        }
        out.add(x);
        if (xScale != null) {
            out.add(xScale);
        }
        out.add(w);
        if (wScale != null) {
            out.add(wScale);
        }
        return List.copyOf(out);
    }

    /** A power of two in [2^-3, 2^3]. */
    private static float unitMagnitude(SplitMix64 rnd) {
        return (float) Math.scalb(1.0, rnd.nextInt(7) - 3);
    }

    private static void bf16(HostTensor t, long rows, int k, int blockRows, SplitMix64 rnd, float magnitude) {
        bf16Slice(t, 0, rows, k, blockRows, rnd, magnitude);
    }

    /** Rows {@code [first, first + rows)} of a {@code [*, k]} BF16 tensor, one magnitude per blockRows × 128 block. */
    private static void bf16Slice(HostTensor t, long first, long rows, int k, int blockRows, SplitMix64 rnd,
                                  float magnitude) {
        int kBlocks = (k + BLOCK - 1) / BLOCK;
        float[] mags = new float[kBlocks];
        for (long r = 0; r < rows; r++) {
            if (r % blockRows == 0) {
                for (int kb = 0; kb < kBlocks; kb++) {
                    mags[kb] = magnitude * unitMagnitude(rnd);
                }
            }
            long base = (first + r) * k;
            for (int c = 0; c < k; c++) {
                t.setShort(base + c, Bf16.encode(rnd.nextSigned() * mags[c / BLOCK]));
            }
        }
    }

    /**
     * Draws a {@code rows × k} matrix with one magnitude per {@code blockRows × 128} block, quantizes it to
     * E4M3FN with one scale per block, and stores codes from {@code codeBase} and scales
     * ({@code [ceil(rows/blockRows), k/128]} of {@code scaleType}) from {@code scaleBase}.
     */
    private static void fp8(HostTensor codes, HostTensor scales, long codeBase, long scaleBase, long rows, int k,
                            int blockRows, DType scaleType, SplitMix64 rnd, float magnitude) {
        int groups = k / BLOCK;
        float[] values = new float[Math.toIntExact(Math.min(rows, blockRows) * (long) k)];
        for (long r0 = 0; r0 < rows; r0 += blockRows) {
            int nr = (int) Math.min(blockRows, rows - r0);
            float[] mags = new float[groups];
            for (int g = 0; g < groups; g++) {
                mags[g] = magnitude * unitMagnitude(rnd);
            }
            for (int r = 0; r < nr; r++) {
                for (int c = 0; c < k; c++) {
                    values[r * k + c] = rnd.nextSigned() * mags[c / BLOCK];
                }
            }
            for (int g = 0; g < groups; g++) {
                float amax = 0f;
                for (int r = 0; r < nr; r++) {
                    for (int c = 0; c < BLOCK; c++) {
                        amax = Math.max(amax, Math.abs(values[r * k + g * BLOCK + c]));
                    }
                }
                float scale = Math.max(amax, QuantizeSpec.AMAX_FLOOR) / Fp8.E4M3FN_MAX;
                long at = scaleBase + (r0 / blockRows) * groups + g;
                if (scaleType == DType.UE8M0) {
                    scale = Ue8m0.ceilPowerOfTwo(scale);
                    scales.setByte(at, Ue8m0.encode(scale));
                } else {
                    scales.setFloat(at, scale);
                }
                for (int r = 0; r < nr; r++) {
                    for (int c = 0; c < BLOCK; c++) {
                        int col = g * BLOCK + c;
                        codes.setByte(codeBase + (r0 + r) * k + col,
                                Fp8.encode(DType.F8_E4M3FN, values[r * k + col] / scale));
                    }
                }
            }
        }
    }

    private static void int8(HostTensor t, long n, SplitMix64 rnd) {
        for (long i = 0; i < n; i++) {
            t.setByte(i, (byte) (rnd.nextInt(255) - 127));
        }
    }

    /** One positive F32 scale per row or channel: {@code magnitude · 2^[-3, 3] · [0.5, 1.5)}. */
    private static void scales(HostTensor t, long n, SplitMix64 rnd, float magnitude) {
        for (long i = 0; i < n; i++) {
            t.setFloat(i, magnitude * unitMagnitude(rnd) * (0.5f + rnd.nextFloat()));
        }
    }
}
