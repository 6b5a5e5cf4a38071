package dev.dayzero.tck.data;

import java.util.List;

/**
 * Which physical page holds each logical block of each sequence. Pages are handed out in a seeded
 * random order, so a backend that ignores the block table reads the wrong tokens; pages no sequence
 * uses stay free (the generator fills them with NaN).
 */
public final class PageMap {
    private final int[][] pages;
    private final boolean[] usedSlots;

    private PageMap(int[][] pages, boolean[] usedSlots) {
        this.pages = pages;
        this.usedSlots = usedSlots;
    }

    /** A random assignment of distinct pages to the blocks of {@code seqLens}. */
    public static PageMap shuffled(List<Integer> seqLens, int pageSize, int numPages, SplitMix64 rnd) {
        int[] order = new int[numPages];
        for (int i = 0; i < numPages; i++) {
            order[i] = i;
        }
        for (int i = numPages - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        int[][] pages = new int[seqLens.size()][];
        boolean[] used = new boolean[Math.toIntExact((long) numPages * pageSize)];
        int next = 0;
        for (int b = 0; b < seqLens.size(); b++) {
            int len = seqLens.get(b);
            int blocks = (len + pageSize - 1) / pageSize;
            pages[b] = new int[blocks];
            for (int i = 0; i < blocks; i++) {
                int page = order[next++];
                pages[b][i] = page;
                int inPage = Math.min(pageSize, len - i * pageSize);
                for (int s = 0; s < inPage; s++) {
                    used[page * pageSize + s] = true;
                }
            }
        }
        return new PageMap(pages, used);
    }

    public int sequences() {
        return pages.length;
    }

    /** Pages sequence {@code b} uses. */
    public int blocks(int b) {
        return pages[b].length;
    }

    /** Physical page of logical block {@code block} of sequence {@code b}. */
    public int page(int b, int block) {
        return pages[b][block];
    }

    /** True if cache slot {@code slot} (page · pageSize + offset) holds a token of some sequence. */
    public boolean isUsedSlot(long slot) {
        return usedSlots[Math.toIntExact(slot)];
    }
}
