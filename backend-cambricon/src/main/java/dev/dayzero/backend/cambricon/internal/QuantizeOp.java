package dev.dayzero.backend.cambricon.internal;

import dev.dayzero.backend.cambricon.jna.Cnnl;
import dev.dayzero.backend.cambricon.jna.CnnlExtra;
import dev.dayzero.hal.op.QuantizeSpec;

/**
 * Quantize through {@code cnnlGroupQuant} (CNNL-Extra): static layout NONE, dynamic layout PER_TOKEN, F32
 * per-row scales. A 1×g group (g dividing K) runs as per-token over the same bytes viewed as
 * {@code [M·K/g, g]}: the scale tensor {@code [M, K/g]} is then exactly the per-row scale vector.
 */
final class QuantizeOp extends MluOp {
    private final long xDesc;
    private final long qDesc;
    private final long sDesc;

    QuantizeOp(CambriconDevice device, QuantizeSpec spec) {
        super(device, spec);
        try {
            long g = spec.blockCols();
            long rows = (long) spec.m() * (spec.k() / g);
            xDesc = tensor(cnnlType(spec.inputType()), rows, g).get();
            qDesc = tensor(cnnlType(spec.format()), rows, g).get();
            sDesc = tensor(Cnnl.CNNL_DTYPE_FLOAT, rows).get();
            note("cnnlGroupQuant (CNNL-Extra), dynamic PER_TOKEN, input " + spec.inputType() + " -> " + spec.format()
                    + ", F32 scales");
            if (g != spec.k()) {
                note("1x" + g + " groups run as per-token rows of a [" + rows + ", " + g + "] view of x (no copy)");
            }
        } catch (RuntimeException e) {
            throw failed(e);
        }
    }

    @Override
    Body body(MluBuffer[] b, MluLaunch launch) {
        long x = b[0].address();
        long q = b[1].address();
        long s = b[2].address();
        long h = device.cnnlHandle();
        CnnlExtra extra = natives.extra();
        return queue -> natives.checkCnnl(extra.cnnlGroupQuant(h, CnnlExtra.CNNL_QUANTIZE_NONE,
                CnnlExtra.CNNL_QUANTIZE_PER_TOKEN, xDesc, x, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                qDesc, q, sDesc, s, 0, 0, 0, 0), "cnnlGroupQuant");
    }
}
