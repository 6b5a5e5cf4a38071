package dev.dayzero.backend.cpu.internal.gemm;

import dev.dayzero.backend.cpu.internal.Bytes;
import dev.dayzero.backend.cpu.internal.simd.Simd;
import dev.dayzero.hal.op.MoeGemmSpec;

/**
 * Decodes rows of one MoE weight format into an F32 panel, the one place a weight format enters the GEMM:
 * {@link MoeGemmKernel} asks for {@code count} weights of row {@code row} of expert {@code e} from depth
 * {@code k0} on and multiplies the panel with its format-independent micro-kernels. A decoder is bound to one
 * launch's weight and scale bytes ({@link Factory#bind}); per-launch conversions (a scale format to F32, say)
 * belong in {@code bind}, once per launch. A new format adds one implementation and one case in
 * {@link #factory}; a format may leave scales out of the panel (INT8's per-channel scale is applied to the
 * output) and says so with {@link Factory#scalesInPanel()}.
 */
interface WeightDecoder {

    /** Weights {@code w[e][row][k0 .. k0 + count)} to {@code dst[dstOff ..]} as F32. */
    void decode(int e, int row, int k0, int count, float[] dst, int dstOff);

    /** Makes a launch's decoder. */
    interface Factory {
        WeightDecoder bind(byte[] w, byte[] ws);

        /** Whether the panel holds scaled values (else the kernel applies the weight scale to the output). */
        boolean scalesInPanel();
    }

    /** The decoder factory of {@code spec}'s weight format. */
    static Factory factory(MoeGemmSpec spec, Simd simd) {
        int n = spec.n();
        int k = spec.k();
        return switch (spec.type()) {
            case BF16 -> new Factory() {
                public WeightDecoder bind(byte[] w, byte[] ws) {
                    return (e, row, k0, count, dst, off) ->
                            simd.bf16ToF32(w, Math.toIntExact((((long) e * n + row) * k + k0) * 2), dst, off, count);
                }

                public boolean scalesInPanel() {
                    return true;
                }
            };
            case FP8_BLOCK -> new Factory() {
                public WeightDecoder bind(byte[] w, byte[] ws) {
                    int kBlocks = k / 128;
                    int nBlocks = (n + 127) / 128;
                    return (e, row, k0, count, dst, off) -> {
                        int src = Math.toIntExact(((long) e * n + row) * k + k0);
                        long scaleRow = ((long) e * nBlocks + row / 128) * kBlocks;
                        for (int j = 0; j < count; ) {
                            int kk = k0 + j;
                            int len = Math.min(count - j, 128 - kk % 128);
                            float s = Bytes.getFloat(ws, Math.toIntExact((scaleRow + kk / 128) * 4));
                            simd.e4m3ToF32Scaled(w, src + j, dst, off + j, len, s);
                            j += len;
                        }
                    };
                }

                public boolean scalesInPanel() {
                    return true;
                }
            };
            case MXFP4_FP8, MXFP4_BF16 -> new Factory() {
                public WeightDecoder bind(byte[] w, byte[] ws) {
                    Mxfp4Panel mx = new Mxfp4Panel(n, k, simd);
                    return (e, row, k0, count, dst, off) -> mx.decode(e, row, k0, count, w, ws, dst, off);
                }

                public boolean scalesInPanel() {
                    return true;
                }
            };
            case INT8_W8A8 -> new Factory() {
                public WeightDecoder bind(byte[] w, byte[] ws) {
                    return (e, row, k0, count, dst, off) ->
                            simd.i8ToF32(w, Math.toIntExact(((long) e * n + row) * k + k0), dst, off, count);
                }

                public boolean scalesInPanel() {
                    return false;
                }
            };
        };
    }
}
