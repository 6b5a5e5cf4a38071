package dev.dayzero.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp4;
import dev.dayzero.hal.Support;
import dev.dayzero.hal.Ue8m0;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.MoeGemmSpec.Type;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.tck.data.HostTensor;
import dev.dayzero.tck.data.InputGenerator;
import dev.dayzero.tck.oracle.Oracle;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * UE8M0 scales and MXFP4 weights in the MoE kit: the oracle's arithmetic by hand, the generator's traps,
 * and mutants (a scale applied to the wrong block, the nibbles swapped, the scales ignored) that the kit
 * must fail.
 */
class MxMoeKitTest {
    private static final MoeGemmSpec MX_MASKED = MoeGemmSpec.masked(Type.MXFP4_FP8, 160, 256, 4, List.of(3, 0, 4));
    private static final MoeGemmSpec MX_CONTIGUOUS = MoeGemmSpec.contiguous(Type.MXFP4_FP8, 64, 384, List.of(2, 5));
    private static final MoeGemmSpec MX_BF16 = MoeGemmSpec.contiguous(Type.MXFP4_BF16, 64, 96, List.of(4, 0, 3));
    private static final MoeGemmSpec FP8_UE8M0 = MoeGemmSpec.masked(Type.FP8_BLOCK, DType.UE8M0, 200, 256, 4,
            List.of(4, 1));

    @Test
    void oracleDecodesNibblesLowFirstAndScalesPer32() {
        MoeGemmSpec spec = MoeGemmSpec.contiguous(Type.MXFP4_BF16, 1, 64, List.of(1));
        List<HostTensor> in = new ArrayList<>();
        for (var t : spec.inputs()) {
            in.add(HostTensor.allocate(t));
        }
        HostTensor x = in.get(0);
        HostTensor w = in.get(1);
        HostTensor ws = in.get(2);
        for (int k = 0; k < 64; k++) {
            x.setFloat(k, k == 0 || k == 33 ? 1f : 0f);
        }
        // byte 0: element 0 = 1.5 (code 3, low nibble), element 1 = -6 (code 15, high nibble)
        w.setByte(0, (byte) 0xf3);
        // element 33 (byte 16, high nibble) = 3 (code 5)
        w.setByte(16, (byte) 0x50);
        ws.setByte(0, Ue8m0.encode(0.25f));
        ws.setByte(1, Ue8m0.encode(8f));
        in.get(3).setInt(0, 1);
        double[][] out = Oracle.moeGemm(spec, in, new int[] {0});
        assertArrayEquals(new double[] {1.5 * 0.25 + 3 * 8}, out[0]);
        assertEquals(-6f, w.getFloat(1));
        assertEquals(3f, w.getFloat(33));
        // setFloat on a packed tensor keeps the other nibble
        w.setFloat(1, 0.5f);
        assertEquals((byte) 0x13, w.getByte(0));
    }

    @Test
    void theOraclePassesTheNewFormats() {
        for (OpSpec spec : List.of(MX_MASKED, MX_CONTIGUOUS, MX_BF16, FP8_UE8M0)) {
            CaseResult r = ConformanceRunner.check(HostDevice.reference(), "ok", spec, 7);
            assertEquals(CaseStatus.PASSED, r.status(), spec.describe() + ": " + r.summary());
        }
    }

    @Test
    void generatedScalesDifferBetweenNeighbouringBlocks() {
        List<HostTensor> in = InputGenerator.generate(MX_MASKED, 11);
        HostTensor ws = in.get(3); // [E, N, K/32]
        int differ = 0;
        Set<Integer> codes = new HashSet<>();
        for (long i = 0; i + 1 < ws.elements(); i++) {
            if (ws.getByte(i) != ws.getByte(i + 1)) {
                differ++;
            }
        }
        assertTrue(differ > ws.elements() / 2, "neighbouring MX scales differ in " + differ + " of " + ws.elements());
        HostTensor w = in.get(2);
        for (long i = 0; i < w.elements(); i++) {
            codes.add(Fp4.encode(w.getFloat(i)));
        }
        assertEquals(16, codes.size(), "every E2M1 code appears");
        HostTensor xs = in.get(1);
        Set<Byte> xScales = new HashSet<>();
        for (long i = 0; i < xs.elements(); i++) {
            xScales.add(xs.getByte(i));
        }
        assertTrue(xScales.size() >= 6, "1x128 UE8M0 activation scales take " + xScales.size() + " values");
    }

    @Test
    void aMisplacedMxScaleFails() {
        int perRow = MX_MASKED.k() / MoeGemmSpec.MX_BLOCK;
        // the scale of the neighbouring 32 along K
        assertFails(MX_MASKED, 3, t -> remap(t, i -> i ^ 1));
        // one scale per 128 instead of per 32
        assertFails(MX_MASKED, 3, t -> remap(t, i -> i / 4 * 4));
        // the next row's scales (wrong n)
        assertFails(MX_CONTIGUOUS, 3, t -> remap(t, i -> (i + MX_CONTIGUOUS.k() / 32) % t.elements()));
        // scales ignored (all 1)
        assertFails(MX_BF16, 2, t -> {
            HostTensor p = HostTensor.allocate(t.spec());
            for (long i = 0; i < t.elements(); i++) {
                p.setByte(i, (byte) 127);
            }
            return p;
        });
        assertEquals(8, perRow);
    }

    @Test
    void swappedNibblesFail() {
        assertFails(MX_MASKED, 2, t -> {
            HostTensor p = HostTensor.allocate(t.spec());
            long bytes = t.spec().bytes();
            for (long i = 0; i < bytes; i++) {
                int b = t.getByte(i) & 0xff;
                p.setByte(i, (byte) ((b >>> 4) | (b << 4)));
            }
            return p;
        });
    }

    @Test
    void misplacedUe8m0Fp8ScalesFail() {
        // activation scale of the neighbouring 1x128 group
        assertFails(FP8_UE8M0, 1, t -> remap(t, i -> i ^ 1));
        // weight scale of the neighbouring 128-row block along N (N = 200: two blocks)
        int kBlocks = FP8_UE8M0.k() / 128;
        assertFails(FP8_UE8M0, 3, t -> remap(t, i -> {
            long e = i / (2L * kBlocks);
            long nb = (i / kBlocks) % 2;
            return (e * 2 + (1 - nb)) * kBlocks + i % kBlocks;
        }));
    }

    private interface Index {
        long map(long i);
    }

    private static HostTensor remap(HostTensor t, Index index) {
        HostTensor p = HostTensor.allocate(t.spec());
        for (long i = 0; i < t.elements(); i++) {
            p.setByte(i, t.getByte(index.map(i)));
        }
        return p;
    }

    /** The oracle run on inputs whose operand {@code at} went through {@code mutate} must fail the kit. */
    private static void assertFails(MoeGemmSpec spec, int at, UnaryOperator<HostTensor> mutate) {
        HostDevice device = new HostDevice((s, in, out) -> {
            List<HostTensor> patched = new ArrayList<>(in);
            patched.set(at, mutate.apply(in.get(at)));
            HostDevice.oracleKernel(s, patched, out);
        }, s -> Support.supported());
        CaseResult r = ConformanceRunner.check(device, "mutant", spec, 7);
        assertEquals(CaseStatus.FAILED_NUMERICS, r.status(), spec.describe() + ": " + r.summary());
    }
}
