package dev.dayzero.backend.cuda.jna;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.dayzero.hal.Bf16;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Fp8;
import dev.dayzero.hal.NativeCallException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link CublasLtApi} against the gcc-built cuBLASLt test double ({@code src/test/native/fake_cublaslt.c}), with
 * host memory standing in for device memory (the double reads through the pointers): the row-major NT GEMM
 * expressed as cuBLASLt's TN gives {@code x · wᵀ} bit for bit; FP8 with 1x128 / 128x128 block scales in
 * cuBLASLt's layouts; and every documented refusal the operator relies on — a wrong layout, a wrong transpose, a
 * block-scaled n that is not a multiple of 4, a library before 12.9, a stale algorithm, a misaligned pointer, too
 * small a workspace — comes back as the documented status. Skips where gcc did not build the double.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CublasLtDoubleTest {
    /** The double's test hooks (same library instance as the binding: dlopen of one path). */
    interface Hooks extends Library {
        String dz_fake_cublaslt_last_error();

        void dz_fake_cublaslt_set_version(long version);

        long dz_fake_cublaslt_live_objects();

        long dz_fake_cublaslt_calls(String function);
    }

    private CublasLtApi api;
    private Hooks hooks;
    private long handle;
    private long liveBefore;
    private final List<Runnable> cleanups = new ArrayList<>();
    private final List<Memory> memory = new ArrayList<>();

    /** The double's path, or skip. */
    static String doublePath() {
        String path = System.getProperty("dayzero.cuda.cublasLtDouble");
        Assumptions.assumeTrue(path != null && Files.isRegularFile(Path.of(path)),
                "the cuBLASLt test double was not built (no gcc): " + path);
        return path;
    }

    @BeforeAll
    void load() {
        String path = doublePath();
        api = new CublasLtApi(Native.load(path, CublasLt.class), path);
        hooks = Native.load(path, Hooks.class);
    }

    @BeforeEach
    void open() {
        liveBefore = hooks.dz_fake_cublaslt_live_objects();
        handle = api.create();
        cleanups.add(() -> api.destroy(handle));
    }

    @AfterEach
    void close() {
        for (int i = cleanups.size() - 1; i >= 0; i--) {
            cleanups.get(i).run();
        }
        cleanups.clear();
        memory.forEach(Memory::close);
        memory.clear();
        hooks.dz_fake_cublaslt_set_version(0);
        assertEquals(liveBefore, hooks.dz_fake_cublaslt_live_objects(), "every descriptor destroyed");
    }

    @AfterAll
    void versionBack() {
        if (hooks != null) {
            hooks.dz_fake_cublaslt_set_version(0);
        }
    }

    /** 256-byte aligned host memory, zeroed; its address is the "device pointer". */
    private long alloc(long bytes) {
        Memory m = new Memory(bytes + 256);
        m.clear();
        memory.add(m);
        return Pointer.nativeValue(m.align(256));
    }

    private long layout(int type, long rows, long cols, long ld) {
        long l = api.layoutCreate(type, rows, cols, ld);
        cleanups.add(() -> api.layoutDestroy(l));
        return l;
    }

    private long desc(int transA, int transB) {
        long d = api.matmulDescCreate(CublasLt.CUBLAS_COMPUTE_32F, CublasLt.CUDA_R_32F);
        cleanups.add(() -> api.matmulDescDestroy(d));
        api.matmulDescSetInt(d, CublasLt.CUBLASLT_MATMUL_DESC_TRANSA, transA);
        api.matmulDescSetInt(d, CublasLt.CUBLASLT_MATMUL_DESC_TRANSB, transB);
        return d;
    }

    private long pref(long workspace, int align) {
        long p = api.preferenceCreate();
        cleanups.add(() -> api.preferenceDestroy(p));
        api.preferenceSetLong(p, CublasLt.CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, workspace);
        for (int attr = CublasLt.CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES; attr <= CublasLt.CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES; attr++) {
            api.preferenceSetInt(p, attr, align);
        }
        return p;
    }

    private CublasLtApi.Algorithm algorithm(long desc, long a, long b, long d, long pref) {
        CublasLtApi.Algorithm algo = api.heuristic(handle, desc, a, b, d, pref).orElseThrow(
                () -> new AssertionError("no algorithm: " + hooks.dz_fake_cublaslt_last_error()));
        cleanups.add(algo::close);
        return algo;
    }

    private static short[] bf16s(Random r, int n) {
        short[] v = new short[n];
        for (int i = 0; i < n; i++) {
            v[i] = Bf16.encode((float) r.nextGaussian());
        }
        return v;
    }

    private long upload(short[] v) {
        long p = alloc(2L * v.length);
        new Pointer(p).write(0, v, 0, v.length);
        return p;
    }

    private long upload(byte[] v) {
        long p = alloc(v.length);
        new Pointer(p).write(0, v, 0, v.length);
        return p;
    }

    private long upload(float[] v) {
        long p = alloc(4L * v.length);
        new Pointer(p).write(0, v, 0, v.length);
        return p;
    }

    /** A BF16 problem: out[M, N] = x[M, K] · w[N, K]ᵀ, all row-major. */
    private final class Bf16Gemm {
        final int m = 5;
        final int n = 24;
        final int k = 40;
        final short[] x;
        final short[] w;
        final long xp;
        final long wp;
        final long outp;

        Bf16Gemm(long seed) {
            Random r = new Random(seed);
            x = bf16s(r, m * k);
            w = bf16s(r, n * k);
            xp = upload(x);
            wp = upload(w);
            outp = alloc(2L * m * n);
        }

        short[] expected() {
            short[] out = new short[m * n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double acc = 0;
                    for (int kk = 0; kk < k; kk++) {
                        acc += (double) Bf16.decode(w[j * k + kk]) * Bf16.decode(x[i * k + kk]);
                    }
                    out[i * n + j] = Bf16.encode((float) acc);
                }
            }
            return out;
        }

        short[] result() {
            return new Pointer(outp).getShortArray(0, m * n);
        }
    }

    @Test
    void rowMajorNtGemmIsTheTnMatmulOfTheTransposes() {
        Bf16Gemm g = new Bf16Gemm(1);
        // A = w as stored: column-major K x N, ld K, transposed; B = x as stored: column-major K x M, ld K; D: N x M
        long desc = desc(CublasLt.CUBLAS_OP_T, CublasLt.CUBLAS_OP_N);
        long a = layout(CublasLt.CUDA_R_16BF, g.k, g.n, g.k);
        long b = layout(CublasLt.CUDA_R_16BF, g.k, g.m, g.k);
        long d = layout(CublasLt.CUDA_R_16BF, g.n, g.m, g.n);
        CublasLtApi.Algorithm algo = algorithm(desc, a, b, d, pref(1 << 20, 256));
        long ws = alloc(algo.workspaceBytes());
        long calls = hooks.dz_fake_cublaslt_calls("cublasLtMatmul");
        api.matmul(handle, desc, g.wp, a, g.xp, b, g.outp, d, algo, ws, algo.workspaceBytes(), 0);
        assertEquals(calls + 1, hooks.dz_fake_cublaslt_calls("cublasLtMatmul"));
        assertArrayEquals(g.expected(), g.result());
        assertTrue(algo.workspaceBytes() > 0, "the double asks for workspace when offered, so callers must pass it");
    }

    @Test
    void wrongLayoutsAndTransposesAreRejected() {
        Bf16Gemm g = new Bf16Gemm(2);
        long desc = desc(CublasLt.CUBLAS_OP_T, CublasLt.CUBLAS_OP_N);
        long a = layout(CublasLt.CUDA_R_16BF, g.k, g.n, g.k);
        long d = layout(CublasLt.CUDA_R_16BF, g.n, g.m, g.n);
        long pref = pref(0, 256);
        // a leading dimension shorter than the column (row-major x described with ld = K - 1)
        long shortLd = layout(CublasLt.CUDA_R_16BF, g.k, g.m, g.k - 1);
        NativeCallException e = assertThrows(NativeCallException.class,
                () -> api.heuristic(handle, desc, a, shortLd, d, pref));
        assertEquals("CUBLAS_STATUS_INVALID_VALUE", e.codeName());
        assertTrue(hooks.dz_fake_cublaslt_last_error().contains("ld"), hooks.dz_fake_cublaslt_last_error());
        // x described row-major as cuBLASLt would see it untransposed (M x K): op(B) is then M x K, not K x M
        long rowMajorX = layout(CublasLt.CUDA_R_16BF, g.m, g.k, g.m);
        e = assertThrows(NativeCallException.class, () -> api.heuristic(handle, desc, a, rowMajorX, d, pref));
        assertEquals("CUBLAS_STATUS_INVALID_VALUE", e.codeName());
        // forgetting TRANSA: op(A) = K x N, so k = N differs from op(B)'s K
        long nn = desc(CublasLt.CUBLAS_OP_N, CublasLt.CUBLAS_OP_N);
        long b = layout(CublasLt.CUDA_R_16BF, g.k, g.m, g.k);
        e = assertThrows(NativeCallException.class, () -> api.heuristic(handle, nn, a, b, d, pref));
        assertEquals("CUBLAS_STATUS_INVALID_VALUE", e.codeName());
        // the output described row-major (M x N) instead of its transpose
        long dRowMajor = layout(CublasLt.CUDA_R_16BF, g.m, g.n, g.n);
        e = assertThrows(NativeCallException.class, () -> api.heuristic(handle, desc, a, b, dRowMajor, pref));
        assertEquals("CUBLAS_STATUS_INVALID_VALUE", e.codeName());
        // an attribute payload of the wrong size
        e = assertThrows(NativeCallException.class,
                () -> api.matmulDescSetPointer(desc, CublasLt.CUBLASLT_MATMUL_DESC_TRANSA, CublasLt.CUBLAS_OP_T));
        assertEquals("CUBLAS_STATUS_INVALID_VALUE", e.codeName());
    }

    @Test
    void matmulChecksAlgorithmAlignmentAndWorkspace() {
        Bf16Gemm g = new Bf16Gemm(3);
        long desc = desc(CublasLt.CUBLAS_OP_T, CublasLt.CUBLAS_OP_N);
        long a = layout(CublasLt.CUDA_R_16BF, g.k, g.n, g.k);
        long b = layout(CublasLt.CUDA_R_16BF, g.k, g.m, g.k);
        long d = layout(CublasLt.CUDA_R_16BF, g.n, g.m, g.n);
        CublasLtApi.Algorithm algo = algorithm(desc, a, b, d, pref(1 << 20, 256));
        long ws = alloc(algo.workspaceBytes());
        // B one row further on: 80 bytes past a 256-byte boundary, but the heuristic was promised 256
        NativeCallException e = assertThrows(NativeCallException.class, () -> api.matmul(handle, desc, g.wp, a,
                g.xp + 2L * g.k, b, g.outp, d, algo, ws, algo.workspaceBytes(), 0));
        assertEquals("CUBLAS_STATUS_INVALID_VALUE", e.codeName());
        assertTrue(hooks.dz_fake_cublaslt_last_error().contains("aligned"), hooks.dz_fake_cublaslt_last_error());
        // too little workspace
        e = assertThrows(NativeCallException.class, () -> api.matmul(handle, desc, g.wp, a, g.xp, b, g.outp, d, algo,
                ws, algo.workspaceBytes() - 1, 0));
        assertEquals("CUBLAS_STATUS_INVALID_VALUE", e.codeName());
        // an algorithm chosen for another problem (n = 4 rows instead of 5)
        long b4 = layout(CublasLt.CUDA_R_16BF, g.k, 4, g.k);
        long d4 = layout(CublasLt.CUDA_R_16BF, g.n, 4, g.n);
        CublasLtApi.Algorithm other = algorithm(desc, a, b4, d4, pref(0, 256));
        e = assertThrows(NativeCallException.class, () -> api.matmul(handle, desc, g.wp, a, g.xp, b, g.outp, d, other,
                ws, algo.workspaceBytes(), 0));
        assertEquals("CUBLAS_STATUS_INVALID_VALUE", e.codeName());
        // with the alignment promised honestly (16 bytes), rows 1..4 of x (80 bytes in) are fine
        CublasLtApi.Algorithm relaxed = algorithm(desc, a, b4, d4, pref(0, 16));
        api.matmul(handle, desc, g.wp, a, g.xp + 2L * g.k, b4, g.outp, d4, relaxed, 0, 0, 0);
    }

    /** FP8 E4M3, N = 256 (2 weight blocks), K = 384 (3 K blocks, padded to 4 in the 128x128 layout). */
    private final class Fp8Gemm {
        final int n = 256;
        final int k = 384;
        final int kb = 3;
        final int l4 = 4;
        final int rows;
        final byte[] x;
        final byte[] w;
        final float[] xScale; // VEC128 layout: [kb][rows]
        final float[] wScale; // BLK128x128 layout: [n/128][l4]

        Fp8Gemm(long seed, int rows) {
            this.rows = rows;
            Random r = new Random(seed);
            x = new byte[rows * k];
            w = new byte[n * k];
            for (int i = 0; i < x.length; i++) {
                x[i] = Fp8.encode(DType.F8_E4M3FN, (float) r.nextGaussian() * 4);
            }
            for (int i = 0; i < w.length; i++) {
                w[i] = Fp8.encode(DType.F8_E4M3FN, (float) r.nextGaussian() * 4);
            }
            xScale = new float[kb * rows];
            for (int i = 0; i < xScale.length; i++) {
                xScale[i] = 0.01f + r.nextFloat();
            }
            wScale = new float[(n / 128) * l4];
            for (int i = 0; i < wScale.length; i++) {
                wScale[i] = i % l4 < kb ? 0.01f + r.nextFloat() : Float.NaN; // padding is never read
            }
        }

        short[] expected() {
            short[] out = new short[rows * n];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < n; j++) {
                    double acc = 0;
                    for (int kk = 0; kk < k; kk++) {
                        double wv = Fp8.decode(DType.F8_E4M3FN, w[j * k + kk]) * (double) wScale[j / 128 * l4 + kk / 128];
                        double xv = Fp8.decode(DType.F8_E4M3FN, x[i * k + kk]) * (double) xScale[kk / 128 * rows + i];
                        acc += wv * xv;
                    }
                    out[i * n + j] = Bf16.encode((float) acc);
                }
            }
            return out;
        }
    }

    private long fp8Desc(int transA, long aScale, long bScale) {
        long d = desc(transA, CublasLt.CUBLAS_OP_N);
        api.matmulDescSetInt(d, CublasLt.CUBLASLT_MATMUL_DESC_A_SCALE_MODE, CublasLt.CUBLASLT_MATMUL_MATRIX_SCALE_BLK128x128_32F);
        api.matmulDescSetInt(d, CublasLt.CUBLASLT_MATMUL_DESC_B_SCALE_MODE, CublasLt.CUBLASLT_MATMUL_MATRIX_SCALE_VEC128_32F);
        api.matmulDescSetPointer(d, CublasLt.CUBLASLT_MATMUL_DESC_A_SCALE_POINTER, aScale);
        api.matmulDescSetPointer(d, CublasLt.CUBLASLT_MATMUL_DESC_B_SCALE_POINTER, bScale);
        return d;
    }

    @Test
    void fp8BlockScaledMatmulUsesCublasScaleLayouts() {
        Fp8Gemm g = new Fp8Gemm(4, 8);
        long desc = fp8Desc(CublasLt.CUBLAS_OP_T, upload(g.wScale), upload(g.xScale));
        long a = layout(CublasLt.CUDA_R_8F_E4M3, g.k, g.n, g.k);
        long b = layout(CublasLt.CUDA_R_8F_E4M3, g.k, g.rows, g.k);
        long d = layout(CublasLt.CUDA_R_16BF, g.n, g.rows, g.n);
        CublasLtApi.Algorithm algo = algorithm(desc, a, b, d, pref(32 << 20, 256));
        long out = alloc(2L * g.rows * g.n);
        api.matmul(handle, desc, upload(g.w), a, upload(g.x), b, out, d, algo, alloc(algo.workspaceBytes()),
                algo.workspaceBytes(), 0);
        assertArrayEquals(g.expected(), new Pointer(out).getShortArray(0, g.rows * g.n));
    }

    @Test
    void fp8RefusalsFollowTheDocumentation() {
        Fp8Gemm g = new Fp8Gemm(5, 6);
        long a = layout(CublasLt.CUDA_R_8F_E4M3, g.k, g.n, g.k);
        long pref = pref(0, 256);
        long scales = alloc(4096);
        // n = 6 rows: block scaling needs m and n multiples of 4
        long b6 = layout(CublasLt.CUDA_R_8F_E4M3, g.k, 6, g.k);
        long d6 = layout(CublasLt.CUDA_R_16BF, g.n, 6, g.n);
        assertEquals(Optional.empty(), api.heuristic(handle, fp8Desc(CublasLt.CUBLAS_OP_T, scales, scales), a, b6, d6, pref)
                .map(x -> "algorithm"));
        assertTrue(hooks.dz_fake_cublaslt_last_error().contains("multiples of 4"), hooks.dz_fake_cublaslt_last_error());
        // not TN: FP8 on Hopper takes A transposed only
        long b8 = layout(CublasLt.CUDA_R_8F_E4M3, g.k, 8, g.k);
        long d8 = layout(CublasLt.CUDA_R_16BF, g.n, 8, g.n);
        long aN = layout(CublasLt.CUDA_R_8F_E4M3, g.n, g.k, g.n);
        assertEquals(Optional.empty(), api.heuristic(handle, fp8Desc(CublasLt.CUBLAS_OP_N, scales, scales), aN, b8, d8, pref)
                .map(x -> "algorithm"));
        // FP8 pointers only promised 8-byte alignment
        assertEquals(Optional.empty(), api.heuristic(handle, fp8Desc(CublasLt.CUBLAS_OP_T, scales, scales), a, b8, d8,
                pref(0, 8)).map(x -> "algorithm"));
        // a cuBLASLt before 12.9 has no VEC128 / BLK128x128 scale modes
        hooks.dz_fake_cublaslt_set_version(120804);
        assertEquals(120804, api.version());
        long old = desc(CublasLt.CUBLAS_OP_T, CublasLt.CUBLAS_OP_N);
        NativeCallException e = assertThrows(NativeCallException.class, () -> api.matmulDescSetInt(old,
                CublasLt.CUBLASLT_MATMUL_DESC_B_SCALE_MODE, CublasLt.CUBLASLT_MATMUL_MATRIX_SCALE_VEC128_32F));
        assertEquals("CUBLAS_STATUS_INVALID_VALUE", e.codeName());
        hooks.dz_fake_cublaslt_set_version(0);
        // a block-scaled matmul without its scale pointers
        long noScales = desc(CublasLt.CUBLAS_OP_T, CublasLt.CUBLAS_OP_N);
        api.matmulDescSetInt(noScales, CublasLt.CUBLASLT_MATMUL_DESC_A_SCALE_MODE, CublasLt.CUBLASLT_MATMUL_MATRIX_SCALE_BLK128x128_32F);
        api.matmulDescSetInt(noScales, CublasLt.CUBLASLT_MATMUL_DESC_B_SCALE_MODE, CublasLt.CUBLASLT_MATMUL_MATRIX_SCALE_VEC128_32F);
        CublasLtApi.Algorithm algo = algorithm(noScales, a, b8, d8, pref);
        e = assertThrows(NativeCallException.class, () -> api.matmul(handle, noScales, upload(g.w), a, alloc(8L * g.k),
                b8, alloc(2L * 8 * g.n), d8, algo, 0, 0, 0));
        assertEquals("CUBLAS_STATUS_INVALID_VALUE", e.codeName());
    }

    @Test
    void transformTransposesIntoALargerLeadingDimension() {
        int kb = 3;
        int rows = 5;
        int cols = 8;
        float[] src = new float[rows * kb]; // row-major [rows, kb] = column-major kb x rows, ld kb
        for (int i = 0; i < src.length; i++) {
            src[i] = i + 1;
        }
        long t = api.transformDescCreate(CublasLt.CUDA_R_32F);
        cleanups.add(() -> api.transformDescDestroy(t));
        api.transformDescSetInt(t, CublasLt.CUBLASLT_MATRIX_TRANSFORM_DESC_TRANSA, CublasLt.CUBLAS_OP_T);
        long a = layout(CublasLt.CUDA_R_32F, kb, rows, kb);
        long c = layout(CublasLt.CUDA_R_32F, rows, kb, cols);
        long dst = alloc(4L * kb * cols);
        api.transform(handle, t, upload(src), a, dst, c, 0);
        float[] got = new Pointer(dst).getFloatArray(0, kb * cols);
        for (int blk = 0; blk < kb; blk++) {
            for (int r = 0; r < cols; r++) {
                assertEquals(r < rows ? src[r * kb + blk] : 0f, got[blk * cols + r], "block " + blk + " row " + r);
            }
        }
        // a destination too small for op(A)
        long small = layout(CublasLt.CUDA_R_32F, rows, kb - 1, cols);
        NativeCallException e = assertThrows(NativeCallException.class,
                () -> api.transform(handle, t, upload(src), a, dst, small, 0));
        assertEquals("CUBLAS_STATUS_INVALID_VALUE", e.codeName());
    }

    @Test
    void destroyedOrForeignHandlesAreRefused() {
        long l = api.layoutCreate(CublasLt.CUDA_R_16BF, 4, 4, 4);
        api.layoutDestroy(l);
        assertThrows(NativeCallException.class, () -> api.layoutDestroy(l));
        assertThrows(NativeCallException.class, () -> api.matmulDescDestroy(handle));
    }
}
