package dev.dayzero.tck.oracle;

import dev.dayzero.hal.Bf16;
import dev.dayzero.hal.Fp8;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.IndexerSpec.IndexerTopK;
import dev.dayzero.hal.op.IndexerSpec.KeyType;
import dev.dayzero.hal.op.IndexerSpec.PagedKeys;
import dev.dayzero.tck.data.HostTensor;
import java.util.Arrays;
import java.util.List;

/**
 * {@link IndexerSpec} in code: for one query row, {@code score[j] = k_scale[j] · Σ_h w[h] · max(0, q[h]·k[j])}
 * in F64 over the keys the row may see, FP8 and BF16 values decoded exactly. Beside each score it gives
 * the score's magnitude {@code |k_scale[j]| · Σ_h |w[h]| · Σ_d |q[h,d]·k[j,d]|}, from which the kit derives
 * how far a backend's F32 (or coarser) accumulation may move it. Only the keys a row sees are read, through
 * the block table for paged caches.
 */
final class IndexerOracle {
    private IndexerOracle() {
    }

    static IndexerScores scores(IndexerSpec spec, List<HostTensor> inputs, int[] rows) {
        Operands.check("indexer " + spec.variant(), spec.inputs(), inputs);
        Operands.checkRows("indexer " + spec.variant(), rows, spec.queries());
        double[][] scores = new double[rows.length][];
        double[][] magnitudes = new double[rows.length][];
        if (spec instanceof IndexerTopK p) {
            prefill(p, inputs, rows, scores, magnitudes);
        } else {
            PagedKeys cache = ((IndexerSpec.Paged) spec).cache();
            paged(cache, inputs, rows, scores, magnitudes);
        }
        return new IndexerScores(scores, magnitudes);
    }

    /** The oracle's top-k rows: the highest scores, ties to the lower index, then -1. */
    static int[][] topk(IndexerSpec spec, int topk, List<HostTensor> inputs, int[] rows) {
        IndexerScores s = scores(spec, inputs, rows);
        long[] firstKey = new long[rows.length];
        if (spec instanceof IndexerTopK p) {
            for (int r = 0; r < rows.length; r++) {
                firstKey[r] = rows[r] - (p.validKeys(rows[r]) - 1);
            }
        }
        int[][] out = new int[rows.length][topk];
        for (int r = 0; r < rows.length; r++) {
            double[] row = s.scores()[r];
            Integer[] order = new Integer[row.length];
            for (int j = 0; j < row.length; j++) {
                order[j] = j;
            }
            Arrays.sort(order, (a, b) -> row[a] != row[b] ? Double.compare(row[b], row[a]) : Integer.compare(a, b));
            Arrays.fill(out[r], -1);
            for (int i = 0; i < Math.min(topk, row.length); i++) {
                out[r][i] = (int) (firstKey[r] + order[i]);
            }
        }
        return out;
    }

    // ---- decode: paged keys -------------------------------------------------------------------------

    private static void paged(PagedKeys c, List<HostTensor> inputs, int[] rows, double[][] scores,
                              double[][] magnitudes) {
        HostTensor q = inputs.get(0);
        HostTensor cache = inputs.get(1);
        HostTensor weights = inputs.get(2);
        HostTensor contextLens = inputs.get(3);
        HostTensor blockTable = inputs.get(4);
        long[] lens = new long[c.batch() * c.nextN()];
        for (int b = 0; b < c.batch(); b++) {
            for (int j = 0; j < c.nextN(); j++) {
                lens[b * c.nextN() + j] = c.validKeys(b, j);
            }
        }
        Operands.checkInts("indexer context_lens", contextLens, lens);
        int h = c.heads();
        int d = c.headDim();
        int maxBlocks = c.maxBlocks();
        for (int r = 0; r < rows.length; r++) {
            int row = rows[r];
            int b = row / c.nextN();
            int n = (int) lens[row];
            double[][] qh = queryHeads(q, c.keyType(), (long) row * h * d, h, d);
            double[] w = weightsRow(weights, row, h);
            scores[r] = new double[n];
            magnitudes[r] = new double[n];
            for (int k = 0; k < n; k++) {
                int page = blockTable.getInt((long) b * maxBlocks + k / c.pageSize());
                if (page < 0 || page >= c.numPages()) {
                    throw new IllegalArgumentException("indexer: block_table[" + b + ", " + k / c.pageSize() + "] = "
                            + page + " is not a page id in [0, " + c.numPages() + ") but key " + k + " needs it");
                }
                int slot = k % c.pageSize();
                double[] key = new double[d];
                double scale;
                if (c.keyType() == KeyType.FP8) {
                    long block = page * c.blockBytes();
                    for (int i = 0; i < d; i++) {
                        key[i] = Fp8.decode(KeyType.FP8.valueType(), cache.getByte(block + (long) slot * d + i));
                    }
                    scale = cache.floatAt(block + (long) c.pageSize() * d + 4L * slot);
                } else {
                    long at = ((long) page * c.pageSize() + slot) * d;
                    for (int i = 0; i < d; i++) {
                        key[i] = Bf16.decode(cache.getShort(at + i));
                    }
                    scale = 1;
                }
                score(qh, w, key, scale, scores[r], magnitudes[r], k);
            }
        }
    }

    // ---- prefill: packed sequences --------------------------------------------------------------------

    private static void prefill(IndexerTopK spec, List<HostTensor> inputs, int[] rows, double[][] scores,
                                double[][] magnitudes) {
        HostTensor q = inputs.get(0);
        HostTensor k = inputs.get(1);
        HostTensor kScale = inputs.get(2);
        HostTensor weights = inputs.get(3);
        long t = spec.totalTokens();
        long[] ks = new long[Math.toIntExact(t)];
        long[] ke = new long[ks.length];
        long start = 0;
        for (int len : spec.seqLens()) {
            for (int i = 0; i < len; i++) {
                ks[(int) (start + i)] = start;
                ke[(int) (start + i)] = start + i + 1;
            }
            start += len;
        }
        Operands.checkInts("indexer ks", inputs.get(4), ks);
        Operands.checkInts("indexer ke", inputs.get(5), ke);
        int h = spec.heads();
        int d = spec.headDim();
        for (int r = 0; r < rows.length; r++) {
            int row = rows[r];
            double[][] qh = queryHeads(q, spec.keyType(), (long) row * h * d, h, d);
            double[] w = weightsRow(weights, row, h);
            int n = (int) (ke[row] - ks[row]);
            scores[r] = new double[n];
            magnitudes[r] = new double[n];
            for (int j = 0; j < n; j++) {
                long key = ks[row] + j;
                double[] kv = new double[d];
                for (int i = 0; i < d; i++) {
                    kv[i] = k.getFloat(key * d + i);
                }
                double scale = spec.keyType() == KeyType.FP8 ? kScale.getFloat(key) : 1;
                score(qh, w, kv, scale, scores[r], magnitudes[r], j);
            }
        }
    }

    // ---- the score ------------------------------------------------------------------------------------

    private static void score(double[][] q, double[] w, double[] key, double scale, double[] scores,
                              double[] magnitudes, int at) {
        double s = 0;
        double m = 0;
        for (int h = 0; h < q.length; h++) {
            double dot = 0;
            double abs = 0;
            for (int i = 0; i < key.length; i++) {
                double p = q[h][i] * key[i];
                dot += p;
                abs += Math.abs(p);
            }
            s += w[h] * Math.max(0, dot);
            m += Math.abs(w[h]) * abs;
        }
        scores[at] = scale * s;
        magnitudes[at] = Math.abs(scale) * m;
    }

    private static double[][] queryHeads(HostTensor q, KeyType type, long at, int h, int d) {
        double[][] out = new double[h][d];
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < d; j++) {
                long e = at + (long) i * d + j;
                out[i][j] = type == KeyType.FP8 ? Fp8.decode(type.valueType(), q.getByte(e)) : Bf16.decode(q.getShort(e));
            }
        }
        return out;
    }

    private static double[] weightsRow(HostTensor weights, int row, int h) {
        double[] w = new double[h];
        for (int i = 0; i < h; i++) {
            w[i] = weights.getFloat((long) row * h + i);
        }
        return w;
    }
}
