package dev.dayzero.backend.cpu.internal.indexer;

import dev.dayzero.backend.cpu.internal.simd.Simd;
import dev.dayzero.hal.op.IndexerSpec.KeyType;
import java.util.Arrays;

/**
 * One worker's indexer scratch and the score of a tile of up to {@value #TILE} keys against a group of
 * query rows (every head of one or more queries). Keys are decoded once into an F32 panel
 * {@code [TILE][headDim]} (vectorised FP8 or BF16 conversion); one GEMM gives
 * {@code C[t][col] = k_t · q_col} for all keys and query rows at once (keys as the broadcast operand,
 * the transposed queries {@code [headDim][cols]} as vectors), then each query's score is the weighted
 * ReLU sum over its heads, scaled by the key's scale:
 * {@code score[t] = k_scale[t] · Σ_h w[h] · max(C[t][h], 0)}, all in F32.
 */
final class IndexerTile {
    /** Keys per tile: a multiple of the GEMM's 6-row register tile. */
    static final int TILE = 48;

    private final Simd simd;
    private final KeyType type;
    private final int dim;
    private final int heads;
    private final float[] panel;
    private final float[] scale = new float[TILE];
    private final float[] c;
    private int cols;
    /** The last {@link #reduce}'s scores. */
    final float[] acc = new float[TILE];
    /** Top-k histogram scratch. */
    final int[] hist = new int[256];

    /** Scratch for GEMMs of up to {@code maxCols} query rows. */
    IndexerTile(Simd simd, KeyType type, int heads, int dim, int maxCols) {
        this.simd = simd;
        this.type = type;
        this.dim = dim;
        this.heads = heads;
        this.panel = new float[TILE * dim];
        this.c = new float[TILE * maxCols];
    }

    /**
     * Decodes {@code count} values of the key type's storage ({@link KeyType#valueType()}: FP8 codes or
     * BF16) at byte offset {@code off} of {@code src} into {@code dst[dstOff ..]}.
     */
    void decode(byte[] src, int off, float[] dst, int dstOff, int count) {
        if (type == KeyType.BF16) {
            simd.bf16ToF32(src, off, dst, dstOff, count);
        } else {
            simd.e4m3ToF32(src, off, dst, dstOff, count);
        }
    }

    /**
     * Decodes {@code rows} query rows of {@code headDim} values at byte offset {@code off} of {@code src}
     * into {@code qt[qtOff ..]} transposed, {@code [headDim][rows]}; {@code row} is {@code headDim} floats of scratch.
     */
    void queries(byte[] src, int off, int rows, float[] qt, int qtOff, float[] row) {
        int bytes = type.valueType().bits() / 8;
        for (int r = 0; r < rows; r++) {
            decode(src, off + r * dim * bytes, row, 0, dim);
            for (int d = 0; d < dim; d++) {
                qt[qtOff + d * rows + r] = row[d];
            }
        }
    }

    /** Key {@code t} of the tile: {@code headDim} values at byte offset {@code off}, with its scale. */
    void key(int t, byte[] src, int off, float keyScale) {
        decode(src, off, panel, t * dim, dim);
        scale[t] = keyScale;
    }

    /** {@code C = panel · qt} for the tile's first {@code count} keys and the {@code cols} query rows of {@code qt [headDim][cols]} at {@code qtOff}. */
    void scores(int cols, int count, float[] qt, int qtOff) {
        this.cols = cols;
        Arrays.fill(c, 0, count * cols, 0f);
        simd.gemm(count, cols, dim, panel, 0, dim, 1, qt, qtOff, cols, c, 0, cols);
    }

    /**
     * {@code acc[0 .. n)} = the scores of keys {@code from .. from+n} of the tile for the query whose heads
     * are GEMM columns {@code col0 ..}, with head weights {@code w[wOff ..]}.
     */
    void reduce(int col0, int from, int n, float[] w, int wOff) {
        for (int t = 0; t < n; t++) {
            acc[t] = scale[from + t] * simd.reluDot(heads, w, wOff, c, (from + t) * cols + col0);
        }
    }
}
