package dev.dayzero.backend.cpu.internal.indexer;

import dev.dayzero.backend.cpu.internal.simd.Simd;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp8;
import dev.dayzero.hal.op.IndexerSpec.KeyType;
import java.util.Arrays;

/**
 * One worker's indexer scratch and the score of a tile of up to {@value #TILE} keys against a group of
 * query rows (every head of one or more queries). Keys are decoded once into a transposed F32 panel
 * {@code [headDim][TILE]}; one GEMM gives {@code C[row][t] = q_row · k_t} for all rows and keys at once
 * (queries as the scalar operand, keys as vectors), then each query's score is the weighted ReLU sum
 * over its heads, scaled by the key's scale:
 * {@code score[t] = k_scale[t] · Σ_h w[h] · max(C[h][t], 0)}, all in F32.
 */
final class IndexerTile {
    /** Keys per tile. */
    static final int TILE = 64;

    private final Simd simd;
    private final KeyType type;
    private final int dim;
    private final int heads;
    private final float[] fp8 = Fp8.decodeTable(DType.F8_E4M3FN);
    private final float[] panel;
    private final float[] row;
    private final float[] scale = new float[TILE];
    private final float[] c;
    /** The last {@link #reduce}'s scores. */
    final float[] acc = new float[TILE];
    /** Top-k histogram scratch. */
    final int[] hist = new int[256];

    /** Scratch for GEMMs of up to {@code maxRows} query rows. */
    IndexerTile(Simd simd, KeyType type, int heads, int dim, int maxRows) {
        this.simd = simd;
        this.type = type;
        this.dim = dim;
        this.heads = heads;
        this.panel = new float[dim * TILE];
        this.row = new float[dim];
        this.c = new float[maxRows * TILE];
    }

    /**
     * Decodes {@code count} values of the key type's storage ({@link KeyType#valueType()}: FP8 codes or
     * BF16) at byte offset {@code off} of {@code src} into {@code dst[dstOff ..]}.
     */
    void decode(byte[] src, int off, float[] dst, int dstOff, int count) {
        if (type == KeyType.BF16) {
            simd.bf16ToF32(src, off, dst, dstOff, count);
            return;
        }
        for (int i = 0; i < count; i++) {
            dst[dstOff + i] = fp8[src[off + i] & 0xff];
        }
    }

    /** Key {@code t} of the tile: {@code headDim} values at byte offset {@code off}, with its scale. */
    void key(int t, byte[] src, int off, float keyScale) {
        float[] p = panel;
        if (type == KeyType.FP8) {
            for (int d = 0; d < dim; d++) {
                p[d * TILE + t] = fp8[src[off + d] & 0xff];
            }
        } else {
            simd.bf16ToF32(src, off, row, 0, dim);
            for (int d = 0; d < dim; d++) {
                p[d * TILE + t] = row[d];
            }
        }
        scale[t] = keyScale;
    }

    /** {@code C = q · panel} for the tile's first {@code count} keys and {@code rows} query rows at {@code q[qOff ..]}. */
    void scores(int rows, int count, float[] q, int qOff) {
        Arrays.fill(c, 0, rows * TILE, 0f);
        simd.gemm(rows, count, dim, q, qOff, dim, 1, panel, 0, TILE, c, 0, TILE);
    }

    /**
     * {@code acc[0 .. n)} = the scores of keys {@code from .. from+n} of the tile for the query whose heads
     * are GEMM rows {@code row0 ..}, with head weights {@code w[wOff ..]}.
     */
    void reduce(int row0, int from, int n, float[] w, int wOff) {
        simd.reluWeightedSum(heads, n, w, wOff, c, row0 * TILE + from, TILE, acc, 0);
        for (int t = 0; t < n; t++) {
            acc[t] = scale[from + t] * acc[t];
        }
    }
}
