package dev.dayzero.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.DType;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.MoeGemmSpec.Type;
import dev.dayzero.tck.ConformanceCase;
import dev.dayzero.tck.ConformanceKit;
import dev.dayzero.tck.StandardCases;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * UE8M0 block scales and MXFP4 weights in the MoE tensor-core kernels, on the CUDA emulator against the oracle:
 * every new kernel in both tile configurations, odd N, several K blocks, masked and contiguous, plus the standard
 * decode cases that finish in seconds here. Under {@code auto} too (cuBLASLt refuses these formats, so the kernel
 * runs). Correctness only: the emulator says nothing about speed.
 */
class MxMoeEmulatedConformanceTest extends ConformanceKit {
    private static final long SEED = 0x6D78667034L;
    private static final Set<String> STANDARD = Set.of("deepseek-v4-flash/moe/down-mxfp4-fp8-masked",
            "deepseek-v3.2/moe/down-fp8-ue8m0-masked");

    private static final Map<String, String> KERNEL = Map.of(
            "mxfp4-fp8-m128-contiguous", "dz_moe_gemm_mxfp4_fp8_m128",
            "mxfp4-fp8-m64-masked-odd-n", "dz_moe_gemm_mxfp4_fp8_m64",
            "mxfp4-bf16-m128-contiguous", "dz_moe_gemm_mxfp4_bf16_m128",
            "mxfp4-bf16-m64-masked-k96", "dz_moe_gemm_mxfp4_bf16_m64",
            "fp8-ue8m0-m128-contiguous", "dz_moe_gemm_fp8_block_ue8m0_m128",
            "fp8-ue8m0-m64-masked-odd-n", "dz_moe_gemm_fp8_block_ue8m0_m64");

    @Test
    void casesCoverEveryNewKernel() {
        try (Device d = CudaEmulator.open()) {
            for (ConformanceCase c : cases()) {
                String id = c.id().substring("emu/mx-moe/".length());
                if (KERNEL.containsKey(id)) {
                    try (PreparedOp op = d.prepare(c.spec())) {
                        assertTrue(op.notes().get(0).contains("tensor-core kernel " + KERNEL.get(id) + " "),
                                id + ": " + op.notes());
                        assertTrue(String.join(" ", op.notes()).contains("cuBLASLt") || !op.notes().isEmpty());
                    }
                }
            }
        }
    }

    @Override
    protected Device openDevice() {
        return CudaEmulator.open();
    }

    @Override
    protected List<ConformanceCase> cases() {
        List<ConformanceCase> cases = new ArrayList<>(List.of(
                c("mxfp4-fp8-m128-contiguous", MoeGemmSpec.contiguous(Type.MXFP4_FP8, 200, 384, List.of(128, 200, 0, 7))),
                c("mxfp4-fp8-m64-masked-odd-n", MoeGemmSpec.masked(Type.MXFP4_FP8, 129, 256, 16, List.of(16, 3, 0, 9))),
                c("mxfp4-bf16-m128-contiguous", MoeGemmSpec.contiguous(Type.MXFP4_BF16, 136, 128, List.of(128, 256, 5))),
                c("mxfp4-bf16-m64-masked-k96", MoeGemmSpec.masked(Type.MXFP4_BF16, 131, 96, 12, List.of(12, 0, 5))),
                c("fp8-ue8m0-m128-contiguous", MoeGemmSpec.contiguous(Type.FP8_BLOCK, DType.UE8M0, 300, 384,
                        List.of(128, 256, 5, 0))),
                c("fp8-ue8m0-m64-masked-odd-n", MoeGemmSpec.masked(Type.FP8_BLOCK, DType.UE8M0, 129, 256, 16,
                        List.of(16, 3, 0, 9))),
                c("mxfp4-fp8-masked-no-valid-row", MoeGemmSpec.masked(Type.MXFP4_FP8, 130, 128, 8, List.of(0, 0)))));
        cases.addAll(StandardCases.all().stream().filter(c -> STANDARD.contains(c.id())).toList());
        return cases;
    }

    private static ConformanceCase c(String id, MoeGemmSpec spec) {
        return new ConformanceCase("emu/mx-moe/" + id, spec, SEED ^ id.hashCode(), "MXFP4 / UE8M0 MoE GEMM edges");
    }
}
