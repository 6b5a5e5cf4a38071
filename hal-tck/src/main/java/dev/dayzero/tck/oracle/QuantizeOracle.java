package dev.dayzero.tck.oracle;

import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp8;
import dev.dayzero.hal.op.QuantizeSpec;
import dev.dayzero.tck.data.HostTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@link QuantizeSpec}'s recipe, written out independently of {@link QuantizeSpec#scaleFor} and
 * {@link QuantizeSpec#encode} (the tests check the two agree): for each {@code bm × bk} scaling unit
 * (edge units partial), {@code amax = max |x|} in F32, floored at 1e-4; {@code scale = amax / fmax} in F32,
 * or the next power of two for UE8M0; {@code code = encode(x / scale)} with the quotient in F32.
 */
final class QuantizeOracle {
    /** UE8M0 code 255, the NaN scale: the oracle's answer when a unit's amax is not finite. */
    static final byte UE8M0_NAN = (byte) 0xff;

    private QuantizeOracle() {
    }

    static QuantizeReference quantize(QuantizeSpec spec, HostTensor x) {
        Operands.check("quantize", spec.inputs().get(0), x);
        int m = spec.m();
        int k = spec.k();
        int bm = Math.min(spec.granularity().blockRows(m), m);
        int bk = Math.min(spec.granularity().blockCols(k), k);
        int scaleRows = (m + bm - 1) / bm;
        int scaleCols = (k + bk - 1) / bk;
        float fmax = finiteMax(spec.format());

        byte[] codes = new byte[m * k];
        float[] quotients = new float[m * k];
        float[] scales = new float[scaleRows * scaleCols];
        ByteBuffer scaleBytes = ByteBuffer.allocate(spec.outputs().get(1).dtype().byteSize() * scales.length)
                .order(ByteOrder.LITTLE_ENDIAN);

        for (int br = 0; br < scaleRows; br++) {
            int r0 = br * bm;
            int r1 = Math.min(m, r0 + bm);
            for (int bc = 0; bc < scaleCols; bc++) {
                int c0 = bc * bk;
                int c1 = Math.min(k, c0 + bk);
                float amax = 0f;
                for (int r = r0; r < r1; r++) {
                    for (int c = c0; c < c1; c++) {
                        amax = Math.max(amax, Math.abs(x.getFloat((long) r * k + c))); // NaN propagates
                    }
                }
                float floored = Math.max(amax, QuantizeSpec.AMAX_FLOOR);
                float scale = floored / fmax;
                int unit = br * scaleCols + bc;
                if (spec.scaleType() == DType.UE8M0) {
                    if (Float.isFinite(scale)) {
                        int exponent = ceilLog2(scale);
                        scale = (float) Math.scalb(1.0, exponent);
                        scaleBytes.put(unit, (byte) (exponent + 127));
                    } else {
                        scale = Float.NaN;
                        scaleBytes.put(unit, UE8M0_NAN);
                    }
                } else {
                    scaleBytes.putFloat(4 * unit, scale);
                }
                scales[unit] = scale;
                for (int r = r0; r < r1; r++) {
                    for (int c = c0; c < c1; c++) {
                        int i = r * k + c;
                        float q = x.getFloat(i) / scale;
                        quotients[i] = q;
                        codes[i] = encode(spec.format(), q);
                    }
                }
            }
        }
        return new QuantizeReference(codes, quotients, scales, scaleBytes.array());
    }

    /** The finite maximum of a target format: 448 (E4M3FN), 57344 (E5M2) or 127 (INT8). */
    static float finiteMax(DType format) {
        switch (format) {
            case F8_E4M3FN:
                return 448f;
            case F8_E5M2:
                return 57344f;
            case I8:
                return 127f;
            default:
                throw new IllegalArgumentException("not a quantization format: " + format);
        }
    }

    /**
     * {@code ceil(log2(v))} for a positive finite F32, exactly: the exponent of the largest power of two
     * not above {@code v} (read in F64, where every F32 is normal), plus one unless {@code v} is that power.
     */
    static int ceilLog2(float v) {
        if (!(v > 0) || Float.isInfinite(v)) {
            throw new IllegalArgumentException("expected a positive finite value, got " + v);
        }
        double d = v;
        int exponent = Math.getExponent(d);
        return Math.scalb(1.0, exponent) == d ? exponent : exponent + 1;
    }

    /** The code of quotient {@code q}: FP8 round-to-nearest-even saturating, or INT8 {@code clamp(rint(q))}. */
    static byte encode(DType format, float q) {
        if (format == DType.I8) {
            if (Float.isNaN(q)) {
                return 0;
            }
            double rounded = Math.rint(q); // ties to even
            return (byte) Math.max(-127.0, Math.min(127.0, rounded));
        }
        return Fp8.encode(format, q);
    }
}
