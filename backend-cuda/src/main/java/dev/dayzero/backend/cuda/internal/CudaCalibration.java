package dev.dayzero.backend.cuda.internal;

import dev.dayzero.backend.cuda.jna.CublasLt;
import dev.dayzero.backend.cuda.jna.CublasLtApi;
import dev.dayzero.hal.Calibration;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.Event;
import dev.dayzero.hal.HalException;
import dev.dayzero.hal.NativeHandle;
import dev.dayzero.hal.RoofMeter;
import dev.dayzero.hal.Stream;
import dev.dayzero.hal.op.GemmSpec;
import dev.dayzero.hal.op.TensorSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A GPU's roofs.
 *
 * <ul>
 *   <li><b>Bandwidth</b>: {@code cuMemcpyDtoDAsync_v2} of a 1 GiB buffer into another (far beyond any L2; scaled
 *       by effort, at most a quarter of the free memory each) on a non-blocking stream, each copy between two
 *       CUDA events; STREAM counts 2 × bytes per copy; the best of 20 copies after a warm-up
 *       ({@link RoofMeter#copy}).</li>
 *   <li><b>Peaks</b>, where cuBLASLt is loaded: one {@code cublasLtMatmul} of a square 8192³ problem (edge scaled
 *       by ∛effort) per launch, TN, the heuristic's first algorithm with up to 32 MiB of workspace (4 MiB before
 *       Hopper), random operands, 10 launches between two events, best of 5 after a warm-up: FP32
 *       ({@code CUBLAS_COMPUTE_32F}, CUDA cores), TF32 ({@code CUBLAS_COMPUTE_32F_FAST_TF32}), BF16 (BF16 out) and
 *       FP8 E4M3 (BF16 out) with the plain per-tensor scalar scale ({@code SCALAR_32F}, scale pointers unset,
 *       so 1) — what a peak needs, not the 1x128 / 128x128 block modes the MoE GEMM uses. A precision the
 *       library has no algorithm for is left out with a {@link #notes() note}.</li>
 *   <li>Without cuBLASLt: BF16 and FP8 (1x128 / 128x128 block scales) on the backend's own tensor-core kernels
 *       ({@code moe_gemm.cu}) through its dense GEMM operator ({@link RoofMeter#gemm}), and the method says so.</li>
 * </ul>
 * INT8 is not measured: the backend's INT8 GEMM is a scalar fallback kernel, not the chip's INT8 peak, and its
 * cuBLASLt binding has no INT8 matmul. {@link CudaDevice#calibration()} hands this out for real GPUs only; tests
 * construct it on the emulator to check the calls and the frees, never a speed.
 */
final class CudaCalibration implements Calibration {
    /** Full-effort sizes: the ones every accelerator calibration uses ({@link RoofMeter}). */
    static final long COPY_BYTES = RoofMeter.COPY_BYTES;
    static final int COPY_REPS = RoofMeter.COPY_REPS;
    static final int GEMM_EDGE = RoofMeter.GEMM_EDGE;
    static final int GEMM_LAUNCHES = RoofMeter.GEMM_LAUNCHES;
    static final int GEMM_REPS = RoofMeter.GEMM_REPS;

    /** A cuBLASLt problem type: A and B element type, D type, compute type. */
    record Precision(String key, int abType, DType abDType, int dType, DType dDType, int computeType, String label) {
    }

    /** What cuBLASLt is asked for, in order. */
    static final List<Precision> CUBLASLT_PRECISIONS = List.of(
            new Precision("f32", CublasLt.CUDA_R_32F, DType.F32, CublasLt.CUDA_R_32F, DType.F32,
                    CublasLt.CUBLAS_COMPUTE_32F, "FP32 in and out, CUBLAS_COMPUTE_32F (no tensor cores)"),
            new Precision("tf32", CublasLt.CUDA_R_32F, DType.F32, CublasLt.CUDA_R_32F, DType.F32,
                    CublasLt.CUBLAS_COMPUTE_32F_FAST_TF32, "FP32 in and out, CUBLAS_COMPUTE_32F_FAST_TF32"),
            new Precision("bf16", CublasLt.CUDA_R_16BF, DType.BF16, CublasLt.CUDA_R_16BF, DType.BF16,
                    CublasLt.CUBLAS_COMPUTE_32F, "BF16 in and out, CUBLAS_COMPUTE_32F"),
            new Precision("fp8", CublasLt.CUDA_R_8F_E4M3, DType.F8_E4M3FN, CublasLt.CUDA_R_16BF, DType.BF16,
                    CublasLt.CUBLAS_COMPUTE_32F, "FP8 E4M3 in with per-tensor scalar scales (SCALAR_32F, unset: 1),"
                    + " BF16 out, CUBLAS_COMPUTE_32F"));

    private final CudaDevice device;
    private final List<String> notes = new ArrayList<>();

    CudaCalibration(CudaDevice device) {
        this.device = device;
    }

    /** Why precisions of the last {@link #measure} were left out (one sentence each). */
    @Override
    public List<String> notes() {
        return List.copyOf(notes);
    }

    @Override
    public Roofs measure(double effort) {
        RoofMeter.checkEffort(effort);
        notes.clear();
        device.enter();
        long free = device.api().memoryInfo()[0];
        long bytes = RoofMeter.copyBytes(COPY_BYTES, effort, free);
        Figure bandwidth = RoofMeter.copy(device, bytes, RoofMeter.count(COPY_REPS, effort, 3),
                "cuMemcpyDtoDAsync_v2 on a non-blocking stream timed by CUDA events").figure();
        int launches = RoofMeter.count(GEMM_LAUNCHES, effort, 2);
        int reps = RoofMeter.count(GEMM_REPS, effort, 2);
        Map<String, Figure> peaks = new LinkedHashMap<>();
        CublasLtContext lt = device.cublasLt();
        if (lt != null) {
            for (Precision p : CUBLASLT_PRECISIONS) {
                int n = fit(RoofMeter.gemmEdge(GEMM_EDGE, effort, 128, 256), 2 * elementBytes(p.abDType())
                        + elementBytes(p.dDType()), free);
                try {
                    cublasLtPeak(lt, p, n, launches, reps).ifPresent(f -> peaks.put(p.key(), f));
                } catch (HalException e) {
                    notes.add(p.key() + " not measured: " + e.getMessage());
                }
            }
        } else {
            String why = "backend-cuda's own tensor-core kernel (moe_gemm.cu) through its dense GEMM operator, as no"
                    + " cuBLASLt is loaded (" + device.cublasLtMissing() + ")";
            int n = fit(RoofMeter.gemmEdge(GEMM_EDGE, effort, 128, 256), 2 + 2 + 2, free);
            for (GemmSpec spec : List.of(GemmSpec.of(GemmSpec.Type.BF16, n, n, n),
                    GemmSpec.fp8Block(DType.F32, 1, n, n, n))) {
                String key = spec.type() == GemmSpec.Type.BF16 ? "bf16" : "fp8";
                try {
                    peaks.put(key, RoofMeter.gemm(device, spec, launches, reps, why).figure());
                } catch (HalException e) {
                    notes.add(key + " not measured: " + e.getMessage());
                }
            }
        }
        notes.add("int8 not measured: backend-cuda's INT8 GEMM is a scalar fallback kernel, not the chip's INT8 peak,"
                + " and its cuBLASLt binding has no INT8 matmul");
        return new Roofs(Optional.of(bandwidth), peaks);
    }

    private static int elementBytes(DType t) {
        return t.bits() / 8;
    }

    /**
     * The largest edge up to {@code n}, halving, whose three square operands ({@code bytesPerElement} over A, B
     * and D) take at most half of {@code freeBytes}; at least 128.
     */
    static int fit(int n, int bytesPerElement, long freeBytes) {
        return RoofMeter.fitEdge(n, bytesPerElement, freeBytes);
    }

    /**
     * One precision on cuBLASLt: plans the TN problem, allocates and fills A and B, times {@code launches}
     * matmuls per repetition; empty (with a note) when the heuristic has no algorithm. Everything made here is
     * freed before returning.
     */
    private Optional<Figure> cublasLtPeak(CublasLtContext lt, Precision p, int n, int launches, int reps) {
        CublasLtApi api = lt.api();
        List<AutoCloseable> made = new ArrayList<>();
        try {
            long handle = lt.handle();
            long desc = own(made, "cublasLtMatmulDesc_t", api.matmulDescCreate(p.computeType(), CublasLt.CUDA_R_32F),
                    api::matmulDescDestroy);
            api.matmulDescSetInt(desc, CublasLt.CUBLASLT_MATMUL_DESC_TRANSA, CublasLt.CUBLAS_OP_T);
            api.matmulDescSetInt(desc, CublasLt.CUBLASLT_MATMUL_DESC_TRANSB, CublasLt.CUBLAS_OP_N);
            long a = own(made, "cublasLtMatrixLayout_t", api.layoutCreate(p.abType(), n, n, n), api::layoutDestroy);
            long b = own(made, "cublasLtMatrixLayout_t", api.layoutCreate(p.abType(), n, n, n), api::layoutDestroy);
            long d = own(made, "cublasLtMatrixLayout_t", api.layoutCreate(p.dType(), n, n, n), api::layoutDestroy);
            long pref = own(made, "cublasLtMatmulPreference_t", api.preferenceCreate(), api::preferenceDestroy);
            long limit = CublasLtMoeGemmOp.workspaceLimit(device.info().architecture());
            api.preferenceSetLong(pref, CublasLt.CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, limit);
            Optional<CublasLtApi.Algorithm> found = api.heuristic(handle, desc, a, b, d, pref);
            if (found.isEmpty()) {
                notes.add(p.key() + " not measured: " + lt + " has no algorithm for " + p.label() + " at m=n=k=" + n
                        + " (CUBLAS_STATUS_NOT_SUPPORTED)");
                return Optional.empty();
            }
            CublasLtApi.Algorithm algorithm = found.get();
            made.add(algorithm);
            long workspaceBytes = algorithm.workspaceBytes();
            long elements = (long) n * n;
            SplittableRandom random = new SplittableRandom(0x5EEDL);
            CudaBuffer bufA = buffer(made, elements * elementBytes(p.abDType()));
            RoofMeter.fillRandom(bufA, TensorSpec.of("a", p.abDType(), n, n), random);
            CudaBuffer bufB = buffer(made, elements * elementBytes(p.abDType()));
            RoofMeter.fillRandom(bufB, TensorSpec.of("b", p.abDType(), n, n), random);
            CudaBuffer bufD = buffer(made, elements * elementBytes(p.dDType()));
            long workspace = workspaceBytes > 0 ? buffer(made, workspaceBytes).address() : 0;
            Stream stream = made(made, device.newStream());
            Event start = made(made, device.newEvent());
            Event end = made(made, device.newEvent());
            long s = device.checkStream(stream).handle();
            Runnable batch = () -> {
                for (int i = 0; i < launches; i++) {
                    api.matmul(handle, desc, bufA.address(), a, bufB.address(), b, bufD.address(), d, algorithm,
                            workspace, workspaceBytes, s);
                }
            };
            batch.run();
            stream.synchronize();
            double[] ms = new double[reps];
            for (int r = 0; r < reps; r++) {
                stream.record(start);
                batch.run();
                stream.record(end);
                end.synchronize();
                ms[r] = end.millisSince(start);
            }
            return Optional.of(new Figure(RoofMeter.tflops(n, n, n, launches, RoofMeter.best(ms)),
                    cublasLtMethod(lt.toString(), p, n, workspaceBytes, launches, reps,
                            RoofMeter.tflops(n, n, n, launches, RoofMeter.median(ms)))));
        } finally {
            RoofMeter.closeAll(made); // buffers, stream and events make the context current themselves
        }
    }

    /** The method text of a cuBLASLt peak. */
    static String cublasLtMethod(String library, Precision p, int n, long workspaceBytes, int launches, int reps,
                                 double medianTflops) {
        return String.format(Locale.ROOT, "%s cublasLtMatmul, %s, TN, m=n=k=%d, random operands, the heuristic's first"
                        + " algorithm (workspace %d bytes), %d launches per repetition timed by CUDA events, best of %d"
                        + " after a warm-up (median %.2f TFLOP/s)", library, p.label(), n, workspaceBytes, launches,
                reps, medianTflops);
    }

    private CudaBuffer buffer(List<AutoCloseable> made, long bytes) {
        return made(made, (CudaBuffer) device.allocate(bytes));
    }

    private static <T extends AutoCloseable> T made(List<AutoCloseable> made, T resource) {
        made.add(resource);
        return resource;
    }

    private static long own(List<AutoCloseable> made, String kind, long value, java.util.function.LongConsumer free) {
        made.add(new NativeHandle(kind, value, free));
        return value;
    }
}
