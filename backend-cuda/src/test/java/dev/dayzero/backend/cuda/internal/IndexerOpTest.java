package dev.dayzero.backend.cuda.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dayzero.backend.cuda.jna.KernelParams;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.IndexerSpec.KeyType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The indexer kernels' argument packing (slot by slot, as {@code indexer.cu}'s signatures read them), without a GPU. */
class IndexerOpTest {
    private static final long ITEMS = 0x7000;
    private static final long WORKSPACE = 0x8000;

    /** Fake operand addresses 0x1000, 0x2000, ... in spec order, the output last. */
    private static long[] operands(IndexerSpec spec) {
        int n = spec.inputs().size() + spec.outputs().size();
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = 0x1000L * (i + 1);
        }
        return a;
    }

    @Test
    void pagedTopKReadsTheCacheBlockTableAndContextLengthsAndWritesTheWorkspace() {
        IndexerSpec.PagedIndexerTopK spec = new IndexerSpec.PagedIndexerTopK(
                IndexerSpec.PagedKeys.of(List.of(301, 2, 77), 2, 3, 32, KeyType.FP8, 5, 2), 17);
        long[] a = operands(spec); // q, k_cache, weights, context_lens, block_table, indices
        try (KernelParams p = IndexerOp.logitsParams(spec, a, ITEMS, WORKSPACE)) {
            assertEquals(15, p.count());
            assertEquals(0x1000, p.rawValue(0), "q");
            assertEquals(0x2000, p.rawValue(1), "k_cache");
            assertEquals(0, p.rawValue(2), "no k_scale tensor: the scales live in the cache blocks");
            assertEquals(0x3000, p.rawValue(3), "weights");
            assertEquals(0, p.rawValue(4), "lo unused");
            assertEquals(0x4000, p.rawValue(5), "hi = context_lens");
            assertEquals(0x5000, p.rawValue(6), "block_table");
            assertEquals(ITEMS, p.rawValue(7));
            assertEquals(WORKSPACE, p.rawValue(8));
            assertEquals(150, p.rawValue(9), "stride: maxKeys = 301 / 2");
            assertEquals(150, (int) p.rawValue(10));
            assertEquals(3, (int) p.rawValue(11), "heads");
            assertEquals(5, (int) p.rawValue(12), "page size");
            assertEquals(spec.cache().maxBlocks(), (int) p.rawValue(13), "block-table columns");
            assertEquals(0, (int) p.rawValue(14), "no -inf fill for a top-k");
        }
        try (KernelParams t = IndexerOp.topkParams(spec, a, WORKSPACE)) {
            assertEquals(8, t.count());
            assertEquals(WORKSPACE, t.rawValue(0));
            assertEquals(150, t.rawValue(1));
            assertEquals(150, (int) t.rawValue(2));
            assertEquals(0, t.rawValue(3));
            assertEquals(0x4000, t.rawValue(4), "row lengths = context_lens");
            assertEquals(0, (int) t.rawValue(5), "mode 0: index = column");
            assertEquals(0x6000, t.rawValue(6), "indices");
            assertEquals(17, (int) t.rawValue(7));
        }
    }

    @Test
    void logitsWriteTheOutputWithMinusInfinityPastEachRow() {
        IndexerSpec.IndexerLogits spec = new IndexerSpec.IndexerLogits(
                IndexerSpec.PagedKeys.of(List.of(3), 1, 5, 32, KeyType.BF16, 3, 4));
        long[] a = operands(spec);
        try (KernelParams p = IndexerOp.logitsParams(spec, a, ITEMS, a[5])) {
            assertEquals(0x6000, p.rawValue(8), "logits");
            assertEquals(1, p.rawValue(9), "one column when no sequence has a key");
            assertEquals(1, (int) p.rawValue(14), "fill -inf");
        }
    }

    @Test
    void prefillReadsKeysScalesAndRangesAndReturnsGlobalRows() {
        IndexerSpec.IndexerTopK fp8 = new IndexerSpec.IndexerTopK(List.of(700, 300), 32, 128, KeyType.FP8, 256);
        long[] a = operands(fp8); // q, k, k_scale, weights, ks, ke, indices
        try (KernelParams p = IndexerOp.logitsParams(fp8, a, ITEMS, WORKSPACE)) {
            assertEquals(0x2000, p.rawValue(1), "k");
            assertEquals(0x3000, p.rawValue(2), "k_scale");
            assertEquals(0x4000, p.rawValue(3), "weights");
            assertEquals(0x5000, p.rawValue(4), "ks");
            assertEquals(0x6000, p.rawValue(5), "ke");
            assertEquals(0, p.rawValue(6), "no block table");
            assertEquals(700, p.rawValue(9), "workspace rows as wide as the longest sequence");
            assertEquals(1, (int) p.rawValue(12));
            assertEquals(0, (int) p.rawValue(13));
        }
        try (KernelParams t = IndexerOp.topkParams(fp8, a, WORKSPACE)) {
            assertEquals(0x5000, t.rawValue(3), "ks: the first index of a row");
            assertEquals(0x6000, t.rawValue(4), "ke");
            assertEquals(1, (int) t.rawValue(5), "mode 1: index = ks + column");
            assertEquals(0x7000, t.rawValue(6), "indices");
            assertEquals(256, (int) t.rawValue(7));
        }
        IndexerSpec.IndexerTopK bf16 = new IndexerSpec.IndexerTopK(List.of(9), 4, 32, KeyType.BF16, 4);
        try (KernelParams p = IndexerOp.logitsParams(bf16, operands(bf16), ITEMS, WORKSPACE)) {
            assertEquals(0, p.rawValue(2), "BF16 keys have no scale: k_scale is not read");
        }
    }
}
