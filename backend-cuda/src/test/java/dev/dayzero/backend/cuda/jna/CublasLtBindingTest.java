package dev.dayzero.backend.cuda.jna;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * cuBLASLt constants and the heuristic-result layout against cuda.md §3.1-3.2 (the preference alignment and
 * transform-descriptor values as in cuBLASLt's {@code cublasLt.h}, enums unchanged from 11.x to 13.0). No GPU needed.
 */
class CublasLtBindingTest {
    static final Map<String, Integer> EXPECTED = Map.ofEntries(
            Map.entry("HEURISTIC_RESULT_BYTES", 96), Map.entry("HEURISTIC_RESULT_WORKSPACE_OFFSET", 64),
            Map.entry("HEURISTIC_RESULT_STATE_OFFSET", 72),
            Map.entry("CUBLAS_STATUS_SUCCESS", 0), Map.entry("CUBLAS_STATUS_NOT_INITIALIZED", 1),
            Map.entry("CUBLAS_STATUS_ALLOC_FAILED", 3), Map.entry("CUBLAS_STATUS_INVALID_VALUE", 7),
            Map.entry("CUBLAS_STATUS_ARCH_MISMATCH", 8), Map.entry("CUBLAS_STATUS_MAPPING_ERROR", 11),
            Map.entry("CUBLAS_STATUS_EXECUTION_FAILED", 13), Map.entry("CUBLAS_STATUS_INTERNAL_ERROR", 14),
            Map.entry("CUBLAS_STATUS_NOT_SUPPORTED", 15), Map.entry("CUBLAS_STATUS_LICENSE_ERROR", 16),
            Map.entry("CUDA_R_32F", 0), Map.entry("CUDA_R_64F", 1), Map.entry("CUDA_R_16F", 2), Map.entry("CUDA_R_8I", 3),
            Map.entry("CUDA_R_32I", 10), Map.entry("CUDA_R_16BF", 14), Map.entry("CUDA_R_8F_E4M3", 28),
            Map.entry("CUDA_R_8F_E5M2", 29), Map.entry("CUDA_R_8F_UE8M0", 30),
            Map.entry("CUBLAS_COMPUTE_16F", 64), Map.entry("CUBLAS_COMPUTE_32F", 68), Map.entry("CUBLAS_COMPUTE_32F_PEDANTIC", 69),
            Map.entry("CUBLAS_COMPUTE_64F", 70), Map.entry("CUBLAS_COMPUTE_32I", 72), Map.entry("CUBLAS_COMPUTE_32F_FAST_16F", 74),
            Map.entry("CUBLAS_COMPUTE_32F_FAST_16BF", 75), Map.entry("CUBLAS_COMPUTE_32F_FAST_TF32", 77),
            Map.entry("CUBLAS_OP_N", 0), Map.entry("CUBLAS_OP_T", 1), Map.entry("CUBLAS_OP_C", 2),
            Map.entry("CUBLASLT_MATMUL_DESC_COMPUTE_TYPE", 0), Map.entry("CUBLASLT_MATMUL_DESC_SCALE_TYPE", 1),
            Map.entry("CUBLASLT_MATMUL_DESC_POINTER_MODE", 2), Map.entry("CUBLASLT_MATMUL_DESC_TRANSA", 3),
            Map.entry("CUBLASLT_MATMUL_DESC_TRANSB", 4), Map.entry("CUBLASLT_MATMUL_DESC_TRANSC", 5),
            Map.entry("CUBLASLT_MATMUL_DESC_EPILOGUE", 7), Map.entry("CUBLASLT_MATMUL_DESC_A_SCALE_POINTER", 17),
            Map.entry("CUBLASLT_MATMUL_DESC_B_SCALE_POINTER", 18), Map.entry("CUBLASLT_MATMUL_DESC_C_SCALE_POINTER", 19),
            Map.entry("CUBLASLT_MATMUL_DESC_D_SCALE_POINTER", 20), Map.entry("CUBLASLT_MATMUL_DESC_AMAX_D_POINTER", 21),
            Map.entry("CUBLASLT_MATMUL_DESC_FAST_ACCUM", 25), Map.entry("CUBLASLT_MATMUL_DESC_A_SCALE_MODE", 31),
            Map.entry("CUBLASLT_MATMUL_DESC_B_SCALE_MODE", 32),
            Map.entry("CUBLASLT_MATMUL_MATRIX_SCALE_SCALAR_32F", 0), Map.entry("CUBLASLT_MATMUL_MATRIX_SCALE_VEC16_UE4M3", 1),
            Map.entry("CUBLASLT_MATMUL_MATRIX_SCALE_VEC32_UE8M0", 2), Map.entry("CUBLASLT_MATMUL_MATRIX_SCALE_OUTER_VEC_32F", 3),
            Map.entry("CUBLASLT_MATMUL_MATRIX_SCALE_VEC128_32F", 4), Map.entry("CUBLASLT_MATMUL_MATRIX_SCALE_BLK128x128_32F", 5),
            Map.entry("CUBLASLT_MATRIX_LAYOUT_TYPE", 0), Map.entry("CUBLASLT_MATRIX_LAYOUT_ORDER", 1),
            Map.entry("CUBLASLT_MATRIX_LAYOUT_ROWS", 2), Map.entry("CUBLASLT_MATRIX_LAYOUT_COLS", 3),
            Map.entry("CUBLASLT_MATRIX_LAYOUT_LD", 4), Map.entry("CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT", 5),
            Map.entry("CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET", 6), Map.entry("CUBLASLT_ORDER_COL", 0),
            Map.entry("CUBLASLT_ORDER_ROW", 1), Map.entry("CUBLASLT_MATMUL_PREF_SEARCH_MODE", 0),
            Map.entry("CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES", 1),
            Map.entry("CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES", 5), Map.entry("CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES", 6),
            Map.entry("CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES", 7), Map.entry("CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES", 8),
            Map.entry("CUBLASLT_MATRIX_TRANSFORM_DESC_SCALE_TYPE", 0), Map.entry("CUBLASLT_MATRIX_TRANSFORM_DESC_POINTER_MODE", 1),
            Map.entry("CUBLASLT_MATRIX_TRANSFORM_DESC_TRANSA", 2), Map.entry("CUBLASLT_MATRIX_TRANSFORM_DESC_TRANSB", 3),
            Map.entry("VERSION_BLOCK_SCALING", 120900));

    static final Set<String> SYMBOLS = Set.of("cublasLtGetVersion", "cublasLtGetStatusString", "cublasLtCreate",
            "cublasLtDestroy", "cublasLtMatmulDescCreate", "cublasLtMatmulDescSetAttribute", "cublasLtMatmulDescDestroy",
            "cublasLtMatrixLayoutCreate", "cublasLtMatrixLayoutSetAttribute", "cublasLtMatrixLayoutDestroy",
            "cublasLtMatmulPreferenceCreate", "cublasLtMatmulPreferenceSetAttribute", "cublasLtMatmulPreferenceDestroy",
            "cublasLtMatmulAlgoGetHeuristic", "cublasLtMatmul", "cublasLtMatrixTransformDescCreate",
            "cublasLtMatrixTransformDescSetAttribute", "cublasLtMatrixTransformDescDestroy", "cublasLtMatrixTransform");

    @Test
    void everyConstantHasCudaMdValue() throws IllegalAccessException {
        Set<String> declared = new TreeSet<>();
        for (Field f : CublasLt.class.getDeclaredFields()) {
            declared.add(f.getName());
            assertTrue(EXPECTED.containsKey(f.getName()), "constant " + f.getName() + " has no expected value in this test");
            assertEquals(EXPECTED.get(f.getName()), f.getInt(null), f.getName());
        }
        assertEquals(new TreeSet<>(EXPECTED.keySet()), declared);
    }

    @Test
    void heuristicResultLayoutIsConsistent() {
        // algo is uint64[8] at 0, so workspaceSize follows it at 64; state (int) after the 8-byte size; int[4] reserved ends at 96
        assertEquals(8 * 8, CublasLt.HEURISTIC_RESULT_WORKSPACE_OFFSET);
        assertEquals(CublasLt.HEURISTIC_RESULT_WORKSPACE_OFFSET + 8, CublasLt.HEURISTIC_RESULT_STATE_OFFSET);
        assertEquals(CublasLt.HEURISTIC_RESULT_STATE_OFFSET + 4 + 4 + 4 * 4, CublasLt.HEURISTIC_RESULT_BYTES);
    }

    @Test
    void methodsAreTheCNames() {
        Set<String> methods = new TreeSet<>();
        for (java.lang.reflect.Method m : CublasLt.class.getDeclaredMethods()) {
            methods.add(m.getName());
        }
        assertEquals(new TreeSet<>(SYMBOLS), methods);
    }
}
