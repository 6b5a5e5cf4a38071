package dev.dayzero.tck.oracle;

import dev.dayzero.hal.Bf16;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp8;
import dev.dayzero.hal.Ue8m0;
import dev.dayzero.hal.op.AttentionSpec.KvIndexSet;
import dev.dayzero.hal.op.AttentionSpec.SparseSharedKvDecode;
import dev.dayzero.hal.op.CacheWriteSpec;
import dev.dayzero.hal.op.KvCacheType;
import dev.dayzero.hal.op.SharedKvFormat;
import dev.dayzero.tck.data.HostTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@link SparseSharedKvDecode} and {@link CacheWriteSpec.QuantInsert} in code, after FlashMLA's
 * {@code tests/ref.py::ref_sparse_attn_decode} and {@code tests/quant.py}. Attention: per query row and head,
 * in F64 over the attended tokens (positions below the length, not {@code -1}, of both index sets):
 * {@code s_j = scale · q·k_j}, {@code lse = max + ln Σ exp(s_j − max)}, {@code out = Σ exp(s_j − lse) ·
 * v_j}, then {@code out · 1/(1 + exp(sink − lse))}; no token: out 0, lse {@code +∞}. Tokens are dequantized
 * by {@link SharedKvFormat}'s rules.
 */
final class SharedKvOracle {
    private static final float[] E4M3 = Fp8.decodeTable(DType.F8_E4M3FN);

    private SharedKvOracle() {
    }

    static SharedKvReference decode(SparseSharedKvDecode spec, List<HostTensor> inputs, int[] rows) {
        Operands.check("attention " + spec.variant(), spec.inputs(), inputs);
        int sq = spec.queriesPerSeq();
        Operands.checkRows("attention " + spec.variant(), rows, spec.queries());
        checkLengths(spec.main(), inputs.get(3));
        spec.extra().ifPresent(x -> checkLengths(x, inputs.get(6)));
        int h = spec.numHeads();
        int d = spec.headDim();
        int dv = SharedKvFormat.VALUE_DIM;
        HostTensor sink = spec.sink() ? inputs.get(inputs.size() - 1) : null;
        HostTensor q = inputs.get(0);
        double[][] out = new double[rows.length][h * dv];
        double[][] lse = new double[rows.length][h];
        for (int r = 0; r < rows.length; r++) {
            int b = rows[r] / sq;
            List<double[]> tokens = new ArrayList<>();
            gather(spec, spec.main(), inputs.get(1), inputs.get(2), rows[r], b, tokens);
            if (spec.extra().isPresent()) {
                gather(spec, spec.extra().get(), inputs.get(4), inputs.get(5), rows[r], b, tokens);
            }
            for (int head = 0; head < h; head++) {
                double[] qv = new double[d];
                long at = ((long) rows[r] * h + head) * d;
                for (int i = 0; i < d; i++) {
                    qv[i] = Bf16.decode(q.getShort(at + i));
                }
                lse[r][head] = attend(qv, tokens, spec.softmaxScale(), out[r], head * dv, dv,
                        sink == null ? Double.NEGATIVE_INFINITY : sink.getFloat(head));
            }
        }
        return new SharedKvReference(out, lse);
    }

    /** One head; returns lse. {@code sink = −∞} is the same as no sink. */
    static double attend(double[] q, List<double[]> tokens, float scale, double[] out, int outAt, int dv,
                         double sink) {
        int n = tokens.size();
        if (n == 0) {
            return Double.POSITIVE_INFINITY; // out stays zero
        }
        double[] s = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            s[j] = scale * Operands.dot(q, tokens.get(j), q.length);
            max = Math.max(max, s[j]);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            sum += Math.exp(s[j] - max);
        }
        double lse = max + Math.log(sum);
        double factor = 1 / (1 + Math.exp(sink - lse));
        double[] acc = new double[dv];
        for (int j = 0; j < n; j++) {
            double w = Math.exp(s[j] - lse);
            double[] v = tokens.get(j);
            for (int i = 0; i < dv; i++) {
                acc[i] += w * v[i];
            }
        }
        for (int i = 0; i < dv; i++) {
            out[outAt + i] = acc[i] * factor;
        }
        return lse;
    }

    private static void gather(SparseSharedKvDecode spec, KvIndexSet set, HostTensor cache, HostTensor indices,
                               int row, int b, List<double[]> tokens) {
        long slots = (long) set.numPages() * set.pageBlockSize();
        long base = (long) row * set.topk();
        for (int i = 0; i < set.lengths().get(b); i++) {
            int slot = indices.getInt(base + i);
            if (slot == -1) {
                continue;
            }
            if (slot < 0 || slot >= slots) {
                throw new IllegalArgumentException("attention " + spec.variant() + ": " + indices.name() + "["
                        + (base + i) + "] = " + slot + " is neither -1 nor a cache slot in [0, " + slots + ")");
            }
            tokens.add(token(cache, spec.format(), spec.headDim(), set.pageBlockSize(), slot));
        }
    }

    /** The {@code D} values of the token in flat slot {@code slot}, dequantized by the format's rule. */
    static double[] token(HostTensor cache, SharedKvFormat format, int d, int bs, long slot) {
        return switch (format) {
            case BF16 -> AttentionOracle.latentKey(cache, KvCacheType.BF16, d, slot);
            case FP8_V32 -> AttentionOracle.latentKey(cache, KvCacheType.FP8_FLASHMLA, d, slot);
            case FP8_MODEL1 -> {
                long page = (slot / bs) * format.blockBytes(bs, d);
                int t = (int) (slot % bs);
                long row = page + format.tokenOffset(bs, d, t);
                long scales = page + format.scaleOffset(bs, t);
                double[] v = new double[d];
                for (int i = 0; i < SharedKvFormat.MODEL1_NOPE; i++) {
                    float scale = Ue8m0.decode(cache.getByte(scales + i / SharedKvFormat.MODEL1_TILE));
                    // FlashMLA: bf16(code) · bf16(scale) in BF16; exact for the power-of-two scales in range
                    v[i] = Bf16.round(E4M3[cache.getByte(row + i) & 0xff] * Bf16.round(scale));
                }
                for (int i = 0; i < SharedKvFormat.ROPE; i++) {
                    v[SharedKvFormat.MODEL1_NOPE + i] = Bf16.decode(cache.shortAt(row + format.ropeOffset(d) + 2L * i));
                }
                yield v;
            }
        };
    }

    private static void checkLengths(KvIndexSet set, HostTensor lengths) {
        long[] want = new long[set.batch()];
        for (int b = 0; b < want.length; b++) {
            want[b] = set.lengths().get(b);
        }
        Operands.checkInts("attention sparse-sharedkv-decode", lengths, want);
    }

    // ------------------------------------------------------------------ cache write

    /** The cache after writing {@code kv} at {@code slot_mapping} into a cache filled with {@code fill}. */
    static CacheWriteReference cacheWrite(CacheWriteSpec.QuantInsert spec, List<HostTensor> inputs, byte fill) {
        Operands.check("cache-write " + spec.variant(), spec.inputs(), inputs);
        HostTensor kv = inputs.get(0);
        HostTensor slots = inputs.get(1);
        SharedKvFormat f = spec.format();
        int d = spec.headDim();
        int bs = spec.pageBlockSize();
        long total = (long) spec.numPages() * bs;
        int size = Math.toIntExact(spec.outputs().get(0).bytes());
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, fill);
        byte[] kinds = new byte[size];
        float[] quotients = new float[size];
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        boolean[] seen = new boolean[Math.toIntExact(total)];
        float[] x = new float[d];
        for (int r = 0; r < spec.tokens(); r++) {
            long slot = slots.data().getLong(r * 8);
            if (slot == -1) {
                continue;
            }
            if (slot < 0 || slot >= total || seen[(int) slot]) {
                throw new IllegalArgumentException("cache-write: slot_mapping[" + r + "] = " + slot
                        + " is neither -1 nor a distinct slot in [0, " + total + ")");
            }
            seen[(int) slot] = true;
            for (int i = 0; i < d; i++) {
                x[i] = Bf16.decode(kv.getShort((long) r * d + i));
            }
            long page = (slot / bs) * f.blockBytes(bs, d);
            int t = (int) (slot % bs);
            int row = Math.toIntExact(page + f.tokenOffset(bs, d, t));
            if (f == SharedKvFormat.BF16) {
                for (int i = 0; i < d; i++) {
                    buf.putShort(row + 2 * i, Bf16.encode(x[i]));
                    kinds[row + 2 * i] = CacheWriteReference.EXACT;
                    kinds[row + 2 * i + 1] = CacheWriteReference.EXACT;
                }
                continue;
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
                    float quotient = x[i] / scale;
                    bytes[row + i] = Fp8.encode(DType.F8_E4M3FN, quotient);
                    kinds[row + i] = CacheWriteReference.CODE;
                    quotients[row + i] = quotient;
                }
                if (f == SharedKvFormat.FP8_MODEL1) {
                    bytes[scales + g] = Ue8m0.encode(scale);
                    kinds[scales + g] = CacheWriteReference.EXACT;
                } else {
                    buf.putFloat(scales + 4 * g, scale);
                    Arrays.fill(kinds, scales + 4 * g, scales + 4 * g + 4, CacheWriteReference.EXACT);
                }
            }
            if (f == SharedKvFormat.FP8_MODEL1) {
                kinds[scales + SharedKvFormat.MODEL1_TILES] = CacheWriteReference.ANY;
            }
            int rope = Math.toIntExact(row + f.ropeOffset(d));
            for (int i = 0; i < SharedKvFormat.ROPE; i++) {
                buf.putShort(rope + 2 * i, Bf16.encode(x[d - SharedKvFormat.ROPE + i]));
                kinds[rope + 2 * i] = CacheWriteReference.EXACT;
                kinds[rope + 2 * i + 1] = CacheWriteReference.EXACT;
            }
        }
        return new CacheWriteReference(bytes, kinds, quotients);
    }
}
