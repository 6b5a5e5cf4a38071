package ${package};

import dev.dayzero.hal.DType;
import dev.dayzero.hal.Ue8m0;
import dev.dayzero.hal.host.HostMemoryDevice;
import dev.dayzero.hal.host.HostPreparedOp;
import dev.dayzero.hal.op.QuantizeSpec;
import java.nio.ByteBuffer;

/**
 * Quantize on the host, as {@link QuantizeSpec} defines it: per scaling unit, {@code scale = spec.scaleFor(amax)}
 * and {@code code = spec.encode(x, scale)}. Operands in order: {@code x} (BF16 or F32, row-major), then the codes
 * (one byte each) and the scales (F32, or UE8M0 as one exponent byte). Tensors are little-endian; the views
 * {@link #run} gets are set to that order.
 *
 * <p>Replace {@link #run} with your kernel's launch (extend {@code AbstractPreparedOp} and {@code AbstractLaunch}
 * for a native launch that owns descriptors or a workspace).
 */
final class QuantizeOp extends HostPreparedOp<QuantizeSpec> {

    QuantizeOp(HostMemoryDevice device, QuantizeSpec spec) {
        super(${className}Device.VENDOR, device, spec);
    }

    @Override
    protected void run(ByteBuffer[] operands) {
        ByteBuffer x = operands[0];
        ByteBuffer codes = operands[1];
        ByteBuffer scales = operands[2];
        int m = spec.m();
        int k = spec.k();
        int bm = spec.blockRows();
        int bk = spec.blockCols();
        boolean bf16 = spec.inputType() == DType.BF16;
        for (int br = 0; br < spec.scaleRows(); br++) {
            for (int bc = 0; bc < spec.scaleCols(); bc++) {
                int r1 = Math.min(m, (br + 1) * bm);
                int c1 = Math.min(k, (bc + 1) * bk);
                float amax = 0f;
                for (int r = br * bm; r < r1; r++) {
                    for (int c = bc * bk; c < c1; c++) {
                        amax = Math.max(amax, Math.abs(load(x, r * k + c, bf16)));
                    }
                }
                float scale = spec.scaleFor(amax);
                int unit = br * spec.scaleCols() + bc;
                if (spec.scaleType() == DType.UE8M0) {
                    scales.put(unit, Ue8m0.encode(scale));
                } else {
                    scales.putFloat(4 * unit, scale);
                }
                for (int r = br * bm; r < r1; r++) {
                    for (int c = bc * bk; c < c1; c++) {
                        codes.put(r * k + c, spec.encode(load(x, r * k + c, bf16), scale));
                    }
                }
            }
        }
    }

    private static float load(ByteBuffer x, int i, boolean bf16) {
        return bf16 ? Float.intBitsToFloat(x.getShort(2 * i) << 16) : x.getFloat(4 * i);
    }
}
