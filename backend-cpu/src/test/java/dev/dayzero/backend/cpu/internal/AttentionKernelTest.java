package dev.dayzero.backend.cpu.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.backend.cpu.CpuConfig;
import dev.dayzero.hal.Bf16;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp8;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.KvCacheType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every attention variant against a two-pass F64 softmax written out here. Paged caches hold NaN in
 * every slot no sequence uses, and block tables hold an out-of-range page id past the entries a
 * sequence needs, so reading either shows up as a failure.
 */
class AttentionKernelTest {
    private static final short BF16_NAN = (short) 0x7fc0;
    private static final int BAD_PAGE = 1 << 30;

    /** softmax(scale · q·k) · v over the given keys, in F64; zeros when there are none. */
    private static double[] reference(float[] q, List<float[]> keys, List<float[]> values, int dv, float scale) {
        double[] s = new double[keys.size()];
        double max = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < keys.size(); t++) {
            double dot = 0;
            for (int d = 0; d < q.length; d++) {
                dot += (double) q[d] * keys.get(t)[d];
            }
            s[t] = dot * scale;
            max = Math.max(max, s[t]);
        }
        double[] out = new double[dv];
        double sum = 0;
        for (int t = 0; t < keys.size(); t++) {
            double p = Math.exp(s[t] - max);
            sum += p;
            for (int d = 0; d < dv; d++) {
                out[d] += p * values.get(t)[d];
            }
        }
        for (int d = 0; d < dv && sum > 0; d++) {
            out[d] /= sum;
        }
        return out;
    }

    private static void assertRow(ByteBuffer out, int rowIndex, double[] expected, String what) {
        for (int d = 0; d < expected.length; d++) {
            float got = Bf16.decode(out.getShort((rowIndex * expected.length + d) * 2));
            double tol = Math.abs(expected[d]) / 128 + 1e-3;
            assertTrue(Math.abs(got - expected[d]) <= tol, what + " dim " + d + ": got " + got + ", expected " + expected[d]);
        }
    }

    private static float[] slice(float[] a, int from, int len) {
        float[] s = new float[len];
        System.arraycopy(a, from, s, 0, len);
        return s;
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void prefillCausalGqaAndFullMha(boolean vector) {
        for (AttentionSpec.Prefill spec : List.of(
                new AttentionSpec.Prefill(List.of(5, 50), 4, 2, 40, true, 0.2f),
                new AttentionSpec.Prefill(List.of(7, 60), 2, 2, 16, false, 0.3f))) {
            Random rnd = new Random(spec.hashCode());
            int t = (int) spec.totalTokens();
            int hq = spec.numHeads();
            int hkv = spec.numKvHeads();
            int dim = spec.headDim();
            float[] q = new float[t * hq * dim];
            float[] k = new float[t * hkv * dim];
            float[] v = new float[t * hkv * dim];
            List<ByteBuffer> in = List.of(Host.bf16(rnd, q), Host.bf16(rnd, k), Host.bf16(rnd, v), Host.ints(0, 5, t));
            try (CpuDevice d = new CpuDevice(new CpuConfig(2, vector))) {
                ByteBuffer out = Host.run(d, spec, in, (byte) 0).get(0);
                int start = 0;
                for (int len : spec.seqLens()) {
                    for (int i = 0; i < len; i++) {
                        for (int h = 0; h < hq; h++) {
                            int g = h / (hq / hkv);
                            List<float[]> keys = new ArrayList<>();
                            List<float[]> vals = new ArrayList<>();
                            for (int j = 0; j < (spec.causal() ? i + 1 : len); j++) {
                                keys.add(slice(k, ((start + j) * hkv + g) * dim, dim));
                                vals.add(slice(v, ((start + j) * hkv + g) * dim, dim));
                            }
                            double[] ref = reference(slice(q, ((start + i) * hq + h) * dim, dim), keys, vals, dim,
                                    spec.softmaxScale());
                            assertRow(out, (start + i) * hq + h, ref, spec.describe() + " token " + (start + i) + " head " + h);
                        }
                    }
                    start += len;
                }
            }
        }
    }

    /** A block table with shuffled pages and {@link #BAD_PAGE} past each sequence's used entries. */
    private static int[][] blockTable(List<Integer> seqLens, int pageSize, int numPages, Random rnd) {
        List<Integer> pages = new ArrayList<>();
        for (int p = 0; p < numPages; p++) {
            pages.add(p);
        }
        Collections.shuffle(pages, rnd);
        int maxBlocks = (Collections.max(seqLens) + pageSize - 1) / pageSize;
        int[][] table = new int[seqLens.size()][maxBlocks];
        int next = 0;
        for (int b = 0; b < seqLens.size(); b++) {
            int used = (seqLens.get(b) + pageSize - 1) / pageSize;
            for (int i = 0; i < maxBlocks; i++) {
                table[b][i] = i < used ? pages.get(next++) : BAD_PAGE;
            }
        }
        return table;
    }

    private static ByteBuffer flatten(int[][] table) {
        return Host.ints(java.util.Arrays.stream(table).flatMapToInt(java.util.Arrays::stream).toArray());
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void pagedDecodeReadsOnlyItsPages(boolean vector) {
        AttentionSpec.PagedDecode spec = AttentionSpec.PagedDecode.of(List.of(1, 70, 33), 4, 2, 32, 16);
        Random rnd = new Random(7);
        int b = spec.batch();
        int hq = spec.numHeads();
        int hkv = spec.numKvHeads();
        int dim = spec.headDim();
        int ps = spec.pageSize();
        int[][] table = blockTable(spec.seqLens(), ps, spec.numPages(), rnd);
        float[] q = new float[b * hq * dim];
        ByteBuffer qb = Host.bf16(rnd, q);
        long cacheElems = (long) spec.numPages() * ps * hkv * dim;
        ByteBuffer kc = Host.bytes(cacheElems * 2);
        ByteBuffer vc = Host.bytes(cacheElems * 2);
        for (int i = 0; i < cacheElems; i++) {
            kc.putShort(i * 2, BF16_NAN);
            vc.putShort(i * 2, BF16_NAN);
        }
        float[][][] keys = new float[b][][];
        float[][][] vals = new float[b][][];
        for (int s = 0; s < b; s++) {
            int len = spec.seqLens().get(s);
            keys[s] = new float[len * hkv][dim];
            vals[s] = new float[len * hkv][dim];
            for (int t = 0; t < len; t++) {
                for (int g = 0; g < hkv; g++) {
                    int base = ((table[s][t / ps] * ps + t % ps) * hkv + g) * dim;
                    for (int e = 0; e < dim; e++) {
                        keys[s][t * hkv + g][e] = Bf16.round(rnd.nextFloat() * 2 - 1);
                        vals[s][t * hkv + g][e] = Bf16.round(rnd.nextFloat() * 2 - 1);
                        kc.putShort((base + e) * 2, Bf16.encode(keys[s][t * hkv + g][e]));
                        vc.putShort((base + e) * 2, Bf16.encode(vals[s][t * hkv + g][e]));
                    }
                }
            }
        }
        int[] lens = spec.seqLens().stream().mapToInt(Integer::intValue).toArray();
        try (CpuDevice d = new CpuDevice(new CpuConfig(2, vector))) {
            ByteBuffer out = Host.run(d, spec, List.of(qb, kc, vc, flatten(table), Host.ints(lens)), (byte) 0).get(0);
            for (int s = 0; s < b; s++) {
                for (int h = 0; h < hq; h++) {
                    int g = h / (hq / hkv);
                    List<float[]> ks = new ArrayList<>();
                    List<float[]> vs = new ArrayList<>();
                    for (int t = 0; t < lens[s]; t++) {
                        ks.add(keys[s][t * hkv + g]);
                        vs.add(vals[s][t * hkv + g]);
                    }
                    double[] ref = reference(slice(q, (s * hq + h) * dim, dim), ks, vs, dim, spec.softmaxScale());
                    assertRow(out, s * hq + h, ref, "seq " + s + " head " + h);
                }
            }
        }
    }

    /** A latent cache: every slot NaN, then the tokens of the sequences; returns decoded tokens by flat slot. */
    private static float[][] latentCache(ByteBuffer cache, KvCacheType type, int dk, int slots, List<Integer> usedSlots,
                                         Random rnd) {
        int tokenBytes = (int) type.tokenBytes(dk);
        for (int i = 0; i < cache.capacity(); i++) {
            cache.put(i, (byte) 0xff); // BF16 NaN, FP8 NaN codes and NaN scales
        }
        float[][] tokens = new float[slots][];
        for (int slot : usedSlots) {
            float[] v = new float[dk];
            int base = slot * tokenBytes;
            if (type == KvCacheType.BF16) {
                for (int e = 0; e < dk; e++) {
                    short code = Bf16.encode(rnd.nextFloat() * 2 - 1);
                    v[e] = Bf16.decode(code);
                    cache.putShort(base + 2 * e, code);
                }
            } else {
                for (int g = 0; g < 4; g++) {
                    float scale = 0.002f + rnd.nextFloat() * 0.01f;
                    cache.putFloat(base + 512 + 4 * g, scale);
                    for (int e = g * 128; e < (g + 1) * 128; e++) {
                        byte code = Fp8.encode(DType.F8_E4M3FN, (float) rnd.nextGaussian() * 100);
                        cache.put(base + e, code);
                        // KvCacheType.FP8_FLASHMLA's rule: bf16(decode(code) · bf16(scale))
                        v[e] = Bf16.round(Fp8.decode(DType.F8_E4M3FN, code) * Bf16.round(scale));
                    }
                }
                for (int e = 0; e < 64; e++) {
                    short code = Bf16.encode(rnd.nextFloat() * 2 - 1);
                    v[512 + e] = Bf16.decode(code);
                    cache.putShort(base + 528 + 2 * e, code);
                }
            }
            tokens[slot] = v;
        }
        return tokens;
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void latentDecodeBf16AndFp8WithSpeculativeQueries(boolean vector) {
        for (AttentionSpec.LatentDecode spec : List.of(
                new AttentionSpec.LatentDecode(List.of(3, 100), 8, 2, 72, 64, 16, 9, KvCacheType.BF16, true, 0.1f),
                new AttentionSpec.LatentDecode(List.of(70, 2), 4, 2, 576, 512, 16, 7, KvCacheType.FP8_FLASHMLA, true,
                        AttentionSpec.defaultScale(576)),
                new AttentionSpec.LatentDecode(List.of(20), 3, 1, 72, 64, 8, 4, KvCacheType.BF16, false, 0.1f))) {
            Random rnd = new Random(spec.hashCode());
            int ps = spec.pageSize();
            int dk = spec.headDim();
            int rowsPerSeq = spec.queriesPerSeq() * spec.numHeads();
            int[][] table = blockTable(spec.seqLens(), ps, spec.numPages(), rnd);
            List<Integer> used = new ArrayList<>();
            for (int s = 0; s < spec.batch(); s++) {
                for (int t = 0; t < spec.seqLens().get(s); t++) {
                    used.add(table[s][t / ps] * ps + t % ps);
                }
            }
            ByteBuffer cache = Host.bytes(spec.inputs().get(1).bytes());
            float[][] tokens = latentCache(cache, spec.kvCache(), dk, spec.numPages() * ps, used, rnd);
            float[] q = new float[spec.batch() * rowsPerSeq * dk];
            ByteBuffer qb = Host.bf16(rnd, q);
            int[] lens = spec.seqLens().stream().mapToInt(Integer::intValue).toArray();
            try (CpuDevice d = new CpuDevice(new CpuConfig(2, vector))) {
                ByteBuffer out = Host.run(d, spec, List.of(qb, cache, flatten(table), Host.ints(lens)), (byte) 0).get(0);
                for (int s = 0; s < spec.batch(); s++) {
                    for (int j = 0; j < spec.queriesPerSeq(); j++) {
                        List<float[]> ks = new ArrayList<>();
                        for (int t = 0; t < spec.visible(s, j); t++) {
                            ks.add(tokens[table[s][t / ps] * ps + t % ps]);
                        }
                        for (int h = 0; h < spec.numHeads(); h++) {
                            int row = s * rowsPerSeq + j * spec.numHeads() + h;
                            double[] ref = reference(slice(q, row * dk, dk), ks, ks, spec.valueDim(), spec.softmaxScale());
                            assertRow(out, row, ref, spec.describe() + " seq " + s + " query " + j + " head " + h);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void sparseLatentDecodeGathersIndicesAndZeroesEmptyQueries(boolean vector) {
        AttentionSpec.SparseLatentDecode spec =
                new AttentionSpec.SparseLatentDecode(List.of(60, 30), 4, 2, 72, 64, 50, 16, 8, KvCacheType.BF16, 0.1f);
        Random rnd = new Random(11);
        int ps = spec.pageSize();
        int dk = spec.headDim();
        int topk = spec.topk();
        int[][] table = blockTable(spec.seqLens(), ps, spec.numPages(), rnd);
        List<Integer> used = new ArrayList<>();
        List<List<Integer>> seqSlots = new ArrayList<>();
        for (int s = 0; s < spec.batch(); s++) {
            List<Integer> slots = new ArrayList<>();
            for (int t = 0; t < spec.seqLens().get(s); t++) {
                slots.add(table[s][t / ps] * ps + t % ps);
            }
            used.addAll(slots);
            seqSlots.add(slots);
        }
        ByteBuffer cache = Host.bytes(spec.inputs().get(1).bytes());
        float[][] tokens = latentCache(cache, spec.kvCache(), dk, spec.numPages() * ps, used, rnd);
        int queries = spec.batch() * spec.queriesPerSeq();
        int[] idx = new int[queries * topk];
        java.util.Arrays.fill(idx, -1);
        for (int s = 0; s < spec.batch(); s++) {
            for (int j = 0; j < spec.queriesPerSeq(); j++) {
                if (s == 1 && j == 1) {
                    continue; // a query with no valid index: zeros
                }
                List<Integer> slots = new ArrayList<>(seqSlots.get(s));
                Collections.shuffle(slots, rnd);
                for (int i = 0; i < spec.attended(s); i++) {
                    idx[(s * spec.queriesPerSeq() + j) * topk + i] = slots.get(i);
                }
            }
        }
        float[] q = new float[queries * spec.numHeads() * dk];
        ByteBuffer qb = Host.bf16(rnd, q);
        try (CpuDevice d = new CpuDevice(new CpuConfig(2, vector))) {
            ByteBuffer out = Host.run(d, spec, List.of(qb, cache, Host.ints(idx)), (byte) 0x33).get(0);
            for (int qi = 0; qi < queries; qi++) {
                List<float[]> ks = new ArrayList<>();
                for (int i = 0; i < topk; i++) {
                    if (idx[qi * topk + i] >= 0) {
                        ks.add(tokens[idx[qi * topk + i]]);
                    }
                }
                for (int h = 0; h < spec.numHeads(); h++) {
                    int row = qi * spec.numHeads() + h;
                    double[] ref = reference(slice(q, row * dk, dk), ks, ks, spec.valueDim(), spec.softmaxScale());
                    if (ks.isEmpty()) {
                        for (int e = 0; e < spec.valueDim(); e++) {
                            assertEquals(0, out.getShort((row * spec.valueDim() + e) * 2), "empty query must write zeros");
                        }
                    }
                    assertRow(out, row, ref, "query " + qi + " head " + h);
                }
            }
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void sparsePrefillGathersCausalRowsAndZeroesEmptyTokens(boolean vector) {
        for (AttentionSpec.SparsePrefill spec : List.of(
                new AttentionSpec.SparsePrefill(List.of(5, 70), 4, 72, 64, 16, 0.1f),
                new AttentionSpec.SparsePrefill(List.of(3, 9), 66, 72, 64, 60, 0.1f))) {
            Random rnd = new Random(spec.hashCode());
            int t = (int) spec.totalTokens();
            int hq = spec.numHeads();
            int dk = spec.headDim();
            int topk = spec.topk();
            float[] q = new float[t * hq * dk];
            float[] kv = new float[t * dk];
            ByteBuffer qb = Host.bf16(rnd, q);
            ByteBuffer kvb = Host.bf16(rnd, kv);
            int[] idx = new int[t * topk];
            java.util.Arrays.fill(idx, -1);
            int start = 0;
            for (int len : spec.seqLens()) {
                for (int i = 0; i < len; i++) {
                    if (start + i == 2) {
                        continue; // a token with no valid index: zeros
                    }
                    List<Integer> rows = new ArrayList<>();
                    for (int j = start; j <= start + i; j++) {
                        rows.add(j);
                    }
                    Collections.shuffle(rows, rnd);
                    for (int e = 0; e < spec.attended(i); e++) {
                        idx[(start + i) * topk + e] = rows.get(e);
                    }
                }
                start += len;
            }
            try (CpuDevice d = new CpuDevice(new CpuConfig(2, vector))) {
                ByteBuffer out = Host.run(d, spec, List.of(qb, kvb, Host.ints(idx)), (byte) 0x33).get(0);
                for (int i = 0; i < t; i++) {
                    List<float[]> ks = new ArrayList<>();
                    for (int e = 0; e < topk; e++) {
                        if (idx[i * topk + e] >= 0) {
                            ks.add(slice(kv, idx[i * topk + e] * dk, dk));
                        }
                    }
                    for (int h = 0; h < hq; h++) {
                        int row = i * hq + h;
                        if (ks.isEmpty()) {
                            for (int e = 0; e < spec.valueDim(); e++) {
                                assertEquals(0, out.getShort((row * spec.valueDim() + e) * 2), "empty token must write zeros");
                            }
                        }
                        double[] ref = reference(slice(q, row * dk, dk), ks, ks, spec.valueDim(), spec.softmaxScale());
                        assertRow(out, row, ref, spec.describe() + " token " + i + " head " + h);
                    }
                }
            }
        }
    }
}
