package dev.dayzero.tck.compare;

import dev.dayzero.hal.DType;
import dev.dayzero.hal.Ue8m0;
import dev.dayzero.hal.op.QuantizeSpec;
import dev.dayzero.tck.oracle.CacheWriteReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Compares quantized codes and scales with the oracle's, per the rules in {@link Tolerances}. */
public final class CodeComparison {
    private CodeComparison() {
    }

    /**
     * @param spec            the quantize spec
     * @param codes           the backend's codes, one byte per element of {@code q [M, K]}
     * @param scaleBytes      the backend's scale tensor as stored
     * @param refCodes        the oracle's codes
     * @param refQuotients    the oracle's F32 quotients {@code x / scale}
     * @param refScaleBytes   the oracle's scale tensor as stored
     */
    public static CodeMetrics compare(QuantizeSpec spec, byte[] codes, byte[] scaleBytes, byte[] refCodes,
                                      float[] refQuotients, byte[] refScaleBytes) {
        long mismatches = 0;
        long boundary = 0;
        long first = -1;
        String detail = "";
        for (int i = 0; i < refCodes.length; i++) {
            if (codes[i] == refCodes[i]) {
                continue;
            }
            if (isBoundaryCase(spec, codes[i], refCodes[i], refQuotients[i])) {
                boundary++;
                continue;
            }
            mismatches++;
            if (first < 0) {
                first = i;
                detail = String.format(java.util.Locale.ROOT, "q[%d,%d] = 0x%02x (%s), want 0x%02x (%s), x/scale = %s",
                        i / spec.k(), i % spec.k(), codes[i] & 0xff, spec.decode(codes[i]), refCodes[i] & 0xff,
                        spec.decode(refCodes[i]), refQuotients[i]);
            }
        }
        int scales = spec.scaleRows() * spec.scaleCols();
        long scaleMismatches = 0;
        double maxRel = 0;
        ByteBuffer got = ByteBuffer.wrap(scaleBytes).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer want = ByteBuffer.wrap(refScaleBytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < scales; i++) {
            double g;
            double w;
            boolean ok;
            if (spec.scaleType() == DType.UE8M0) {
                g = Ue8m0.decode(got.get(i));
                w = Ue8m0.decode(want.get(i));
                ok = got.get(i) == want.get(i);
            } else {
                g = got.getFloat(4 * i);
                w = want.getFloat(4 * i);
                ok = Math.abs(g - w) <= Tolerances.F32_SCALE_REL * Math.abs(w);
            }
            double rel = w == 0 ? (g == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.abs(g - w) / Math.abs(w);
            maxRel = Math.max(maxRel, Double.isNaN(rel) ? Double.POSITIVE_INFINITY : rel);
            if (!ok) {
                scaleMismatches++;
                if (first < 0) {
                    first = i;
                    detail = "scale[" + i / spec.scaleCols() + "," + i % spec.scaleCols() + "] = " + g + ", want " + w;
                }
            }
        }
        return new CodeMetrics(refCodes.length, mismatches, boundary, scales, scaleMismatches, maxRel, first, detail);
    }

    private static final QuantizeSpec E4M3 = new QuantizeSpec(1, 1, DType.BF16, DType.F8_E4M3FN,
            QuantizeSpec.perToken(), DType.F32);

    /**
     * A cache written by {@link dev.dayzero.hal.op.CacheWriteSpec.QuantInsert} against the oracle's: FP8 codes
     * exact or an accepted boundary case (the rule of {@link #compare}), scales and BF16 bytes exact, MODEL1 pad
     * bytes free, and every other byte still holding the fill. Scales count one per scale byte group (four
     * bytes of an F32 scale are one scale).
     */
    public static CodeMetrics cacheWrite(CacheWriteReference ref, byte[] got) {
        long codes = 0;
        long mismatches = 0;
        long boundary = 0;
        long exact = 0;
        long exactMismatches = 0;
        long first = -1;
        String detail = "";
        byte[] want = ref.bytes();
        for (int i = 0; i < want.length; i++) {
            byte kind = ref.kinds()[i];
            if (kind == CacheWriteReference.CODE) {
                codes++;
            } else if (kind == CacheWriteReference.EXACT) {
                exact++;
            }
            if (kind == CacheWriteReference.ANY || got[i] == want[i]) {
                continue;
            }
            if (kind == CacheWriteReference.CODE && isBoundaryCase(E4M3, got[i], want[i], ref.quotients()[i])) {
                boundary++;
                continue;
            }
            if (kind == CacheWriteReference.CODE) {
                mismatches++;
            } else {
                exactMismatches++;
            }
            if (first < 0) {
                first = i;
                detail = String.format(java.util.Locale.ROOT, "byte %d (%s) = 0x%02x, want 0x%02x%s", i,
                        kind == CacheWriteReference.CODE ? "fp8 code" : kind == CacheWriteReference.EXACT
                                ? "scale or bf16" : "not to be written", got[i] & 0xff, want[i] & 0xff,
                        kind == CacheWriteReference.CODE ? ", x/scale = " + ref.quotients()[i] : "");
            }
        }
        return new CodeMetrics(codes, mismatches, boundary, exact, exactMismatches, 0, first, detail);
    }

    /**
     * One code away from the oracle's, on the same side of zero, with the oracle's quotient within one
     * F32 ulp of the midpoint between the two codes' values.
     */
    static boolean isBoundaryCase(QuantizeSpec spec, byte got, byte want, float quotient) {
        boolean adjacent;
        if (spec.format() == DType.I8) {
            adjacent = Math.abs(got - want) == 1;
        } else {
            int g = got & 0xff;
            int w = want & 0xff;
            adjacent = (g & 0x80) == (w & 0x80) && Math.abs((g & 0x7f) - (w & 0x7f)) == 1;
        }
        if (!adjacent) {
            return false;
        }
        double a = spec.decode(got);
        double b = spec.decode(want);
        if (!Double.isFinite(a) || !Double.isFinite(b)) {
            return false;
        }
        double midpoint = (a + b) / 2;
        return Math.abs(quotient - midpoint) <= Math.ulp(quotient);
    }
}
