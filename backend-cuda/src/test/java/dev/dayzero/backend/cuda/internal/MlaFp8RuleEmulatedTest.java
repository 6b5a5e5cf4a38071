package dev.dayzero.backend.cuda.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.backend.cuda.CudaEmulator;
import dev.dayzero.hal.Bf16;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.Fp8;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.KvCacheType;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.tck.ConformanceRunner;
import dev.dayzero.tck.data.HostTensor;
import dev.dayzero.tck.data.InputGenerator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The MLA kernels' P·V sees FlashMLA's FP8 latent cache dequantized by {@link KvCacheType#FP8_FLASHMLA}'s rule,
 * {@code bf16(decode(code) · bf16(scale))}, bit for bit. With a zero query every score is 0, so each query's two
 * visible tokens get weight exactly 1 and its output is {@code bf16((r_A + r_B) · 0.5)} of the two tokens' rule
 * values {@code r}: the two tokens' codes share sign and exponent and their scales an exponent, so the F32 sum is
 * exact and the only roundings are the rule's and the output's. Each non-NaN E4M3 code appears, and every scale is
 * an F32 value BF16 cannot represent, so that an F32-scale dequantization and a dequantization that does not round
 * the product (which is what folding the scale into P, DeepGEMM-style, amounts to) each give a different output in
 * many values; the test checks that they would. One token alone would not tell the latter: with P = 1,
 * {@code bf16(P · scale) · code} rounds exactly like the rule. Dense (block table, both tokens on one page) and
 * sparse (indices, the two tokens in different KV tiles, so also across split-KV parts, any slots of the cache); the Q·Kᵀ side is held to
 * the rule by the kit's FP8-cache tolerance in {@link MlaEmulatedConformanceTest}. On the CUDA emulator.
 */
class MlaFp8RuleEmulatedTest {
    private static final int LATENT = KvCacheType.FP8_LATENT;
    private static final int TOKEN = KvCacheType.FP8_TOKEN_BYTES;

    @Test
    void densePvSeesTheRulesValues() {
        AttentionSpec.LatentDecode spec = AttentionSpec.LatentDecode.deepseek(List.of(2, 2, 2, 2, 2), 20, 1,
                KvCacheType.FP8_FLASHMLA);
        List<HostTensor> inputs = InputGenerator.generate(spec, 21);
        HostTensor table = inputs.get(2);
        long[][] slots = new long[spec.seqLens().size()][2];
        for (int b = 0; b < slots.length; b++) {
            long first = (long) table.getInt((long) b * spec.maxBlocks()) * spec.pageSize();
            slots[b] = new long[] {first, first + 1};
        }
        check(spec, inputs, slots, spec.numHeads(), 21);
    }

    @Test
    void sparsePvSeesTheRulesValues() {
        AttentionSpec.SparseLatentDecode spec = AttentionSpec.SparseLatentDecode.deepseek(List.of(300, 90, 70, 129),
                16, 1, 128, KvCacheType.FP8_FLASHMLA);
        List<HostTensor> inputs = InputGenerator.generate(spec, 22);
        HostTensor indices = inputs.get(2);
        Random rnd = new Random(22);
        int b0 = spec.seqLens().size();
        int tokens = Math.toIntExact(inputs.get(1).spec().bytes() / TOKEN);
        long[][] slots = new long[b0][2];
        for (int b = 0; b < b0; b++) {  // two distinct slots a query, one in each 64-entry tile of its indices
            slots[b] = new long[] {(long) tokens / b0 * b + rnd.nextInt(tokens / b0 / 2),
                                   (long) tokens / b0 * b + tokens / b0 / 2 + rnd.nextInt(tokens / b0 / 2)};
            int atA = rnd.nextInt(64);
            int atB = 64 + rnd.nextInt(spec.topk() - 64);
            for (int k = 0; k < spec.topk(); k++) {
                indices.setInt((long) b * spec.topk() + k, k == atA ? (int) slots[b][0]
                        : k == atB ? (int) slots[b][1] : -1);
            }
        }
        check(spec, inputs, slots, spec.numHeads(), 22);
    }

    /** Zero query; tokens slots[b] of query b drawn as the class says; output row (b, 0, h) checked for every h. */
    private static void check(OpSpec spec, List<HostTensor> inputs, long[][] slots, int heads, long seed) {
        HostTensor q = inputs.get(0);
        for (long i = 0; i < q.elements(); i++) {
            q.setShort(i, (short) 0);
        }
        HostTensor cache = inputs.get(1);
        Random rnd = new Random(seed);
        for (long[] pair : slots) {
            int shift = rnd.nextInt(256);
            for (int i = 0; i < LATENT; i++) {
                int a = (i + shift) & 0xff;  // every code in each token
                a = (a & 0x7f) == 0x7f ? a - 1 : a;  // no NaN
                int b = (a & 0xf8) | rnd.nextInt(8);  // same sign and exponent
                b = (b & 0x7f) == 0x7f ? b - 1 : b;
                cache.setByte(pair[0] * TOKEN + i, (byte) a);
                cache.setByte(pair[1] * TOKEN + i, (byte) b);
            }
            for (int g = 0; g < 4; g++) {
                int e = -9 + rnd.nextInt(6);
                for (long slot : pair) {
                    cache.putFloatAt(slot * TOKEN + LATENT + 4L * g, notBf16(rnd, e));
                }
            }
            for (long slot : pair) {  // finite rope values (the kit fills tokens no sequence uses with NaN)
                for (int i = 0; i < KvCacheType.FP8_ROPE; i++) {
                    cache.data().putShort(Math.toIntExact(slot * TOKEN + LATENT + 16 + 2L * i),
                            Bf16.encode(rnd.nextFloat() - 0.5f));
                }
            }
        }
        HostTensor out;
        try (Device device = CudaEmulator.open()) {
            ConformanceRunner.BackendRun run = ConformanceRunner.execute(device, spec, inputs);
            assertEquals(Optional.empty(), run.failure(), run.failureMessage());
            out = run.outputs().get(0);
            assertEquals(0, device.allocatedBytes());
        }
        int compared = 0;
        int f32Scale = 0;
        int unroundedProduct = 0;
        for (int b = 0; b < slots.length; b++) {
            for (int i = 0; i < LATENT; i++) {
                float[] v = new float[2];
                float[] s = new float[2];
                for (int t = 0; t < 2; t++) {
                    long base = slots[b][t] * TOKEN;
                    v[t] = Fp8.decode(DType.F8_E4M3FN, cache.getByte(base + i));
                    s[t] = cache.floatAt(base + LATENT + 4L * (i / KvCacheType.FP8_GROUP));
                }
                float rule = mean(Bf16.round(v[0] * Bf16.round(s[0])), Bf16.round(v[1] * Bf16.round(s[1])));
                f32Scale += mean(Bf16.round(v[0] * s[0]), Bf16.round(v[1] * s[1])) != rule ? 1 : 0;
                unroundedProduct += mean(v[0] * Bf16.round(s[0]), v[1] * Bf16.round(s[1])) != rule ? 1 : 0;
                compared++;
                for (int h = 0; h < heads; h++) {
                    float got = Bf16.decode(out.getShort(((long) b * heads + h) * LATENT + i));
                    if (got != rule) {
                        throw new AssertionError(spec.describe() + ": out[" + b + ", 0, " + h + ", " + i + "] = "
                                + got + ", the rule gives " + rule + " (slots " + slots[b][0] + ", " + slots[b][1]
                                + ")");
                    }
                }
            }
        }
        System.out.println("[mla-fp8-rule] " + spec.describe() + ": " + compared + " values match the rule bit for "
                + "bit in every head; an F32 scale would change " + f32Scale + ", an unrounded product "
                + unroundedProduct);
        // the data tells the rule from both other dequantizations in many values (else this test could not fail)
        assertTrue(f32Scale > compared / 8, f32Scale + " of " + compared);
        assertTrue(unroundedProduct > compared / 8, unroundedProduct + " of " + compared);
    }

    /** The kernel's output of two tokens of weight 1: the F32 sum (exact here) times 1/2, rounded to BF16. */
    private static float mean(float a, float b) {
        return Bf16.round((a + b) * 0.5f);
    }

    /** An F32 value in [2^e, 2^(e+1)) that BF16 does not represent. */
    private static float notBf16(Random rnd, int e) {
        float s;
        do {
            s = (float) Math.scalb(1.0 + rnd.nextDouble(), e);
        } while (Bf16.round(s) == s);
        return s;
    }
}
