package dev.dayzero.backend.cpu.internal.attention;

import dev.dayzero.backend.cpu.internal.Bytes;
import dev.dayzero.backend.cpu.internal.simd.Simd;
import java.util.Arrays;

/**
 * Flash-style attention for a group of query rows that read the same keys: online softmax in F32 over
 * tiles of tokens (the scaling, maxima, exponentials and sums vectorised over the rows where no row masks a
 * position of the tile). Scores of a tile are one small GEMM ({@code Sᵀ[t][r] = key_t · q_r}, keys broadcast
 * against vectors of transposed queries), the value update another ({@code O[r] += Σ_t P[r][t] · v_t},
 * an axpy over the value width). One instance per worker; reused across items.
 */
final class FlashState {
    /** Tokens per tile: a multiple of the GEMM's 6-row register tile. */
    static final int TILE = 48;

    private final Simd simd;
    private final int dk;
    private final int dv;
    private final float scale;
    private final int rowsPad;
    private final float[] qt;     // [dk][rowsPad]
    private final float[] st;     // [TILE][rowsPad]
    private final float[] o;      // [maxRows][dv]
    private final float[] m;
    private final float[] l;
    private final float[] ref;
    private final float[] sum;
    private final int[] limit;
    private int rows;

    FlashState(Simd simd, int maxRows, int dk, int dv, float scale) {
        this.simd = simd;
        this.dk = dk;
        this.dv = dv;
        this.scale = scale;
        this.rowsPad = (maxRows + 15) / 16 * 16;
        this.qt = new float[dk * rowsPad];
        this.st = new float[TILE * rowsPad];
        this.o = new float[maxRows * dv];
        this.m = new float[maxRows];
        this.l = new float[maxRows];
        this.ref = new float[maxRows];
        this.sum = new float[maxRows];
        this.limit = new int[maxRows];
    }

    /** Starts a group of {@code rows} query rows; set each with {@link #query} before the first tile. */
    void begin(int rows) {
        this.rows = rows;
        Arrays.fill(qt, 0f);
        Arrays.fill(o, 0, rows * dv, 0f);
        Arrays.fill(m, 0, rows, Float.NEGATIVE_INFINITY);
        Arrays.fill(l, 0, rows, 0f);
    }

    /** Row {@code r}'s query: {@code dk} BF16 values at byte offset {@code off}; it sees positions below {@code visible}. */
    void query(int r, byte[] q, int off, int visible) {
        for (int d = 0; d < dk; d++) {
            qt[d * rowsPad + r] = Bytes.getBf16(q, off + 2 * d);
        }
        limit[r] = visible;
    }

    /**
     * Folds in {@code count} tokens at positions {@code pos0..}: key {@code t} at
     * {@code keys[kOff + t·ldk ..]}, value {@code t} at {@code values[vOff + t·ldv ..]}.
     */
    void tile(int count, int pos0, float[] keys, int kOff, int ldk, float[] values, int vOff, int ldv) {
        int rp = rowsPad;
        Arrays.fill(st, 0, count * rp, 0f);
        simd.gemm(count, rp, dk, keys, kOff, ldk, 1, qt, 0, rp, st, 0, rp);
        float[] tmax = ref;
        Arrays.fill(tmax, 0, rows, Float.NEGATIVE_INFINITY);
        if (seesAll(pos0 + count)) {
            simd.scaleAndMax(st, count, rp, rows, scale, tmax);
        } else {
            for (int t = 0; t < count; t++) {
                int pos = pos0 + t;
                int base = t * rp;
                for (int r = 0; r < rows; r++) {
                    float s = pos < limit[r] ? st[base + r] * scale : Float.NEGATIVE_INFINITY;
                    st[base + r] = s;
                    tmax[r] = Math.max(tmax[r], s);
                }
            }
        }
        for (int r = 0; r < rows; r++) {
            float mNew = Math.max(m[r], tmax[r]);
            float alpha = m[r] == Float.NEGATIVE_INFINITY ? 0f : (float) Math.exp(m[r] - mNew);
            m[r] = mNew;
            ref[r] = mNew == Float.NEGATIVE_INFINITY ? 0f : mNew;
            l[r] *= alpha;
            if (alpha != 1f) {
                simd.scale(o, r * dv, dv, alpha);
            }
            sum[r] = 0f;
        }
        simd.expAndSum(st, count, rp, rows, ref, sum);
        for (int r = 0; r < rows; r++) {
            l[r] += sum[r];
        }
        simd.gemm(rows, dv, count, st, 0, 1, rp, values, vOff, ldv, o, 0, dv);
    }

    /** Whether every row sees every position below {@code end} (no masking in the tile). */
    private boolean seesAll(int end) {
        for (int r = 0; r < rows; r++) {
            if (limit[r] < end) {
                return false;
            }
        }
        return true;
    }

    /** Row {@code r}'s running maximum of scaled scores ({@code -∞} before it saw a position). */
    float max(int r) {
        return m[r];
    }

    /** Row {@code r}'s running sum of exponentials, relative to {@link #max}. */
    float sum(int r) {
        return l[r];
    }

    /** Copies row {@code r}'s unnormalised output ({@code dv} values, relative to {@link #max}) to {@code dst[off..]}. */
    void output(int r, float[] dst, int off) {
        System.arraycopy(o, r * dv, dst, off, dv);
    }

    /** Row {@code r}'s natural-log sum of exponentials of its scaled scores; {@code +∞} if it saw nothing. */
    float lse(int r) {
        return l[r] > 0 ? m[r] + (float) Math.log(l[r]) : Float.POSITIVE_INFINITY;
    }

    /** As {@link #write}, with the output multiplied by {@code factor} (an attention sink's). */
    void write(int r, byte[] out, int off, float factor) {
        float inv = l[r] > 0 ? factor / l[r] : 0f;
        int ob = r * dv;
        for (int d = 0; d < dv; d++) {
            Bytes.putBf16(out, off + 2 * d, l[r] > 0 ? o[ob + d] * inv : 0f);
        }
    }

    /** Writes row {@code r}'s normalised output as {@code dv} BF16 values at byte offset {@code off}; zeros if it saw nothing. */
    void write(int r, byte[] out, int off) {
        float inv = l[r] > 0 ? 1f / l[r] : 0f;
        int ob = r * dv;
        for (int d = 0; d < dv; d++) {
            Bytes.putBf16(out, off + 2 * d, l[r] > 0 ? o[ob + d] * inv : 0f);
        }
    }
}
