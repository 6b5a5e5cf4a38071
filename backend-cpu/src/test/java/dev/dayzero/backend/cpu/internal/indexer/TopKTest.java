package dev.dayzero.backend.cpu.internal.indexer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The radix top-k against sorting, on rows full of ties, signed zeros and infinities. */
class TopKTest {

    private static int[] select(float[] s, int off, int n, int k, int base) {
        byte[] out = new byte[4 * k];
        Arrays.fill(out, (byte) 0x55);
        TopK.select(s, off, n, k, base, out, 0, new int[256]);
        int[] idx = new int[k];
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < k; i++) {
            idx[i] = b.getInt(4 * i);
        }
        return idx;
    }

    @Test
    void keyOrderIsValueOrder() {
        float[] ordered = {Float.NEGATIVE_INFINITY, -3e38f, -1f, -Float.MIN_VALUE, -0f, 0f, Float.MIN_VALUE, 1f, 2f,
                Float.POSITIVE_INFINITY, Float.NaN};
        for (int i = 1; i < ordered.length; i++) {
            assertTrue(Integer.compareUnsigned(TopK.key(ordered[i - 1]), TopK.key(ordered[i])) < 0,
                    ordered[i - 1] + " < " + ordered[i]);
        }
    }

    @Test
    void tiesAreTakenInIndexOrderAfterEverythingAbove() {
        float[] s = {1, 3, 3, 3, 2, 5};
        assertArrayEquals(new int[] {1, 2, 5}, sorted(select(s, 0, 6, 3, 0)));
        assertArrayEquals(new int[] {5}, select(s, 0, 6, 1, 0));
        // an offset row and a base: positions base + i
        assertArrayEquals(new int[] {100, 101}, sorted(select(s, 1, 3, 2, 100)));
    }

    @Test
    void shortRowsPadWithMinusOneAfterTheValidIndices() {
        float[] s = {0.5f, -1f, Float.NEGATIVE_INFINITY};
        assertArrayEquals(new int[] {0, 1, 2, -1, -1}, select(s, 0, 3, 5, 0));
        assertArrayEquals(new int[] {-1, -1, -1}, select(s, 0, 0, 3, 0));
    }

    @Test
    void matchesSortingOnRandomRowsWithManyTies() {
        Random rnd = new Random(5);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + rnd.nextInt(3000);
            int k = 1 + rnd.nextInt(n + 10);
            int distinct = 1 + rnd.nextInt(20);
            float[] s = new float[n];
            for (int i = 0; i < n; i++) {
                s[i] = trial % 2 == 0 ? (rnd.nextInt(distinct) - distinct / 2) * 0.25f : (float) rnd.nextGaussian();
            }
            int[] idx = select(s, 0, n, k, 0);
            int count = Math.min(k, n);
            float[] got = new float[count];
            for (int i = 0; i < k; i++) {
                if (i < count) {
                    got[i] = s[idx[i]];
                } else {
                    assertEquals(-1, idx[i]);
                }
            }
            assertEquals(count, Arrays.stream(idx).filter(i -> i >= 0).distinct().count(), "distinct indices");
            float[] want = s.clone();
            Arrays.sort(want);
            float[] top = Arrays.copyOfRange(want, n - count, n);
            Arrays.sort(got);
            assertArrayEquals(top, got, "n=" + n + " k=" + k);
        }
    }

    private static int[] sorted(int[] a) {
        int[] c = a.clone();
        Arrays.sort(c);
        return c;
    }
}
