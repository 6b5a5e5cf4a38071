package dev.dayzero.tck.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.Bf16;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp8;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.AttentionSpec.LatentDecode;
import dev.dayzero.hal.op.AttentionSpec.PagedDecode;
import dev.dayzero.hal.op.AttentionSpec.Prefill;
import dev.dayzero.hal.op.AttentionSpec.SparseLatentDecode;
import dev.dayzero.hal.op.KvCacheType;
import dev.dayzero.hal.op.TensorSpec;
import dev.dayzero.tck.data.HostTensor;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AttentionOracleTest {
    private static final byte FP8_ONE = 0x38;
    private static final double LN3 = (float) Math.log(3);

    // ---- prefill ----------------------------------------------------------------------------------

    /** Zeroed prefill inputs with cu_seqlens filled in. */
    private static List<HostTensor> prefillInputs(Prefill spec) {
        List<HostTensor> in = TestTensors.allocate(spec.inputs());
        int sum = 0;
        in.get(3).setInt(0, 0);
        for (int b = 0; b < spec.batch(); b++) {
            sum += spec.seqLens().get(b);
            in.get(3).setInt(b + 1, sum);
        }
        return in;
    }

    @Test
    void equalScoresGiveTheMeanOfTheVisibleValues() {
        Prefill full = new Prefill(List.of(3), 1, 1, 2, false, 1f);
        Prefill causal = new Prefill(List.of(3), 1, 1, 2, true, 1f);
        List<HostTensor> in = prefillInputs(full); // q = 0: every score is 0
        TestTensors.randomize(in.get(1), new Random(1));
        TestTensors.fill(in.get(2), 1, 2, 3, 5, 6, -1);
        double[][] all = Oracle.attention(full, in, new int[] {0, 1, 2});
        for (double[] row : all) {
            assertArrayEquals(new double[] {10.0 / 3, 2}, row, 1e-15);
        }
        double[][] seen = Oracle.attention(causal, in, new int[] {0, 1, 2});
        assertArrayEquals(new double[] {1, 2}, seen[0], 1e-15);
        assertArrayEquals(new double[] {2, 3.5}, seen[1], 1e-15);
        assertArrayEquals(new double[] {10.0 / 3, 2}, seen[2], 1e-15);
    }

    @Test
    void firstCausalTokenAndOneTokenSequenceReturnTheirValueExactly() {
        Prefill spec = new Prefill(List.of(3, 1), 2, 2, 4, true, AttentionSpec.defaultScale(4));
        List<HostTensor> in = prefillInputs(spec);
        Random random = new Random(2);
        for (int i = 0; i < 3; i++) {
            TestTensors.randomize(in.get(i), random);
        }
        double[][] out = Oracle.attention(spec, in, new int[] {0, 3});
        for (int r = 0; r < 2; r++) {
            int t = r == 0 ? 0 : 3;
            double[] v = new double[8];
            for (int i = 0; i < 8; i++) {
                v[i] = in.get(2).getFloat(t * 8 + i); // [T, Hkv = 2, D = 4]: heads map one to one
            }
            assertArrayEquals(v, out[r], "token " + t);
        }
    }

    @Test
    void gqaQueryHeadReadsKvHeadHOverGroupSize() {
        Prefill spec = new Prefill(List.of(2), 4, 2, 3, false, 1f);
        List<HostTensor> in = prefillInputs(spec); // q = 0: each head averages its kv head's values
        TestTensors.randomize(in.get(1), new Random(3));
        HostTensor v = in.get(2);
        for (int t = 0; t < 2; t++) {
            for (int g = 0; g < 2; g++) {
                for (int d = 0; d < 3; d++) {
                    v.setFloat((t * 2 + g) * 3 + d, 10 * g + t + 100 * d);
                }
            }
        }
        double[] out = Oracle.attention(spec, in, new int[] {1})[0];
        // heads 0, 1 read kv head 0 (mean 0.5 + 100 d); heads 2, 3 read kv head 1 (mean 10.5 + 100 d)
        for (int h = 0; h < 4; h++) {
            int g = h / 2;
            for (int d = 0; d < 3; d++) {
                assertEquals(10 * g + 0.5 + 100 * d, out[h * 3 + d], 1e-12, "head " + h + " dim " + d);
            }
        }
    }

    @Test
    void softmaxWeightsFollowScaledScoresWithinOneSequence() {
        // scale = ln 3: scores 0 and ln 3 give weights 1/4 and 3/4; sequence 0 (token 0) stays out
        Prefill spec = new Prefill(List.of(1, 2), 1, 1, 2, true, (float) Math.log(3));
        List<HostTensor> in = prefillInputs(spec);
        TestTensors.fill(in.get(0), 0, 0, 1, 0, 1, 0);
        TestTensors.fill(in.get(1), 5, 5, 0, 0, 1, 0);
        TestTensors.fill(in.get(2), 100, 100, 1, 0, 0, 1);
        double[][] out = Oracle.attention(spec, in, new int[] {2, 1, 0});
        double w1 = Math.exp(LN3) / (1 + Math.exp(LN3));
        assertArrayEquals(new double[] {1 - w1, w1}, out[0], 1e-15);
        assertArrayEquals(new double[] {0.25, 0.75}, out[0], 1e-7);
        assertArrayEquals(new double[] {1, 0}, out[1]);
        assertArrayEquals(new double[] {100, 100}, out[2]);
    }

    @Test
    void prefillRejectsBadRowsAndCuSeqlens() {
        Prefill spec = new Prefill(List.of(2, 2), 1, 1, 2, true, 1f);
        List<HostTensor> in = prefillInputs(spec);
        assertThrows(IllegalArgumentException.class, () -> Oracle.attention(spec, in, new int[] {4}));
        in.get(3).setInt(1, 1);
        assertThrows(IllegalArgumentException.class, () -> Oracle.attention(spec, in, new int[] {0}));
    }

    // ---- paged decode -----------------------------------------------------------------------------

    @Test
    void pagedDecodeReadsThroughTheBlockTableAndNeverTouchesUnusedPages() {
        List<Integer> lens = List.of(5, 3);
        int hq = 4;
        int hkv = 2;
        int d = 8;
        int ps = 2;
        float scale = AttentionSpec.defaultScale(d);
        PagedDecode spec = new PagedDecode(lens, hq, hkv, d, ps, 8, scale);
        Random random = new Random(4);
        float[][][] k = new float[2][5][hkv * d];
        float[][][] v = new float[2][5][hkv * d];
        float[][] q = new float[2][hq * d];
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < lens.get(b); t++) {
                for (int i = 0; i < hkv * d; i++) {
                    k[b][t][i] = TestTensors.bf16(random);
                    v[b][t][i] = TestTensors.bf16(random);
                }
            }
            for (int i = 0; i < hq * d; i++) {
                q[b][i] = TestTensors.bf16(random);
            }
        }
        int[][] inOrder = {{0, 1, 2}, {3, 4, -7}};
        int[][] shuffled = {{6, 1, 4}, {0, 7, 12345}}; // pages 2, 3, 5 unused
        double[][] a = Oracle.attention(spec, pagedInputs(spec, q, k, v, inOrder), new int[] {0, 1});
        double[][] s = Oracle.attention(spec, pagedInputs(spec, q, k, v, shuffled), new int[] {1, 0});
        assertArrayEquals(a[0], s[1]);
        assertArrayEquals(a[1], s[0]);
        for (double[] row : a) {
            assertTrue(Arrays.stream(row).allMatch(Double::isFinite), "no NaN leaked from unused pages");
        }
        // the same data laid out contiguously, as non-causal prefill with every query equal to q[b]
        for (int b = 0; b < 2; b++) {
            int len = lens.get(b);
            Prefill dense = new Prefill(List.of(len), hq, hkv, d, false, scale);
            List<HostTensor> in = prefillInputs(dense);
            for (int t = 0; t < len; t++) {
                for (int i = 0; i < hq * d; i++) {
                    in.get(0).setFloat(t * hq * d + i, q[b][i]);
                }
                for (int i = 0; i < hkv * d; i++) {
                    in.get(1).setFloat(t * hkv * d + i, k[b][t][i]);
                    in.get(2).setFloat(t * hkv * d + i, v[b][t][i]);
                }
            }
            assertArrayEquals(Oracle.attention(dense, in, new int[] {len - 1})[0], a[b], 1e-14, "sequence " + b);
        }
        List<HostTensor> broken = pagedInputs(spec, q, k, v, shuffled);
        broken.get(3).setInt(2, 99); // a used entry (sequence 0, block 2) out of range
        assertThrows(IllegalArgumentException.class, () -> Oracle.attention(spec, broken, new int[] {0}));
        assertEquals(hq * d, Oracle.attention(spec, broken, new int[] {1})[0].length, "sequence 1 does not use it");
    }

    /** Paged inputs: every cache element NaN except the tokens placed through {@code table}. */
    private static List<HostTensor> pagedInputs(PagedDecode spec, float[][] q, float[][][] k, float[][][] v,
                                                int[][] table) {
        List<HostTensor> in = TestTensors.allocate(spec.inputs());
        int row = spec.numKvHeads() * spec.headDim();
        for (int c = 1; c <= 2; c++) {
            for (long i = 0; i < in.get(c).elements(); i++) {
                in.get(c).setFloat(i, Float.NaN);
            }
        }
        for (int b = 0; b < spec.batch(); b++) {
            for (int i = 0; i < q[b].length; i++) {
                in.get(0).setFloat(b * q[b].length + i, q[b][i]);
            }
            for (int j = 0; j < spec.maxBlocks(); j++) {
                in.get(3).setInt(b * spec.maxBlocks() + j, table[b][j]);
            }
            in.get(4).setInt(b, spec.seqLens().get(b));
            for (int t = 0; t < spec.seqLens().get(b); t++) {
                long slot = (long) table[b][t / spec.pageSize()] * spec.pageSize() + t % spec.pageSize();
                for (int i = 0; i < row; i++) {
                    in.get(1).setFloat(slot * row + i, k[b][t][i]);
                    in.get(2).setFloat(slot * row + i, v[b][t][i]);
                }
            }
        }
        return in;
    }

    // ---- latent (MLA) decode ----------------------------------------------------------------------

    /** Latent decode inputs with a NaN-filled BF16 cache, the block table and seq_lens. */
    private static List<HostTensor> latentInputs(LatentDecode spec, int[][] table) {
        List<HostTensor> in = TestTensors.allocate(spec.inputs());
        if (spec.kvCache() == KvCacheType.BF16) {
            for (long i = 0; i < in.get(1).elements(); i++) {
                in.get(1).setFloat(i, Float.NaN);
            }
        } else {
            for (long i = 0; i < in.get(1).elements(); i++) {
                in.get(1).setByte(i, (byte) 0xff);
            }
        }
        for (int b = 0; b < spec.batch(); b++) {
            for (int j = 0; j < spec.maxBlocks(); j++) {
                in.get(2).setInt(b * spec.maxBlocks() + j, table[b][j]);
            }
            in.get(3).setInt(b, spec.seqLens().get(b));
        }
        return in;
    }

    @Test
    void latentValueIsTheFirstDvColumnsOfTheKey() {
        LatentDecode spec = new LatentDecode(List.of(1), 2, 1, 4, 2, 4, 2, KvCacheType.BF16, false, 0.5f);
        List<HostTensor> in = latentInputs(spec, new int[][] {{1}});
        TestTensors.randomize(in.get(0), new Random(5));
        float[] key = {1.5f, -2f, 7f, 9f};
        for (int i = 0; i < 4; i++) {
            in.get(1).setFloat(4 * 4 + i, key[i]); // page 1, slot 0
        }
        assertArrayEquals(new double[] {1.5, -2, 1.5, -2}, Oracle.attention(spec, in, new int[] {0})[0]);
    }

    @Test
    void latentCausalQueryJSeesTokensUpToLMinusSqPlusJ() {
        int[][] table = {{2, 0}, {1, -5}};
        for (boolean causal : new boolean[] {true, false}) {
            LatentDecode spec = new LatentDecode(List.of(3, 2), 2, 2, 3, 2, 2, 4, KvCacheType.BF16, causal, 1f);
            List<HostTensor> in = latentInputs(spec, table); // q = 0: each query averages what it sees
            long[][] slots = {{4, 5, 0}, {2, 3}};
            float[][][] keys = {{{1, 10}, {2, 20}, {3, 30}}, {{4, 40}, {6, 60}}};
            for (int b = 0; b < 2; b++) {
                for (int t = 0; t < slots[b].length; t++) {
                    in.get(1).setFloat(slots[b][t] * 3, keys[b][t][0]);
                    in.get(1).setFloat(slots[b][t] * 3 + 1, keys[b][t][1]);
                    in.get(1).setFloat(slots[b][t] * 3 + 2, -1000 * (t + 1)); // the key-only column
                }
            }
            double[][] out = Oracle.attention(spec, in, new int[] {0, 1, 2, 3});
            double[][] expected = causal
                    ? new double[][] {{1.5, 15}, {2, 20}, {4, 40}, {5, 50}}
                    : new double[][] {{2, 20}, {2, 20}, {5, 50}, {5, 50}};
            for (int r = 0; r < 4; r++) {
                double[] both = {expected[r][0], expected[r][1], expected[r][0], expected[r][1]};
                assertArrayEquals(both, out[r], 1e-13, "causal=" + causal + " row " + r);
            }
        }
    }

    @Test
    void fp8TokenLayoutDecodesLatentTimesGroupScaleThenRope() {
        HostTensor cache = HostTensor.allocate(TensorSpec.of("kv_cache", DType.U8, 2, 1, 1, 656));
        for (int i = 0; i < 656; i++) {
            cache.setByte(i, (byte) 0x7f); // slot 0: NaN codes, must not be read
        }
        int base = 656;
        for (int i = 0; i < 512; i++) {
            cache.setByte(base + i, FP8_ONE);
        }
        cache.setByte(base + 130, (byte) 0x3c); // 1.5
        cache.setByte(base + 511, (byte) 0xb0); // -0.5
        float[] scales = {1f, 2f, 0.5f, 8f};
        for (int g = 0; g < 4; g++) {
            cache.putFloatAt(base + 512 + 4 * g, scales[g]);
        }
        for (int r = 0; r < 64; r++) {
            cache.setShort((base + 528) / 2 + r, Bf16.encode((r - 32) * 0.25f));
        }
        double[] key = AttentionOracle.latentKey(cache, KvCacheType.FP8_FLASHMLA, 576, 1);
        assertEquals(576, key.length);
        assertEquals(1.0, key[0]);
        assertEquals(1.0, key[127]);
        assertEquals(2.0, key[128]);
        assertEquals(3.0, key[130]);
        assertEquals(0.5, key[300]);
        assertEquals(8.0, key[384]);
        assertEquals(-4.0, key[511]);
        for (int r = 0; r < 64; r++) {
            assertEquals((r - 32) * 0.25, key[512 + r], "rope " + r);
        }
    }

    @Test
    void fp8SingleTokenOutputIsItsDequantizedLatent() {
        LatentDecode spec = LatentDecode.deepseek(List.of(1), 2, 1, KvCacheType.FP8_FLASHMLA);
        List<HostTensor> in = latentInputs(spec, new int[][] {{1}});
        Random random = new Random(6);
        TestTensors.randomize(in.get(0), random);
        long base = 64L * 656; // page 1, slot 0
        double[] latent = new double[512];
        float[] scales = {0.5f, 3f, 0.125f, 1.25f};
        for (int i = 0; i < 512; i++) {
            byte code = (byte) random.nextInt(0x7f); // positive, finite
            in.get(1).setByte(base + i, code);
            latent[i] = Fp8.decode(DType.F8_E4M3FN, code) * (double) scales[i / 128];
        }
        for (int g = 0; g < 4; g++) {
            in.get(1).putFloatAt(base + 512 + 4 * g, scales[g]);
        }
        for (int r = 0; r < 64; r++) {
            in.get(1).setShort((base + 528) / 2 + r, Bf16.encode(TestTensors.bf16(random)));
        }
        double[] out = Oracle.attention(spec, in, new int[] {0})[0];
        assertEquals(2 * 512, out.length);
        assertArrayEquals(latent, Arrays.copyOfRange(out, 0, 512));
        assertArrayEquals(latent, Arrays.copyOfRange(out, 512, 1024));
    }

    @Test
    void fp8RopeTakesPartInTheScore() {
        LatentDecode spec = new LatentDecode(List.of(2), 1, 1, 576, 512, 64, 2, KvCacheType.FP8_FLASHMLA, false,
                (float) Math.log(3));
        List<HostTensor> in = latentInputs(spec, new int[][] {{1}});
        in.get(0).setFloat(512, 1f); // q: only the first rope dimension
        for (int t = 0; t < 2; t++) {
            long base = (64L + t) * 656;
            for (int i = 0; i < 512; i++) {
                in.get(1).setByte(base + i, FP8_ONE);
            }
            for (int g = 0; g < 4; g++) {
                in.get(1).putFloatAt(base + 512 + 4 * g, t + 1f); // latent 1, then 2
            }
            for (int r = 0; r < 64; r++) {
                in.get(1).setShort((base + 528) / 2 + r, Bf16.encode(r == 0 ? t : 0)); // rope[0] = 0, then 1
            }
        }
        double w1 = Math.exp(LN3) / (1 + Math.exp(LN3));
        double[] out = Oracle.attention(spec, in, new int[] {0})[0];
        for (int i = 0; i < 512; i++) {
            assertEquals(1 + w1, out[i], 1e-15, "dim " + i);
        }
        assertEquals(1.75, out[0], 1e-7);
    }

    @Test
    void fp8CacheEqualsBf16CacheHoldingTheSameValues() {
        int[][] table = {{2, 0}};
        Random random = new Random(8);
        LatentDecode fp8 = new LatentDecode(List.of(3), 2, 1, 576, 512, 2, 3, KvCacheType.FP8_FLASHMLA, true,
                AttentionSpec.defaultScale(576));
        LatentDecode bf16 = new LatentDecode(List.of(3), 2, 1, 576, 512, 2, 3, KvCacheType.BF16, true,
                AttentionSpec.defaultScale(576));
        List<HostTensor> a = latentInputs(fp8, table);
        List<HostTensor> b = latentInputs(bf16, table);
        for (long i = 0; i < a.get(0).elements(); i++) {
            float x = TestTensors.bf16(random);
            a.get(0).setFloat(i, x);
            b.get(0).setFloat(i, x);
        }
        long[] slots = {4, 5, 0};
        for (long slot : slots) {
            long base = slot * 656;
            float[] scales = new float[4];
            for (int g = 0; g < 4; g++) {
                scales[g] = (float) Math.scalb(1.0, random.nextInt(9) - 6);
                a.get(1).putFloatAt(base + 512 + 4 * g, scales[g]);
            }
            for (int i = 0; i < 512; i++) {
                byte code = (byte) random.nextInt(256);
                if ((code & 0x7f) == 0x7f) {
                    code = 0;
                }
                a.get(1).setByte(base + i, code);
                b.get(1).setFloat(slot * 576 + i, Fp8.decode(DType.F8_E4M3FN, code) * scales[i / 128]);
            }
            for (int r = 0; r < 64; r++) {
                short rope = Bf16.encode(TestTensors.bf16(random));
                a.get(1).setShort((base + 528) / 2 + r, rope);
                b.get(1).setShort(slot * 576 + 512 + r, rope);
            }
        }
        double[] fromFp8 = Oracle.attention(fp8, a, new int[] {0})[0];
        double[] fromBf16 = Oracle.attention(bf16, b, new int[] {0})[0];
        assertArrayEquals(fromBf16, fromFp8, 1e-14);
        assertTrue(Arrays.stream(fromFp8).allMatch(Double::isFinite));
    }

    // ---- sparse latent decode ---------------------------------------------------------------------

    @Test
    void sparseAttendsExactlyToTheListedSlots() {
        float scale = 0.7f;
        SparseLatentDecode sparse = new SparseLatentDecode(List.of(6), 3, 2, 8, 4, 4, 2, 4, KvCacheType.BF16, scale);
        List<HostTensor> in = TestTensors.allocate(sparse.inputs());
        Random random = new Random(9);
        TestTensors.randomize(in.get(0), random);
        HostTensor cache = in.get(1);
        for (long i = 0; i < cache.elements(); i++) {
            cache.setFloat(i, Float.NaN);
        }
        int[] listed = {5, 2, 6};
        for (int slot : listed) {
            for (int i = 0; i < 8; i++) {
                cache.setFloat(slot * 8L + i, TestTensors.bf16(random));
            }
        }
        TestTensors.fillInts(in.get(2), 5, -1, 2, 6, -1, -1, -1, -1);

        // the same three tokens, in the same order, as a dense latent decode of one 3-token sequence
        LatentDecode dense = new LatentDecode(List.of(3), 3, 1, 8, 4, 2, 2, KvCacheType.BF16, false, scale);
        List<HostTensor> d = latentInputs(dense, new int[][] {{0, 1}});
        for (int i = 0; i < 3 * 8; i++) {
            d.get(0).setFloat(i, in.get(0).getFloat(i)); // query 0 of the sparse batch
        }
        for (int t = 0; t < 3; t++) {
            for (int i = 0; i < 8; i++) {
                d.get(1).setFloat(t * 8L + i, cache.getFloat(listed[t] * 8L + i));
            }
        }
        double[] expected = Oracle.attention(dense, d, new int[] {0})[0];
        double[][] out = Oracle.attention(sparse, in, new int[] {0, 1});
        assertArrayEquals(expected, out[0]);
        assertTrue(Arrays.stream(expected).allMatch(Double::isFinite));
        assertArrayEquals(new double[12], out[1], "a query with no valid index outputs zeros");

        TestTensors.fillInts(in.get(2), 6, 2, -1, 5); // another order, same set
        assertArrayEquals(expected, Oracle.attention(sparse, in, new int[] {0})[0], 1e-14);
    }

    @Test
    void sparseRejectsIndicesThatAreNeitherMinusOneNorASlot() {
        SparseLatentDecode spec = new SparseLatentDecode(List.of(2), 1, 1, 4, 4, 2, 2, 2, KvCacheType.BF16, 1f);
        List<HostTensor> in = TestTensors.allocate(spec.inputs());
        TestTensors.fillInts(in.get(2), 0, -2);
        assertThrows(IllegalArgumentException.class, () -> Oracle.attention(spec, in, new int[] {0}));
        TestTensors.fillInts(in.get(2), 4, 1);
        assertThrows(IllegalArgumentException.class, () -> Oracle.attention(spec, in, new int[] {0}));
        TestTensors.fillInts(in.get(2), 3, 1);
        assertEquals(4, Oracle.attention(spec, in, new int[] {0})[0].length);
        assertThrows(IllegalArgumentException.class, () -> Oracle.attention(spec, in, new int[] {1}));
    }
}
