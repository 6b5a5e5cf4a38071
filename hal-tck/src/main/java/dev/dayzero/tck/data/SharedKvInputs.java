package dev.dayzero.tck.data;

import dev.dayzero.hal.Bf16;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp8;
import dev.dayzero.hal.op.AttentionSpec.KvIndexSet;
import dev.dayzero.hal.op.AttentionSpec.SparseSharedKvDecode;
import dev.dayzero.hal.op.CacheWriteSpec;
import dev.dayzero.hal.op.KvCacheType;
import dev.dayzero.hal.op.SharedKvFormat;
import dev.dayzero.hal.op.TensorSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Inputs of {@link SparseSharedKvDecode} and {@link CacheWriteSpec.QuantInsert}, with their traps:
 * <ul>
 *   <li>every cache slot no sequence owns is NaN in every byte that holds a value or a scale (codes
 *       {@code 0x7f}, UE8M0 {@code 0xff}, F32 and BF16 NaN), and so are MODEL1's pad bytes and page tails;</li>
 *   <li>FP8 scales vary per (token, tile) over 2^-8..2^-5 (V32: times a mantissa, as the V3.2 kit draws them),
 *       so a scale applied to the wrong 64-value tile or the wrong token is off by up to 8×;</li>
 *   <li>index entries past a sequence's length name real tokens (of that sequence when it has any), so an
 *       operator that reads past the length gets a different answer; about one entry in 16 below the length is
 *       {@code -1};</li>
 *   <li>sinks: head {@code h} gets {@code +∞} when {@code h % 8 == 0}, {@code −∞} when {@code h % 8 == 1}, and a
 *       finite value in [−2, 8] otherwise (around the rows' lse, so the factor {@code 1/(1 + e^(sink − lse))}
 *       spans (0, 1)).</li>
 * </ul>
 */
public final class SharedKvInputs {
    private SharedKvInputs() {
    }

    /** The inputs of {@code spec}, in {@code spec.inputs()} order. */
    public static List<HostTensor> decode(SparseSharedKvDecode spec, long seed) {
        List<TensorSpec> specs = spec.inputs();
        List<HostTensor> out = new ArrayList<>();
        HostTensor q = HostTensor.allocate(specs.get(0));
        InputGenerator.fillBf16(q, SplitMix64.forStream(seed, "q"), 4f);
        out.add(q);
        addCache(out, specs, 1, spec, spec.main(), seed, "");
        spec.extra().ifPresent(x -> addCache(out, specs, 4, spec, x, seed, "extra_"));
        if (spec.sink()) {
            HostTensor sink = HostTensor.allocate(specs.get(out.size()));
            SplitMix64 rnd = SplitMix64.forStream(seed, "attn_sink");
            for (int h = 0; h < spec.numHeads(); h++) {
                float v = 3f + 5f * rnd.nextSigned();
                sink.setFloat(h, h % 8 == 0 ? Float.POSITIVE_INFINITY : h % 8 == 1 ? Float.NEGATIVE_INFINITY : v);
            }
            out.add(sink);
        }
        return List.copyOf(out);
    }

    private static void addCache(List<HostTensor> out, List<TensorSpec> specs, int at, SparseSharedKvDecode spec,
                                 KvIndexSet set, long seed, String prefix) {
        PageMap pages = PageMap.shuffled(set.tokens(), set.pageBlockSize(), set.numPages(),
                SplitMix64.forStream(seed, prefix + "pages"));
        HostTensor cache = HostTensor.allocate(specs.get(at));
        fillCache(cache, spec.format(), spec.headDim(), set.pageBlockSize(), pages,
                SplitMix64.forStream(seed, prefix + "kv_cache"));
        out.add(cache);
        out.add(indices(specs.get(at + 1), spec.queriesPerSeq(), set, pages,
                SplitMix64.forStream(seed, prefix + "indices")));
        HostTensor lengths = HostTensor.allocate(specs.get(at + 2));
        for (int b = 0; b < set.batch(); b++) {
            lengths.setInt(b, set.lengths().get(b));
        }
        out.add(lengths);
    }

    /**
     * Positions below the length: distinct slots of the sequence's tokens in random order, about one in 16
     * replaced by {@code -1}; positions past it: random slots of the sequence's tokens (of any sequence when it
     * has none; {@code -1} when the cache holds no token at all).
     */
    private static HostTensor indices(TensorSpec spec, int sq, KvIndexSet set, PageMap pages, SplitMix64 rnd) {
        HostTensor t = HostTensor.allocate(spec);
        int topk = set.topk();
        int bs = set.pageBlockSize();
        long totalTokens = 0;
        for (int n : set.tokens()) {
            totalTokens += n;
        }
        long base = 0;
        for (int b = 0; b < set.batch(); b++) {
            int n = set.tokens().get(b);
            int len = set.lengths().get(b);
            int[] order = new int[n];
            for (int s = 0; s < sq; s++) {
                for (int i = 0; i < n; i++) {
                    order[i] = i;
                }
                for (int i = 0; i < len; i++) { // partial Fisher-Yates
                    int pick = i + rnd.nextInt(n - i);
                    int tmp = order[i];
                    order[i] = order[pick];
                    order[pick] = tmp;
                }
                for (int i = 0; i < topk; i++) {
                    int slot;
                    if (i < len) {
                        slot = rnd.nextInt(16) == 0 ? -1 : slot(pages, b, order[i], bs);
                    } else if (n > 0) {
                        slot = slot(pages, b, rnd.nextInt(n), bs);
                    } else if (totalTokens > 0) {
                        slot = anyUsedSlot(set, pages, rnd);
                    } else {
                        slot = -1;
                    }
                    t.setInt(base + i, slot);
                }
                base += topk;
            }
        }
        return t;
    }

    private static int slot(PageMap pages, int b, int token, int bs) {
        return pages.page(b, token / bs) * bs + token % bs;
    }

    private static int anyUsedSlot(KvIndexSet set, PageMap pages, SplitMix64 rnd) {
        while (true) {
            int b = rnd.nextInt(set.batch());
            int n = set.tokens().get(b);
            if (n > 0) {
                return slot(pages, b, rnd.nextInt(n), set.pageBlockSize());
            }
        }
    }

    /** Fills every slot of a paged cache: owned slots with drawn tokens, the rest (and all padding) NaN. */
    static void fillCache(HostTensor cache, SharedKvFormat format, int d, int bs, PageMap pages, SplitMix64 rnd) {
        long pagesCount = cache.spec().dim(0);
        long blockBytes = format.blockBytes(bs, d);
        if (format == SharedKvFormat.FP8_MODEL1) {
            for (long i = 0; i < cache.spec().bytes(); i++) {
                cache.setByte(i, (byte) 0xff); // pad bytes and page tails: NaN patterns, never read
            }
        }
        float[] values = new float[d];
        for (long p = 0; p < pagesCount; p++) {
            for (int t = 0; t < bs; t++) {
                long slot = p * bs + t;
                boolean used = pages.isUsedSlot(slot);
                for (int i = 0; i < d; i++) {
                    values[i] = rnd.nextSigned(); // drawn for every slot: values do not depend on which are used
                }
                int e1 = rnd.nextInt(1 << 14);
                writeToken(cache, format, d, bs, p * blockBytes, t, used ? values : null, e1, rnd);
            }
        }
    }

    /**
     * Writes one token ({@code null}: NaN) at token {@code t} of the page starting at byte {@code page}.
     * FP8 scales: tile {@code i} takes exponent {@code 1 + ((bits >> 2i) & 3)} → {@code 2^(e − 9)}.
     */
    private static void writeToken(HostTensor cache, SharedKvFormat format, int d, int bs, long page, int t,
                                   float[] v, int bits, SplitMix64 rnd) {
        ByteBufferView buf = new ByteBufferView(cache);
        long row = page + format.tokenOffset(bs, d, t);
        switch (format) {
            case BF16 -> {
                for (int i = 0; i < d; i++) {
                    buf.putShort(row + 2L * i, v == null ? InputGenerator.BF16_NAN : Bf16.encode(v[i]));
                }
            }
            case FP8_V32 -> {
                int groups = KvCacheType.FP8_LATENT / KvCacheType.FP8_GROUP;
                for (int g = 0; g < groups; g++) {
                    int e = 1 + ((bits >> (2 * g)) & 3);
                    float mantissa = g % 2 == 0 ? 1f + 0.49f / 128 : 1f + 0.99f * rnd.nextFloat();
                    float scale = (float) Math.scalb(mantissa, e - 9);
                    for (int i = g * KvCacheType.FP8_GROUP; i < (g + 1) * KvCacheType.FP8_GROUP; i++) {
                        buf.putByte(row + i, v == null ? InputGenerator.E4M3FN_NAN
                                : Fp8.encode(DType.F8_E4M3FN, v[i] / scale));
                    }
                    buf.putFloat(page + format.scaleOffset(bs, t) + 4L * g, v == null ? Float.NaN : scale);
                }
                rope(buf, row + format.ropeOffset(d), d, v);
            }
            case FP8_MODEL1 -> {
                long scales = page + format.scaleOffset(bs, t);
                for (int g = 0; g < SharedKvFormat.MODEL1_TILES; g++) {
                    int e = 1 + ((bits >> (2 * g)) & 3);
                    float scale = (float) Math.scalb(1.0, e - 9);
                    for (int i = g * SharedKvFormat.MODEL1_TILE; i < (g + 1) * SharedKvFormat.MODEL1_TILE; i++) {
                        buf.putByte(row + i, v == null ? InputGenerator.E4M3FN_NAN
                                : Fp8.encode(DType.F8_E4M3FN, v[i] / scale));
                    }
                    buf.putByte(scales + g, v == null ? (byte) 0xff : (byte) (e - 9 + 127));
                }
                rope(buf, row + format.ropeOffset(d), d, v);
            }
        }
    }

    private static void rope(ByteBufferView buf, long at, int d, float[] v) {
        for (int i = 0; i < SharedKvFormat.ROPE; i++) {
            buf.putShort(at + 2L * i, v == null ? InputGenerator.BF16_NAN : Bf16.encode(v[d - SharedKvFormat.ROPE + i]));
        }
    }

    /** Byte-addressed little-endian writes into a tensor of any dtype. */
    private record ByteBufferView(HostTensor t) {
        void putByte(long at, byte b) {
            t.data().put(Math.toIntExact(at), b);
        }

        void putShort(long at, short s) {
            t.data().putShort(Math.toIntExact(at), s);
        }

        void putFloat(long at, float f) {
            t.data().putFloat(Math.toIntExact(at), f);
        }
    }

    // ------------------------------------------------------------------ cache write

    /**
     * Rows of very different magnitudes per 64-value tile (2^-16 to 2^10, so scales range from the 1e-4 floor to
     * 2^2), one all-zero row, and slots: distinct random slots of the cache, every 7th row {@code -1}.
     */
    public static List<HostTensor> cacheWrite(CacheWriteSpec.QuantInsert spec, long seed) {
        List<TensorSpec> specs = spec.inputs();
        HostTensor kv = HostTensor.allocate(specs.get(0));
        SplitMix64 rnd = SplitMix64.forStream(seed, "kv");
        int d = spec.headDim();
        int zeroRow = spec.tokens() >= 3 ? spec.tokens() / 2 : -1;
        for (int r = 0; r < spec.tokens(); r++) {
            float tileScale = 1f;
            for (int i = 0; i < d; i++) {
                if (i % SharedKvFormat.MODEL1_TILE == 0) {
                    tileScale = (float) Math.scalb(1.0, rnd.nextInt(27) - 16);
                }
                float v = rnd.nextSigned() * tileScale;
                kv.setShort((long) r * d + i, Bf16.encode(r == zeroRow ? 0f : v));
            }
        }
        HostTensor slots = HostTensor.allocate(specs.get(1));
        SplitMix64 rs = SplitMix64.forStream(seed, "slot_mapping");
        int total = spec.numPages() * spec.pageBlockSize();
        int[] order = new int[total];
        for (int i = 0; i < total; i++) {
            order[i] = i;
        }
        for (int r = 0; r < spec.tokens(); r++) {
            int pick = r + rs.nextInt(total - r);
            int tmp = order[r];
            order[r] = order[pick];
            order[pick] = tmp;
            long slot = r % 7 == 6 ? -1 : order[r];
            slots.data().putLong(r * 8, slot);
        }
        return List.of(kv, slots);
    }
}
