package dev.dayzero.hal.op;

import dev.dayzero.hal.DType;
import java.util.List;
import java.util.Objects;

/**
 * DeepSeek sparse attention's lightning indexer (DeepSeek-V3.2, GLM-5; DeepSeek-V4 over compressed keys):
 * for each query token, a score for every cached key it may see, and the {@code topk} keys with the
 * highest scores, which the sparse attention then reads. Three members: {@link PagedIndexerTopK} (decode,
 * paged key cache), {@link IndexerTopK} (prefill, keys of the same packed sequences) and
 * {@link IndexerLogits} (decode, the scores only, DeepGEMM's {@code fp8_paged_mqa_logits}).
 *
 * <p><b>The score</b>, accumulated in F32 (the kit's oracle in F64):
 * <pre>
 *   score[i, j] = k_scale[j] · Σ_h  w[i, h] · ReLU( q[i, h] · k[j] )
 * </pre>
 * {@code q[i, h]} is query {@code i}'s head {@code h} ({@code headDim} values), {@code k[j]} the key
 * ({@code headDim} values, one key head shared by all query heads), {@code w} the per-query head weights
 * (F32; the model folds its softmax scale, {@code heads^-0.5} and the query's own FP8 scale into them),
 * {@code k_scale[j]} the key's per-token F32 scale ({@link KeyType#FP8}; 1 for {@link KeyType#BF16}).
 * FP8 values enter the dot product as their decoded E4M3 values.
 *
 * <p><b>Top-k output</b>: I32 {@code [queries, topk]}; row {@code i} holds {@code min(topk, n_i)} distinct
 * indices of keys query {@code i} may see ({@code n_i} of them), those with the highest scores, in any
 * order among themselves, then {@code -1} in every remaining slot (valid indices first: Ascend's sparse
 * attention requires that order). Ties may be broken either way. A query that sees no key gets a row
 * of {@code -1}.
 *
 * <p><b>Cost</b>: {@code flops() = 2 · heads · headDim} per (query, valid key) pair (the ReLU and the
 * weighting are not counted). {@code bytes()} = queries + every valid key's bytes once per batch row (a
 * decode sequence's {@code nextN} queries share its keys; prefill keys are counted once) + weights +
 * outputs. Lengths, ranges and block tables are not counted.
 */
public sealed interface IndexerSpec extends OpSpec {

    /** How queries and keys are stored. */
    enum KeyType {
        /**
         * DeepGEMM's: queries F8_E4M3FN codes (their scale folded into the weights); keys F8_E4M3FN codes,
         * each key with one F32 scale. A paged cache block of {@code pageSize} keys is {@code pageSize ·
         * (headDim + 4)} bytes: first the {@code pageSize × headDim} codes (key {@code t} at byte
         * {@code t · headDim}), then {@code pageSize} little-endian F32 scales (key {@code t}'s at byte
         * {@code pageSize · headDim + 4 · t}).
         */
        FP8,
        /**
         * Queries and keys BF16, no key scale (Ascend's {@code aclnnLightningIndexer}). A paged cache is
         * BF16 {@code [pages, pageSize, headDim]}.
         */
        BF16;

        /** Element type of the queries (and of unpaged keys). */
        public DType valueType() {
            return this == FP8 ? DType.F8_E4M3FN : DType.BF16;
        }

        /** Bytes one key takes, its scale included. */
        public long keyBytes(int headDim) {
            return this == FP8 ? headDim + 4L : 2L * headDim;
        }
    }

    /** Query heads of the indexer (at most 64). */
    int heads();

    /** Width of each query head and of the key: 32, 64 or 128. */
    int headDim();

    /** Storage of queries and keys. */
    KeyType keyType();

    /** Number of query rows (output rows). */
    long queries();

    /** Valid keys of query row {@code i}. */
    long validKeys(long i);

    /** The same operator with another key type (Ascend answers FP8 with BF16). */
    IndexerSpec withKeyType(KeyType type);

    /** The variant's short name: {@code paged-topk}, {@code topk} or {@code paged-logits}. */
    String variant();

    @Override
    default String family() {
        return "indexer";
    }

    /** Most query heads a spec takes. */
    int MAX_HEADS = 64;

    /**
     * The paged key cache of decode, shared by {@link PagedIndexerTopK} and {@link IndexerLogits}.
     * {@code seqLens[b]} counts tokens in sequence {@code b}'s context, its {@code nextN} query tokens (the
     * last ones) included. The cache holds one key per {@code compressRatio} tokens (1 for V3.2 and GLM-5,
     * 4 for DeepSeek-V4's compressed keys): sequence {@code b} has {@code floor(seqLens[b] / compressRatio)}
     * keys, and query {@code j} of it (row {@code b · nextN + j}) sees keys
     * {@code k < floor((seqLens[b] - nextN + 1 + j) / compressRatio)}, which the {@code context_lens}
     * tensor holds. Key {@code k} of sequence {@code b} lives in page {@code block_table[b, k / pageSize]}
     * at slot {@code k % pageSize}; pages no used block-table entry names are never read (the kit fills
     * them with NaN) and block-table entries past a sequence's used ones hold out-of-range page ids.
     *
     * <p>Tensors: {@code q [B, nextN, heads, headDim]} ({@link KeyType#valueType()});
     * {@code k_cache} U8 {@code [pages, pageSize · (headDim + 4)]} ({@link KeyType#FP8}) or BF16
     * {@code [pages, pageSize, headDim]} ({@link KeyType#BF16}); {@code weights [B · nextN, heads]} F32;
     * {@code context_lens [B, nextN]} I32; {@code block_table [B, maxBlocks]} I32.
     */
    record PagedKeys(List<Integer> seqLens, int nextN, int heads, int headDim, KeyType keyType, int pageSize,
                     int numPages, int compressRatio) {
        public PagedKeys {
            seqLens = Checks.lengths("PagedKeys", "seqLens", seqLens, 1);
            Objects.requireNonNull(keyType, "PagedKeys.keyType");
            Checks.require(nextN == 1 || nextN == 2, "PagedKeys", "nextN", "must be 1 or 2, got " + nextN);
            shape("PagedKeys", heads, headDim);
            Checks.positive("PagedKeys", "pageSize", pageSize);
            Checks.positive("PagedKeys", "compressRatio", compressRatio);
            for (int i = 0; i < seqLens.size(); i++) {
                Checks.require(seqLens.get(i) >= nextN, "PagedKeys", "seqLens[" + i + "]",
                        "must be >= nextN = " + nextN + " (the queries are the context's last tokens)");
            }
            long needed = usedBlocks(seqLens, compressRatio, pageSize);
            Checks.require(numPages >= needed, "PagedKeys", "numPages",
                    "= " + numPages + " is fewer than the " + needed + " pages the keys need");
        }

        /** With the pages the keys need plus spares (an eighth more, at least one) for the kit's NaN trap. */
        public static PagedKeys of(List<Integer> seqLens, int nextN, int heads, int headDim, KeyType keyType,
                                   int pageSize, int compressRatio) {
            long used = usedBlocks(seqLens, compressRatio, pageSize);
            return new PagedKeys(seqLens, nextN, heads, headDim, keyType, pageSize,
                    Math.toIntExact(used + Math.max(1, used / 8)), compressRatio);
        }

        public int batch() {
            return seqLens.size();
        }

        /** Keys cached for sequence {@code b}. */
        public int keys(int b) {
            return seqLens.get(b) / compressRatio;
        }

        /** Keys query {@code j} of sequence {@code b} sees. */
        public int validKeys(int b, int j) {
            return (seqLens.get(b) - nextN + 1 + j) / compressRatio;
        }

        /** Most keys any sequence has: the logits' width. */
        public int maxKeys() {
            int m = 0;
            for (int b = 0; b < batch(); b++) {
                m = Math.max(m, keys(b));
            }
            return m;
        }

        /** Block-table columns: pages of the longest key list (at least 1). */
        public int maxBlocks() {
            return (int) Math.max(1, Checks.ceilDiv(maxKeys(), pageSize));
        }

        /** Bytes of one page block of the cache. */
        public long blockBytes() {
            return pageSize * keyType.keyBytes(headDim);
        }

        /** The cache tensor. */
        public TensorSpec cacheTensor() {
            return keyType == KeyType.FP8
                    ? TensorSpec.of("k_cache", DType.U8, numPages, blockBytes())
                    : TensorSpec.of("k_cache", DType.BF16, numPages, pageSize, headDim);
        }

        /** q, k_cache, weights, context_lens, block_table. */
        public List<TensorSpec> inputs() {
            long b = batch();
            return List.of(TensorSpec.of("q", keyType.valueType(), b, nextN, heads, headDim),
                    cacheTensor(),
                    TensorSpec.of("weights", DType.F32, b * nextN, heads),
                    TensorSpec.of("context_lens", DType.I32, b, nextN),
                    TensorSpec.of("block_table", DType.I32, b, maxBlocks()));
        }

        /** Σ over (query, valid key) pairs of {@code 2 · heads · headDim}. */
        public long flops() {
            long pairs = 0;
            for (int b = 0; b < batch(); b++) {
                for (int j = 0; j < nextN; j++) {
                    pairs += validKeys(b, j);
                }
            }
            return 2L * heads * headDim * pairs;
        }

        /** Queries + each sequence's keys once + weights (outputs are the caller's). */
        public long inputBytes() {
            long b = batch();
            long keys = 0;
            for (int i = 0; i < batch(); i++) {
                keys += validKeys(i, nextN - 1);
            }
            return b * nextN * heads * keyType.valueType().bytes(headDim) + keys * keyType.keyBytes(headDim)
                    + 4L * b * nextN * heads;
        }

        PagedKeys withKeyType(KeyType type) {
            return new PagedKeys(seqLens, nextN, heads, headDim, type, pageSize, numPages, compressRatio);
        }

        String describe() {
            return "B=" + batch() + " nextN=" + nextN + " L<=" + Checks.max(seqLens)
                    + (compressRatio == 1 ? "" : " ratio=" + compressRatio) + " H=" + heads + " D=" + headDim
                    + " k=" + keyType + " page=" + pageSize;
        }

        private static long usedBlocks(List<Integer> seqLens, int compressRatio, int pageSize) {
            long used = 0;
            for (int l : seqLens) {
                used += Checks.ceilDiv(l / Math.max(1, compressRatio), Math.max(1, pageSize));
            }
            return used;
        }
    }

    /** The decode members, which read a {@link PagedKeys} cache: everything but the outputs comes from it. */
    sealed interface Paged extends IndexerSpec permits PagedIndexerTopK, IndexerLogits {
        /** The paged key cache and the queries that read it. */
        PagedKeys cache();

        @Override
        default int heads() {
            return cache().heads();
        }

        @Override
        default int headDim() {
            return cache().headDim();
        }

        @Override
        default KeyType keyType() {
            return cache().keyType();
        }

        @Override
        default long queries() {
            return (long) cache().batch() * cache().nextN();
        }

        @Override
        default long validKeys(long i) {
            return cache().validKeys((int) (i / cache().nextN()), (int) (i % cache().nextN()));
        }

        @Override
        default List<TensorSpec> inputs() {
            return cache().inputs();
        }

        @Override
        default long flops() {
            return cache().flops();
        }
    }

    /**
     * Decode: the top-{@code topk} keys of each query over a paged key cache (DeepGEMM's
     * {@code fp8_paged_mqa_logits} then a top-k; Ascend's {@code aclnnLightningIndexer}, which fuses them).
     * Inputs as in {@link PagedKeys}; output {@code indices [B · nextN, topk]} I32: key positions {@code k}
     * within the sequence ({@code 0 <= k < context_lens[b, j]}), as the interface Javadoc says.
     */
    record PagedIndexerTopK(PagedKeys cache, int topk) implements Paged {
        public PagedIndexerTopK {
            Objects.requireNonNull(cache, "PagedIndexerTopK.cache");
            Checks.positive("PagedIndexerTopK", "topk", topk);
        }

        /** With spare pages, page size 64 (DeepGEMM's block_kv on SM90). */
        public static PagedIndexerTopK of(List<Integer> seqLens, int nextN, int heads, int headDim, KeyType keyType,
                                          int compressRatio, int topk) {
            return new PagedIndexerTopK(PagedKeys.of(seqLens, nextN, heads, headDim, keyType, 64, compressRatio),
                    topk);
        }

        @Override
        public IndexerSpec withKeyType(KeyType type) {
            return new PagedIndexerTopK(cache.withKeyType(type), topk);
        }

        @Override
        public String variant() {
            return "paged-topk";
        }

        @Override
        public List<TensorSpec> outputs() {
            return List.of(TensorSpec.of("indices", DType.I32, queries(), topk));
        }

        @Override
        public long bytes() {
            return cache.inputBytes() + 4L * queries() * topk;
        }

        @Override
        public String describe() {
            return "indexer paged-topk " + cache.describe() + " topk=" + topk;
        }
    }

    /**
     * Decode logits only, for comparison with DeepGEMM's {@code fp8_paged_mqa_logits}: inputs as in
     * {@link PagedKeys}; output {@code logits [B · nextN, maxKeys]} F32, the score of key {@code k} at
     * column {@code k} for {@code k < context_lens[b, j]}, {@code -inf} at and past the row's length.
     */
    record IndexerLogits(PagedKeys cache) implements Paged {
        public IndexerLogits {
            Objects.requireNonNull(cache, "IndexerLogits.cache");
        }

        @Override
        public IndexerSpec withKeyType(KeyType type) {
            return new IndexerLogits(cache.withKeyType(type));
        }

        @Override
        public String variant() {
            return "paged-logits";
        }

        @Override
        public List<TensorSpec> outputs() {
            return List.of(TensorSpec.of("logits", DType.F32, queries(), Math.max(1, cache.maxKeys())));
        }

        @Override
        public long bytes() {
            return cache.inputBytes() + outputs().get(0).bytes();
        }

        @Override
        public String describe() {
            return "indexer paged-logits " + cache.describe();
        }
    }

    /**
     * Prefill: the top-{@code topk} keys of each token among the earlier tokens of its own sequence
     * (DeepGEMM's {@code fp8_mqa_logits} with causal ranges, then a top-k). Sequences of {@code seqLens}
     * tokens are packed back to back ({@code T = Σ seqLens}); every token is a query and a key.
     *
     * <p>Tensors: {@code q [T, heads, headDim]} ({@link KeyType#valueType()}); {@code k [T, headDim]}
     * (same type); {@code k_scale [T]} F32 (read for {@link KeyType#FP8} only, all ones for BF16);
     * {@code weights [T, heads]} F32; {@code ks [T]} and {@code ke [T]} I32: token {@code i} of a sequence
     * starting at row {@code o} sees keys {@code [ks, ke) = [o, o + i + 1)}; output
     * {@code indices [T, topk]} I32: global key rows in {@code [ks, ke)}.
     */
    record IndexerTopK(List<Integer> seqLens, int heads, int headDim, KeyType keyType, int topk)
            implements IndexerSpec {
        public IndexerTopK {
            seqLens = Checks.lengths("IndexerTopK", "seqLens", seqLens, 1);
            Objects.requireNonNull(keyType, "IndexerTopK.keyType");
            shape("IndexerTopK", heads, headDim);
            Checks.positive("IndexerTopK", "topk", topk);
        }

        public long totalTokens() {
            return Checks.sum(seqLens);
        }

        @Override
        public long queries() {
            return totalTokens();
        }

        /** Keys token {@code i} (global row) sees: its position in its sequence, plus one. */
        @Override
        public long validKeys(long i) {
            long start = 0;
            for (int len : seqLens) {
                if (i < start + len) {
                    return i - start + 1;
                }
                start += len;
            }
            throw new IndexOutOfBoundsException("row " + i + " of " + start);
        }

        @Override
        public IndexerSpec withKeyType(KeyType type) {
            return new IndexerTopK(seqLens, heads, headDim, type, topk);
        }

        @Override
        public String variant() {
            return "topk";
        }

        @Override
        public List<TensorSpec> inputs() {
            long t = totalTokens();
            return List.of(TensorSpec.of("q", keyType.valueType(), t, heads, headDim),
                    TensorSpec.of("k", keyType.valueType(), t, headDim),
                    TensorSpec.of("k_scale", DType.F32, t),
                    TensorSpec.of("weights", DType.F32, t, heads),
                    TensorSpec.of("ks", DType.I32, t),
                    TensorSpec.of("ke", DType.I32, t));
        }

        @Override
        public List<TensorSpec> outputs() {
            return List.of(TensorSpec.of("indices", DType.I32, totalTokens(), topk));
        }

        @Override
        public long flops() {
            long pairs = 0;
            for (long l : seqLens) {
                pairs += l * (l + 1) / 2;
            }
            return 2L * heads * headDim * pairs;
        }

        @Override
        public long bytes() {
            long t = totalTokens();
            return t * heads * keyType.valueType().bytes(headDim) + t * keyType.keyBytes(headDim) + 4L * t * heads
                    + 4L * t * topk;
        }

        @Override
        public String describe() {
            return "indexer topk B=" + seqLens.size() + " T=" + totalTokens() + " H=" + heads + " D=" + headDim
                    + " k=" + keyType + " topk=" + topk;
        }
    }

    private static void shape(String spec, int heads, int headDim) {
        Checks.require(heads >= 1 && heads <= MAX_HEADS, spec, "heads", "must be in 1.." + MAX_HEADS + ", got " + heads);
        Checks.require(headDim == 32 || headDim == 64 || headDim == 128, spec, "headDim",
                "must be 32, 64 or 128, got " + headDim);
    }
}
