package dev.dayzero.backend.cpu.internal.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TokenSplitTest {
    @Test
    void splitsOnlyWhenWorkersWouldIdleAndTheTokensAreMany() {
        assertEquals(8, TokenSplit.splits(2, 16, 4096), "batch 1, two head groups, 16 workers");
        assertEquals(1, TokenSplit.splits(16, 16, 4096), "as many groups as workers");
        assertEquals(1, TokenSplit.splits(2, 2, 4096), "two workers, two groups (this 2-core machine at b1)");
        assertEquals(3, TokenSplit.splits(2, 16, 3 * TokenSplit.MIN_TOKENS + 5), "at most one range per four tiles");
        assertEquals(1, TokenSplit.splits(2, 16, TokenSplit.MIN_TOKENS - 1), "too short to split");
        assertEquals(3, TokenSplit.splits(3, 8, 4096), "rounds up: 9 items for 8 workers");
    }

    @Test
    void rangesCoverEveryTokenOnceOnTileBoundaries() {
        TokenSplit split = new TokenSplit(2, 64, 512, 16, 4097);
        assertEquals(8, split.splits());
        for (int end : new int[] {0, 1, 47, 48, 191, 1000, 4096, 4097}) {
            int next = 0;
            for (int s = 0; s < split.splits(); s++) {
                int from = split.from(s, end);
                int to = split.to(s, end);
                assertEquals(next, from, "range " + s + " of " + end + " starts where the last ended");
                assertTrue(from == end || from % FlashState.TILE == 0, "on a tile boundary: " + from);
                assertTrue(to >= from, "not negative");
                next = to;
            }
            assertEquals(end, next, "the ranges end at " + end);
        }
    }
}
