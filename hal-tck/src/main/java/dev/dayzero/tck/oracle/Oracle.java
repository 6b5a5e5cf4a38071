package dev.dayzero.tck.oracle;

import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.CacheWriteSpec;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import dev.dayzero.tck.data.HostTensor;
import java.util.List;

/**
 * The conformance kit's oracle: every operator spec in code. Each method is a deliberately plain
 * implementation of the recipe the spec's Javadoc fixes, accumulating in F64 (or exactly, for integer
 * products), written to be obviously correct rather than fast. It shares no code with any backend.
 *
 * <p>The oracle checks its inputs against the spec (count, dtype and shape of every tensor, and that the
 * small metadata tensors hold what the spec says) and throws {@link IllegalArgumentException} on a
 * mismatch; it never reads KV-cache pages or block-table entries a sequence does not use.
 */
public final class Oracle {
    private Oracle() {
    }

    /**
     * Reference quantization of {@code x} (the spec's only input, {@code [M, K]}), per
     * {@link QuantizeSpec}'s recipe.
     */
    public static QuantizeReference quantize(QuantizeSpec spec, HostTensor x) {
        return QuantizeOracle.quantize(spec, x);
    }

    /**
     * Reference MoE GEMM output for the given stored rows.
     *
     * @param inputs the tensors in {@code spec.inputs()} order
     * @param rows indices into the stored row dimension: contiguous {@code 0..T-1}; masked
     *     {@code e · maxRows + i}, only valid rows {@code i < rowsPerExpert[e]}
     * @return {@code double[rows.length][N]}, unrounded
     */
    public static double[][] moeGemm(MoeGemmSpec spec, List<HostTensor> inputs, int[] rows) {
        return MoeGemmOracle.moeGemm(spec, inputs, rows);
    }

    /**
     * Reference attention output for the given output rows.
     *
     * @param inputs the tensors in {@code spec.inputs()} order
     * @param rows output rows: prefill, token {@code t} in {@code [0, T)}; paged decode, sequence {@code b};
     *     latent and sparse latent decode, {@code b · queriesPerSeq + j}; sparse prefill, token {@code t}
     * @return {@code double[rows.length][numHeads · valueDim]}, head-major (index {@code h · valueDim + d}),
     *     unrounded
     */
    public static double[][] attention(AttentionSpec spec, List<HostTensor> inputs, int[] rows) {
        return AttentionOracle.attention(spec, inputs, rows);
    }

    /**
     * Reference output and lse of a {@link AttentionSpec.SparseSharedKvDecode} for the given query rows
     * ({@code b · queriesPerSeq + s}).
     */
    public static SharedKvReference sharedKvDecode(AttentionSpec.SparseSharedKvDecode spec, List<HostTensor> inputs,
                                                   int[] rows) {
        return SharedKvOracle.decode(spec, inputs, rows);
    }

    /** The cache a {@link CacheWriteSpec.QuantInsert} must leave, starting from a cache full of {@code fill}. */
    public static CacheWriteReference cacheWrite(CacheWriteSpec.QuantInsert spec, List<HostTensor> inputs, byte fill) {
        return SharedKvOracle.cacheWrite(spec, inputs, fill);
    }

    /**
     * Reference indexer scores for the given query rows ({@link IndexerSpec#queries()} of them): per row the
     * score of every key the row sees, with each score's magnitude (see {@link IndexerScores}).
     */
    public static IndexerScores indexerScores(IndexerSpec spec, List<HostTensor> inputs, int[] rows) {
        return IndexerOracle.scores(spec, inputs, rows);
    }

    /**
     * One valid top-k answer for the given rows: the {@code topk} highest scores, ties to the lower key,
     * then {@code -1}. Backends may break ties otherwise; the kit judges them by scores, not by this answer.
     */
    public static int[][] indexerTopK(IndexerSpec spec, int topk, List<HostTensor> inputs, int[] rows) {
        return IndexerOracle.topk(spec, topk, inputs, rows);
    }
}
