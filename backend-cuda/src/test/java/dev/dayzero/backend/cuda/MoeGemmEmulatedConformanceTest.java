package dev.dayzero.backend.cuda;

import dev.dayzero.hal.Device;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.MoeGemmSpec.Type;
import dev.dayzero.tck.ConformanceCase;
import dev.dayzero.tck.ConformanceKit;
import dev.dayzero.tck.StandardCases;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.PreparedOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The MoE grouped GEMM's tensor-core kernels on the CUDA emulator against the oracle: both tile configurations
 * (128-row and 64-row tiles; the emulated device has 4 SMs, so {@code MoeGemmOp.rowTile} picks 128 when 128-row
 * tiles give at least 4 blocks and pad no more than 5/4 of 64-row tiles), both layouts and both types, with the
 * edges the kernels must handle: N not a multiple of 128 (odd N: the element-wise stores), K not a multiple of the
 * 32-wide K step (BF16), several 128-wide K blocks and a partial last weight-scale block (FP8), more than 32
 * experts (the expert search's lane runs), empty experts, and a masked batch with no valid row at all (one block
 * that does nothing; every output byte must stay as it was). Plus the standard decode cases that finish in
 * seconds here. Correctness only: the emulator says nothing about speed. Pinned to {@code dayzero.cuda.moeGemm=kernel}:
 * under {@code auto} the cuBLASLt test double beside the emulator would take BF16 and FP8.
 */
class MoeGemmEmulatedConformanceTest extends ConformanceKit {
    private static final long SEED = 0x6D6F6567656D6DL;
    /** Standard cases small enough for the emulator (a few hundred million multiply-adds at most). */
    private static final Set<String> STANDARD = Set.of("qwen3-235b-a22b/moe/down-bf16-masked",
            "deepseek-v3/moe/down-fp8-masked");

    /** The kernel each edge case must run on, so that the cases above cover every tile configuration. */
    private static final Map<String, String> KERNEL = Map.of(
            "bf16-m128-contiguous-partial-n", "dz_moe_gemm_bf16_m128",
            "bf16-m128-masked-odd-n-k40", "dz_moe_gemm_bf16_m128",
            "bf16-m64-contiguous-k48", "dz_moe_gemm_bf16_m64",
            "bf16-m64-70-experts", "dz_moe_gemm_bf16_m64",
            "fp8-m128-contiguous-3-kblocks", "dz_moe_gemm_fp8_block_m128",
            "fp8-m64-masked-odd-n", "dz_moe_gemm_fp8_block_m64",
            "fp8-m64-70-experts-masked", "dz_moe_gemm_fp8_block_m64");

    @Test
    void casesCoverEveryTensorCoreConfiguration() {
        try (Device d = CudaEmulator.open(CudaConfig.MoeGemm.KERNEL)) {
            for (ConformanceCase c : cases()) {
                String id = c.id().substring("emu/moe-gemm/".length());
                if (KERNEL.containsKey(id)) {
                    try (PreparedOp op = d.prepare(c.spec())) {
                        assertTrue(op.notes().get(0).contains("tensor-core kernel " + KERNEL.get(id) + " "),
                                id + ": " + op.notes());
                    }
                }
            }
        }
    }

    @Override
    protected Device openDevice() {
        return CudaEmulator.open(CudaConfig.MoeGemm.KERNEL);
    }

    @Override
    protected List<ConformanceCase> cases() {
        List<Integer> many = new ArrayList<>();
        for (int e = 0; e < 70; e++) {
            many.add(e * 37 % 11);
        }
        List<ConformanceCase> cases = new ArrayList<>(List.of(
                c("bf16-m128-contiguous-partial-n", MoeGemmSpec.contiguous(Type.BF16, 200, 96, List.of(128, 200, 0, 77))),
                c("bf16-m128-masked-odd-n-k40", MoeGemmSpec.masked(Type.BF16, 263, 40, 128, List.of(128, 0, 100))),
                c("bf16-m64-contiguous-k48", MoeGemmSpec.contiguous(Type.BF16, 136, 48, List.of(13, 0, 70, 6, 1))),
                c("bf16-m64-70-experts", MoeGemmSpec.contiguous(Type.BF16, 136, 64, many)),
                c("bf16-masked-no-valid-row", MoeGemmSpec.masked(Type.BF16, 130, 32, 8, List.of(0, 0))),
                c("fp8-m128-contiguous-3-kblocks", MoeGemmSpec.contiguous(Type.FP8_BLOCK, 300, 384,
                        List.of(128, 256, 5, 0))),
                c("fp8-m64-masked-odd-n", MoeGemmSpec.masked(Type.FP8_BLOCK, 129, 256, 16, List.of(16, 3, 0, 9))),
                c("fp8-m64-70-experts-masked", MoeGemmSpec.masked(Type.FP8_BLOCK, 136, 128, 12, many))));
        cases.addAll(StandardCases.all().stream().filter(c -> STANDARD.contains(c.id())).toList());
        return cases;
    }

    private static ConformanceCase c(String id, MoeGemmSpec spec) {
        return new ConformanceCase("emu/moe-gemm/" + id, spec, SEED ^ id.hashCode(), "tensor-core MoE GEMM edges");
    }
}
