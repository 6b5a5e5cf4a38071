package dev.dayzero.tck.oracle;

import dev.dayzero.hal.Bf16;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp8;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.AttentionSpec.LatentDecode;
import dev.dayzero.hal.op.AttentionSpec.PagedDecode;
import dev.dayzero.hal.op.AttentionSpec.Prefill;
import dev.dayzero.hal.op.AttentionSpec.SparseLatentDecode;
import dev.dayzero.hal.op.AttentionSpec.SparsePrefill;
import dev.dayzero.hal.op.KvCacheType;
import dev.dayzero.tck.data.HostTensor;
import java.util.List;

/**
 * {@link AttentionSpec} in code. For one query row and one query head: {@code s_t = scale · (q · k_t)} in
 * F64 over the keys the query may see, {@code p_t = exp(s_t − max s) / Σ exp(s_u − max s)}, and
 * {@code out = Σ p_t · v_t}; a query that sees no key outputs zeros. Queries and BF16 caches are decoded
 * exactly to F64; the FP8 FlashMLA cache is dequantized by its rule, {@code bf16(decode(code) · bf16(scale))}
 * ({@link KvCacheType#FP8_FLASHMLA}). Only the
 * cache entries and block-table entries a query needs are read.
 */
final class AttentionOracle {
    private AttentionOracle() {
    }

    static double[][] attention(AttentionSpec spec, List<HostTensor> inputs, int[] rows) {
        Operands.check("attention " + spec.variant(), spec.inputs(), inputs);
        if (spec instanceof Prefill p) {
            return prefill(p, inputs, rows);
        } else if (spec instanceof PagedDecode p) {
            return pagedDecode(p, inputs, rows);
        } else if (spec instanceof LatentDecode p) {
            return latentDecode(p, inputs, rows);
        } else if (spec instanceof SparseLatentDecode p) {
            return sparseLatentDecode(p, inputs, rows);
        } else if (spec instanceof SparsePrefill p) {
            return sparsePrefill(p, inputs, rows);
        } else if (spec instanceof AttentionSpec.SparseSharedKvDecode p) {
            return SharedKvOracle.decode(p, inputs, rows).out();
        }
        throw new IllegalArgumentException("unknown attention variant: " + spec);
    }

    // ---- prefill ----------------------------------------------------------------------------------

    private static double[][] prefill(Prefill spec, List<HostTensor> inputs, int[] rows) {
        HostTensor q = inputs.get(0);
        HostTensor k = inputs.get(1);
        HostTensor v = inputs.get(2);
        List<Integer> lens = spec.seqLens();
        long[] starts = new long[lens.size() + 1];
        for (int b = 0; b < lens.size(); b++) {
            starts[b + 1] = starts[b] + lens.get(b);
        }
        Operands.checkInts("attention prefill", inputs.get(3), starts);
        Operands.checkRows("attention prefill", rows, spec.totalTokens());

        int hq = spec.numHeads();
        int hkv = spec.numKvHeads();
        int d = spec.headDim();
        double[][] out = new double[rows.length][hq * d];
        for (int r = 0; r < rows.length; r++) {
            int t = rows[r];
            int b = 0;
            while (t >= starts[b + 1]) {
                b++;
            }
            long start = starts[b];
            int seen = spec.causal() ? (int) (t - start + 1) : lens.get(b);
            for (int g = 0; g < hkv; g++) {
                double[][] keys = new double[seen][];
                double[][] values = new double[seen][];
                for (int u = 0; u < seen; u++) {
                    long at = ((start + u) * hkv + g) * d;
                    keys[u] = decodeBf16(k, at, d);
                    values[u] = decodeBf16(v, at, d);
                }
                for (int h = 0; h < hq; h++) {
                    if (kvHeadOf(h, hq, hkv) == g) {
                        attend(decodeBf16(q, ((long) t * hq + h) * d, d), keys, values, spec.softmaxScale(), out[r],
                                h * d, d);
                    }
                }
            }
        }
        return out;
    }

    // ---- paged decode -----------------------------------------------------------------------------

    private static double[][] pagedDecode(PagedDecode spec, List<HostTensor> inputs, int[] rows) {
        HostTensor q = inputs.get(0);
        HostTensor kCache = inputs.get(1);
        HostTensor vCache = inputs.get(2);
        HostTensor blockTable = inputs.get(3);
        checkSeqLens("attention paged-decode", spec, inputs.get(4));
        Operands.checkRows("attention paged-decode", rows, spec.batch());

        int hq = spec.numHeads();
        int hkv = spec.numKvHeads();
        int d = spec.headDim();
        double[][] out = new double[rows.length][hq * d];
        for (int r = 0; r < rows.length; r++) {
            int b = rows[r];
            int len = spec.seqLens().get(b);
            long[] slots = new long[len];
            for (int t = 0; t < len; t++) {
                slots[t] = pagedSlot(blockTable, spec.maxBlocks(), spec.pageSize(), spec.numPages(), b, t);
            }
            for (int g = 0; g < hkv; g++) {
                double[][] keys = new double[len][];
                double[][] values = new double[len][];
                for (int t = 0; t < len; t++) {
                    long at = (slots[t] * hkv + g) * d;
                    keys[t] = decodeBf16(kCache, at, d);
                    values[t] = decodeBf16(vCache, at, d);
                }
                for (int h = 0; h < hq; h++) {
                    if (kvHeadOf(h, hq, hkv) == g) {
                        attend(decodeBf16(q, ((long) b * hq + h) * d, d), keys, values, spec.softmaxScale(), out[r],
                                h * d, d);
                    }
                }
            }
        }
        return out;
    }

    // ---- latent (MLA) decode ----------------------------------------------------------------------

    private static double[][] latentDecode(LatentDecode spec, List<HostTensor> inputs, int[] rows) {
        HostTensor q = inputs.get(0);
        HostTensor cache = inputs.get(1);
        HostTensor blockTable = inputs.get(2);
        checkSeqLens("attention mla-decode", spec, inputs.get(3));
        int sq = spec.queriesPerSeq();
        Operands.checkRows("attention mla-decode", rows, (long) spec.batch() * sq);

        double[][] out = new double[rows.length][spec.numHeads() * spec.valueDim()];
        for (int r = 0; r < rows.length; r++) {
            int b = rows[r] / sq;
            int j = rows[r] % sq;
            int seen = spec.visible(b, j);
            double[][] keys = new double[seen][];
            for (int t = 0; t < seen; t++) {
                long slot = pagedSlot(blockTable, spec.maxBlocks(), spec.pageSize(), spec.numPages(), b, t);
                keys[t] = latentKey(cache, spec.kvCache(), spec.headDim(), slot);
            }
            latentHeads(q, rows[r], spec.numHeads(), spec.headDim(), spec.valueDim(), spec.softmaxScale(), keys,
                    out[r]);
        }
        return out;
    }

    // ---- sparse latent decode ---------------------------------------------------------------------

    private static double[][] sparseLatentDecode(SparseLatentDecode spec, List<HostTensor> inputs, int[] rows) {
        HostTensor q = inputs.get(0);
        HostTensor cache = inputs.get(1);
        HostTensor indices = inputs.get(2);
        Operands.checkRows("attention sparse-mla-decode", rows, (long) spec.batch() * spec.queriesPerSeq());
        long slots = (long) spec.numPages() * spec.pageSize();

        double[][] out = new double[rows.length][spec.numHeads() * spec.valueDim()];
        for (int r = 0; r < rows.length; r++) {
            long base = (long) rows[r] * spec.topk();
            int valid = 0;
            for (int i = 0; i < spec.topk(); i++) {
                if (indices.getInt(base + i) != -1) {
                    valid++;
                }
            }
            double[][] keys = new double[valid][];
            int u = 0;
            for (int i = 0; i < spec.topk(); i++) {
                int slot = indices.getInt(base + i);
                if (slot == -1) {
                    continue;
                }
                if (slot < 0 || slot >= slots) {
                    throw new IllegalArgumentException("attention sparse-mla-decode: indices[" + (base + i) + "] = "
                            + slot + " is neither -1 nor a cache slot in [0, " + slots + ")");
                }
                keys[u++] = latentKey(cache, spec.kvCache(), spec.headDim(), slot);
            }
            latentHeads(q, rows[r], spec.numHeads(), spec.headDim(), spec.valueDim(), spec.softmaxScale(), keys,
                    out[r]);
        }
        return out;
    }

    // ---- sparse prefill ---------------------------------------------------------------------------

    private static double[][] sparsePrefill(SparsePrefill spec, List<HostTensor> inputs, int[] rows) {
        HostTensor q = inputs.get(0);
        HostTensor kv = inputs.get(1);
        HostTensor indices = inputs.get(2);
        long tokens = spec.totalTokens();
        Operands.checkRows("attention sparse-prefill", rows, tokens);
        double[][] out = new double[rows.length][spec.numHeads() * spec.valueDim()];
        for (int r = 0; r < rows.length; r++) {
            long base = (long) rows[r] * spec.topk();
            java.util.List<double[]> keys = new java.util.ArrayList<>();
            for (int i = 0; i < spec.topk(); i++) {
                int row = indices.getInt(base + i);
                if (row == -1) {
                    continue;
                }
                if (row < 0 || row >= tokens) {
                    throw new IllegalArgumentException("attention sparse-prefill: indices[" + (base + i) + "] = "
                            + row + " is neither -1 nor a key row in [0, " + tokens + ")");
                }
                keys.add(decodeBf16(kv, (long) row * spec.headDim(), spec.headDim()));
            }
            latentHeads(q, rows[r], spec.numHeads(), spec.headDim(), spec.valueDim(), spec.softmaxScale(),
                    keys.toArray(new double[0][]), out[r]);
        }
        return out;
    }

    // ---- shared pieces ----------------------------------------------------------------------------

    /** Every query head of latent query row {@code row} ({@code q [B·Sq, Hq, Dk]}) against one KV head. */
    private static void latentHeads(HostTensor q, int row, int hq, int dk, int dv, float scale, double[][] keys,
                                    double[] out) {
        // the value is the key's first Dv columns: attend reads only those of the value rows
        for (int h = 0; h < hq; h++) {
            attend(decodeBf16(q, ((long) row * hq + h) * dk, dk), keys, keys, scale, out, h * dv, dv);
        }
    }

    /**
     * The flat cache slot ({@code page · pageSize + slot}) of token {@code t} of sequence {@code b}, read
     * through {@code block_table [B, maxBlocks]}.
     */
    private static long pagedSlot(HostTensor blockTable, int maxBlocks, int pageSize, int numPages, int b, int t) {
        long entry = (long) b * maxBlocks + t / pageSize;
        int page = blockTable.getInt(entry);
        if (page < 0 || page >= numPages) {
            throw new IllegalArgumentException("attention: block_table[" + b + ", " + t / pageSize + "] = " + page
                    + " is not a page id in [0, " + numPages + ") but token " + t + " needs it");
        }
        return (long) page * pageSize + t % pageSize;
    }

    /**
     * The key of the token in flat cache slot {@code slot} of a latent cache {@code [pages, pageSize, 1, …]}:
     * {@code Dk} BF16 values, or FlashMLA's FP8 token (512 E4M3FN codes, four little-endian F32 scales, one
     * per 128 codes, 64 BF16 rope values) as latent {@code decode(code) · scale} followed by the rope.
     */
    static double[] latentKey(HostTensor cache, KvCacheType type, int dk, long slot) {
        if (type == KvCacheType.BF16) {
            return decodeBf16(cache, slot * dk, dk);
        }
        double[] key = new double[KvCacheType.FP8_LATENT + KvCacheType.FP8_ROPE];
        long base = slot * KvCacheType.FP8_TOKEN_BYTES;
        long scales = base + KvCacheType.FP8_LATENT;
        long rope = scales + 4L * (KvCacheType.FP8_LATENT / KvCacheType.FP8_GROUP);
        for (int i = 0; i < KvCacheType.FP8_LATENT; i++) {
            // the dequantization rule of KvCacheType.FP8_FLASHMLA: bf16(decode(code) · bf16(scale)); the product of
            // an E4M3 value (4 significant bits) and a BF16 scale (8) is exact in F32, so one rounding remains
            float scale = Bf16.round(cache.floatAt(scales + 4L * (i / KvCacheType.FP8_GROUP)));
            key[i] = Bf16.round(Fp8.decode(DType.F8_E4M3FN, cache.getByte(base + i)) * scale);
        }
        for (int i = 0; i < KvCacheType.FP8_ROPE; i++) {
            key[KvCacheType.FP8_LATENT + i] = Bf16.decode(cache.shortAt(rope + 2L * i));
        }
        return key;
    }

    /**
     * One query head: {@code out[outAt + d] = Σ_t softmax(scale · q·keys[t])_t · values[t][d]} for
     * {@code d < dv}, in F64, with the maximum subtracted before exponentiation. No keys: zeros.
     */
    static void attend(double[] q, double[][] keys, double[][] values, float scale, double[] out, int outAt, int dv) {
        int n = keys.length;
        if (n == 0) {
            return; // out is already zero
        }
        double[] p = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < n; t++) {
            p[t] = (double) scale * Operands.dot(q, keys[t], q.length);
            max = Math.max(max, p[t]);
        }
        double sum = 0;
        for (int t = 0; t < n; t++) {
            p[t] = Math.exp(p[t] - max);
            sum += p[t];
        }
        double[] acc = new double[dv];
        for (int t = 0; t < n; t++) {
            double weight = p[t];
            double[] value = values[t];
            for (int i = 0; i < dv; i++) {
                acc[i] += weight * value[i];
            }
        }
        for (int i = 0; i < dv; i++) {
            out[outAt + i] = acc[i] / sum;
        }
    }

    /** The KV head query head {@code h} reads (GQA): {@code h / (hq / hkv)}. */
    static int kvHeadOf(int h, int hq, int hkv) {
        return h / (hq / hkv);
    }

    /** {@code n} BF16 elements of {@code t} from flat element {@code at}, exactly as F64. */
    private static double[] decodeBf16(HostTensor t, long at, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = Bf16.decode(t.getShort(at + i));
        }
        return out;
    }

    private static void checkSeqLens(String what, AttentionSpec spec, HostTensor seqLens) {
        long[] lens = new long[spec.batch()];
        for (int b = 0; b < lens.length; b++) {
            lens[b] = spec.seqLens().get(b);
        }
        Operands.checkInts(what, seqLens, lens);
    }
}
