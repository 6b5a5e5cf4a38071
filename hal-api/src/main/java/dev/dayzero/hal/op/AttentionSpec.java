package dev.dayzero.hal.op;

import dev.dayzero.hal.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Attention, in six variants. All take BF16 queries and produce BF16 outputs; softmax is computed
 * with {@code softmaxScale} applied to the raw scores: {@code out = softmax(scale · q·kᵀ) · v}, over the
 * keys each query may see. Every tensor is row-major with the last dimension contiguous.
 *
 * <p>Paged caches are {@code [pages, pageSize, kvHeads, dim]}: token {@code t} of a sequence lives in
 * page {@code block_table[b, t / pageSize]} at slot {@code t % pageSize}. Pages not referenced by the
 * first {@code ceil(seqLen / pageSize)} entries of a sequence's block-table row must never be read (the
 * kit fills them with NaN); block-table entries past those are out-of-range page ids that must not be
 * dereferenced.
 */
public sealed interface AttentionSpec extends OpSpec {

    /** Query heads. */
    int numHeads();

    /** Key width {@code Dk} (the query's width too). */
    int headDim();

    /** Value and output width {@code Dv}. */
    int valueDim();

    /** Scale applied to {@code q·k} before softmax. */
    float softmaxScale();

    /** Per-sequence lengths: tokens of each prefill sequence, or cached tokens of each decode sequence. */
    List<Integer> seqLens();

    /** Number of sequences. */
    default int batch() {
        return seqLens().size();
    }

    /** The variant's short name: {@code prefill}, {@code paged-decode}, {@code mla-decode}, {@code sparse-mla-decode},
     *  {@code sparse-prefill}, {@code sparse-sharedkv-decode}. */
    String variant();

    @Override
    default String family() {
        return "attention";
    }

    /** The usual scale, {@code 1/sqrt(headDim)}. */
    static float defaultScale(int headDim) {
        return (float) (1.0 / Math.sqrt(headDim));
    }

    /**
     * Prefill: causal (or full) self-attention over variable-length sequences packed back to back, MHA
     * or GQA ({@code numHeads} a multiple of {@code numKvHeads}; query head {@code h} reads KV head
     * {@code h / (numHeads / numKvHeads)}).
     *
     * <p>Tensors ({@code T = Σ seqLens}): {@code q [T, Hq, D] BF16}, {@code k [T, Hkv, D] BF16},
     * {@code v [T, Hkv, D] BF16}, {@code cu_seqlens [B + 1] I32} (prefix sums of seqLens, starting at 0);
     * output {@code out [T, Hq, D] BF16}. With {@code causal}, token {@code i} of a sequence sees tokens
     * {@code 0..i} of the same sequence; otherwise all of them.
     *
     * <p>{@code flops = Σ 4 · Hq · D · pairs}, pairs = {@code L(L+1)/2} causal or {@code L²};
     * {@code bytes} = q + k + v + out + cu_seqlens.
     */
    record Prefill(List<Integer> seqLens, int numHeads, int numKvHeads, int headDim, boolean causal,
                   float softmaxScale) implements AttentionSpec {
        public Prefill {
            seqLens = Checks.lengths("Prefill", "seqLens", seqLens, 1);
            heads("Prefill", numHeads, numKvHeads);
            Checks.positive("Prefill", "headDim", headDim);
            scale("Prefill", softmaxScale);
        }

        public long totalTokens() {
            return Checks.sum(seqLens);
        }

        @Override
        public int valueDim() {
            return headDim;
        }

        @Override
        public String variant() {
            return "prefill";
        }

        @Override
        public List<TensorSpec> inputs() {
            long t = totalTokens();
            return List.of(TensorSpec.of("q", DType.BF16, t, numHeads, headDim),
                    TensorSpec.of("k", DType.BF16, t, numKvHeads, headDim),
                    TensorSpec.of("v", DType.BF16, t, numKvHeads, headDim),
                    TensorSpec.of("cu_seqlens", DType.I32, seqLens.size() + 1L));
        }

        @Override
        public List<TensorSpec> outputs() {
            return List.of(TensorSpec.of("out", DType.BF16, totalTokens(), numHeads, headDim));
        }

        @Override
        public long flops() {
            long pairs = 0;
            for (long l : seqLens) {
                pairs += causal ? l * (l + 1) / 2 : l * l;
            }
            return 4L * numHeads * headDim * pairs;
        }

        @Override
        public long bytes() {
            return sumBytes(operands());
        }

        @Override
        public String describe() {
            return "attention prefill " + (causal ? "causal" : "full") + " B=" + batch() + " T=" + totalTokens()
                    + " Hq=" + numHeads + " Hkv=" + numKvHeads + " D=" + headDim;
        }
    }

    /**
     * Paged decode: one new query token per sequence against a paged BF16 KV cache, GQA.
     *
     * <p>Tensors: {@code q [B, Hq, D] BF16}; {@code k_cache [pages, pageSize, Hkv, D] BF16};
     * {@code v_cache [pages, pageSize, Hkv, D] BF16}; {@code block_table [B, maxBlocks] I32} with
     * {@code maxBlocks = ceil(max seqLen / pageSize)}; {@code seq_lens [B] I32}; output
     * {@code out [B, Hq, D] BF16}. The query sees all {@code seqLens[b]} cached tokens.
     *
     * <p>{@code flops = Σ 4 · Hq · D · L}; {@code bytes} = q + the L cached tokens of k and v
     * ({@code 2 · L · Hkv · D · 2}) + the used block-table entries + seq_lens + out.
     */
    record PagedDecode(List<Integer> seqLens, int numHeads, int numKvHeads, int headDim, int pageSize,
                       int numPages, float softmaxScale) implements AttentionSpec {
        public PagedDecode {
            seqLens = Checks.lengths("PagedDecode", "seqLens", seqLens, 1);
            heads("PagedDecode", numHeads, numKvHeads);
            Checks.positive("PagedDecode", "headDim", headDim);
            pages("PagedDecode", seqLens, pageSize, numPages);
            scale("PagedDecode", softmaxScale);
        }

        /** With the pages the sequences need plus spare pages, which the kit fills with NaN. */
        public static PagedDecode of(List<Integer> seqLens, int numHeads, int numKvHeads, int headDim,
                                     int pageSize) {
            return new PagedDecode(seqLens, numHeads, numKvHeads, headDim, pageSize,
                    pagesWithSpares(seqLens, pageSize), defaultScale(headDim));
        }

        public int maxBlocks() {
            return AttentionSpec.maxBlocks(seqLens, pageSize);
        }

        @Override
        public int valueDim() {
            return headDim;
        }

        @Override
        public String variant() {
            return "paged-decode";
        }

        @Override
        public List<TensorSpec> inputs() {
            int b = seqLens.size();
            return List.of(TensorSpec.of("q", DType.BF16, b, numHeads, headDim),
                    TensorSpec.of("k_cache", DType.BF16, numPages, pageSize, numKvHeads, headDim),
                    TensorSpec.of("v_cache", DType.BF16, numPages, pageSize, numKvHeads, headDim),
                    TensorSpec.of("block_table", DType.I32, b, maxBlocks()),
                    TensorSpec.of("seq_lens", DType.I32, b));
        }

        @Override
        public List<TensorSpec> outputs() {
            return List.of(TensorSpec.of("out", DType.BF16, seqLens.size(), numHeads, headDim));
        }

        @Override
        public long flops() {
            return 4L * numHeads * headDim * Checks.sum(seqLens);
        }

        @Override
        public long bytes() {
            long b = seqLens.size();
            long tokens = Checks.sum(seqLens);
            return 2 * b * numHeads * headDim * 2 + 2 * tokens * numKvHeads * headDim * 2
                    + 4 * usedBlocks(seqLens, pageSize) + 4 * b;
        }

        @Override
        public String describe() {
            return "attention paged-decode B=" + batch() + " L<=" + Checks.max(seqLens) + " Hq=" + numHeads
                    + " Hkv=" + numKvHeads + " D=" + headDim + " page=" + pageSize;
        }
    }

    /**
     * Latent MQA decode: DeepSeek's absorbed MLA with FlashMLA's semantics. One KV head of width
     * {@code Dk}; the value is the first {@code Dv} columns of the cached key (576 / 512 for DeepSeek-V3
     * and V3.2); {@code queriesPerSeq} query tokens per sequence (1, or more with speculative tokens).
     *
     * <p>Tensors: {@code q [B, Sq, Hq, Dk] BF16}; {@code kv_cache [pages, pageSize, 1, Dk] BF16}, or
     * {@code [pages, pageSize, 1, 656] U8} in {@link KvCacheType#FP8_FLASHMLA}'s token layout;
     * {@code block_table [B, maxBlocks] I32}; {@code seq_lens [B] I32}; output
     * {@code out [B, Sq, Hq, Dv] BF16}. With {@code causal}, query {@code j} of a sequence of length
     * {@code L} sees tokens {@code 0 .. L - Sq + j} (the queries are the last Sq tokens); otherwise all L.
     *
     * <p>{@code flops = Σ_queries 2 · Hq · (Dk + Dv) · seen}; {@code bytes} = q + the L cached tokens a
     * sequence ({@link KvCacheType#tokenBytes}) + used block-table entries + seq_lens + out.
     */
    record LatentDecode(List<Integer> seqLens, int numHeads, int queriesPerSeq, int headDim, int valueDim,
                        int pageSize, int numPages, KvCacheType kvCache, boolean causal, float softmaxScale)
            implements AttentionSpec {
        public LatentDecode {
            seqLens = Checks.lengths("LatentDecode", "seqLens", seqLens, 1);
            latent("LatentDecode", numHeads, queriesPerSeq, headDim, valueDim, kvCache);
            pages("LatentDecode", seqLens, pageSize, numPages);
            scale("LatentDecode", softmaxScale);
            if (causal) {
                for (int i = 0; i < seqLens.size(); i++) {
                    Checks.require(seqLens.get(i) >= queriesPerSeq, "LatentDecode", "seqLens[" + i + "]",
                            "must be >= queriesPerSeq = " + queriesPerSeq + " when causal");
                }
            }
        }

        /** DeepSeek-V3 / V3.2 shape (576 / 512, page 64), with spare pages, causal, scale 1/sqrt(576). */
        public static LatentDecode deepseek(List<Integer> seqLens, int numHeads, int queriesPerSeq,
                                            KvCacheType kvCache) {
            return new LatentDecode(seqLens, numHeads, queriesPerSeq, 576, 512, 64,
                    pagesWithSpares(seqLens, 64), kvCache, true, defaultScale(576));
        }

        public int maxBlocks() {
            return AttentionSpec.maxBlocks(seqLens, pageSize);
        }

        /** Tokens query {@code j} of sequence {@code b} sees. */
        public int visible(int b, int j) {
            int len = seqLens.get(b);
            return causal ? len - queriesPerSeq + j + 1 : len;
        }

        @Override
        public String variant() {
            return "mla-decode";
        }

        @Override
        public List<TensorSpec> inputs() {
            int b = seqLens.size();
            return List.of(TensorSpec.of("q", DType.BF16, b, queriesPerSeq, numHeads, headDim),
                    TensorSpec.of("kv_cache", kvCache.storageType(), numPages, pageSize, 1,
                            kvCache.tokenElements(headDim)),
                    TensorSpec.of("block_table", DType.I32, b, maxBlocks()),
                    TensorSpec.of("seq_lens", DType.I32, b));
        }

        @Override
        public List<TensorSpec> outputs() {
            return List.of(TensorSpec.of("out", DType.BF16, seqLens.size(), queriesPerSeq, numHeads, valueDim));
        }

        @Override
        public long flops() {
            long seen = 0;
            for (int b = 0; b < seqLens.size(); b++) {
                for (int j = 0; j < queriesPerSeq; j++) {
                    seen += visible(b, j);
                }
            }
            return 2L * numHeads * (headDim + valueDim) * seen;
        }

        @Override
        public long bytes() {
            long b = seqLens.size();
            long queries = b * queriesPerSeq;
            return queries * numHeads * headDim * 2 + Checks.sum(seqLens) * kvCache.tokenBytes(headDim)
                    + 4 * usedBlocks(seqLens, pageSize) + 4 * b + queries * numHeads * valueDim * 2;
        }

        @Override
        public String describe() {
            return "attention mla-decode B=" + batch() + " Sq=" + queriesPerSeq + " L<=" + Checks.max(seqLens)
                    + " Hq=" + numHeads + " Dk=" + headDim + " Dv=" + valueDim + " kv=" + kvCache
                    + " page=" + pageSize;
        }
    }

    /**
     * Sparse latent MQA decode (DeepSeek-V3.2 DSA): like {@link LatentDecode}, but each query attends
     * only to the cached tokens its top-k indices name.
     *
     * <p>Tensors: {@code q [B, Sq, Hq, Dk] BF16}; {@code kv_cache} as in {@link LatentDecode};
     * {@code indices [B, Sq, topk] I32}: flat cache slots ({@code page · pageSize + slot}, FlashMLA's
     * convention, so no block table is passed), {@code -1} for an unused entry (valid entries of one query are distinct slots); output
     * {@code out [B, Sq, Hq, Dv] BF16}. The kit fills each query's indices with {@code min(topk, L)}
     * distinct slots of its own sequence, in no particular order, then {@code -1}s. A query with no valid
     * index outputs zeros.
     *
     * <p>{@code flops = Σ_queries 2 · Hq · (Dk + Dv) · min(topk, L)}; {@code bytes} = q + indices + out +
     * each query's retrieved tokens ({@link KvCacheType#tokenBytes}; FlashMLA's unique-token count when
     * Sq = 1).
     */
    record SparseLatentDecode(List<Integer> seqLens, int numHeads, int queriesPerSeq, int headDim, int valueDim,
                              int topk, int pageSize, int numPages, KvCacheType kvCache, float softmaxScale)
            implements AttentionSpec {
        public SparseLatentDecode {
            seqLens = Checks.lengths("SparseLatentDecode", "seqLens", seqLens, 1);
            latent("SparseLatentDecode", numHeads, queriesPerSeq, headDim, valueDim, kvCache);
            Checks.positive("SparseLatentDecode", "topk", topk);
            pages("SparseLatentDecode", seqLens, pageSize, numPages);
            scale("SparseLatentDecode", softmaxScale);
        }

        /** DeepSeek-V3.2 shape (576 / 512, page 64), with spare pages, scale 1/sqrt(576). */
        public static SparseLatentDecode deepseek(List<Integer> seqLens, int numHeads, int queriesPerSeq, int topk,
                                                  KvCacheType kvCache) {
            return new SparseLatentDecode(seqLens, numHeads, queriesPerSeq, 576, 512, topk, 64,
                    pagesWithSpares(seqLens, 64), kvCache, defaultScale(576));
        }

        /** Valid indices of each query of sequence {@code b}: {@code min(topk, L)}. */
        public int attended(int b) {
            return Math.min(topk, seqLens.get(b));
        }

        @Override
        public String variant() {
            return "sparse-mla-decode";
        }

        @Override
        public List<TensorSpec> inputs() {
            int b = seqLens.size();
            return List.of(TensorSpec.of("q", DType.BF16, b, queriesPerSeq, numHeads, headDim),
                    TensorSpec.of("kv_cache", kvCache.storageType(), numPages, pageSize, 1,
                            kvCache.tokenElements(headDim)),
                    TensorSpec.of("indices", DType.I32, b, queriesPerSeq, topk));
        }

        @Override
        public List<TensorSpec> outputs() {
            return List.of(TensorSpec.of("out", DType.BF16, seqLens.size(), queriesPerSeq, numHeads, valueDim));
        }

        @Override
        public long flops() {
            long seen = 0;
            for (int b = 0; b < seqLens.size(); b++) {
                seen += (long) queriesPerSeq * attended(b);
            }
            return 2L * numHeads * (headDim + valueDim) * seen;
        }

        @Override
        public long bytes() {
            long b = seqLens.size();
            long queries = b * queriesPerSeq;
            long retrieved = 0;
            for (int i = 0; i < b; i++) {
                retrieved += (long) queriesPerSeq * attended(i);
            }
            return queries * numHeads * headDim * 2 + queries * topk * 4 + retrieved * kvCache.tokenBytes(headDim)
                    + queries * numHeads * valueDim * 2;
        }

        @Override
        public String describe() {
            return "attention sparse-mla-decode B=" + batch() + " Sq=" + queriesPerSeq + " L<=" + Checks.max(seqLens)
                    + " topk=" + topk + " Hq=" + numHeads + " Dk=" + headDim + " Dv=" + valueDim + " kv=" + kvCache;
        }
    }

    /**
     * Sparse prefill (DeepSeek-V3.2 / GLM-5 DSA prefill, FlashMLA's {@code flash_mla_sparse_fwd}): each
     * query token attends only to the keys its top-k indices name, over one shared latent KV head, the
     * value being the key's first {@code Dv} columns. Sequences of {@code seqLens} tokens are packed back to
     * back ({@code T = Σ seqLens}); every token is a query and a key.
     *
     * <p>Tensors: {@code q [T, Hq, Dk] BF16}; {@code kv [T, 1, Dk] BF16}; {@code indices [T, 1, topk] I32}:
     * global key rows, {@code -1} for an unused entry (valid entries of one query are distinct, and come
     * first); output {@code out [T, Hq, Dv] BF16}. {@code out[i, h] = Σ_j softmax_j(scale · q[i,h]·kv[j])
     * · kv[j, :Dv]} over the valid indices {@code j} of query {@code i}; a query with none outputs zeros.
     * The operator attends to whatever rows the indices name; the kit draws, for token {@code i} of a
     * sequence starting at row {@code o}, {@code min(topk, i + 1)} distinct rows of {@code [o, o + i]}
     * (causal), then {@code -1}s.
     *
     * <p>{@code flops = Σ_queries 2 · Hq · (Dk + Dv) · min(topk, i + 1)}; {@code bytes} = q + indices + out
     * + each query's retrieved rows ({@code 2 · Dk} bytes each).
     */
    record SparsePrefill(List<Integer> seqLens, int numHeads, int headDim, int valueDim, int topk,
                         float softmaxScale) implements AttentionSpec {
        public SparsePrefill {
            seqLens = Checks.lengths("SparsePrefill", "seqLens", seqLens, 1);
            latent("SparsePrefill", numHeads, 1, headDim, valueDim, KvCacheType.BF16);
            Checks.positive("SparsePrefill", "topk", topk);
            scale("SparsePrefill", softmaxScale);
        }

        /** DeepSeek-V3.2 shape (576 / 512), scale 1/sqrt(576). */
        public static SparsePrefill deepseek(List<Integer> seqLens, int numHeads, int topk) {
            return new SparsePrefill(seqLens, numHeads, 576, 512, topk, defaultScale(576));
        }

        public long totalTokens() {
            return Checks.sum(seqLens);
        }

        /**
         * The same computation as a {@link SparseLatentDecode}: {@code T} one-token queries over a BF16 cache of
         * {@code T} one-token pages, whose flat slots are the key rows (the operands' bytes are identical). For
         * backends that run sparse prefill on their sparse decode kernel; its {@code flops()} and
         * {@code bytes()} are not this spec's.
         */
        public SparseLatentDecode asSparseDecode() {
            int t = Math.toIntExact(totalTokens());
            return new SparseLatentDecode(java.util.Collections.nCopies(t, 1), numHeads, 1, headDim, valueDim, topk, 1, t,
                    KvCacheType.BF16, softmaxScale);
        }

        /** Valid indices of a query at position {@code i} of its sequence: {@code min(topk, i + 1)}. */
        public int attended(int i) {
            return Math.min(topk, i + 1);
        }

        private long pairs() {
            long pairs = 0;
            for (int len : seqLens) {
                long full = Math.min(len, topk);
                // positions 0..full-1 see i+1 keys; the rest see topk
                pairs += full * (full + 1) / 2 + (len - full) * (long) topk;
            }
            return pairs;
        }

        @Override
        public String variant() {
            return "sparse-prefill";
        }

        @Override
        public List<TensorSpec> inputs() {
            long t = totalTokens();
            return List.of(TensorSpec.of("q", DType.BF16, t, numHeads, headDim),
                    TensorSpec.of("kv", DType.BF16, t, 1, headDim),
                    TensorSpec.of("indices", DType.I32, t, 1, topk));
        }

        @Override
        public List<TensorSpec> outputs() {
            return List.of(TensorSpec.of("out", DType.BF16, totalTokens(), numHeads, valueDim));
        }

        @Override
        public long flops() {
            return 2L * numHeads * (headDim + valueDim) * pairs();
        }

        @Override
        public long bytes() {
            long t = totalTokens();
            return t * numHeads * headDim * 2 + t * topk * 4 + pairs() * 2L * headDim + t * numHeads * valueDim * 2;
        }

        @Override
        public String describe() {
            return "attention sparse-prefill B=" + batch() + " T=" + totalTokens() + " topk=" + topk + " Hq="
                    + numHeads + " Dk=" + headDim + " Dv=" + valueDim;
        }
    }

    /**
     * One cache of a {@link SparseSharedKvDecode} with its index set: the attention reads, for each query
     * {@code (b, s)}, the tokens named by the leftmost {@code lengths[b]} entries of its index row.
     *
     * <p>Tensors (names prefixed {@code extra_} for the extra cache): {@code kv_cache} of
     * {@link SharedKvFormat#cacheTensor} ({@code numPages} pages of {@code pageBlockSize} tokens);
     * {@code indices [B, Sq, topk] I32}: flat slots {@code page · pageBlockSize + t} (FlashMLA's convention:
     * no block table), {@code -1} for an unused entry; {@code topk_length [B] I32}: {@code lengths}. Entries
     * at positions {@code ≥ lengths[b]} are never read as tokens, whatever they hold.
     *
     * <p>{@code tokens[b]} counts the cached tokens that belong to sequence {@code b} (the window, or the
     * compressed entries so far); the kit places them on pages of their own in a shuffled order, fills each
     * query's leftmost {@code lengths[b]} entries with distinct slots among them (a few may be {@code -1}),
     * fills the entries past the length with slots of real tokens (an operator that reads past the length
     * gets a wrong answer), and fills every slot no sequence owns with NaN.
     */
    record KvIndexSet(int topk, int pageBlockSize, int numPages, List<Integer> tokens, List<Integer> lengths) {
        public KvIndexSet {
            Checks.positive("KvIndexSet", "topk", topk);
            Checks.positive("KvIndexSet", "pageBlockSize", pageBlockSize);
            tokens = Checks.lengths("KvIndexSet", "tokens", tokens, 0);
            lengths = Checks.lengths("KvIndexSet", "lengths", lengths, 0);
            Checks.require(tokens.size() == lengths.size(), "KvIndexSet", "lengths",
                    "must have one entry per sequence (" + tokens.size() + "), got " + lengths.size());
            for (int b = 0; b < tokens.size(); b++) {
                Checks.require(lengths.get(b) <= Math.min(topk, tokens.get(b)), "KvIndexSet", "lengths[" + b + "]",
                        "= " + lengths.get(b) + " must be <= min(topk = " + topk + ", tokens = " + tokens.get(b) + ")");
            }
            long needed = usedBlocks(tokens, pageBlockSize);
            Checks.require(numPages >= Math.max(1, needed), "KvIndexSet", "numPages",
                    "= " + numPages + " is fewer than the " + Math.max(1, needed) + " pages the tokens need");
        }

        /** With the pages the tokens need plus spares (an eighth more, at least one) for the kit's NaN trap. */
        public static KvIndexSet of(int topk, int pageBlockSize, List<Integer> tokens, List<Integer> lengths) {
            long used = usedBlocks(tokens, pageBlockSize);
            return new KvIndexSet(topk, pageBlockSize, Math.toIntExact(used + Math.max(1, used / 8)), tokens, lengths);
        }

        /** Every sequence reads all its tokens, up to {@code topk}: {@code lengths[b] = min(topk, tokens[b])}. */
        public static KvIndexSet full(int topk, int pageBlockSize, List<Integer> tokens) {
            return of(topk, pageBlockSize, tokens, tokens.stream().map(t -> Math.min(topk, t)).toList());
        }

        public int batch() {
            return tokens.size();
        }

        /** Σ lengths: positions read per query index, summed over the sequences. */
        public long totalLength() {
            return Checks.sum(lengths);
        }
    }

    /**
     * Sparse shared-KV MQA decode: DeepSeek-V4's attention (FlashMLA's {@code flash_mla_with_kvcache} with
     * {@code indices}, {@code extra_k_cache}, {@code topk_length}, {@code attn_sink}), also covering
     * DeepSeek-V3.2's layout. One KV head, shared by K and V; {@code numHeads} query heads (64 or 128);
     * {@code queriesPerSeq} query tokens a sequence (1, or 2 with a speculative token).
     *
     * <p><b>Key and value.</b> Each cached token is {@code D = headDim} values, dequantized by
     * {@link SharedKvFormat}. {@code D = 512} (DeepSeek-V4, "MODEL1": 448 NoPE + 64 RoPE, RoPE last): the
     * key is the token and the value is <i>all</i> 512 values, RoPE dims included (the model undoes the
     * rotation on output dims 448..511 afterwards). {@code D = 576} (V3.2 layout: 512 latent + 64 RoPE): the
     * key is the token and the value its first 512 values. Output width is 512 either way.
     *
     * <p><b>Which tokens.</b> A main cache ({@link KvIndexSet}: V4's sliding window) and, optionally, an
     * extra one (V4's compressed cache; its own page block size, index set and lengths). Query
     * {@code (b, s)} attends to the union of the tokens named by the leftmost {@code main.lengths[b]}
     * entries of {@code indices[b, s]} and the leftmost {@code extra.lengths[b]} entries of
     * {@code extra_indices[b, s]}, skipping {@code -1} entries.
     *
     * <p><b>Math</b> (FlashMLA {@code tests/ref.py}), per query {@code (b, s)} and head {@code h}, over its
     * attended tokens {@code j}: {@code p_j = scale · q[b,s,h] · k_j}; {@code lse = ln Σ_j exp(p_j)};
     * {@code out = Σ_j exp(p_j − lse) · v_j}. With a sink, {@code out ← out · 1 / (1 + exp(sink[h] − lse))}
     * and {@code lse} is unchanged (a sink of {@code +∞} zeroes the output, {@code −∞} changes nothing). A
     * query with no attended token outputs 0 and {@code lse = +∞}, whatever the sink.
     *
     * <p><b>Tensors</b>, in binding order: {@code q [B, Sq, H, D] BF16}; {@code kv_cache},
     * {@code indices [B, Sq, topk] I32}, {@code topk_length [B] I32} (main); when {@code extra} is present
     * {@code extra_kv_cache}, {@code extra_indices [B, Sq, extraTopk] I32}, {@code extra_topk_length [B] I32}
     * (same format and D, its own page block size); when {@code sink}, {@code attn_sink [H] F32}. Outputs:
     * {@code out [B, Sq, H, 512] BF16}; when {@code returnLse}, {@code lse [B, H, Sq] F32} (natural log).
     * Caches: see {@link SharedKvFormat} for every byte ({@link SharedKvFormat#FP8_MODEL1}:
     * U8 {@code [pages, ceil(B·584/576)·576]}).
     *
     * <p><b>Cost</b> (FlashMLA's {@code count_flop_and_mem_vol_for_decode}, per position read): every position
     * below a length counts as one attended token ({@code n = Σ_b Sq · (main.lengths[b] + extra.lengths[b])}).
     * {@code flops = 2 · H · (D + 512) · n}; {@code bytes} = q + both index sets + both length vectors + sink
     * + {@code n ·} {@link SharedKvFormat#tokenBytes} + out + lse. A MODEL1 token counts 584 bytes (its data
     * and scale rows); FlashMLA's own model counts 576.
     */
    record SparseSharedKvDecode(int numHeads, int queriesPerSeq, int headDim, SharedKvFormat format, KvIndexSet main,
                                Optional<KvIndexSet> extra, boolean sink, boolean returnLse, float softmaxScale)
            implements AttentionSpec {
        public SparseSharedKvDecode {
            String spec = "SparseSharedKvDecode";
            Objects.requireNonNull(format, spec + ".format");
            Objects.requireNonNull(main, spec + ".main");
            Objects.requireNonNull(extra, spec + ".extra");
            Checks.require(numHeads == 64 || numHeads == 128, spec, "numHeads", "must be 64 or 128, got " + numHeads);
            Checks.require(queriesPerSeq == 1 || queriesPerSeq == 2, spec, "queriesPerSeq",
                    "must be 1 or 2, got " + queriesPerSeq);
            Checks.require(headDim == 512 || headDim == 576, spec, "headDim",
                    "must be 512 (V4: 448 NoPE + 64 RoPE) or 576 (V3.2: 512 + 64 RoPE), got " + headDim);
            Checks.require(format.requiredHeadDim() == 0 || format.requiredHeadDim() == headDim, spec, "headDim",
                    "must be " + format.requiredHeadDim() + " for the " + format + " cache, got " + headDim);
            extra.ifPresent(x -> Checks.require(x.batch() == main.batch(), spec, "extra",
                    "must list " + main.batch() + " sequences like main, got " + x.batch()));
            scale(spec, softmaxScale);
        }

        /** DeepSeek-V4 shape: head dim 512, scale 512^-0.5, outputs and lse. */
        public static SparseSharedKvDecode v4(int numHeads, int queriesPerSeq, SharedKvFormat format, KvIndexSet main,
                                              Optional<KvIndexSet> extra, boolean sink) {
            return new SparseSharedKvDecode(numHeads, queriesPerSeq, 512, format, main, extra, sink, true,
                    defaultScale(512));
        }

        /** The same operator with {@code returnLse} set as given (Ascend's lse output is invalid). */
        public SparseSharedKvDecode withReturnLse(boolean value) {
            return new SparseSharedKvDecode(numHeads, queriesPerSeq, headDim, format, main, extra, sink, value,
                    softmaxScale);
        }

        /** True when the value is all of the token (D = 512, RoPE dims included). */
        public boolean valueHasRope() {
            return headDim == SharedKvFormat.VALUE_DIM;
        }

        @Override
        public int valueDim() {
            return SharedKvFormat.VALUE_DIM;
        }

        /** Positions each query of sequence {@code b} may read: {@code main.lengths[b] + extra.lengths[b]}. */
        @Override
        public List<Integer> seqLens() {
            List<Integer> lens = new ArrayList<>();
            for (int b = 0; b < main.batch(); b++) {
                lens.add(attended(b));
            }
            return List.copyOf(lens);
        }

        /** Positions read by each query of sequence {@code b}, both caches. */
        public int attended(int b) {
            return main.lengths().get(b) + extra.map(x -> x.lengths().get(b)).orElse(0);
        }

        /** Query rows {@code B · Sq}. */
        public long queries() {
            return (long) main.batch() * queriesPerSeq;
        }

        @Override
        public String variant() {
            return "sparse-sharedkv-decode";
        }

        @Override
        public List<TensorSpec> inputs() {
            int b = main.batch();
            List<TensorSpec> in = new ArrayList<>();
            in.add(TensorSpec.of("q", DType.BF16, b, queriesPerSeq, numHeads, headDim));
            in.add(format.cacheTensor("kv_cache", main.numPages(), main.pageBlockSize(), headDim));
            in.add(TensorSpec.of("indices", DType.I32, b, queriesPerSeq, main.topk()));
            in.add(TensorSpec.of("topk_length", DType.I32, b));
            extra.ifPresent(x -> {
                in.add(format.cacheTensor("extra_kv_cache", x.numPages(), x.pageBlockSize(), headDim));
                in.add(TensorSpec.of("extra_indices", DType.I32, b, queriesPerSeq, x.topk()));
                in.add(TensorSpec.of("extra_topk_length", DType.I32, b));
            });
            if (sink) {
                in.add(TensorSpec.of("attn_sink", DType.F32, numHeads));
            }
            return List.copyOf(in);
        }

        @Override
        public List<TensorSpec> outputs() {
            int b = main.batch();
            TensorSpec out = TensorSpec.of("out", DType.BF16, b, queriesPerSeq, numHeads, SharedKvFormat.VALUE_DIM);
            return returnLse ? List.of(out, TensorSpec.of("lse", DType.F32, b, numHeads, queriesPerSeq)) : List.of(out);
        }

        private long positions() {
            return queriesPerSeq * (main.totalLength() + extra.map(KvIndexSet::totalLength).orElse(0L));
        }

        @Override
        public long flops() {
            return 2L * numHeads * (headDim + SharedKvFormat.VALUE_DIM) * positions();
        }

        @Override
        public long bytes() {
            long q = queries();
            long indices = q * (main.topk() + extra.map(KvIndexSet::topk).orElse(0)) * 4L;
            long lengths = 4L * main.batch() * (extra.isPresent() ? 2 : 1);
            return q * numHeads * headDim * 2 + indices + lengths + (sink ? 4L * numHeads : 0)
                    + positions() * format.tokenBytes(headDim) + q * numHeads * SharedKvFormat.VALUE_DIM * 2
                    + (returnLse ? q * numHeads * 4 : 0);
        }

        @Override
        public String describe() {
            return "attention sparse-sharedkv-decode B=" + batch() + " Sq=" + queriesPerSeq + " Hq=" + numHeads
                    + " D=" + headDim + " kv=" + format.label() + " topk=" + main.topk() + "/page" + main.pageBlockSize()
                    + extra.map(x -> " extra=" + x.topk() + "/page" + x.pageBlockSize()).orElse("")
                    + (sink ? " sink" : "") + (returnLse ? " lse" : "");
        }
    }

    /** Pages the sequences need, plus spares (about an eighth more, at least one) for the kit's NaN trap. */
    static int pagesWithSpares(List<Integer> seqLens, int pageSize) {
        long used = usedBlocks(seqLens, pageSize);
        return Math.toIntExact(used + Math.max(1, used / 8));
    }

    private static int maxBlocks(List<Integer> seqLens, int pageSize) {
        return (int) Checks.ceilDiv(Checks.max(seqLens), pageSize);
    }

    private static long usedBlocks(List<Integer> seqLens, int pageSize) {
        long used = 0;
        for (int l : seqLens) {
            used += Checks.ceilDiv(l, pageSize);
        }
        return used;
    }

    private static long sumBytes(List<TensorSpec> tensors) {
        long total = 0;
        for (TensorSpec t : tensors) {
            total += t.bytes();
        }
        return total;
    }

    private static void heads(String spec, int numHeads, int numKvHeads) {
        Checks.positive(spec, "numHeads", numHeads);
        Checks.positive(spec, "numKvHeads", numKvHeads);
        Checks.require(numHeads % numKvHeads == 0, spec, "numKvHeads",
                "= " + numKvHeads + " must divide numHeads = " + numHeads);
    }

    private static void pages(String spec, List<Integer> seqLens, int pageSize, int numPages) {
        Checks.positive(spec, "pageSize", pageSize);
        long needed = usedBlocks(seqLens, pageSize);
        Checks.require(numPages >= needed, spec, "numPages",
                "= " + numPages + " is fewer than the " + needed + " pages the sequences need");
    }

    private static void latent(String spec, int numHeads, int queriesPerSeq, int headDim, int valueDim,
                               KvCacheType kvCache) {
        Objects.requireNonNull(kvCache, spec + ".kvCache");
        Checks.positive(spec, "numHeads", numHeads);
        Checks.positive(spec, "queriesPerSeq", queriesPerSeq);
        Checks.positive(spec, "headDim", headDim);
        Checks.positive(spec, "valueDim", valueDim);
        Checks.require(valueDim <= headDim, spec, "valueDim",
                "= " + valueDim + " must be <= headDim = " + headDim + " (the value is the key's first columns)");
        if (kvCache == KvCacheType.FP8_FLASHMLA) {
            Checks.require(headDim == KvCacheType.FP8_LATENT + KvCacheType.FP8_ROPE, spec, "headDim",
                    "must be 576 (512 latent + 64 rope) for the FP8 FlashMLA cache layout, got " + headDim);
            Checks.require(valueDim == KvCacheType.FP8_LATENT, spec, "valueDim",
                    "must be 512 for the FP8 FlashMLA cache layout, got " + valueDim);
        }
    }

    private static void scale(String spec, float softmaxScale) {
        Checks.require(softmaxScale > 0 && Float.isFinite(softmaxScale), spec, "softmaxScale",
                "must be positive and finite, got " + softmaxScale);
    }
}
