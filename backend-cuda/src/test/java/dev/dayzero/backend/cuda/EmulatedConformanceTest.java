package dev.dayzero.backend.cuda;

import dev.dayzero.hal.DType;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import dev.dayzero.tck.ConformanceCase;
import dev.dayzero.tck.ConformanceKit;
import dev.dayzero.tck.StandardCases;
import java.util.ArrayList;
import java.util.List;

/**
 * The conformance kit on the CUDA emulator: backend-cuda's Java layer, bindings and the real kernel sources
 * (compiled for the host) against the oracle: every standard quantize case and cut-down ones for each quantize
 * kernel shape, and the INT8 W8A8 MoE fallback kernel. Correctness only. The other families have their own
 * emulated kits: {@code MoeGemmEmulatedConformanceTest} (BF16/FP8 tensor-core kernels),
 * {@code CublasLtEmulatedConformanceTest}, {@code AttentionEmulatedTest}, {@code MlaEmulatedConformanceTest}.
 */
class EmulatedConformanceTest extends ConformanceKit {
    private static final long SEED = 7_2026_11_23L;

    @Override
    protected Device openDevice() {
        return CudaEmulator.open(CudaConfig.MoeGemm.KERNEL);
    }

    @Override
    protected List<ConformanceCase> cases() {
        List<ConformanceCase> cases = new ArrayList<>(StandardCases.all().stream()
                .filter(c -> c.spec() instanceof QuantizeSpec).toList());
        // one-warp-per-unit kernels (_rows): a unit count that is not a multiple of 8, 2048-wide rows, INT8, F32
        cases.add(c("emu/quantize/rows-e4m3-group128-odd-units", new QuantizeSpec(13, 384, DType.BF16,
                DType.F8_E4M3FN, QuantizeSpec.perGroup(128), DType.F32)));
        cases.add(c("emu/quantize/rows-e5m2-per-token-2048-f32in", new QuantizeSpec(9, 2048, DType.F32,
                DType.F8_E5M2, QuantizeSpec.perToken(), DType.UE8M0)));
        cases.add(c("emu/quantize/rows-int8-group256", new QuantizeSpec(7, 768, DType.BF16, DType.I8,
                QuantizeSpec.perGroup(256), DType.F32)));
        // single-pass block-per-row kernels (_rowblock): 8192-wide F32 rows, a width not a multiple of 128
        cases.add(c("emu/quantize/rowblock-e4m3-per-token-8192-f32in", new QuantizeSpec(3, 8192, DType.F32,
                DType.F8_E4M3FN, QuantizeSpec.perToken(), DType.F32)));
        cases.add(c("emu/quantize/rowblock-int8-group1000", new QuantizeSpec(5, 3000, DType.BF16, DType.I8,
                QuantizeSpec.perGroup(1000), DType.UE8M0)));
        // per-tensor over a grid: a size not a multiple of 4 (scalar tail), F32 input, UE8M0
        cases.add(c("emu/quantize/tensor-e4m3-odd-size-ue8m0", new QuantizeSpec(131, 503, DType.F32,
                DType.F8_E4M3FN, QuantizeSpec.perTensor(), DType.UE8M0)));
        cases.add(c("emu/quantize/e4m3-block128-partial", new QuantizeSpec(200, 384, DType.F32, DType.F8_E4M3FN,
                QuantizeSpec.perBlock(128, 128), DType.UE8M0)));
        // the INT8 W8A8 MoE GEMM stays on the scalar fallback kernel; no other emulated kit covers it
        cases.add(c("emu/moe/int8-contiguous", MoeGemmSpec.contiguous(MoeGemmSpec.Type.INT8_W8A8, 96, 256,
                List.of(7, 0, 12))));
        return cases;
    }

    private static ConformanceCase c(String id, dev.dayzero.hal.op.OpSpec spec) {
        return new ConformanceCase(id, spec, SEED ^ id.hashCode(), "CUDA emulator, cut-down shape");
    }
}
