package dev.dayzero.backend.cuda.jna;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.util.Optional;

/**
 * The cuBLASLt calls the backend makes, each checked through {@link CudaErrors#check(CublasLt, int, String)}:
 * typed {@code long} handles, descriptors and device addresses in and out, so that nothing outside this package
 * sees a JNA {@link Pointer}. Attribute payloads go through a fresh native scratch (descriptor set-up, never on a
 * launch path); {@link #matmul} and {@link #transform} pass the constant host scalars {@code alpha = 1},
 * {@code beta = 0} from one block allocated here, so an enqueue allocates nothing native.
 */
public final class CublasLtApi {
    private final CublasLt lt;
    private final String origin;
    /** float alpha = 1 at 0, float beta = 0 at 4: host pointer mode, read by every matmul and transform. */
    private final Memory scalars = new Memory(8);

    /** Wraps a loaded cuBLASLt binding; {@code origin} is the file it came from (for messages). */
    public CublasLtApi(CublasLt lt, String origin) {
        this.lt = lt;
        this.origin = origin;
        scalars.setFloat(0, 1.0f);
        scalars.setFloat(4, 0.0f);
    }

    /** The file (or loader name) the library came from. */
    public String origin() {
        return origin;
    }

    /** {@code cublasLtGetVersion()}: {@code major*10000 + minor*100 + patch} (120901 = 12.9.1). */
    public long version() {
        return lt.cublasLtGetVersion();
    }

    /** {@code 120901} as {@code "12.9.1"}. */
    public static String versionText(long version) {
        return (version / 10000) + "." + (version / 100 % 100) + "." + (version % 100);
    }

    /** Whether {@code version} has the 1x128 ({@code VEC128_32F}) and 128x128 ({@code BLK128x128_32F}) scale modes. */
    public static boolean hasBlockScaling(long version) {
        return version >= CublasLt.VERSION_BLOCK_SCALING;
    }

    /** A new library handle ({@code cublasLtCreate}). */
    public long create() {
        long[] h = new long[1];
        check(lt.cublasLtCreate(h), "cublasLtCreate");
        return h[0];
    }

    /** Destroys a handle. */
    public void destroy(long handle) {
        check(lt.cublasLtDestroy(handle), "cublasLtDestroy");
    }

    /** A matmul descriptor for {@code computeType} ({@code cublasComputeType_t}) and {@code scaleType}. */
    public long matmulDescCreate(int computeType, int scaleType) {
        long[] d = new long[1];
        check(lt.cublasLtMatmulDescCreate(d, computeType, scaleType), "cublasLtMatmulDescCreate");
        return d[0];
    }

    /** Sets an int32 attribute (transposes, scale modes, ...). */
    public void matmulDescSetInt(long desc, int attribute, int value) {
        try (Memory m = new Memory(4)) {
            m.setInt(0, value);
            check(lt.cublasLtMatmulDescSetAttribute(desc, attribute, m, 4), "cublasLtMatmulDescSetAttribute(" + attribute + ")");
        }
    }

    /** Sets a device-pointer attribute (the scale pointers): the payload is the 8-byte address itself. */
    public void matmulDescSetPointer(long desc, int attribute, long address) {
        try (Memory m = new Memory(8)) {
            m.setLong(0, address);
            check(lt.cublasLtMatmulDescSetAttribute(desc, attribute, m, 8), "cublasLtMatmulDescSetAttribute(" + attribute + ")");
        }
    }

    /** Destroys a matmul descriptor. */
    public void matmulDescDestroy(long desc) {
        check(lt.cublasLtMatmulDescDestroy(desc), "cublasLtMatmulDescDestroy");
    }

    /** A column-major layout of {@code rows x cols} elements of {@code type}, leading dimension {@code ld}. */
    public long layoutCreate(int type, long rows, long cols, long ld) {
        long[] l = new long[1];
        check(lt.cublasLtMatrixLayoutCreate(l, type, rows, cols, ld), "cublasLtMatrixLayoutCreate(" + type + ", "
                + rows + " x " + cols + ", ld " + ld + ")");
        return l[0];
    }

    /** Destroys a layout. */
    /** Sets a 4-byte layout attribute ({@code CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT}, say). */
    public void layoutSetInt(long layout, int attribute, int value) {
        try (Memory m = new Memory(4)) {
            m.setInt(0, value);
            check(lt.cublasLtMatrixLayoutSetAttribute(layout, attribute, m, 4), "cublasLtMatrixLayoutSetAttribute");
        }
    }

    /** Sets an 8-byte layout attribute ({@code CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET}, in elements). */
    public void layoutSetLong(long layout, int attribute, long value) {
        try (Memory m = new Memory(8)) {
            m.setLong(0, value);
            check(lt.cublasLtMatrixLayoutSetAttribute(layout, attribute, m, 8), "cublasLtMatrixLayoutSetAttribute");
        }
    }

    public void layoutDestroy(long layout) {
        check(lt.cublasLtMatrixLayoutDestroy(layout), "cublasLtMatrixLayoutDestroy");
    }

    /** A heuristic preference. */
    public long preferenceCreate() {
        long[] p = new long[1];
        check(lt.cublasLtMatmulPreferenceCreate(p), "cublasLtMatmulPreferenceCreate");
        return p[0];
    }

    /** Sets a uint64 preference ({@code MAX_WORKSPACE_BYTES}). */
    public void preferenceSetLong(long preference, int attribute, long value) {
        try (Memory m = new Memory(8)) {
            m.setLong(0, value);
            check(lt.cublasLtMatmulPreferenceSetAttribute(preference, attribute, m, 8),
                    "cublasLtMatmulPreferenceSetAttribute(" + attribute + ")");
        }
    }

    /** Sets a uint32 preference ({@code MIN_ALIGNMENT_*_BYTES}). */
    public void preferenceSetInt(long preference, int attribute, int value) {
        try (Memory m = new Memory(4)) {
            m.setInt(0, value);
            check(lt.cublasLtMatmulPreferenceSetAttribute(preference, attribute, m, 4),
                    "cublasLtMatmulPreferenceSetAttribute(" + attribute + ")");
        }
    }

    /** Destroys a preference. */
    public void preferenceDestroy(long preference) {
        check(lt.cublasLtMatmulPreferenceDestroy(preference), "cublasLtMatmulPreferenceDestroy");
    }

    /**
     * The heuristic's best algorithm for the problem (C and D share {@code dDesc}), or empty when the library
     * has none ({@code CUBLAS_STATUS_NOT_SUPPORTED} or zero results); any other failure throws.
     */
    public Optional<Algorithm> heuristic(long handle, long desc, long aDesc, long bDesc, long dDesc, long preference) {
        Memory result = new Memory(CublasLt.HEURISTIC_RESULT_BYTES);
        result.clear();
        int[] count = new int[1];
        int rc = lt.cublasLtMatmulAlgoGetHeuristic(handle, desc, aDesc, bDesc, dDesc, dDesc, preference, 1, result, count);
        if (rc == CublasLt.CUBLAS_STATUS_NOT_SUPPORTED || (rc == CublasLt.CUBLAS_STATUS_SUCCESS && count[0] < 1)) {
            result.close();
            return Optional.empty();
        }
        if (rc != CublasLt.CUBLAS_STATUS_SUCCESS) {
            result.close();
            check(rc, "cublasLtMatmulAlgoGetHeuristic");
        }
        return Optional.of(new Algorithm(result));
    }

    /**
     * {@code D = 1 * op(A) op(B) + 0 * C} with {@code C = D} (same pointer, same layout), on {@code stream}; the
     * scale pointers and transposes are the descriptor's.
     */
    public void matmul(long handle, long desc, long a, long aDesc, long b, long bDesc, long d, long dDesc,
                       Algorithm algorithm, long workspace, long workspaceBytes, long stream) {
        check(lt.cublasLtMatmul(handle, desc, scalars, a, aDesc, b, bDesc, scalars.share(4), d, dDesc, d, dDesc,
                algorithm.result, workspace, workspaceBytes, stream), "cublasLtMatmul");
    }

    /** A matrix-transform descriptor computing in {@code scaleType}. */
    public long transformDescCreate(int scaleType) {
        long[] d = new long[1];
        check(lt.cublasLtMatrixTransformDescCreate(d, scaleType), "cublasLtMatrixTransformDescCreate");
        return d[0];
    }

    /** Sets an int32 transform attribute ({@code TRANSA}, ...). */
    public void transformDescSetInt(long desc, int attribute, int value) {
        try (Memory m = new Memory(4)) {
            m.setInt(0, value);
            check(lt.cublasLtMatrixTransformDescSetAttribute(desc, attribute, m, 4),
                    "cublasLtMatrixTransformDescSetAttribute(" + attribute + ")");
        }
    }

    /** Destroys a transform descriptor. */
    public void transformDescDestroy(long desc) {
        check(lt.cublasLtMatrixTransformDescDestroy(desc), "cublasLtMatrixTransformDescDestroy");
    }

    /** {@code C = op(A)} (alpha 1, beta 0, no B) on {@code stream}. */
    public void transform(long handle, long desc, long a, long aDesc, long c, long cDesc, long stream) {
        check(lt.cublasLtMatrixTransform(handle, desc, scalars, a, aDesc, scalars.share(4), 0L, 0L, c, cDesc, stream),
                "cublasLtMatrixTransform");
    }

    private void check(int status, String function) {
        CudaErrors.check(lt, status, function);
    }

    /**
     * One heuristic result ({@code cublasLtMatmulHeuristicResult_t}, 96 bytes of native memory whose first 64
     * are the {@code cublasLtMatmulAlgo_t} passed to {@link #matmul}); close frees it.
     */
    public static final class Algorithm implements AutoCloseable {
        private final Memory result;

        private Algorithm(Memory result) {
            this.result = result;
        }

        /** The workspace the algorithm needs, in bytes. */
        public long workspaceBytes() {
            return result.getLong(CublasLt.HEURISTIC_RESULT_WORKSPACE_OFFSET);
        }

        @Override
        public void close() {
            result.close();
        }
    }
}
