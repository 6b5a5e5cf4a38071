package dev.dayzero.tck.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dayzero.hal.Bf16;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp8;
import dev.dayzero.hal.op.AttentionSpec.KvIndexSet;
import dev.dayzero.hal.op.AttentionSpec.SparseSharedKvDecode;
import dev.dayzero.hal.op.CacheWriteSpec;
import dev.dayzero.hal.op.SharedKvFormat;
import dev.dayzero.tck.data.HostTensor;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The shared-KV oracle against values worked out by hand. */
class SharedKvOracleTest {
    private static final double EPS = 1e-12;

    /**
     * MODEL1, page block 2 (page stride 1728): main tokens A (slot 1) and B (slot 2), extra token C (slot 0);
     * A = 2 at dim 0 (code 1.0 × tile-0 scale 2^1), 0.5 at dim 448 (RoPE); B = 0.5 at dim 64 (code 1.0 × tile-1
     * scale 2^-1; its tile-0 scale is 2^3, so a scale read from the wrong tile gives 8); C = 1 at dim 511.
     * Scale 1. Head 0: q = (1 at 0, 2 at 64, 1 at 511) → scores 2, 1, 1; sink +∞. Head 1: q = 0, sink −∞ → the
     * mean. Head 2: q = 0, sink ln 3 = lse → half the mean. Other heads: sink 0 → 3/4 of the mean.
     */
    @Test
    void model1SinkRopeInValueAndLengths() {
        KvIndexSet main = new KvIndexSet(2, 2, 2, List.of(2), List.of(2));
        KvIndexSet extra = new KvIndexSet(2, 2, 1, List.of(1), List.of(1));
        SparseSharedKvDecode spec = new SparseSharedKvDecode(64, 1, 512, SharedKvFormat.FP8_MODEL1, main,
                Optional.of(extra), true, true, 1f);
        List<HostTensor> in = TestTensors.allocate(spec.inputs());
        HostTensor q = in.get(0);
        q.setFloat(0, 1f);
        q.setFloat(64, 2f);
        q.setFloat(511, 1f);
        HostTensor cache = in.get(1);
        int stride = 1728;
        assertEquals(stride, cache.spec().dim(1));
        byte one = Fp8.encode(DType.F8_E4M3FN, 1f);
        // every scale 2^0 (code 127) unless set
        for (int p = 0; p < 2; p++) {
            for (int t = 0; t < 2; t++) {
                for (int g = 0; g < 7; g++) {
                    cache.setByte(p * stride + 1152 + t * 8 + g, (byte) 127);
                }
            }
        }
        // A: page 0, token 1
        cache.setByte(576, one);
        cache.setByte(1152 + 8, (byte) 128);
        cache.data().putShort(576 + 448, Bf16.encode(0.5f));
        // B: page 1, token 0
        cache.setByte(stride + 64, one);
        cache.setByte(stride + 1152, (byte) 130);
        cache.setByte(stride + 1152 + 1, (byte) 126);
        in.get(2).setInt(0, 1);
        in.get(2).setInt(1, 2);
        in.get(3).setInt(0, 2);
        HostTensor extraCache = in.get(4);
        for (int g = 0; g < 7; g++) {
            extraCache.setByte(1152 + g, (byte) 127);
        }
        extraCache.data().putShort(448 + 2 * 63, Bf16.encode(1f));
        in.get(5).setInt(0, 0);
        in.get(5).setInt(1, 1); // past extra_topk_length = 1: never read
        in.get(6).setInt(0, 1);
        HostTensor sink = in.get(7);
        sink.setFloat(0, Float.POSITIVE_INFINITY);
        sink.setFloat(1, Float.NEGATIVE_INFINITY);
        sink.setFloat(2, (float) Math.log(3));

        SharedKvReference ref = Oracle.sharedKvDecode(spec, in, new int[] {0});
        double e = Math.E;
        double sum = e * e + e + e;
        assertEquals(Math.log(sum), ref.lse()[0][0], EPS);
        for (int d = 0; d < 512; d++) {
            assertEquals(0.0, ref.out()[0][d], 0.0, "sink +inf zeroes head 0");
        }
        assertEquals(Math.log(3), ref.lse()[0][1], EPS);
        assertEquals(2.0 / 3, ref.out()[0][512], EPS);
        assertEquals(0.5 / 3, ref.out()[0][512 + 64], EPS);
        assertEquals(0.5 / 3, ref.out()[0][512 + 448], EPS, "RoPE dims are part of V");
        assertEquals(1.0 / 3, ref.out()[0][512 + 511], EPS);
        assertEquals(1.0 / 3, ref.out()[0][1024], 1e-7, "sink = lse halves the output");
        assertEquals(0.75 * 2 / 3, ref.out()[0][1536], EPS, "sink 0: factor 1/(1 + 1/3)");

        // head 0 without its sink: weights e^2, e, e over A, B, C
        sink.setFloat(0, Float.NEGATIVE_INFINITY);
        ref = Oracle.sharedKvDecode(spec, in, new int[] {0});
        assertEquals(e * e * 2 / sum, ref.out()[0][0], EPS);
        assertEquals(e * 0.5 / sum, ref.out()[0][64], EPS);
        assertEquals(e * e * 0.5 / sum, ref.out()[0][448], EPS);
        assertEquals(e / sum, ref.out()[0][511], EPS);
    }

    @Test
    void noValidTokenGivesZeroAndInfiniteLse() {
        KvIndexSet main = new KvIndexSet(4, 64, 1, List.of(3, 0), List.of(3, 0));
        SparseSharedKvDecode spec = new SparseSharedKvDecode(64, 2, 512, SharedKvFormat.BF16, main, Optional.empty(),
                true, true, 0.1f);
        List<HostTensor> in = TestTensors.allocate(spec.inputs());
        TestTensors.fill(in.get(0), 1f, 2f, 3f);
        for (int i = 0; i < 3 * 512; i++) {
            in.get(1).setFloat(i, 0.25f);
        }
        for (int i = 0; i < 16; i++) {
            in.get(2).setInt(i, i % 4 == 3 ? 0 : -1); // row b=1 names a real slot past its length 0
        }
        in.get(2).setInt(0, 0);
        in.get(3).setInt(0, 3);
        in.get(3).setInt(1, 0);
        for (int h = 0; h < 64; h++) {
            in.get(4).setFloat(h, h == 0 ? Float.NEGATIVE_INFINITY : 1.5f);
        }
        SharedKvReference ref = Oracle.sharedKvDecode(spec, in, new int[] {0, 2, 3});
        // b=0, s=0: one token (slot 0) → out = 0.25 · sink factor; lse = 0.1 · q·k
        double s = (double) 0.1f * (1 + 2 + 3) * 0.25;
        assertEquals(s, ref.lse()[0][0], 1e-9);
        assertEquals(0.25, ref.out()[0][0], 1e-9);
        assertEquals(0.25 / (1 + Math.exp(1.5)), ref.out()[0][512], 1e-9);
        for (int r = 1; r < 3; r++) {
            for (int h = 0; h < 64; h++) {
                assertEquals(Double.POSITIVE_INFINITY, ref.lse()[r][h]);
            }
            for (double v : ref.out()[r]) {
                assertEquals(0.0, v, 0.0);
            }
        }
    }

    /** V3.2 width (576): the value is the first 512 dims, the RoPE dims take part in the score only. */
    @Test
    void width576ValueExcludesRope() {
        KvIndexSet main = new KvIndexSet(2, 4, 1, List.of(2), List.of(2));
        SparseSharedKvDecode spec = new SparseSharedKvDecode(64, 1, 576, SharedKvFormat.BF16, main, Optional.empty(),
                false, true, 1f);
        List<HostTensor> in = TestTensors.allocate(spec.inputs());
        in.get(0).setFloat(520, 1f); // head 0 looks only at RoPE dim 520
        in.get(1).setFloat(520, 1f); // token 0: score 1, value 0 at dim 0
        in.get(1).setFloat(576, 1f); // token 1: score 0, value 1 at dim 0
        in.get(2).setInt(0, 0);
        in.get(2).setInt(1, 1);
        in.get(3).setInt(0, 2);
        SharedKvReference ref = Oracle.sharedKvDecode(spec, in, new int[] {0});
        assertEquals(1 / (Math.E + 1), ref.out()[0][0], EPS);
        assertEquals(Math.log(Math.E + 1), ref.lse()[0][0], EPS);
        assertEquals(512 * 64, ref.out()[0].length);
    }

    /** MODEL1 write of one token at slot 3 of a page-block-2 cache: page 1, token 1. */
    @Test
    void model1CacheWriteBytes() {
        CacheWriteSpec.QuantInsert spec = new CacheWriteSpec.QuantInsert(2, 512, SharedKvFormat.FP8_MODEL1, 2, 2);
        List<HostTensor> in = TestTensors.allocate(spec.inputs());
        HostTensor kv = in.get(0);
        kv.setFloat(0, 56f);     // tile 0: amax 56 → 56/448 = 2^-3 → code of 448
        kv.setFloat(1, -7f);     // → -56
        kv.setFloat(448, 1.5f);  // RoPE copied
        kv.setFloat(512 + 5, 3f); // row 1 is not written (slot -1)
        in.get(1).data().putLong(0, 3L);
        in.get(1).data().putLong(8, -1L);
        CacheWriteReference ref = Oracle.cacheWrite(spec, in, (byte) 0xff);
        int page = 1728;
        int row = page + 576;
        int scales = page + 1152 + 8;
        assertEquals(Fp8.encode(DType.F8_E4M3FN, 448f), ref.bytes()[row]);
        assertEquals(Fp8.encode(DType.F8_E4M3FN, -56f), ref.bytes()[row + 1]);
        assertEquals(0, ref.bytes()[row + 2]);
        assertEquals((byte) (127 - 3), ref.bytes()[scales]);
        assertEquals((byte) (127 - 13), ref.bytes()[scales + 1], "all-zero tile: the 1e-4 floor, 2^-13");
        assertEquals(CacheWriteReference.ANY, ref.kinds()[scales + 7]);
        assertEquals(Bf16.encode(1.5f), (short) ((ref.bytes()[row + 448] & 0xff) | (ref.bytes()[row + 449] << 8)));
        assertEquals(CacheWriteReference.UNTOUCHED, ref.kinds()[0]);
        assertEquals((byte) 0xff, ref.bytes()[0]);
        assertEquals(CacheWriteReference.UNTOUCHED, ref.kinds()[page + 1168], "page tail");
    }

    /** V3.2 write: F32 power-of-two scales at byte 512 of the 656-byte token. */
    @Test
    void v32CacheWriteScales() {
        CacheWriteSpec.QuantInsert spec = new CacheWriteSpec.QuantInsert(1, 576, SharedKvFormat.FP8_V32, 4, 1);
        List<HostTensor> in = TestTensors.allocate(spec.inputs());
        in.get(0).setFloat(130, 100f); // group 1: 100/448 → 2^-2
        in.get(1).data().putLong(0, 2L);
        CacheWriteReference ref = Oracle.cacheWrite(spec, in, (byte) 0xff);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(ref.bytes()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int token = 2 * 656;
        assertEquals(0.25f, b.getFloat(token + 512 + 4));
        assertEquals(0x1p-13f, b.getFloat(token + 512));
        assertEquals(Fp8.encode(DType.F8_E4M3FN, 400f), ref.bytes()[token + 130]);
    }
}
