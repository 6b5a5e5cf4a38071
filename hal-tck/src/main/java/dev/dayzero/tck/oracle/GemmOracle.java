package dev.dayzero.tck.oracle;

import dev.dayzero.hal.op.GemmSpec;
import dev.dayzero.hal.op.GemmSpec.Type;
import dev.dayzero.tck.data.HostTensor;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link GemmSpec} in code: {@code out[b, i, n] = Σ_k x[b, i, k] · w[b, n, k]}. BF16 and FP8 operands are
 * dequantized to F64 (FP8: {@code decode(code) · scale} of its 1×128 or 128×128 block, the scale an F32
 * value or a UE8M0 power of two) and accumulated in F64; INT8 products are summed exactly in a {@code long},
 * then {@code out = acc · s_x · s_w} in F64.
 */
final class GemmOracle {
    /** Requested rows of one batch entry computed together, so each weight row is decoded once per chunk. */
    private static final int ROW_CHUNK = 32;

    private GemmOracle() {
    }

    /** Rows index the flattened {@code [B · M]} row dimension: row {@code r} is row {@code r % M} of entry {@code r / M}. */
    static double[][] gemm(GemmSpec spec, List<HostTensor> inputs, int[] rows) {
        Operands.check("gemm", spec.inputs(), inputs);
        Operands.checkRows("gemm", rows, (long) spec.batch() * spec.m());
        boolean scaled = spec.type() != Type.BF16;
        int at = 0;
        HostTensor x = inputs.get(at++);
        HostTensor xScale = scaled ? inputs.get(at++) : null;
        HostTensor w = inputs.get(at++);
        HostTensor wScale = scaled ? inputs.get(at) : null;

        double[][] out = new double[rows.length][spec.n()];
        List<List<Integer>> byEntry = new ArrayList<>();
        for (int b = 0; b < spec.batch(); b++) {
            byEntry.add(new ArrayList<>());
        }
        for (int p = 0; p < rows.length; p++) {
            byEntry.get(rows[p] / spec.m()).add(p);
        }
        for (int b = 0; b < spec.batch(); b++) {
            List<Integer> positions = byEntry.get(b);
            for (int from = 0; from < positions.size(); from += ROW_CHUNK) {
                List<Integer> chunk = positions.subList(from, Math.min(positions.size(), from + ROW_CHUNK));
                if (spec.type() == Type.INT8_W8A8) {
                    int8Chunk(spec, x, xScale, w, wScale, b, rows, chunk, out);
                } else {
                    floatChunk(spec, x, xScale, w, wScale, b, rows, chunk, out);
                }
            }
        }
        return out;
    }

    /** BF16 and FP8: dequantize to F64, accumulate in F64. */
    private static void floatChunk(GemmSpec spec, HostTensor x, HostTensor xScale, HostTensor w, HostTensor wScale,
                                   int b, int[] rows, List<Integer> chunk, double[][] out) {
        int n = spec.n();
        int k = spec.k();
        boolean fp8 = spec.type() == Type.FP8_BLOCK;
        int kBlocks = fp8 ? spec.kBlocks() : 1;
        int block = fp8 ? GemmSpec.FP8_BLOCK : k;
        double[][] xs = new double[chunk.size()][k];
        double[] scales = new double[kBlocks];
        for (int c = 0; c < chunk.size(); c++) {
            long row = rows[chunk.get(c)]; // flattened [B·M]: x [B, M, K], x_scale [B, M, K/128]
            for (int kb = 0; kb < kBlocks; kb++) {
                scales[kb] = fp8 ? xScale.getFloat(row * kBlocks + kb) : 1.0;
            }
            for (int kk = 0; kk < k; kk++) {
                xs[c][kk] = x.getFloat(row * k + kk) * scales[kk / block];
            }
        }
        double[] wRow = new double[k];
        for (int nn = 0; nn < n; nn++) {
            long base = ((long) b * n + nn) * k;
            for (int kb = 0; kb < kBlocks; kb++) { // w_scale [B, ceil(N/128), K/128]
                scales[kb] = fp8 ? wScale.getFloat(((long) b * spec.nBlocks() + nn / GemmSpec.FP8_BLOCK) * kBlocks + kb)
                        : 1.0;
            }
            for (int kk = 0; kk < k; kk++) {
                wRow[kk] = w.getFloat(base + kk) * scales[kk / block];
            }
            for (int c = 0; c < chunk.size(); c++) {
                out[chunk.get(c)][nn] = Operands.dot(xs[c], wRow, k);
            }
        }
    }

    /** INT8 W8A8: exact integer accumulation, then {@code acc · s_x[b, i] · s_w[b, n]} in F64. */
    private static void int8Chunk(GemmSpec spec, HostTensor x, HostTensor xScale, HostTensor w, HostTensor wScale,
                                  int b, int[] rows, List<Integer> chunk, double[][] out) {
        MoeGemmOracle.int8Chunk(spec.n(), spec.k(), x, xScale, w, wScale, b, rows, chunk, out);
    }
}
