package dev.dayzero.hal.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.DType;
import dev.dayzero.hal.op.IndexerSpec.IndexerLogits;
import dev.dayzero.hal.op.IndexerSpec.IndexerTopK;
import dev.dayzero.hal.op.IndexerSpec.KeyType;
import dev.dayzero.hal.op.IndexerSpec.PagedIndexerTopK;
import dev.dayzero.hal.op.IndexerSpec.PagedKeys;
import java.util.List;
import org.junit.jupiter.api.Test;

class IndexerSpecTest {

    @Test
    void pagedKeysCountValidKeysPerQueryWithCompression() {
        PagedKeys c = PagedKeys.of(List.of(10, 2), 2, 64, 128, KeyType.FP8, 64, 4);
        assertEquals(2, c.keys(0));          // 10 / 4
        assertEquals(2, c.validKeys(0, 0));  // (10 - 2 + 1 + 0) / 4 = 9 / 4
        assertEquals(2, c.validKeys(0, 1));  // 10 / 4
        assertEquals(0, c.validKeys(1, 0));  // 1 / 4: a query that sees no key
        assertEquals(1, c.maxBlocks());
        assertEquals(64L * 132, c.blockBytes());
        assertEquals(List.of((long) c.numPages(), 64L * 132), c.cacheTensor().shape());
        assertEquals(DType.U8, c.cacheTensor().dtype());
    }

    @Test
    void flopsAndBytesFollowTheJavadoc() {
        PagedIndexerTopK t = PagedIndexerTopK.of(List.of(100, 50), 2, 64, 128, KeyType.FP8, 1, 2048);
        long pairs = 99 + 100 + 49 + 50;
        assertEquals(2L * 64 * 128 * pairs, t.flops());
        long queries = 4;
        long bytes = queries * 64 * 128 + (100 + 50) * 132L + 4L * queries * 64 + 4L * queries * 2048;
        assertEquals(bytes, t.bytes());
        IndexerLogits l = new IndexerLogits(t.cache());
        assertEquals(t.flops(), l.flops());
        assertEquals(List.of(4L, 100L), l.outputs().get(0).shape());

        IndexerTopK p = new IndexerTopK(List.of(3, 2), 32, 64, KeyType.BF16, 8);
        assertEquals(2L * 32 * 64 * (6 + 3), p.flops());
        assertEquals(5L * 32 * 64 * 2 + 5L * 128 + 4L * 5 * 32 + 4L * 5 * 8, p.bytes());
        assertEquals(3, p.validKeys(2));
        assertEquals(1, p.validKeys(3));
        assertEquals("indexer", p.family());
    }

    @Test
    void keyTypeSwapKeepsEverythingElse() {
        PagedIndexerTopK t = PagedIndexerTopK.of(List.of(100), 1, 64, 128, KeyType.FP8, 1, 2048);
        IndexerSpec b = t.withKeyType(KeyType.BF16);
        assertEquals(KeyType.BF16, b.keyType());
        assertEquals(DType.BF16, b.inputs().get(0).dtype());
        assertEquals(List.of((long) t.cache().numPages(), 64L, 128L), b.inputs().get(1).shape());
        assertEquals(t.flops(), b.flops());
    }

    @Test
    void badShapesAreRefusedNamingTheField() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> PagedIndexerTopK.of(List.of(100), 1, 65, 128, KeyType.FP8, 1, 2048)).getMessage().contains("heads"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> PagedIndexerTopK.of(List.of(100), 1, 64, 96, KeyType.FP8, 1, 2048)).getMessage().contains("headDim"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> PagedIndexerTopK.of(List.of(100), 3, 64, 128, KeyType.FP8, 1, 2048)).getMessage().contains("nextN"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new IndexerTopK(List.of(3), 8, 64, KeyType.FP8, 0)).getMessage().contains("topk"));
    }

    @Test
    void sparsePrefillCountsPairsCausally() {
        AttentionSpec.SparsePrefill s = AttentionSpec.SparsePrefill.deepseek(List.of(5), 2, 3);
        long pairs = 1 + 2 + 3 + 3 + 3;
        assertEquals(2L * 2 * (576 + 512) * pairs, s.flops());
        assertEquals(5L * 2 * 576 * 2 + 5L * 3 * 4 + pairs * 2 * 576 + 5L * 2 * 512 * 2, s.bytes());
        assertEquals(List.of(5L, 1L, 3L), s.inputs().get(2).shape());
    }
}
