package dev.dayzero.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.Support;
import dev.dayzero.hal.op.GemmSpec;
import dev.dayzero.hal.op.GemmSpec.Type;
import dev.dayzero.tck.ConformanceCase;
import dev.dayzero.tck.ConformanceKit;
import dev.dayzero.tck.StandardCases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The dense GEMM ({@code DenseGemmOp}: one MoE expert per batch entry) on the CUDA emulator against the oracle, on
 * both paths: the tensor-core and INT8 kernels ({@code dayzero.cuda.moeGemm=kernel}) and the cuBLASLt test double
 * ({@code cublaslt}). Cut-down shapes with the edges (one row, rows not a multiple of 4 for cuBLASLt's block
 * scaling, many batch entries, partial N blocks, K blocks padded to 4), plus the standard cases small enough for
 * the emulator. UE8M0 scales run natively on the UE8M0 kernel (cuBLASLt's 1x128 / 128x128 modes take F32 scales),
 * whichever path is asked for.
 * Correctness of the Java layer, the kernels and the cuBLASLt calls only; nothing here is a speed.
 */
class DenseGemmEmulatedConformanceTest {
    private static final long SEED = 0x64656e7365L;
    /** Standard dense cases small enough for the emulator (about 100 MFLOP at most). */
    private static final Set<String> STANDARD = Set.of("deepseek-v3/gemm/q-a-fp8-decode-1",
            "deepseek-v3/gemm/mla-absorb-uv-fp8-decode", "glm-4.5/gemm/dense-down-int8-decode-1",
            "gemm/fp8-odd-n-batched");

    static List<ConformanceCase> cases() {
        List<ConformanceCase> cases = new ArrayList<>(List.of(
                c("bf16-one-row", GemmSpec.of(Type.BF16, 1, 200, 256)),
                c("bf16-batched-16-entries", GemmSpec.batched(Type.BF16, 16, 3, 64, 128)),
                c("bf16-rows-70-partial-n", GemmSpec.of(Type.BF16, 70, 136, 96)),
                c("fp8-f32-rows-5-kblocks-3", GemmSpec.fp8Block(DType.F32, 1, 5, 256, 384)),
                c("fp8-f32-batched-rows-8", GemmSpec.fp8Block(DType.F32, 4, 8, 128, 256)),
                c("fp8-ue8m0-batched", GemmSpec.fp8Block(DType.UE8M0, 2, 3, 144, 256)),
                c("int8-batched", GemmSpec.batched(Type.INT8_W8A8, 3, 7, 96, 256))));
        cases.addAll(StandardCases.denseGemm().stream().filter(c -> STANDARD.contains(c.id())).toList());
        return cases;
    }

    private static ConformanceCase c(String id, GemmSpec spec) {
        return new ConformanceCase("emu/gemm/" + id, spec, SEED ^ id.hashCode(), "dense GEMM on the CUDA emulator");
    }

    @Test
    void ue8m0RunsNativelyOnTheKernel() {
        try (Device d = CudaEmulator.open(CudaConfig.MoeGemm.AUTO)) {
            GemmSpec ue = GemmSpec.fp8Block(DType.UE8M0, 1, 4, 128, 128);
            assertTrue(d.supports(ue).isSupported(), d.supports(ue).toString());
            try (PreparedOp op = d.prepare(ue)) {
                assertTrue(op.notes().toString().contains("UE8M0"), op.notes().toString());
            }
            try (PreparedOp op = d.prepare(GemmSpec.batched(Type.BF16, 2, 4, 128, 128))) {
                assertTrue(op.notes().get(0).contains("2 expert(s) of 4 rows"), op.notes().toString());
            }
        }
    }

    /** The tensor-core and INT8 kernels. */
    @Nested
    class OnTheKernel extends ConformanceKit {
        @Override
        protected Device openDevice() {
            return CudaEmulator.open(CudaConfig.MoeGemm.KERNEL);
        }

        @Override
        protected List<ConformanceCase> cases() {
            return DenseGemmEmulatedConformanceTest.cases();
        }
    }

    /** The cuBLASLt test double (INT8 stays on the kernel whatever the setting). */
    @Nested
    class OnCublasLt extends ConformanceKit {
        private long matmulsBefore;

        interface Counters extends Library {
            long dz_fake_cublaslt_calls(String function);
        }

        private Counters counters() {
            return Native.load(CudaEmulator.DIR.resolve("libcublasLt.so.13").toString(), Counters.class);
        }

        @Override
        protected Device openDevice() {
            Path lt = CudaEmulator.DIR.resolve("libcublasLt.so.13");
            Assumptions.assumeTrue(Files.isRegularFile(lt), "the cuBLASLt test double was not built (no gcc): " + lt);
            matmulsBefore = counters().dz_fake_cublaslt_calls("cublasLtMatmul");
            return CudaEmulator.open(CudaConfig.MoeGemm.CUBLASLT);
        }

        @Override
        protected List<ConformanceCase> cases() {
            return DenseGemmEmulatedConformanceTest.cases();
        }

        @AfterAll
        void everyFloatGemmWentThroughCublasLt() {
            assertTrue(counters().dz_fake_cublaslt_calls("cublasLtMatmul") > matmulsBefore,
                    "the BF16 and FP8 dense cases ran cublasLtMatmul on the double");
        }
    }
}
