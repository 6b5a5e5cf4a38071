package dev.dayzero.backend.cpu.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.backend.cpu.CpuConfig;
import dev.dayzero.hal.Bf16;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp8;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.IndexerSpec.KeyType;
import dev.dayzero.hal.op.IndexerSpec.PagedKeys;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The indexer kernels against an F64 reference written out here:
 * {@code score[i, j] = k_scale[j] · Σ_h w[i, h] · ReLU(q[i, h] · k[j])}. Paged caches hold NaN (all-ones
 * bytes: an E4M3 NaN code, a NaN scale, a BF16 NaN) in every page no block-table entry names and in every
 * slot of a used page past the sequence's keys; block tables hold an out-of-range page id past the
 * entries a sequence needs. Top-k rows are checked for what the spec fixes: {@code min(topk, n)}
 * distinct valid indices first, then {@code -1}, and no unselected key scoring above a selected one
 * (beyond F32 rounding).
 */
class IndexerKernelTest {
    private static final int BAD_PAGE = 1 << 30;

    /** A drawn problem: the inputs as buffers and as decoded values. */
    private record Paged(PagedKeys cache, List<ByteBuffer> inputs, float[][][] q, float[][] w, float[][][] keys,
                         float[][] scales, int[][] lens) {
    }

    /** Random FP8 or BF16 value of roughly the magnitude {@code mag}; returns its decoded value, stores its code. */
    private static float value(KeyType type, Random rnd, double mag, ByteBuffer buf, int byteOff) {
        float v = (float) (rnd.nextGaussian() * mag);
        if (type == KeyType.FP8) {
            byte code = Fp8.encode(DType.F8_E4M3FN, v);
            buf.put(byteOff, code);
            return Fp8.decode(DType.F8_E4M3FN, code);
        }
        short code = Bf16.encode(v);
        buf.putShort(byteOff, code);
        return Bf16.decode(code);
    }

    private static Paged drawPaged(PagedKeys c, Random rnd, boolean identicalKeys) {
        KeyType type = c.keyType();
        int b = c.batch();
        int hd = c.heads() * c.headDim();
        int vb = type == KeyType.FP8 ? 1 : 2;
        ByteBuffer qb = Host.bytes(c.inputs().get(0).bytes());
        float[][][] q = new float[b * c.nextN()][c.heads()][c.headDim()];
        for (int r = 0; r < b * c.nextN(); r++) {
            for (int h = 0; h < c.heads(); h++) {
                for (int d = 0; d < c.headDim(); d++) {
                    q[r][h][d] = value(type, rnd, 2, qb, (r * hd + h * c.headDim() + d) * vb);
                }
            }
        }
        List<Integer> pages = new ArrayList<>();
        for (int p = 0; p < c.numPages(); p++) {
            pages.add(p);
        }
        Collections.shuffle(pages, rnd);
        int[] table = new int[b * c.maxBlocks()];
        int next = 0;
        for (int s = 0; s < b; s++) {
            int used = (c.keys(s) + c.pageSize() - 1) / c.pageSize();
            for (int i = 0; i < c.maxBlocks(); i++) {
                table[s * c.maxBlocks() + i] = i < used ? pages.get(next++) : BAD_PAGE;
            }
        }
        ByteBuffer kc = Host.bytes(c.cacheTensor().bytes());
        for (int i = 0; i < kc.capacity(); i++) {
            kc.put(i, (byte) 0xff);
        }
        float[][][] keys = new float[b][][];
        float[][] scales = new float[b][];
        ByteBuffer one = Host.bytes(2L * c.headDim());
        float[] first = null;
        float firstScale = 0;
        for (int s = 0; s < b; s++) {
            keys[s] = new float[c.keys(s)][c.headDim()];
            scales[s] = new float[c.keys(s)];
            for (int k = 0; k < c.keys(s); k++) {
                int page = table[s * c.maxBlocks() + k / c.pageSize()];
                int slot = k % c.pageSize();
                float scale = type == KeyType.FP8 ? 0.01f + rnd.nextFloat() * 0.1f : 1f;
                if (identicalKeys && first != null) {
                    scale = firstScale;
                }
                int base = type == KeyType.FP8 ? (int) (page * c.blockBytes()) + slot * c.headDim()
                        : (page * c.pageSize() + slot) * c.headDim() * 2;
                for (int d = 0; d < c.headDim(); d++) {
                    float v = identicalKeys && first != null ? first[d] : value(type, rnd, 3, one, 0);
                    keys[s][k][d] = v;
                    if (type == KeyType.FP8) {
                        kc.put(base + d, Fp8.encode(DType.F8_E4M3FN, v));
                    } else {
                        kc.putShort(base + 2 * d, Bf16.encode(v));
                    }
                }
                if (type == KeyType.FP8) {
                    kc.putFloat((int) (page * c.blockBytes()) + c.pageSize() * c.headDim() + 4 * slot, scale);
                }
                scales[s][k] = scale;
                if (first == null) {
                    first = keys[s][k];
                    firstScale = scale;
                }
            }
        }
        float[][] w = new float[b * c.nextN()][c.heads()];
        ByteBuffer wb = Host.bytes(4L * b * c.nextN() * c.heads());
        for (int r = 0; r < w.length; r++) {
            for (int h = 0; h < c.heads(); h++) {
                w[r][h] = (float) rnd.nextGaussian();
                wb.putFloat((r * c.heads() + h) * 4, w[r][h]);
            }
        }
        int[][] lens = new int[b][c.nextN()];
        int[] flat = new int[b * c.nextN()];
        for (int s = 0; s < b; s++) {
            for (int j = 0; j < c.nextN(); j++) {
                lens[s][j] = c.validKeys(s, j);
                flat[s * c.nextN() + j] = lens[s][j];
            }
        }
        return new Paged(c, List.of(qb, kc, wb, Host.ints(flat), Host.ints(table)), q, w, keys, scales, lens);
    }

    /** The score and the sum of its terms' magnitudes (for the F32 tolerance), in F64. */
    private static double[] reference(float[][] q, float[] w, float[] key, float scale) {
        double score = 0;
        double mag = 0;
        for (int h = 0; h < q.length; h++) {
            double dot = 0;
            double abs = 0;
            for (int d = 0; d < key.length; d++) {
                dot += (double) q[h][d] * key[d];
                abs += Math.abs((double) q[h][d] * key[d]);
            }
            score += w[h] * Math.max(dot, 0);
            mag += Math.abs(w[h]) * abs;
        }
        return new double[] {scale * score, Math.abs(scale) * mag};
    }

    private static double tolerance(double mag) {
        return 2e-5 * mag + 1e-30;
    }

    /** Checks one top-k row against reference scores {@code ref[0][k]} (with magnitudes {@code ref[1][k]}). */
    private static void assertTopK(ByteBuffer out, int row, int topk, double[][] ref, int base, String what) {
        int n = ref[0].length;
        int count = Math.min(topk, n);
        Set<Integer> chosen = new HashSet<>();
        double minChosen = Double.POSITIVE_INFINITY;
        double tol = 0;
        for (int i = 0; i < topk; i++) {
            int idx = out.getInt((row * topk + i) * 4);
            if (i >= count) {
                assertEquals(-1, idx, what + ": slot " + i + " past the " + count + " valid ones");
                continue;
            }
            assertTrue(idx >= base && idx < base + n, what + ": slot " + i + " holds " + idx + ", not a key in ["
                    + base + ", " + (base + n) + ")");
            assertTrue(chosen.add(idx), what + ": index " + idx + " twice");
            minChosen = Math.min(minChosen, ref[0][idx - base]);
            tol = Math.max(tol, tolerance(ref[1][idx - base]));
        }
        for (int k = 0; k < n; k++) {
            if (!chosen.contains(base + k)) {
                double t = Math.max(tol, tolerance(ref[1][k]));
                assertTrue(ref[0][k] <= minChosen + 2 * t, what + ": key " + (base + k) + " scores " + ref[0][k]
                        + " but was left out while one scoring " + minChosen + " was chosen");
            }
        }
    }

    private static double[][] pagedReference(Paged p, int s, int j) {
        PagedKeys c = p.cache();
        int r = s * c.nextN() + j;
        int n = p.lens()[s][j];
        double[][] ref = new double[2][n];
        for (int k = 0; k < n; k++) {
            double[] v = reference(p.q()[r], p.w()[r], p.keys()[s][k], p.scales()[s][k]);
            ref[0][k] = v[0];
            ref[1][k] = v[1];
        }
        return ref;
    }

    private static List<PagedKeys> pagedCases(KeyType type) {
        return List.of(
                // context length 1, a long sequence, pages of 16
                PagedKeys.of(List.of(1, 70, 200), 1, 4, 32, type, 16, 1),
                // nextN 2 (the two queries see one key apart); 64 keys fill exactly 4 pages, so a read past them hits BAD_PAGE
                PagedKeys.of(List.of(2, 130, 64), 2, 8, 64, type, 16, 1),
                // compressed keys: floor((L - nextN + 1 + j) / 4) keys, 0 for the first sequence
                PagedKeys.of(List.of(3, 4, 5, 90), 2, 4, 32, type, 8, 4),
                // the V3.2 head shape
                PagedKeys.of(List.of(300, 129), 1, 64, 128, type, 64, 1));
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void pagedTopKFp8AndBf16(boolean vector) {
        for (KeyType type : KeyType.values()) {
            for (PagedKeys c : pagedCases(type)) {
                for (int topk : new int[] {1, 40, 256}) {
                    IndexerSpec.PagedIndexerTopK spec = new IndexerSpec.PagedIndexerTopK(c, topk);
                    Paged p = drawPaged(c, new Random(spec.hashCode()), false);
                    try (CpuDevice d = new CpuDevice(new CpuConfig(2, vector))) {
                        ByteBuffer out = Host.run(d, spec, p.inputs(), (byte) 0x55).get(0);
                        for (int s = 0; s < c.batch(); s++) {
                            for (int j = 0; j < c.nextN(); j++) {
                                assertTopK(out, s * c.nextN() + j, topk, pagedReference(p, s, j), 0,
                                        spec.describe() + " seq " + s + " query " + j);
                            }
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void pagedLogitsMatchAndAreMinusInfinityPastEachRow(boolean vector) {
        for (KeyType type : KeyType.values()) {
            for (PagedKeys c : pagedCases(type)) {
                IndexerSpec.IndexerLogits spec = new IndexerSpec.IndexerLogits(c);
                Paged p = drawPaged(c, new Random(spec.hashCode()), false);
                int width = (int) spec.outputs().get(0).shape().get(1).longValue();
                try (CpuDevice d = new CpuDevice(new CpuConfig(2, vector))) {
                    ByteBuffer out = Host.run(d, spec, p.inputs(), (byte) 0x55).get(0);
                    for (int s = 0; s < c.batch(); s++) {
                        for (int j = 0; j < c.nextN(); j++) {
                            int r = s * c.nextN() + j;
                            double[][] ref = pagedReference(p, s, j);
                            for (int k = 0; k < width; k++) {
                                float got = out.getFloat((r * width + k) * 4);
                                String what = spec.describe() + " row " + r + " key " + k;
                                if (k >= ref[0].length) {
                                    assertEquals(Float.NEGATIVE_INFINITY, got, what + " lies past the row's length");
                                } else {
                                    assertTrue(Math.abs(got - ref[0][k]) <= tolerance(ref[1][k]),
                                            what + ": got " + got + ", expected " + ref[0][k]);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void exactTiesStillGiveDistinctValidIndicesFirst(boolean vector) {
        for (KeyType type : KeyType.values()) {
            PagedKeys c = PagedKeys.of(List.of(100, 37), 2, 4, 32, type, 16, 1);
            IndexerSpec.PagedIndexerTopK spec = new IndexerSpec.PagedIndexerTopK(c, 50);
            Paged p = drawPaged(c, new Random(3), true);
            try (CpuDevice d = new CpuDevice(new CpuConfig(2, vector))) {
                ByteBuffer out = Host.run(d, spec, p.inputs(), (byte) 0x55).get(0);
                for (int s = 0; s < c.batch(); s++) {
                    for (int j = 0; j < c.nextN(); j++) {
                        double[][] ref = pagedReference(p, s, j);
                        for (int k = 1; k < ref[0].length; k++) {
                            assertEquals(ref[0][0], ref[0][k], "the keys are identical");
                        }
                        assertTopK(out, s * c.nextN() + j, 50, ref, 0, type + " ties seq " + s + " query " + j);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void prefillTopKSeesItsCausalRange(boolean vector) {
        for (KeyType type : KeyType.values()) {
            for (IndexerSpec.IndexerTopK spec : List.of(
                    new IndexerSpec.IndexerTopK(List.of(1, 37, 100), 4, 32, type, 16),
                    new IndexerSpec.IndexerTopK(List.of(70, 3), 64, 128, type, 20),
                    new IndexerSpec.IndexerTopK(List.of(9), 1, 64, type, 200))) {
                Random rnd = new Random(spec.hashCode());
                int t = (int) spec.totalTokens();
                int h = spec.heads();
                int dim = spec.headDim();
                int vb = type == KeyType.FP8 ? 1 : 2;
                ByteBuffer qb = Host.bytes(spec.inputs().get(0).bytes());
                ByteBuffer kb = Host.bytes(spec.inputs().get(1).bytes());
                float[][][] q = new float[t][h][dim];
                float[][] k = new float[t][dim];
                float[] scale = new float[t];
                float[][] w = new float[t][h];
                ByteBuffer sb = Host.bytes(4L * t);
                ByteBuffer wb = Host.bytes(4L * t * h);
                for (int i = 0; i < t; i++) {
                    for (int x = 0; x < h; x++) {
                        for (int d = 0; d < dim; d++) {
                            q[i][x][d] = value(type, rnd, 2, qb, ((i * h + x) * dim + d) * vb);
                        }
                        w[i][x] = (float) rnd.nextGaussian();
                        wb.putFloat((i * h + x) * 4, w[i][x]);
                    }
                    for (int d = 0; d < dim; d++) {
                        k[i][d] = value(type, rnd, 3, kb, (i * dim + d) * vb);
                    }
                    // BF16 ignores k_scale: give it values that would show if it were read
                    scale[i] = type == KeyType.FP8 ? 0.01f + rnd.nextFloat() * 0.1f : 1f;
                    sb.putFloat(i * 4, type == KeyType.FP8 ? scale[i] : 7f);
                }
                int[] ks = new int[t];
                int[] ke = new int[t];
                int start = 0;
                for (int len : spec.seqLens()) {
                    for (int i = 0; i < len; i++) {
                        ks[start + i] = start;
                        ke[start + i] = start + i + 1;
                    }
                    start += len;
                }
                try (CpuDevice d = new CpuDevice(new CpuConfig(2, vector))) {
                    ByteBuffer out = Host.run(d, spec, List.of(qb, kb, sb, wb, Host.ints(ks), Host.ints(ke)),
                            (byte) 0x55).get(0);
                    for (int i = 0; i < t; i++) {
                        double[][] ref = new double[2][ke[i] - ks[i]];
                        for (int j = ks[i]; j < ke[i]; j++) {
                            double[] v = reference(q[i], w[i], k[j], scale[j]);
                            ref[0][j - ks[i]] = v[0];
                            ref[1][j - ks[i]] = v[1];
                        }
                        assertTopK(out, i, spec.topk(), ref, ks[i], spec.describe() + " token " + i);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "vector={0}")
    @ValueSource(booleans = {true, false})
    void supportedEverywhere(boolean vector) {
        try (CpuDevice d = new CpuDevice(new CpuConfig(1, vector))) {
            for (KeyType type : KeyType.values()) {
                assertTrue(d.supports(IndexerSpec.PagedIndexerTopK.of(List.of(32768), 1, 64, 128, type, 1, 2048))
                        .isSupported());
                assertTrue(d.supports(new IndexerSpec.IndexerLogits(PagedKeys.of(List.of(5), 2, 64, 128, type, 64, 4)))
                        .isSupported());
                assertTrue(d.supports(new IndexerSpec.IndexerTopK(List.of(4096), 64, 128, type, 2048)).isSupported());
            }
        }
    }
}
