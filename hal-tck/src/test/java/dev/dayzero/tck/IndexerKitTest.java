package dev.dayzero.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.Bf16;
import dev.dayzero.hal.Fp8;
import dev.dayzero.hal.Support;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.IndexerSpec.IndexerLogits;
import dev.dayzero.hal.op.IndexerSpec.IndexerTopK;
import dev.dayzero.hal.op.IndexerSpec.KeyType;
import dev.dayzero.hal.op.IndexerSpec.PagedIndexerTopK;
import dev.dayzero.hal.op.IndexerSpec.PagedKeys;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.tck.data.HostTensor;
import dev.dayzero.tck.data.InputGenerator;
import dev.dayzero.tck.oracle.Oracle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The indexer's oracle against hand-computed scores, and the kit against a second, independent indexer
 * written here: faithful, it passes; with one thing broken (the ReLU, a key's scale, the causal range, the
 * -1 padding, the -inf of the logits), the kit fails it.
 */
class IndexerKitTest {
    private static final PagedIndexerTopK PAGED =
            PagedIndexerTopK.of(List.of(300, 2, 130), 2, 8, 64, KeyType.FP8, 1, 64);
    private static final PagedIndexerTopK RATIO4 =
            PagedIndexerTopK.of(List.of(600, 3, 9), 2, 4, 32, KeyType.FP8, 4, 32);
    private static final IndexerTopK PREFILL = new IndexerTopK(List.of(150, 1, 40), 4, 32, KeyType.FP8, 32);
    private static final IndexerLogits LOGITS = new IndexerLogits(PagedKeys.of(List.of(200, 70), 2, 4, 32, KeyType.FP8, 16, 1));

    /** Which mistake the second indexer makes. */
    enum Bug { NONE, NO_RELU, NO_SCALE, CAUSAL_PLUS_ONE, PAD_FIRST, NO_NEG_INF, TIES_REVERSED }

    @Test
    void theOracleScoresByTheFormulaReluBeforeWeighting() {
        // two tokens, two heads, D = 32, BF16: token 1 sees keys 0 and 1
        IndexerTopK spec = new IndexerTopK(List.of(2), 2, 32, KeyType.BF16, 1);
        List<HostTensor> in = new ArrayList<>();
        spec.inputs().forEach(t -> in.add(HostTensor.allocate(t)));
        HostTensor q = in.get(0);
        HostTensor k = in.get(1);
        q.setShort((1L * 2 + 0) * 32, Bf16.encode(1f));   // token 1, head 0: +1 on dim 0
        q.setShort((1L * 2 + 1) * 32, Bf16.encode(-1f));  // token 1, head 1: -1 on dim 0
        k.setShort(0, Bf16.encode(2f));                   // key 0: 2 on dim 0
        k.setShort(32, Bf16.encode(-3f));                 // key 1: -3 on dim 0
        in.get(2).setFloat(0, 1f);
        in.get(2).setFloat(1, 1f);
        in.get(3).setFloat(2, 0.5f);                      // token 1's weights
        in.get(3).setFloat(3, 2f);
        in.get(4).setInt(0, 0);
        in.get(4).setInt(1, 0);
        in.get(5).setInt(0, 1);
        in.get(5).setInt(1, 2);
        double[][] s = Oracle.indexerScores(spec, in, new int[] {1}).scores();
        // key 0: 0.5·ReLU(2) + 2·ReLU(-2) = 1; key 1: 0.5·ReLU(-3) + 2·ReLU(3) = 6
        assertEquals(1.0, s[0][0], 0);
        assertEquals(6.0, s[0][1], 0);
        assertEquals(1, Oracle.indexerTopK(spec, 1, in, new int[] {1})[0][0]);
    }

    @Test
    void theOracleItselfPassesEveryIndexerAndSparsePrefillSpec() {
        for (OpSpec spec : List.of(PAGED, RATIO4, PREFILL, LOGITS, PAGED.withKeyType(KeyType.BF16),
                PREFILL.withKeyType(KeyType.BF16), AttentionSpec.SparsePrefill.deepseek(List.of(40, 1), 4, 16))) {
            CaseResult r = ConformanceRunner.check(HostDevice.reference(), "ok", spec, 7);
            assertEquals(CaseStatus.PASSED, r.status(), r.summary());
        }
    }

    @Test
    void theSecondIndexerPassesAndEachMistakeFails() {
        for (OpSpec spec : List.of(PAGED, RATIO4, PREFILL)) {
            assertEquals(CaseStatus.PASSED, run(spec, Bug.NONE).status(), () -> run(spec, Bug.NONE).summary());
            assertEquals(CaseStatus.PASSED, run(spec, Bug.TIES_REVERSED).status(), "ties may break either way");
            for (Bug bug : List.of(Bug.NO_RELU, Bug.NO_SCALE, Bug.CAUSAL_PLUS_ONE, Bug.PAD_FIRST)) {
                CaseResult r = run(spec, bug);
                assertEquals(CaseStatus.FAILED_NUMERICS, r.status(), bug + " on " + spec.describe() + ": " + r.summary());
            }
        }
        assertEquals(CaseStatus.PASSED, run(LOGITS, Bug.NONE).status(), () -> run(LOGITS, Bug.NONE).summary());
        for (Bug bug : List.of(Bug.NO_RELU, Bug.NO_SCALE, Bug.NO_NEG_INF)) {
            assertEquals(CaseStatus.FAILED_NUMERICS, run(LOGITS, bug).status(), bug.name());
        }
    }

    @Test
    void theGeneratorPlantsTiesAndNanTraps() {
        List<HostTensor> in = InputGenerator.generate(PAGED, 3);
        double[][] s = Oracle.indexerScores(PAGED, in, new int[] {0}).scores();
        assertEquals(s[0][0], s[0][3], 0, "key 3 repeats key 0");
        assertEquals(s[0][5], s[0][8], 0, "key 8 repeats key 5");
        HostTensor cache = in.get(1);
        long nan = IntStream.range(0, Math.toIntExact(cache.spec().bytes())).filter(i -> cache.getByte(i) == 0x7f).count();
        assertTrue(nan > 0, "unused pages and slots hold NaN codes");
    }

    private static CaseResult run(OpSpec spec, Bug bug) {
        HostDevice device = new HostDevice((s, in, out) -> secondIndexer((IndexerSpec) s, in, out.get(0), bug),
                x -> Support.supported());
        return ConformanceRunner.check(device, "second/" + bug, spec, 11);
    }

    // ---- an independent indexer: F32 accumulation, its own layout reading, a sort for the top-k ------------

    private static void secondIndexer(IndexerSpec spec, List<HostTensor> in, HostTensor out, Bug bug) {
        int width = Math.toIntExact(out.spec().dim(1));
        for (long row = 0; row < spec.queries(); row++) {
            int n = (int) spec.validKeys(row);
            int first = 0;
            if (spec instanceof IndexerTopK) {
                first = in.get(4).getInt(row);
                n = in.get(5).getInt(row) - first;
            } else {
                n = in.get(3).getInt(row);
            }
            int seen = bug == Bug.CAUSAL_PLUS_ONE ? n + 1 : n;
            if (spec instanceof IndexerTopK p) {
                seen = (int) Math.min(seen, p.totalTokens() - first); // the last token has no key after it
            }
            float[] score = new float[seen];
            for (int j = 0; j < seen; j++) {
                score[j] = score(spec, in, row, first + j, bug);
            }
            if (spec instanceof IndexerLogits) {
                for (int c = 0; c < width; c++) {
                    out.setFloat(row * width + c, c < n ? score[c]
                            : bug == Bug.NO_NEG_INF ? 0f : Float.NEGATIVE_INFINITY);
                }
                continue;
            }
            Integer[] order = new Integer[seen];
            for (int j = 0; j < seen; j++) {
                order[j] = j;
            }
            Comparator<Integer> bySc = (a, b) -> Float.compare(score[b], score[a]);
            java.util.Arrays.sort(order, bug == Bug.TIES_REVERSED ? bySc.thenComparing(Comparator.reverseOrder()) : bySc);
            int count = Math.min(width, seen);
            for (int c = 0; c < width; c++) {
                int v = c < count ? first + order[c] : -1;
                if (bug == Bug.PAD_FIRST && count < width) {
                    v = c < width - count ? -1 : first + order[c - (width - count)];
                }
                out.setInt(row * width + c, v);
            }
        }
    }

    private static float score(IndexerSpec spec, List<HostTensor> in, long row, int key, Bug bug) {
        int h = spec.heads();
        int d = spec.headDim();
        float[] k = new float[d];
        float scale;
        if (spec instanceof IndexerTopK) {
            for (int i = 0; i < d; i++) {
                k[i] = in.get(1).getFloat((long) key * d + i);
            }
            scale = in.get(2).getFloat(key);
        } else {
            PagedKeys c = spec instanceof PagedIndexerTopK p ? p.cache() : ((IndexerLogits) spec).cache();
            int b = (int) (row / c.nextN());
            int page = in.get(4).getInt((long) b * c.maxBlocks() + key / c.pageSize());
            page = page < 0 || page >= c.numPages() ? 0 : page; // CAUSAL_PLUS_ONE may run past the table
            int slot = key % c.pageSize();
            if (c.keyType() == KeyType.FP8) {
                long block = page * c.blockBytes();
                for (int i = 0; i < d; i++) {
                    k[i] = Fp8.decode(KeyType.FP8.valueType(), in.get(1).getByte(block + (long) slot * d + i));
                }
                scale = in.get(1).floatAt(block + (long) c.pageSize() * d + 4L * slot);
            } else {
                for (int i = 0; i < d; i++) {
                    k[i] = in.get(1).getFloat(((long) page * c.pageSize() + slot) * d + i);
                }
                scale = 1f;
            }
        }
        if (spec.keyType() == KeyType.BF16) {
            scale = 1f;
        }
        float s = 0;
        for (int hh = 0; hh < h; hh++) {
            float dot = 0;
            for (int i = 0; i < d; i++) {
                dot += in.get(0).getFloat((row * h + hh) * d + i) * k[i];
            }
            s += in.get(spec instanceof IndexerTopK ? 3 : 2).getFloat(row * h + hh)
                    * (bug == Bug.NO_RELU ? dot : Math.max(0f, dot));
        }
        return bug == Bug.NO_SCALE ? s : s * scale;
    }
}
