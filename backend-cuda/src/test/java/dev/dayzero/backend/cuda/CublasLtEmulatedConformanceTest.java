package dev.dayzero.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.tck.ConformanceCase;
import dev.dayzero.tck.ConformanceKit;
import dev.dayzero.tck.StandardCases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;

/**
 * The conformance kit's MoE grouped GEMM on the cuBLASLt path ({@code dayzero.cuda.moeGemm=cublaslt}, set on
 * this test's provider rather than as a JVM-wide property): the CUDA emulator's driver with the cuBLASLt test
 * double beside it, which checks every argument as the cuBLAS docs say and computes on host memory. Cut-down
 * shapes exercise each planning branch (row counts that are and are not multiples of 4, K blocks padded to 4,
 * misaligned BF16 rows, empty experts); the standard BF16 and FP8 cases run at full size except the sampled
 * 763-row prefill (tens of GFLOP on one host core). INT8 runs on the kernel whatever the setting, so only the
 * small emulator case is here. Correctness of the Java layer and its cuBLASLt calls only.
 */
class CublasLtEmulatedConformanceTest extends ConformanceKit {
    private static final long SEED = 0x1c0b1a5L;

    interface Counters extends Library {
        long dz_fake_cublaslt_calls(String function);
    }

    private long matmulsBefore;

    @Override
    protected Device openDevice() {
        Path lt = CudaEmulator.DIR.resolve("libcublasLt.so.13");
        Assumptions.assumeTrue(Files.isRegularFile(lt), "the cuBLASLt test double was not built (no gcc): " + lt);
        matmulsBefore = counters().dz_fake_cublaslt_calls("cublasLtMatmul");
        return CudaEmulator.open(CudaConfig.MoeGemm.CUBLASLT);
    }

    private static Counters counters() {
        return Native.load(CudaEmulator.DIR.resolve("libcublasLt.so.13").toString(), Counters.class);
    }

    @AfterAll
    void everyMatmulWentThroughCublasLt() {
        assertTrue(counters().dz_fake_cublaslt_calls("cublasLtMatmul") > matmulsBefore,
                "the MoE cases ran cublasLtMatmul on the double");
    }

    @Override
    protected List<ConformanceCase> cases() {
        List<ConformanceCase> cases = new ArrayList<>();
        cases.add(c("emu-lt/moe/bf16-contiguous", MoeGemmSpec.contiguous(MoeGemmSpec.Type.BF16, 160, 256,
                List.of(13, 0, 21, 6))));
        cases.add(c("emu-lt/moe/bf16-masked", MoeGemmSpec.masked(MoeGemmSpec.Type.BF16, 144, 128, 24,
                List.of(5, 24, 0))));
        cases.add(c("emu-lt/moe/bf16-odd-k-unaligned-rows", MoeGemmSpec.contiguous(MoeGemmSpec.Type.BF16, 40, 100,
                List.of(13, 3, 3, 13))));
        cases.add(c("emu-lt/moe/bf16-all-empty-but-one", MoeGemmSpec.masked(MoeGemmSpec.Type.BF16, 64, 64, 8,
                List.of(0, 0, 1, 0))));
        cases.add(c("emu-lt/moe/fp8-contiguous", MoeGemmSpec.contiguous(MoeGemmSpec.Type.FP8_BLOCK, 192, 256,
                List.of(9, 0, 17))));
        cases.add(c("emu-lt/moe/fp8-masked-kblocks-padded", MoeGemmSpec.masked(MoeGemmSpec.Type.FP8_BLOCK, 256, 384, 16,
                List.of(16, 3, 0))));
        cases.add(c("emu-lt/moe/fp8-rows-multiple-of-4", MoeGemmSpec.contiguous(MoeGemmSpec.Type.FP8_BLOCK, 272, 640,
                List.of(8, 4, 0, 12))));
        cases.add(c("emu-lt/moe/int8-on-the-kernel", MoeGemmSpec.contiguous(MoeGemmSpec.Type.INT8_W8A8, 96, 256,
                List.of(7, 0, 12))));
        for (ConformanceCase c : StandardCases.all()) {
            if (c.spec() instanceof MoeGemmSpec g && g.validRows() < 256 && (g.type() == MoeGemmSpec.Type.BF16
                    || g.type() == MoeGemmSpec.Type.FP8_BLOCK && g.scaleType() == dev.dayzero.hal.DType.F32)) {
                cases.add(c);
            }
        }
        return cases;
    }

    private static ConformanceCase c(String id, OpSpec spec) {
        return new ConformanceCase(id, spec, SEED ^ id.hashCode(), "cuBLASLt test double on the CUDA emulator");
    }
}
