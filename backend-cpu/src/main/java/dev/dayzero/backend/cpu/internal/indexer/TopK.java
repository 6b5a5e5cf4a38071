package dev.dayzero.backend.cpu.internal.indexer;

import dev.dayzero.backend.cpu.internal.Bytes;
import java.util.Arrays;

/**
 * Top-k selection by radix select: scores are mapped to unsigned integers in the order of their values
 * (a total order: -0 below +0, NaN above +inf), four histogram passes over the row fix the k-th largest
 * key byte by byte, and one more pass writes every index above it and, in index order, as many of its
 * ties as fill k. Linear in the row's length whatever the scores, exact ties included.
 */
final class TopK {
    private TopK() {
    }

    /** An unsigned integer whose order is the order of {@code f}'s values. */
    static int key(float f) {
        int b = Float.floatToRawIntBits(f);
        return b ^ ((b >> 31) | 0x80000000);
    }

    /**
     * Writes the positions {@code base + i} of the {@code min(k, n)} highest of {@code s[off .. off+n)} as
     * I32 at byte offset {@code outOff} of {@code out}, then {@code -1} up to {@code k} entries.
     * {@code hist} is 256 ints of scratch.
     */
    static void select(float[] s, int off, int n, int k, int base, byte[] out, int outOff, int[] hist) {
        int written;
        if (n <= k) {
            for (int i = 0; i < n; i++) {
                Bytes.putInt(out, outOff + 4 * i, base + i);
            }
            written = Math.max(n, 0);
        } else {
            int prefix = 0;
            int mask = 0;
            int remaining = k; // how many of the prefix's elements are still to take
            for (int shift = 24; shift >= 0; shift -= 8) {
                Arrays.fill(hist, 0);
                for (int i = off; i < off + n; i++) {
                    int u = key(s[i]);
                    if ((u & mask) == prefix) {
                        hist[(u >>> shift) & 0xff]++;
                    }
                }
                int d = 255;
                for (; d > 0 && hist[d] < remaining; d--) {
                    remaining -= hist[d];
                }
                prefix |= d << shift;
                mask |= 0xff << shift;
            }
            // prefix is now the k-th largest key: take everything above it, and `remaining` of its ties
            written = 0;
            for (int i = 0; i < n; i++) {
                int u = key(s[off + i]);
                int c = Integer.compareUnsigned(u, prefix);
                if (c > 0 || (c == 0 && remaining-- > 0)) {
                    Bytes.putInt(out, outOff + 4 * written++, base + i);
                }
            }
        }
        for (int i = written; i < k; i++) {
            Bytes.putInt(out, outOff + 4 * i, -1);
        }
    }
}
