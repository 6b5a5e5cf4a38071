package dev.dayzero.tck.data;

import dev.dayzero.hal.Bf16;
import dev.dayzero.hal.Fp8;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.IndexerSpec.IndexerTopK;
import dev.dayzero.hal.op.IndexerSpec.KeyType;
import dev.dayzero.hal.op.IndexerSpec.PagedKeys;
import dev.dayzero.hal.op.TensorSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Seeded inputs for the indexer family. Queries are FP8 codes spread over most of E4M3's range (their scale
 * is folded into the weights, as DeepSeek does) or BF16 values; keys have magnitudes from 2^-2 to 2^2, each
 * FP8 key quantized with its own F32 scale ({@code amax / 448}), so a kernel that drops or misplaces a key's
 * scale ranks keys wrongly; weights are signed. Traps: every fifth key of a sequence (position 3 mod 5) is
 * an exact copy of the key three before it, so scores tie exactly; unused pages and the slots past a
 * sequence's keys in its last page hold NaN (codes and scales); block-table entries past the used ones hold
 * an out-of-range page id.
 */
final class IndexerInputs {
    private static final int TIE_PERIOD = 5;
    private static final int TIE_LAG = 3;

    private IndexerInputs() {
    }

    static List<HostTensor> generate(IndexerSpec spec, long seed) {
        if (spec instanceof IndexerTopK p) {
            return prefill(p, seed);
        }
        PagedKeys c = ((IndexerSpec.Paged) spec).cache();
        return paged(c, seed);
    }

    private static List<HostTensor> paged(PagedKeys c, long seed) {
        List<TensorSpec> specs = c.inputs();
        HostTensor q = query(specs.get(0), c.keyType(), seed);
        List<Integer> keyCounts = new ArrayList<>();
        for (int b = 0; b < c.batch(); b++) {
            keyCounts.add(c.keys(b));
        }
        PageMap pages = PageMap.shuffled(keyCounts, c.pageSize(), c.numPages(), SplitMix64.forStream(seed, "pages"));
        HostTensor cache = HostTensor.allocate(specs.get(1));
        SplitMix64 rnd = SplitMix64.forStream(seed, "k_cache");
        int d = c.headDim();
        float[] key = new float[d];
        for (int page = 0; page < c.numPages(); page++) {
            for (int slot = 0; slot < c.pageSize(); slot++) {
                long flat = (long) page * c.pageSize() + slot;
                boolean used = pages.isUsedSlot(flat);
                drawKey(rnd, key);
                storeKey(cache, c, page, slot, used ? key : null);
            }
        }
        // exact ties: key k (k mod 5 == 3) repeats key k - 3 of the same sequence
        for (int b = 0; b < c.batch(); b++) {
            for (int k = TIE_LAG; k < c.keys(b); k++) {
                if (k % TIE_PERIOD == TIE_LAG) {
                    copyKey(cache, c, pages.page(b, (k - TIE_LAG) / c.pageSize()), (k - TIE_LAG) % c.pageSize(),
                            pages.page(b, k / c.pageSize()), k % c.pageSize());
                }
            }
        }
        HostTensor weights = weights(specs.get(2), seed);
        HostTensor lens = HostTensor.allocate(specs.get(3));
        for (int b = 0; b < c.batch(); b++) {
            for (int j = 0; j < c.nextN(); j++) {
                lens.setInt((long) b * c.nextN() + j, c.validKeys(b, j));
            }
        }
        HostTensor table = InputGenerator.blockTable(specs.get(4), pages);
        return List.of(q, cache, weights, lens, table);
    }

    private static List<HostTensor> prefill(IndexerTopK spec, long seed) {
        List<TensorSpec> specs = spec.inputs();
        HostTensor q = query(specs.get(0), spec.keyType(), seed);
        HostTensor k = HostTensor.allocate(specs.get(1));
        HostTensor kScale = HostTensor.allocate(specs.get(2));
        SplitMix64 rnd = SplitMix64.forStream(seed, "k");
        int d = spec.headDim();
        float[] key = new float[d];
        long start = 0;
        for (int len : spec.seqLens()) {
            for (int i = 0; i < len; i++) {
                long row = start + i;
                drawKey(rnd, key); // drawn for tied rows too, so later rows do not depend on the ties
                if (i >= TIE_LAG && i % TIE_PERIOD == TIE_LAG) {
                    long from = row - TIE_LAG;
                    for (int x = 0; x < d; x++) {
                        if (spec.keyType() == KeyType.FP8) {
                            k.setByte(row * d + x, k.getByte(from * d + x));
                        } else {
                            k.setShort(row * d + x, k.getShort(from * d + x));
                        }
                    }
                    kScale.setFloat(row, kScale.getFloat(from));
                    continue;
                }
                if (spec.keyType() == KeyType.FP8) {
                    float scale = fp8Scale(key);
                    for (int x = 0; x < d; x++) {
                        k.setByte(row * d + x, Fp8.encode(KeyType.FP8.valueType(), key[x] / scale));
                    }
                    kScale.setFloat(row, scale);
                } else {
                    for (int x = 0; x < d; x++) {
                        k.setShort(row * d + x, Bf16.encode(key[x]));
                    }
                    kScale.setFloat(row, 1f);
                }
            }
            start += len;
        }
        HostTensor weights = weights(specs.get(3), seed);
        HostTensor ks = HostTensor.allocate(specs.get(4));
        HostTensor ke = HostTensor.allocate(specs.get(5));
        start = 0;
        for (int len : spec.seqLens()) {
            for (int i = 0; i < len; i++) {
                ks.setInt(start + i, (int) start);
                ke.setInt(start + i, (int) (start + i + 1));
            }
            start += len;
        }
        return List.of(q, k, kScale, weights, ks, ke);
    }

    private static HostTensor query(TensorSpec spec, KeyType type, long seed) {
        HostTensor q = HostTensor.allocate(spec);
        SplitMix64 rnd = SplitMix64.forStream(seed, "q");
        long n = q.elements();
        for (long i = 0; i < n; i++) {
            float v = rnd.nextSigned();
            if (type == KeyType.FP8) {
                q.setByte(i, Fp8.encode(KeyType.FP8.valueType(), v * 240f));
            } else {
                q.setShort(i, Bf16.encode(v));
            }
        }
        return q;
    }

    private static HostTensor weights(TensorSpec spec, long seed) {
        HostTensor w = HostTensor.allocate(spec);
        SplitMix64 rnd = SplitMix64.forStream(seed, "weights");
        long n = w.elements();
        for (long i = 0; i < n; i++) {
            w.setFloat(i, rnd.nextSigned());
        }
        return w;
    }

    /** One key of magnitude 2^-2 .. 2^2. */
    private static void drawKey(SplitMix64 rnd, float[] key) {
        float magnitude = (float) Math.scalb(1.0, rnd.nextInt(5) - 2);
        for (int i = 0; i < key.length; i++) {
            key[i] = rnd.nextSigned() * magnitude;
        }
    }

    private static float fp8Scale(float[] key) {
        float amax = 0;
        for (float v : key) {
            amax = Math.max(amax, Math.abs(v));
        }
        return Math.max(amax, 1e-4f) / Fp8.E4M3FN_MAX;
    }

    /** Stores {@code key} (null: the NaN trap) at a page slot, in the cache's layout. */
    private static void storeKey(HostTensor cache, PagedKeys c, int page, int slot, float[] key) {
        int d = c.headDim();
        if (c.keyType() == KeyType.FP8) {
            long block = page * c.blockBytes();
            float scale = key == null ? Float.NaN : fp8Scale(key);
            for (int x = 0; x < d; x++) {
                cache.setByte(block + (long) slot * d + x,
                        key == null ? InputGenerator.E4M3FN_NAN : Fp8.encode(KeyType.FP8.valueType(), key[x] / scale));
            }
            cache.putFloatAt(block + (long) c.pageSize() * d + 4L * slot, scale);
        } else {
            long at = ((long) page * c.pageSize() + slot) * d;
            for (int x = 0; x < d; x++) {
                cache.setShort(at + x, key == null ? InputGenerator.BF16_NAN : Bf16.encode(key[x]));
            }
        }
    }

    private static void copyKey(HostTensor cache, PagedKeys c, int fromPage, int fromSlot, int toPage, int toSlot) {
        int d = c.headDim();
        if (c.keyType() == KeyType.FP8) {
            long from = fromPage * c.blockBytes();
            long to = toPage * c.blockBytes();
            for (int x = 0; x < d; x++) {
                cache.setByte(to + (long) toSlot * d + x, cache.getByte(from + (long) fromSlot * d + x));
            }
            long scales = (long) c.pageSize() * d;
            cache.putFloatAt(to + scales + 4L * toSlot, cache.floatAt(from + scales + 4L * fromSlot));
        } else {
            long from = ((long) fromPage * c.pageSize() + fromSlot) * d;
            long to = ((long) toPage * c.pageSize() + toSlot) * d;
            for (int x = 0; x < d; x++) {
                cache.setShort(to + x, cache.getShort(from + x));
            }
        }
    }
}
