package dev.dayzero.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.DType;
import dev.dayzero.hal.Support;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.KvCacheType;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kit against a device that computes with the oracle: correct runs pass, broken ones are caught. */
class ConformanceRunnerTest {
    private static final MoeGemmSpec MASKED = MoeGemmSpec.masked(MoeGemmSpec.Type.BF16, 64, 128, 8, List.of(3, 0, 8));
    private static final AttentionSpec.PagedDecode PAGED = AttentionSpec.PagedDecode.of(List.of(5, 40), 8, 2, 32, 16);
    private static final QuantizeSpec QUANT = new QuantizeSpec(8, 256, DType.BF16, DType.F8_E4M3FN,
            QuantizeSpec.perGroup(128), DType.F32);

    @Test
    void theOracleItselfPassesEveryFamily() {
        for (OpSpec spec : List.of(MASKED, PAGED, QUANT,
                AttentionSpec.LatentDecode.deepseek(List.of(70), 4, 2, KvCacheType.FP8_FLASHMLA),
                AttentionSpec.SparseLatentDecode.deepseek(List.of(100), 4, 1, 32, KvCacheType.BF16),
                new AttentionSpec.Prefill(List.of(3, 9), 4, 2, 16, true, 0.25f),
                new AttentionSpec.Prefill(List.of(3, 9), 4, 2, 24, 16, true, 0.25f),
                dev.dayzero.hal.op.GemmSpec.fp8Block(DType.UE8M0, 2, 3, 130, 256),
                dev.dayzero.hal.op.GemmSpec.batched(dev.dayzero.hal.op.GemmSpec.Type.INT8_W8A8, 2, 3, 17, 40))) {
            CaseResult r = ConformanceRunner.check(HostDevice.reference(), "ok", spec, 5);
            assertEquals(CaseStatus.PASSED, r.status(), r.summary());
            assertEquals(r.rowsTotal(), r.rowsChecked());
        }
    }

    @Test
    void oneWrongElementFailsWithItsIndex() {
        HostDevice device = new HostDevice((spec, in, out) -> {
            HostDevice.oracleKernel(spec, in, out);
            out.get(0).setFloat(1 * 64 + 5, out.get(0).getFloat(1 * 64 + 5) + 1f);
        }, s -> Support.supported());
        CaseResult r = ConformanceRunner.check(device, "bad", MASKED, 5);
        assertEquals(CaseStatus.FAILED_NUMERICS, r.status(), r.summary());
        assertTrue(r.message().contains("worst[1,5]"), r.message());
    }

    @Test
    void writingMaskedRowsFails() {
        HostDevice device = new HostDevice((spec, in, out) -> {
            HostDevice.oracleKernel(spec, in, out);
            out.get(0).setFloat(8L * 64 + 3 * 64, 0f); // expert 1 has no valid rows
        }, s -> Support.supported());
        CaseResult r = ConformanceRunner.check(device, "bad", MASKED, 5);
        assertEquals(CaseStatus.FAILED_NUMERICS, r.status());
        assertTrue(r.message().contains("expert 1"), r.message());
    }

    @Test
    void aGemmKernelThatMisplacesAScaleFails() {
        // the kernel reads the weight-scale grid transposed ([K/128, N/128] instead of [N/128, K/128]), or
        // applies the first batch entry's weights to every entry: both must fail
        dev.dayzero.hal.op.GemmSpec fp8 = dev.dayzero.hal.op.GemmSpec.fp8Block(DType.F32, 1, 4, 512, 512);
        HostDevice transposed = new HostDevice((spec, in, out) -> {
            List<dev.dayzero.tck.data.HostTensor> patched = new java.util.ArrayList<>(in);
            var ws = dev.dayzero.tck.data.HostTensor.allocate(in.get(3).spec());
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 4; j++) {
                    ws.setFloat(i * 4 + j, in.get(3).getFloat(j * 4 + i));
                }
            }
            patched.set(3, ws);
            HostDevice.oracleKernel(spec, patched, out);
        }, s -> Support.supported());
        assertEquals(CaseStatus.FAILED_NUMERICS, ConformanceRunner.check(transposed, "bad", fp8, 5).status());
        dev.dayzero.hal.op.GemmSpec bf16 = dev.dayzero.hal.op.GemmSpec.batched(dev.dayzero.hal.op.GemmSpec.Type.BF16,
                2, 3, 8, 128);
        HostDevice firstEntry = new HostDevice((spec, in, out) -> {
            List<dev.dayzero.tck.data.HostTensor> patched = new java.util.ArrayList<>(in);
            var w = dev.dayzero.tck.data.HostTensor.allocate(in.get(1).spec());
            for (int i = 0; i < 8 * 128; i++) {
                w.setShort(i, in.get(1).getShort(i));
                w.setShort(8 * 128 + i, in.get(1).getShort(i));
            }
            patched.set(1, w);
            HostDevice.oracleKernel(spec, patched, out);
        }, s -> Support.supported());
        assertEquals(CaseStatus.FAILED_NUMERICS, ConformanceRunner.check(firstEntry, "bad", bf16, 5).status());
    }

    @Test
    void aPrefillThatTakesTheValueAtTheKeyWidthFails() {
        // Dk = 24, Dv = 16: reading v as if it had Dk columns shifts every token's value
        AttentionSpec.Prefill spec = new AttentionSpec.Prefill(List.of(5), 2, 1, 24, 16, true, 0.25f);
        HostDevice wrong = new HostDevice((s, in, out) -> {
            List<dev.dayzero.tck.data.HostTensor> patched = new java.util.ArrayList<>(in);
            var v = dev.dayzero.tck.data.HostTensor.allocate(in.get(2).spec());
            for (int t = 0; t < 5; t++) { // token t's value read at t * Dk instead of t * Dv
                for (int d = 0; d < 16; d++) {
                    long src = t * 24L + d;
                    v.setShort(t * 16L + d, src < 5 * 16 ? in.get(2).getShort(src) : 0);
                }
            }
            patched.set(2, v);
            HostDevice.oracleKernel(s, patched, out);
        }, s -> Support.supported());
        assertEquals(CaseStatus.FAILED_NUMERICS, ConformanceRunner.check(wrong, "bad", spec, 5).status());
    }

    @Test
    void anOperatorThatWritesNothingFails() {
        HostDevice device = new HostDevice((spec, in, out) -> { }, s -> Support.supported());
        assertEquals(CaseStatus.FAILED_NUMERICS, ConformanceRunner.check(device, "none", PAGED, 5).status());
        assertEquals(CaseStatus.FAILED_NUMERICS, ConformanceRunner.check(device, "none", QUANT, 5).status());
    }

    @Test
    void aKernelThatIgnoresTheBlockTableFails() {
        // reads pages in order 0, 1, 2, ... instead of through the block table: wrong tokens, NaN pages
        HostDevice device = new HostDevice((spec, in, out) -> {
            List<dev.dayzero.tck.data.HostTensor> patched = new java.util.ArrayList<>(in);
            var table = dev.dayzero.tck.data.HostTensor.allocate(in.get(3).spec());
            int maxBlocks = ((AttentionSpec.PagedDecode) spec).maxBlocks();
            for (int b = 0; b < 2; b++) {
                for (int i = 0; i < maxBlocks; i++) {
                    table.setInt((long) b * maxBlocks + i, (b * maxBlocks + i) % ((AttentionSpec.PagedDecode) spec).numPages());
                }
            }
            patched.set(3, table);
            HostDevice.oracleKernel(spec, patched, out);
        }, s -> Support.supported());
        CaseResult r = ConformanceRunner.check(device, "bad", PAGED, 5);
        assertEquals(CaseStatus.FAILED_NUMERICS, r.status(), r.summary());
    }

    @Test
    void unsupportedAndAlternativeAnswers() {
        HostDevice none = new HostDevice(HostDevice::oracleKernel, s -> Support.unsupported("no FP8 here"));
        CaseResult u = ConformanceRunner.run(none, new ConformanceCase("u", QUANT, 1, ""));
        assertEquals(CaseStatus.UNSUPPORTED, u.status());
        assertEquals("no FP8 here", u.message());

        MoeGemmSpec fp8 = MoeGemmSpec.contiguous(MoeGemmSpec.Type.FP8_BLOCK, 128, 256, List.of(2, 3));
        HostDevice alt = new HostDevice(HostDevice::oracleKernel,
                s -> Support.alternative(((MoeGemmSpec) s).withType(MoeGemmSpec.Type.INT8_W8A8), "no FP8 GEMM"));
        CaseResult a = ConformanceRunner.run(alt, new ConformanceCase("a", fp8, 1, ""));
        assertEquals(CaseStatus.ALTERNATIVE_ONLY, a.status(), a.summary());
        assertEquals(MoeGemmSpec.Type.INT8_W8A8, ((MoeGemmSpec) a.ran().orElseThrow()).type());
    }

    @Test
    void aLaunchThatThrowsIsARuntimeError() {
        HostDevice device = new HostDevice((spec, in, out) -> {
            throw new IllegalStateException("kernel fault");
        }, s -> Support.supported());
        CaseResult r = ConformanceRunner.check(device, "boom", QUANT, 1);
        assertEquals(CaseStatus.RUNTIME_ERROR, r.status());
        assertTrue(r.message().contains("kernel fault"));
        assertEquals(0, device.allocatedBytes(), "the runner frees its buffers on failure");
    }

    @Test
    void largeSpecsAreSampledWithEveryRowOfSmallGroups() {
        MoeGemmSpec big = MoeGemmSpec.contiguous(MoeGemmSpec.Type.BF16, 7168, 2048, List.of(2000, 5, 600));
        int[] rows = RowSampler.select(big, 3);
        assertTrue(rows.length >= RowSampler.MIN_SAMPLE && rows.length < 400, "rows " + rows.length);
        long smallGroup = java.util.Arrays.stream(rows).filter(r -> r >= 2000 && r < 2005).count();
        assertEquals(5, smallGroup);
        assertEquals(java.util.Arrays.toString(rows), java.util.Arrays.toString(RowSampler.select(big, 3)));
    }
}
