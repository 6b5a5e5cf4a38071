package dev.dayzero.tck.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.KvCacheType;
import dev.dayzero.hal.op.MoeGemmSpec;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InputGeneratorTest {

    @Test
    void splitMixIsTheReferenceSequence() {
        // first outputs of SplitMix64 seeded with 0, as published with the algorithm
        SplitMix64 r = new SplitMix64(0);
        assertEquals(0xe220a8397b1dcdafL, r.nextLong());
        assertEquals(0x6e789e6aa1b965f4L, r.nextLong());
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes() throws Exception {
        MoeGemmSpec spec = MoeGemmSpec.contiguous(MoeGemmSpec.Type.FP8_BLOCK, 256, 256, List.of(3, 1));
        String a = digest(InputGenerator.generate(spec, 1));
        assertEquals(a, digest(InputGenerator.generate(spec, 1)));
        assertNotEquals(a, digest(InputGenerator.generate(spec, 2)));
    }

    @Test
    void pagedCachePlantsNanPagesAndOutOfRangeIds() {
        AttentionSpec.PagedDecode spec = AttentionSpec.PagedDecode.of(List.of(5, 40), 4, 2, 8, 16);
        List<HostTensor> in = InputGenerator.generate(spec, 3);
        HostTensor k = in.get(1);
        HostTensor table = in.get(3);
        int maxBlocks = spec.maxBlocks();
        Set<Integer> used = new HashSet<>();
        for (int b = 0; b < 2; b++) {
            int blocks = (spec.seqLens().get(b) + 15) / 16;
            for (int i = 0; i < maxBlocks; i++) {
                int page = table.getInt((long) b * maxBlocks + i);
                if (i < blocks) {
                    assertTrue(page >= 0 && page < spec.numPages());
                    assertTrue(used.add(page), "pages are distinct");
                } else {
                    assertEquals(InputGenerator.OUT_OF_RANGE_PAGE, page);
                }
            }
        }
        int perPage = 16 * 2 * 8;
        int nanPages = 0;
        for (int p = 0; p < spec.numPages(); p++) {
            boolean allNan = true;
            for (int i = 0; i < perPage; i++) {
                allNan &= Float.isNaN(k.getFloat((long) p * perPage + i));
            }
            if (!used.contains(p)) {
                assertTrue(allNan, "unused page " + p + " is NaN");
                nanPages++;
            } else {
                assertTrue(!Float.isNaN(k.getFloat((long) p * perPage)), "used page " + p + " holds values");
            }
        }
        assertTrue(nanPages >= 1);
        // the 5-token sequence leaves slots 5..15 of its page unused: NaN too
        int page0 = table.getInt(0);
        assertTrue(Float.isNaN(k.getFloat((long) page0 * perPage + 5L * 2 * 8)));
    }

    @Test
    void sparseIndicesAreDistinctSlotsOfTheirOwnSequence() {
        AttentionSpec.SparseLatentDecode spec = AttentionSpec.SparseLatentDecode.deepseek(List.of(300, 20), 16, 1, 64,
                KvCacheType.FP8_FLASHMLA);
        HostTensor idx = InputGenerator.generate(spec, 9).get(2);
        for (int b = 0; b < 2; b++) {
            Set<Integer> seen = new HashSet<>();
            int valid = 0;
            for (int i = 0; i < 64; i++) {
                int slot = idx.getInt(b * 64L + i);
                if (slot >= 0) {
                    assertTrue(seen.add(slot));
                    assertTrue(slot < spec.numPages() * 64);
                    valid++;
                }
            }
            assertEquals(spec.attended(b), valid);
        }
    }

    private static String digest(List<HostTensor> tensors) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (HostTensor t : tensors) {
            ByteBuffer b = t.bytes();
            md.update(b);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
