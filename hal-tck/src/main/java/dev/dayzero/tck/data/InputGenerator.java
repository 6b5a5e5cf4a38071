package dev.dayzero.tck.data;

import dev.dayzero.hal.Bf16;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp4;
import dev.dayzero.hal.Fp8;
import dev.dayzero.hal.Ue8m0;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.CacheWriteSpec;
import dev.dayzero.hal.op.GemmSpec;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.KvCacheType;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import dev.dayzero.hal.op.TensorSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Seeded inputs for every spec: the same spec and seed give the same bytes on every machine. Each
 * tensor draws from its own named stream. The generator also plants the traps docs/design.md asks for:
 * unused KV-cache pages are filled with NaN, and block-table entries past a sequence's used pages hold
 * an out-of-range page id ({@link #OUT_OF_RANGE_PAGE}, FlashMLA's choice).
 */
public final class InputGenerator {
    /** Page id planted in unused block-table entries; never a valid page. */
    public static final int OUT_OF_RANGE_PAGE = 2147480000;

    static final short BF16_NAN = (short) 0x7fc0;
    static final byte E4M3FN_NAN = 0x7f;

    private InputGenerator() {
    }

    /** The inputs of {@code spec}, in {@link OpSpec#inputs()} order. */
    public static List<HostTensor> generate(OpSpec spec, long seed) {
        if (spec instanceof QuantizeSpec q) {
            return List.of(quantizeInput(q, seed));
        }
        if (spec instanceof MoeGemmSpec m) {
            return moe(m, seed);
        }
        if (spec instanceof AttentionSpec.SparseSharedKvDecode s) {
            return SharedKvInputs.decode(s, seed);
        }
        if (spec instanceof CacheWriteSpec.QuantInsert w) {
            return SharedKvInputs.cacheWrite(w, seed);
        }
        if (spec instanceof GemmSpec g) {
            return GemmInputs.generate(g, seed);
        }
        if (spec instanceof AttentionSpec.SparsePrefill sp) {
            return sparsePrefill(sp, seed);
        }
        if (spec instanceof AttentionSpec a) {
            return attention(a, seed);
        }
        if (spec instanceof IndexerSpec x) {
            return IndexerInputs.generate(x, seed);
        }
        throw new IllegalArgumentException("no generator for " + spec.getClass().getName());
    }

    // ---------------------------------------------------------------- quantize

    /**
     * Rows of very different magnitudes (2^-12 to 2^12), so per-token and per-group scales differ; one
     * all-zero row (the amax floor) when there are at least three rows; a few outliers at 20× a row's
     * magnitude.
     */
    private static HostTensor quantizeInput(QuantizeSpec spec, long seed) {
        HostTensor x = HostTensor.allocate(spec.inputs().get(0));
        SplitMix64 rnd = SplitMix64.forStream(seed, "x");
        int zeroRow = spec.m() >= 3 ? spec.m() / 2 : -1;
        for (int i = 0; i < spec.m(); i++) {
            float rowScale = (float) Math.scalb(1.0, rnd.nextInt(25) - 12);
            for (int j = 0; j < spec.k(); j++) {
                float v = rnd.nextSigned() * rowScale;
                if (rnd.nextInt(997) == 0) {
                    v *= 20f;
                }
                x.setFloat((long) i * spec.k() + j, i == zeroRow ? 0f : v);
            }
        }
        return x;
    }

    // ---------------------------------------------------------------- MoE

    private static List<HostTensor> moe(MoeGemmSpec spec, long seed) {
        List<HostTensor> out = new ArrayList<>();
        List<TensorSpec> specs = spec.inputs();
        int idx = 0;
        HostTensor x = HostTensor.allocate(specs.get(idx++));
        boolean hasXScale = spec.type().hasGroupActivationScales() || spec.type() == MoeGemmSpec.Type.INT8_W8A8;
        HostTensor xScale = hasXScale ? HostTensor.allocate(specs.get(idx++)) : null;
        HostTensor w = HostTensor.allocate(specs.get(idx++));
        HostTensor wScale = spec.type() == MoeGemmSpec.Type.BF16 ? null : HostTensor.allocate(specs.get(idx++));
        HostTensor rows = HostTensor.allocate(specs.get(idx));
        long storedRows = spec.storedRows();
        int k = spec.k();
        SplitMix64 rx = SplitMix64.forStream(seed, "x");
        SplitMix64 rw = SplitMix64.forStream(seed, "w");
        switch (spec.type()) {
            case BF16 -> {
                fillBf16(x, rx, 1f);
                fillBf16(w, rw, 0.05f);
            }
            case FP8_BLOCK -> {
                if (spec.scaleType() == DType.UE8M0) {
                    SplitMix64 blocks = SplitMix64.forStream(seed, "block-magnitudes");
                    quantizeFp8BlocksUe8m0(x, xScale, storedRows, k, 1, rx, 1f, blocks, 0, 0);
                    for (int e = 0; e < spec.experts(); e++) {
                        quantizeFp8BlocksUe8m0(w, wScale, spec.n(), k, MoeGemmSpec.FP8_BLOCK, rw, 0.05f, blocks,
                                (long) e * spec.n() * k,
                                (long) e * ceilDiv(spec.n(), MoeGemmSpec.FP8_BLOCK) * (k / 128));
                    }
                } else {
                    quantizeFp8Blocks(x, xScale, storedRows, k, 1, rx, 1f);
                    for (int e = 0; e < spec.experts(); e++) {
                        quantizeFp8Blocks(w, wScale, spec.n(), k, MoeGemmSpec.FP8_BLOCK, rw, 0.05f,
                                (long) e * spec.n() * k,
                                (long) e * ceilDiv(spec.n(), MoeGemmSpec.FP8_BLOCK) * (k / 128));
                    }
                }
            }
            case MXFP4_FP8, MXFP4_BF16 -> {
                SplitMix64 blocks = SplitMix64.forStream(seed, "block-magnitudes");
                if (spec.type() == MoeGemmSpec.Type.MXFP4_FP8) {
                    quantizeFp8BlocksUe8m0(x, xScale, storedRows, k, 1, rx, 1f, blocks, 0, 0);
                } else {
                    fillBf16(x, rx, 1f);
                }
                quantizeMxfp4(w, wScale, (long) spec.experts() * spec.n(), k, rw, 0.05f, blocks);
            }
            case INT8_W8A8 -> {
                fillInt8(x, rx);
                fillInt8(w, rw);
                fillPositive(xScale, SplitMix64.forStream(seed, "x_scale"), 1f / 127);
                fillPositive(wScale, SplitMix64.forStream(seed, "w_scale"), 0.05f / 127);
            }
        }
        for (int e = 0; e < spec.experts(); e++) {
            rows.setInt(e, spec.rowsPerExpert().get(e));
        }
        out.add(x);
        if (xScale != null) {
            out.add(xScale);
        }
        out.add(w);
        if (wScale != null) {
            out.add(wScale);
        }
        out.add(rows);
        return List.copyOf(out);
    }

    private static void quantizeFp8Blocks(HostTensor codes, HostTensor scales, long rows, int k, int blockRows,
                                          SplitMix64 rnd, float magnitude) {
        quantizeFp8Blocks(codes, scales, rows, k, blockRows, rnd, magnitude, 0, 0);
    }

    /**
     * Draws a {@code rows × k} matrix, quantizes it to E4M3FN with one F32 scale per
     * {@code blockRows × 128} block by the docs/design.md recipe, and stores codes at {@code codeBase} and
     * scales ({@code [ceil(rows/blockRows), k/128]}) at {@code scaleBase}.
     */
    private static void quantizeFp8Blocks(HostTensor codes, HostTensor scales, long rows, int k, int blockRows,
                                          SplitMix64 rnd, float magnitude, long codeBase, long scaleBase) {
        int groups = k / MoeGemmSpec.FP8_BLOCK;
        float[] values = new float[Math.toIntExact(Math.min(rows, blockRows) * (long) k)];
        for (long r0 = 0; r0 < rows; r0 += blockRows) {
            int nr = (int) Math.min(blockRows, rows - r0);
            for (int i = 0; i < nr * k; i++) {
                values[i] = rnd.nextSigned() * magnitude;
            }
            for (int g = 0; g < groups; g++) {
                float amax = 0f;
                for (int r = 0; r < nr; r++) {
                    for (int c = 0; c < MoeGemmSpec.FP8_BLOCK; c++) {
                        amax = Math.max(amax, Math.abs(values[r * k + g * 128 + c]));
                    }
                }
                float scale = Math.max(amax, 1e-4f) / Fp8.E4M3FN_MAX;
                scales.setFloat(scaleBase + (r0 / blockRows) * groups + g, scale);
                for (int r = 0; r < nr; r++) {
                    for (int c = 0; c < MoeGemmSpec.FP8_BLOCK; c++) {
                        int col = g * 128 + c;
                        codes.setByte(codeBase + (r0 + r) * k + col,
                                Fp8.encode(DType.F8_E4M3FN, values[r * k + col] / scale));
                    }
                }
            }
        }
    }

    /**
     * A random power of two in [2^-4, 2^3], one per scaling block of the UE8M0 and MXFP4 data: neighbouring
     * blocks then get scales up to 128× apart, so a kernel that applies a scale to the wrong block (wrong
     * 32 or 128 along K, wrong row or 128-row block, wrong expert) is far off instead of nearly right (with
     * one magnitude everywhere, power-of-two scales would all be equal and a misplaced one invisible).
     */
    private static float blockMagnitude(SplitMix64 blocks) {
        return Math.scalb(1f, blocks.nextInt(8) - 4);
    }

    /**
     * As {@link #quantizeFp8Blocks}, with UE8M0 scales ({@code 2^ceil(log2(amax / 448))}, DeepGEMM's
     * {@code use_ue8m0}) and each {@code blockRows × 128} block drawn at its own {@link #blockMagnitude}.
     */
    private static void quantizeFp8BlocksUe8m0(HostTensor codes, HostTensor scales, long rows, int k, int blockRows,
                                               SplitMix64 rnd, float magnitude, SplitMix64 blocks, long codeBase,
                                               long scaleBase) {
        int groups = k / MoeGemmSpec.FP8_BLOCK;
        float[] values = new float[Math.toIntExact(Math.min(rows, blockRows) * (long) k)];
        float[] groupMagnitude = new float[groups];
        for (long r0 = 0; r0 < rows; r0 += blockRows) {
            int nr = (int) Math.min(blockRows, rows - r0);
            for (int g = 0; g < groups; g++) {
                groupMagnitude[g] = magnitude * blockMagnitude(blocks);
            }
            for (int i = 0; i < nr * k; i++) {
                values[i] = rnd.nextSigned() * groupMagnitude[(i % k) / MoeGemmSpec.FP8_BLOCK];
            }
            for (int g = 0; g < groups; g++) {
                float amax = 0f;
                for (int r = 0; r < nr; r++) {
                    for (int c = 0; c < MoeGemmSpec.FP8_BLOCK; c++) {
                        amax = Math.max(amax, Math.abs(values[r * k + g * 128 + c]));
                    }
                }
                float scale = Ue8m0.ceilPowerOfTwo(Math.max(amax, 1e-4f) / Fp8.E4M3FN_MAX);
                scales.setByte(scaleBase + (r0 / blockRows) * groups + g, Ue8m0.encode(scale));
                for (int r = 0; r < nr; r++) {
                    for (int c = 0; c < MoeGemmSpec.FP8_BLOCK; c++) {
                        int col = g * 128 + c;
                        codes.setByte(codeBase + (r0 + r) * k + col,
                                Fp8.encode(DType.F8_E4M3FN, values[r * k + col] / scale));
                    }
                }
            }
        }
    }

    /**
     * MXFP4 weights {@code [rows, k]}: each run of 32 values along K drawn at its own
     * {@link #blockMagnitude}, scaled by {@code 2^ceil(log2(amax / 6))} (DeepGEMM's
     * {@code per_token_cast_to_fp4} with {@code use_ue8m0}, amax floored at 1e-4), encoded to E2M1 and
     * packed two a byte, even element in the low nibble; the scale stored as UE8M0 at {@code [row, k/32]}.
     */
    private static void quantizeMxfp4(HostTensor codes, HostTensor scales, long rows, int k, SplitMix64 rnd,
                                      float magnitude, SplitMix64 blocks) {
        int block = MoeGemmSpec.MX_BLOCK;
        float[] values = new float[block];
        for (long r = 0; r < rows; r++) {
            for (int b = 0; b < k / block; b++) {
                float m = magnitude * blockMagnitude(blocks);
                float amax = 0f;
                for (int i = 0; i < block; i++) {
                    values[i] = rnd.nextSigned() * m;
                    amax = Math.max(amax, Math.abs(values[i]));
                }
                float scale = Ue8m0.ceilPowerOfTwo(Math.max(amax, 1e-4f) / Fp4.E2M1_MAX);
                scales.setByte(r * (k / block) + b, Ue8m0.encode(scale));
                long byteBase = (r * k + (long) b * block) / 2;
                for (int i = 0; i < block; i += 2) {
                    codes.setByte(byteBase + i / 2,
                            Fp4.pack(Fp4.encode(values[i] / scale), Fp4.encode(values[i + 1] / scale)));
                }
            }
        }
    }

    // ---------------------------------------------------------------- attention

    private static List<HostTensor> attention(AttentionSpec spec, long seed) {
        List<TensorSpec> specs = spec.inputs();
        List<HostTensor> out = new ArrayList<>();
        HostTensor q = HostTensor.allocate(specs.get(0));
        // a larger query spread makes softmax peaked rather than nearly uniform
        fillBf16(q, SplitMix64.forStream(seed, "q"), 4f);
        out.add(q);
        if (spec instanceof AttentionSpec.Prefill p) {
            HostTensor k = HostTensor.allocate(specs.get(1));
            HostTensor v = HostTensor.allocate(specs.get(2));
            fillBf16(k, SplitMix64.forStream(seed, "k"), 1f);
            fillBf16(v, SplitMix64.forStream(seed, "v"), 1f);
            HostTensor cu = HostTensor.allocate(specs.get(3));
            int acc = 0;
            cu.setInt(0, 0);
            for (int b = 0; b < p.batch(); b++) {
                acc += p.seqLens().get(b);
                cu.setInt(b + 1, acc);
            }
            out.add(k);
            out.add(v);
            out.add(cu);
            return List.copyOf(out);
        }
        int pageSize;
        int numPages;
        if (spec instanceof AttentionSpec.PagedDecode pd) {
            pageSize = pd.pageSize();
            numPages = pd.numPages();
        } else if (spec instanceof AttentionSpec.LatentDecode ld) {
            pageSize = ld.pageSize();
            numPages = ld.numPages();
        } else {
            AttentionSpec.SparseLatentDecode sd = (AttentionSpec.SparseLatentDecode) spec;
            pageSize = sd.pageSize();
            numPages = sd.numPages();
        }
        PageMap pages = PageMap.shuffled(spec.seqLens(), pageSize, numPages, SplitMix64.forStream(seed, "pages"));
        if (spec instanceof AttentionSpec.PagedDecode) {
            HostTensor kc = HostTensor.allocate(specs.get(1));
            HostTensor vc = HostTensor.allocate(specs.get(2));
            fillCacheBf16(kc, pages, SplitMix64.forStream(seed, "k_cache"));
            fillCacheBf16(vc, pages, SplitMix64.forStream(seed, "v_cache"));
            out.add(kc);
            out.add(vc);
            out.add(blockTable(specs.get(3), pages));
            out.add(seqLens(specs.get(4), spec.seqLens()));
            return List.copyOf(out);
        }
        KvCacheType kvType = spec instanceof AttentionSpec.LatentDecode ld ? ld.kvCache()
                : ((AttentionSpec.SparseLatentDecode) spec).kvCache();
        HostTensor cache = HostTensor.allocate(specs.get(1));
        if (kvType == KvCacheType.BF16) {
            fillCacheBf16(cache, pages, SplitMix64.forStream(seed, "kv_cache"));
        } else {
            fillCacheFp8(cache, pages, SplitMix64.forStream(seed, "kv_cache"));
        }
        out.add(cache);
        if (spec instanceof AttentionSpec.LatentDecode) {
            out.add(blockTable(specs.get(2), pages));
            out.add(seqLens(specs.get(3), spec.seqLens()));
        } else {
            AttentionSpec.SparseLatentDecode sd = (AttentionSpec.SparseLatentDecode) spec;
            out.add(sparseIndices(specs.get(2), sd, pages, SplitMix64.forStream(seed, "indices")));
        }
        return List.copyOf(out);
    }

    /**
     * Sparse prefill: q and kv as the latent decode draws them; token {@code i} of a sequence starting at row
     * {@code o} gets {@code min(topk, i + 1)} distinct rows of {@code [o, o + i]} in random order, then
     * {@code -1}s.
     */
    private static List<HostTensor> sparsePrefill(AttentionSpec.SparsePrefill spec, long seed) {
        List<TensorSpec> specs = spec.inputs();
        HostTensor q = HostTensor.allocate(specs.get(0));
        fillBf16(q, SplitMix64.forStream(seed, "q"), 4f);
        HostTensor kv = HostTensor.allocate(specs.get(1));
        fillBf16(kv, SplitMix64.forStream(seed, "kv"), 1f);
        HostTensor indices = HostTensor.allocate(specs.get(2));
        SplitMix64 rnd = SplitMix64.forStream(seed, "indices");
        int topk = spec.topk();
        long row = 0;
        long start = 0;
        for (int len : spec.seqLens()) {
            int[] keys = new int[len];
            for (int i = 0; i < len; i++) {
                for (int j = 0; j <= i; j++) {
                    keys[j] = (int) (start + j);
                }
                int valid = spec.attended(i);
                for (int j = 0; j < valid; j++) { // partial Fisher-Yates over the i + 1 visible rows
                    int pick = j + rnd.nextInt(i + 1 - j);
                    int tmp = keys[j];
                    keys[j] = keys[pick];
                    keys[pick] = tmp;
                }
                for (int j = 0; j < topk; j++) {
                    indices.setInt(row * topk + j, j < valid ? keys[j] : -1);
                }
                row++;
            }
            start += len;
        }
        return List.of(q, kv, indices);
    }

    static HostTensor blockTable(TensorSpec spec, PageMap pages) {
        HostTensor t = HostTensor.allocate(spec);
        int maxBlocks = (int) spec.dim(1);
        for (int b = 0; b < pages.sequences(); b++) {
            for (int i = 0; i < maxBlocks; i++) {
                t.setInt((long) b * maxBlocks + i, i < pages.blocks(b) ? pages.page(b, i) : OUT_OF_RANGE_PAGE);
            }
        }
        return t;
    }

    private static HostTensor seqLens(TensorSpec spec, List<Integer> lens) {
        HostTensor t = HostTensor.allocate(spec);
        for (int b = 0; b < lens.size(); b++) {
            t.setInt(b, lens.get(b));
        }
        return t;
    }

    /**
     * Each query gets {@code min(topk, L)} distinct slots of its own sequence in random order, then
     * {@code -1}s.
     */
    private static HostTensor sparseIndices(TensorSpec spec, AttentionSpec.SparseLatentDecode sd, PageMap pages,
                                            SplitMix64 rnd) {
        HostTensor t = HostTensor.allocate(spec);
        int topk = sd.topk();
        long base = 0;
        for (int b = 0; b < sd.batch(); b++) {
            int len = sd.seqLens().get(b);
            int[] tokens = new int[len];
            for (int j = 0; j < sd.queriesPerSeq(); j++) {
                for (int i = 0; i < len; i++) {
                    tokens[i] = i;
                }
                int valid = sd.attended(b);
                for (int i = 0; i < valid; i++) { // partial Fisher-Yates
                    int pick = i + rnd.nextInt(len - i);
                    int tmp = tokens[i];
                    tokens[i] = tokens[pick];
                    tokens[pick] = tmp;
                }
                for (int i = 0; i < topk; i++) {
                    int slot = -1;
                    if (i < valid) {
                        int token = tokens[i];
                        slot = pages.page(b, token / sd.pageSize()) * sd.pageSize() + token % sd.pageSize();
                    }
                    t.setInt(base + i, slot);
                }
                base += topk;
            }
        }
        return t;
    }

    /** Used slots get values; slots past a sequence's length in its last page and unused pages get NaN. */
    private static void fillCacheBf16(HostTensor cache, PageMap pages, SplitMix64 rnd) {
        long perToken = cache.spec().dim(2) * cache.spec().dim(3);
        int pageSize = (int) cache.spec().dim(1);
        long tokens = cache.spec().dim(0) * pageSize;
        for (long slot = 0; slot < tokens; slot++) {
            boolean used = pages.isUsedSlot(slot);
            for (long i = 0; i < perToken; i++) {
                // draw for every slot so a slot's values do not depend on which slots are used
                float v = rnd.nextSigned();
                cache.setShort(slot * perToken + i, used ? Bf16.encode(v) : BF16_NAN);
            }
        }
    }

    /**
     * FlashMLA's 656-byte FP8 tokens. Latent values are drawn in [-1, 1] like the BF16 caches' (so attention
     * spreads as it does there, not near one-hot), and each (token, group) gets its own scale
     * {@code 2^(e-9) · m}, {@code e} in 1..4 (codes up to 255): a kernel that applies a scale to the wrong
     * token or group is off by up to 8×. Even groups take {@code m = 1 + 0.49/128}, just below a BF16
     * rounding midpoint, so the cache's dequantization rule ({@code bf16(scale)} = {@code 2^(e-9)}) and a
     * kernel that keeps the F32 scale differ by a systematic 2^-8; odd groups take a random mantissa, so the
     * product's BF16 rounding matters too.
     */
    private static void fillCacheFp8(HostTensor cache, PageMap pages, SplitMix64 rnd) {
        int pageSize = (int) cache.spec().dim(1);
        long tokens = cache.spec().dim(0) * pageSize;
        int bytes = KvCacheType.FP8_TOKEN_BYTES;
        for (long slot = 0; slot < tokens; slot++) {
            long base = slot * bytes;
            boolean used = pages.isUsedSlot(slot);
            for (int g = 0; g < KvCacheType.FP8_LATENT / KvCacheType.FP8_GROUP; g++) {
                int e = 1 + rnd.nextInt(4);
                float mantissa = g % 2 == 0 ? 1f + 0.49f / 128 : 1f + 0.99f * rnd.nextFloat();
                float scale = (float) Math.scalb(mantissa, e - 9);
                for (int i = 0; i < KvCacheType.FP8_GROUP; i++) {
                    int c = g * KvCacheType.FP8_GROUP + i;
                    float x = rnd.nextSigned();
                    cache.setByte(base + c, used ? Fp8.encode(DType.F8_E4M3FN, x / scale) : E4M3FN_NAN);
                }
                cache.putFloatAt(base + KvCacheType.FP8_LATENT + 4L * g, used ? scale : Float.NaN);
            }
            long rope = base + KvCacheType.FP8_LATENT + 4L * (KvCacheType.FP8_LATENT / KvCacheType.FP8_GROUP);
            for (int i = 0; i < KvCacheType.FP8_ROPE; i++) {
                float v = rnd.nextSigned();
                cache.data().putShort(Math.toIntExact(rope + 2L * i), used ? Bf16.encode(v) : BF16_NAN);
            }
        }
    }

    // ---------------------------------------------------------------- fills

    static void fillBf16(HostTensor t, SplitMix64 rnd, float magnitude) {
        long n = t.elements();
        for (long i = 0; i < n; i++) {
            t.setShort(i, Bf16.encode(rnd.nextSigned() * magnitude));
        }
    }

    private static void fillInt8(HostTensor t, SplitMix64 rnd) {
        long n = t.elements();
        for (long i = 0; i < n; i++) {
            t.setByte(i, (byte) (rnd.nextInt(255) - 127));
        }
    }

    private static void fillPositive(HostTensor t, SplitMix64 rnd, float magnitude) {
        long n = t.elements();
        for (long i = 0; i < n; i++) {
            t.setFloat(i, magnitude * (0.5f + rnd.nextFloat()));
        }
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
