package dev.dayzero.backend.cuda.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.backend.cuda.CudaEmulator;
import dev.dayzero.hal.Bf16;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.KvCacheType;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.tck.ConformanceRunner;
import dev.dayzero.tck.compare.FloatComparison;
import dev.dayzero.tck.compare.Metrics;
import dev.dayzero.tck.compare.Tolerances;
import dev.dayzero.tck.data.HostTensor;
import dev.dayzero.tck.data.InputGenerator;
import dev.dayzero.tck.oracle.Oracle;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The FP8 (FlashMLA 656-byte) cache paths apply each token's four F32 scales where they belong, checked at BF16
 * accuracy: the kit's FP8 inputs have scales of similar size, and its FP8 tolerance would let a token's scale
 * applied to its neighbour pass. Here every (token, group) scale is multiplied by its own power of two in
 * [2^-4, 2^4] and the result must meet the BF16-from-BF16 bound, which the kernel meets by dequantizing each
 * latent value exactly as the oracle does, {@code bf16(decode(code) · bf16(scale))} (FlashMLA's rule,
 * {@code KvCacheType.FP8_FLASHMLA}). On the CUDA emulator.
 */
class MlaFp8ScalesEmulatedTest {

    @Test
    void denseAndSparseFp8MeetTheBf16BoundWithScalesFarApart() {
        try (Device device = CudaEmulator.open()) {
            check(device, AttentionSpec.LatentDecode.deepseek(List.of(140, 7), 20, 2, KvCacheType.FP8_FLASHMLA), 11);
            check(device, AttentionSpec.SparseLatentDecode.deepseek(List.of(200, 90), 16, 1, 128,
                    KvCacheType.FP8_FLASHMLA), 12);
            assertEquals(0, device.allocatedBytes());
        }
    }

    private static void check(Device device, OpSpec spec, long seed) {
        List<HostTensor> inputs = InputGenerator.generate(spec, seed);
        HostTensor cache = inputs.get(1);
        Random rnd = new Random(seed);
        long tokens = cache.spec().bytes() / KvCacheType.FP8_TOKEN_BYTES;
        for (long s = 0; s < tokens; s++) {
            for (int g = 0; g < 4; g++) {
                long at = s * KvCacheType.FP8_TOKEN_BYTES + KvCacheType.FP8_LATENT + 4L * g;
                cache.putFloatAt(at, cache.floatAt(at) * (float) Math.scalb(1.0, rnd.nextInt(9) - 4));
            }
        }
        ConformanceRunner.BackendRun run = ConformanceRunner.execute(device, spec, inputs);
        assertEquals(Optional.empty(), run.failure(), run.failureMessage());
        HostTensor out = run.outputs().get(0);
        int rowCount = Math.toIntExact(out.spec().shape().get(0) * out.spec().shape().get(1));
        int width = Math.toIntExact(out.elements() / rowCount);
        int[] rows = new int[rowCount];
        double[][] actual = new double[rowCount][width];
        for (int r = 0; r < rowCount; r++) {
            rows[r] = r;
            for (int c = 0; c < width; c++) {
                actual[r][c] = Bf16.decode(out.getShort((long) r * width + c));
            }
        }
        double[][] expected = Oracle.attention((dev.dayzero.hal.op.AttentionSpec) spec, inputs, rows);
        Metrics m = FloatComparison.compare(actual, expected, rows, Tolerances.BF16_FROM_BF16);
        assertTrue(FloatComparison.passes(m, Tolerances.BF16_FROM_BF16), spec.describe() + ": " + m.summary());
    }
}
