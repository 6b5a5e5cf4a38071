package dev.dayzero.tck.oracle;

import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.MoeGemmSpec.Layout;
import dev.dayzero.hal.op.MoeGemmSpec.Type;
import dev.dayzero.tck.data.HostTensor;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link MoeGemmSpec} in code: {@code out[r, n] = Σ_k x[r, k] · w[e(r), n, k]} for the expert {@code e(r)}
 * that owns stored row {@code r}. BF16, FP8 and MXFP4 operands are dequantized to F64 (FP8: {@code
 * decode(code) · scale} of its 1×128 or 128×128 block, the scale F32 or UE8M0 {@code 2^(c-127)}; MXFP4:
 * {@code e2m1(nibble) · 2^(s-127)} with {@code s = w_scale[e, n, k/32]}, element {@code 2i} in the low
 * nibble) and accumulated in F64; INT8 products are summed exactly in a {@code long}, then
 * {@code out = acc · s_x · s_w} in F64.
 */
final class MoeGemmOracle {
    /** Requested rows of one expert computed together, so each weight row is decoded once per chunk. */
    private static final int ROW_CHUNK = 16;

    private MoeGemmOracle() {
    }

    static double[][] moeGemm(MoeGemmSpec spec, List<HostTensor> inputs, int[] rows) {
        Operands.check("moe-gemm", spec.inputs(), inputs);
        Operands.checkRows("moe-gemm", rows, spec.storedRows());
        int at = 0;
        HostTensor x = inputs.get(at++);
        boolean hasXScale = spec.type().hasGroupActivationScales() || spec.type() == Type.INT8_W8A8;
        HostTensor xScale = hasXScale ? inputs.get(at++) : null;
        HostTensor w = inputs.get(at++);
        HostTensor wScale = spec.type() == Type.BF16 ? null : inputs.get(at++);
        HostTensor rowsPerExpert = inputs.get(at);
        long[] counts = new long[spec.experts()];
        for (int e = 0; e < counts.length; e++) {
            counts[e] = spec.rowsPerExpert().get(e);
        }
        Operands.checkInts("moe-gemm", rowsPerExpert, counts);

        double[][] out = new double[rows.length][spec.n()];
        List<List<Integer>> byExpert = new ArrayList<>();
        for (int e = 0; e < spec.experts(); e++) {
            byExpert.add(new ArrayList<>());
        }
        for (int p = 0; p < rows.length; p++) {
            byExpert.get(expertOf(spec, rows[p])).add(p);
        }
        for (int e = 0; e < spec.experts(); e++) {
            List<Integer> positions = byExpert.get(e);
            for (int from = 0; from < positions.size(); from += ROW_CHUNK) {
                List<Integer> chunk = positions.subList(from, Math.min(positions.size(), from + ROW_CHUNK));
                if (spec.type() == Type.INT8_W8A8) {
                    int8Chunk(spec, x, xScale, w, wScale, e, rows, chunk, out);
                } else {
                    floatChunk(spec, x, xScale, w, wScale, e, rows, chunk, out);
                }
            }
        }
        return out;
    }

    /**
     * The expert owning stored row {@code row}: contiguous, the {@code e} whose prefix-sum range holds it;
     * masked, {@code row / maxRows}, and the row must be valid ({@code row % maxRows < rowsPerExpert[e]}).
     */
    static int expertOf(MoeGemmSpec spec, int row) {
        List<Integer> counts = spec.rowsPerExpert();
        if (spec.layout() == Layout.MASKED) {
            int e = row / spec.maxRows();
            int i = row % spec.maxRows();
            if (i >= counts.get(e)) {
                throw new IllegalArgumentException("moe-gemm: stored row " + row + " is row " + i + " of expert " + e
                        + ", which has only " + counts.get(e) + " valid rows");
            }
            return e;
        }
        long end = 0;
        for (int e = 0; e < counts.size(); e++) {
            end += counts.get(e);
            if (row < end) {
                return e;
            }
        }
        throw new IllegalArgumentException("moe-gemm: row " + row + " is past the " + end + " rows");
    }

    /** BF16, FP8 and MXFP4: dequantize to F64, accumulate in F64. */
    private static void floatChunk(MoeGemmSpec spec, HostTensor x, HostTensor xScale, HostTensor w,
                                   HostTensor wScale, int e, int[] rows, List<Integer> chunk, double[][] out) {
        int n = spec.n();
        int k = spec.k();
        boolean xScaled = spec.type().hasGroupActivationScales();
        boolean fp8 = spec.type() == Type.FP8_BLOCK;
        boolean mx = spec.type().isMxfp4();
        int mxBlocks = k / MoeGemmSpec.MX_BLOCK;
        int kBlocks = (k + MoeGemmSpec.FP8_BLOCK - 1) / MoeGemmSpec.FP8_BLOCK; // FP8: exactly K/128
        int nBlocks = (n + MoeGemmSpec.FP8_BLOCK - 1) / MoeGemmSpec.FP8_BLOCK;
        double[][] xs = new double[chunk.size()][k];
        double[] scales = new double[kBlocks];
        for (int c = 0; c < chunk.size(); c++) {
            long row = rows[chunk.get(c)];
            for (int kb = 0; kb < kBlocks; kb++) {
                scales[kb] = xScaled ? xScale.getFloat(row * kBlocks + kb) : 1.0; // x_scale [R, K/128]
            }
            for (int kk = 0; kk < k; kk++) {
                xs[c][kk] = x.getFloat(row * k + kk) * scales[kk / MoeGemmSpec.FP8_BLOCK];
            }
        }
        double[] wRow = new double[k];
        for (int nn = 0; nn < n; nn++) {
            long base = ((long) e * n + nn) * k;
            if (mx) { // w_scale [E, N, K/32], UE8M0
                long scaleBase = ((long) e * n + nn) * mxBlocks;
                for (int kk = 0; kk < k; kk++) {
                    wRow[kk] = (double) w.getFloat(base + kk) * wScale.getFloat(scaleBase + kk / MoeGemmSpec.MX_BLOCK);
                }
                for (int c = 0; c < chunk.size(); c++) {
                    out[chunk.get(c)][nn] = Operands.dot(xs[c], wRow, k);
                }
                continue;
            }
            for (int kb = 0; kb < kBlocks; kb++) { // w_scale [E, ceil(N/128), K/128]
                scales[kb] = fp8 ? wScale.getFloat(((long) e * nBlocks + nn / MoeGemmSpec.FP8_BLOCK) * kBlocks + kb)
                        : 1.0;
            }
            for (int kk = 0; kk < k; kk++) {
                wRow[kk] = w.getFloat(base + kk) * scales[kk / MoeGemmSpec.FP8_BLOCK];
            }
            for (int c = 0; c < chunk.size(); c++) {
                out[chunk.get(c)][nn] = Operands.dot(xs[c], wRow, k);
            }
        }
    }

    /** INT8 W8A8: exact integer accumulation, then {@code acc · s_x[row] · s_w[e, n]} in F64. */
    private static void int8Chunk(MoeGemmSpec spec, HostTensor x, HostTensor xScale, HostTensor w,
                                  HostTensor wScale, int e, int[] rows, List<Integer> chunk, double[][] out) {
        int8Chunk(spec.n(), spec.k(), x, xScale, w, wScale, e, rows, chunk, out);
    }

    /**
     * INT8 W8A8 of weight matrix {@code e} of {@code w [*, n, k]}: exact integer accumulation, then
     * {@code acc · s_x[row] · s_w[e, n]} in F64 (shared by the MoE and the dense GEMM oracle).
     */
    static void int8Chunk(int n, int k, HostTensor x, HostTensor xScale, HostTensor w, HostTensor wScale, int e,
                          int[] rows, List<Integer> chunk, double[][] out) {
        byte[][] xs = new byte[chunk.size()][k];
        for (int c = 0; c < chunk.size(); c++) {
            long row = rows[chunk.get(c)];
            for (int kk = 0; kk < k; kk++) {
                xs[c][kk] = x.getByte(row * k + kk);
            }
        }
        byte[] wRow = new byte[k];
        for (int nn = 0; nn < n; nn++) {
            long base = ((long) e * n + nn) * k;
            for (int kk = 0; kk < k; kk++) {
                wRow[kk] = w.getByte(base + kk);
            }
            double sw = wScale.getFloat((long) e * n + nn);
            for (int c = 0; c < chunk.size(); c++) {
                long acc = 0;
                byte[] xr = xs[c];
                for (int kk = 0; kk < k; kk++) {
                    acc += xr[kk] * wRow[kk];
                }
                double sx = xScale.getFloat(rows[chunk.get(c)]);
                out[chunk.get(c)][nn] = acc * sx * sw;
            }
        }
    }
}
