package dev.dayzero.backend.cuda.internal;

import dev.dayzero.backend.cuda.jna.CublasLt;
import dev.dayzero.backend.cuda.jna.CublasLtApi;
import dev.dayzero.backend.cuda.jna.CudaErrors;
import dev.dayzero.hal.AbstractLaunch;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.NativeHandle;
import dev.dayzero.hal.OwnedResources;
import dev.dayzero.hal.Stream;
import dev.dayzero.hal.NativeCallException;
import dev.dayzero.hal.UnsupportedSpecException;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.TensorSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link MoeGemmSpec} (BF16, and FP8_BLOCK with cuBLASLt 12.9+ on Hopper) as one {@code cublasLtMatmul} per expert
 * that has rows, every call enqueued on the launch's stream. The mapping of the row-major tensors onto cuBLASLt's
 * column-major convention ({@code outᵀ = W_e · X_eᵀ}: A = {@code W_e} with {@code TRANSA = T}, B = {@code X_eᵀ},
 * D = {@code out_eᵀ}, m = N, n = rows, k = K), the FP8 scale layouts and the staging of experts whose row count
 * cuBLASLt's block scaling cannot take are explained in {@link CublasLtMoePlan}.
 *
 * <p>Everything is planned here, once: the matmul descriptor ({@code CUBLAS_COMPUTE_32F}, F32 scale type, TN;
 * FP8: {@code BLK128x128_32F} for A and {@code VEC128_32F} for B), the layouts, one heuristic per distinct
 * (rows, pointer alignment) problem with {@code MIN_ALIGNMENT_*_BYTES} set to what the offsets guarantee, and the
 * workspace size (the largest the chosen algorithms ask for, within 32 MiB on Hopper and newer, 4 MiB before).
 * {@link #bind} allocates what a launch writes — the workspace and, for FP8, the staging tensors — so launches
 * of one prepared operator may run on different streams at once; FP8 binds also build one descriptor per expert
 * carrying its scale pointers. {@link Launch#enqueue} then only calls {@code cublasLtMatrixTransform},
 * {@code cublasLtMatmul} and {@code cuMemcpyDtoDAsync}. Closing frees every descriptor, layout, algorithm
 * buffer and device allocation.
 */
final class CublasLtMoeGemmOp extends CudaOp<MoeGemmSpec> {
    /** cuBLAS's recommended workspace on Hopper and Blackwell (cuda.md §3.1), and before. */
    static final long WORKSPACE_LIMIT_SM90 = 32L << 20;
    static final long WORKSPACE_LIMIT = 4L << 20;

    private final CublasLtContext lt;
    private final CublasLtApi api;
    private final CublasLtMoePlan plan;
    private final long handle;
    private final long matmulDesc;
    private final long aLayout;
    private final long[] bLayouts;
    private final long[] dLayouts;
    private final CublasLtApi.Algorithm[] algorithms;
    private final long workspaceBytes;
    // FP8 only (0 when unused)
    private final long scaleTranspose;
    private final long scaleCopy;
    private final long[] scaleSrcLayouts;
    private final long[] scaleDstLayouts;
    private final long weightScaleSrcLayout;
    private final long weightScaleDstLayout;

    /**
     * Plans {@code spec} on the device's cuBLASLt.
     *
     * @throws UnsupportedSpecException when the library has no algorithm for one of the problems (nothing leaks)
     */
    CublasLtMoeGemmOp(CudaDevice device, CublasLtContext lt, MoeGemmSpec spec) {
        super(device, spec);
        this.lt = lt;
        this.api = lt.api();
        this.plan = CublasLtMoePlan.of(spec);
        try {
            this.handle = lt.handle();
            boolean fp8 = plan.fp8();
            int opType = fp8 ? CublasLt.CUDA_R_8F_E4M3 : CublasLt.CUDA_R_16BF;
            this.matmulDesc = own("cublasLtMatmulDesc_t", api.matmulDescCreate(CublasLt.CUBLAS_COMPUTE_32F,
                    CublasLt.CUDA_R_32F), api::matmulDescDestroy);
            configure(matmulDesc);
            this.aLayout = layout(opType, spec.k(), spec.n(), spec.k());
            boolean batched = plan.batched();
            int batches = spec.experts();
            if (batched) { // one strided-batched matmul: E weights N·K apart
                batch(aLayout, batches, (long) spec.n() * spec.k());
            }
            int problems = batched ? 1 : plan.problems().size();
            this.bLayouts = new long[problems];
            this.dLayouts = new long[problems];
            this.algorithms = new CublasLtApi.Algorithm[problems];
            long limit = workspaceLimit(device.info().architecture());
            long workspace = 0;
            for (int i = 0; i < problems; i++) {
                CublasLtMoePlan.Problem p = batched ? plan.batchedProblem() : plan.problems().get(i);
                bLayouts[i] = layout(opType, spec.k(), p.cols(), spec.k());
                dLayouts[i] = layout(CublasLt.CUDA_R_16BF, spec.n(), p.cols(), spec.n());
                if (batched) { // rows and outputs `stride` rows apart
                    batch(bLayouts[i], batches, plan.batchStride() * spec.k());
                    batch(dLayouts[i], batches, plan.batchStride() * spec.n());
                }
                algorithms[i] = heuristic(i, p, limit);
                workspace = Math.max(workspace, algorithms[i].workspaceBytes());
            }
            this.workspaceBytes = workspace;
            if (fp8) {
                this.scaleTranspose = transformDesc(CublasLt.CUBLAS_OP_T);
                int experts = plan.experts().size();
                this.scaleSrcLayouts = new long[experts];
                this.scaleDstLayouts = new long[experts];
                Map<Long, Long> src = new HashMap<>();
                Map<Long, Long> dst = new HashMap<>();
                for (int i = 0; i < experts; i++) {
                    CublasLtMoePlan.Expert e = plan.experts().get(i);
                    // x_scale rows of this expert: row-major [rows, KB] = column-major KB x rows, ld KB; transposed
                    // into column-major rows x KB with ld = n (cols): the VEC128 layout, outer dimension first.
                    scaleSrcLayouts[i] = src.computeIfAbsent((long) e.rows(),
                            r -> layout(CublasLt.CUDA_R_32F, plan.kBlocks(), r, plan.kBlocks()));
                    scaleDstLayouts[i] = dst.computeIfAbsent(((long) e.rows() << 32) | e.cols(),
                            key -> layout(CublasLt.CUDA_R_32F, e.rows(), plan.kBlocks(), e.cols()));
                }
                if (plan.padWeightScale()) {
                    // w_scale [E, NB, KB] = column-major KB x (E*NB), ld KB -> the same with ld L4 (BLK128x128)
                    this.scaleCopy = transformDesc(CublasLt.CUBLAS_OP_N);
                    long columns = (long) spec.experts() * plan.nBlocks();
                    this.weightScaleSrcLayout = layout(CublasLt.CUDA_R_32F, plan.kBlocks(), columns, plan.kBlocks());
                    this.weightScaleDstLayout = layout(CublasLt.CUDA_R_32F, plan.kBlocks(), columns, plan.kBlocksPadded());
                } else {
                    this.scaleCopy = 0;
                    this.weightScaleSrcLayout = 0;
                    this.weightScaleDstLayout = 0;
                }
            } else {
                this.scaleTranspose = 0;
                this.scaleCopy = 0;
                this.scaleSrcLayouts = new long[0];
                this.scaleDstLayouts = new long[0];
                this.weightScaleSrcLayout = 0;
                this.weightScaleDstLayout = 0;
            }
        } catch (RuntimeException e) {
            throw closeAfter(e, "cuBLASLt plan of " + spec.describe(), owned);
        }
    }

    /** Closes what a failed constructor made so far, adding any failure to {@code cause}; returns it to rethrow. */
    private static RuntimeException closeAfter(RuntimeException cause, String what, OwnedResources made) {
        try {
            OwnedResources.report(CudaErrors.VENDOR, what, made.closeAll());
        } catch (RuntimeException suppressed) {
            cause.addSuppressed(suppressed);
        }
        return cause;
    }

    /** The heuristic's workspace ceiling for an architecture ({@code sm_90}): 32 MiB from Hopper on, else 4 MiB. */
    static long workspaceLimit(String architecture) {
        try {
            return Integer.parseInt(architecture.substring(3)) >= 90 ? WORKSPACE_LIMIT_SM90 : WORKSPACE_LIMIT;
        } catch (RuntimeException e) {
            return WORKSPACE_LIMIT;
        }
    }

    /** TN (A = W_e transposed, B = X_eᵀ as stored); FP8: BLK128x128_32F scales for A, VEC128_32F for B. */
    private void configure(long desc) {
        api.matmulDescSetInt(desc, CublasLt.CUBLASLT_MATMUL_DESC_TRANSA, CublasLt.CUBLAS_OP_T);
        api.matmulDescSetInt(desc, CublasLt.CUBLASLT_MATMUL_DESC_TRANSB, CublasLt.CUBLAS_OP_N);
        if (plan.fp8()) {
            api.matmulDescSetInt(desc, CublasLt.CUBLASLT_MATMUL_DESC_A_SCALE_MODE,
                    CublasLt.CUBLASLT_MATMUL_MATRIX_SCALE_BLK128x128_32F);
            api.matmulDescSetInt(desc, CublasLt.CUBLASLT_MATMUL_DESC_B_SCALE_MODE,
                    CublasLt.CUBLASLT_MATMUL_MATRIX_SCALE_VEC128_32F);
        }
    }

    /** Makes {@code layout} a strided batch of {@code count} matrices {@code offset} elements apart. */
    private void batch(long layout, int count, long offset) {
        api.layoutSetInt(layout, CublasLt.CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT, count);
        api.layoutSetLong(layout, CublasLt.CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET, offset);
    }

    private long layout(int type, long rows, long cols, long ld) {
        return own("cublasLtMatrixLayout_t", api.layoutCreate(type, rows, cols, ld), api::layoutDestroy);
    }

    private long transformDesc(int transA) {
        long d = own("cublasLtMatrixTransformDesc_t", api.transformDescCreate(CublasLt.CUDA_R_32F), api::transformDescDestroy);
        api.transformDescSetInt(d, CublasLt.CUBLASLT_MATRIX_TRANSFORM_DESC_TRANSA, transA);
        return d;
    }

    private long own(String kind, long value, java.util.function.LongConsumer free) {
        owned.add(new NativeHandle(kind, value, free));
        return value;
    }

    private CublasLtApi.Algorithm heuristic(int i, CublasLtMoePlan.Problem p, long workspaceLimit) {
        long pref = own("cublasLtMatmulPreference_t", api.preferenceCreate(), api::preferenceDestroy);
        api.preferenceSetLong(pref, CublasLt.CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, workspaceLimit);
        api.preferenceSetInt(pref, CublasLt.CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES, p.alignA());
        api.preferenceSetInt(pref, CublasLt.CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES, p.alignB());
        api.preferenceSetInt(pref, CublasLt.CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES, p.alignD());
        api.preferenceSetInt(pref, CublasLt.CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES, p.alignD());
        String problem = spec.describe() + " (" + (plan.fp8() ? "FP8 E4M3 with 128x128 / 1x128 block scales" : "BF16")
                + ", m=" + spec.n() + " n=" + p.cols() + " k=" + spec.k() + ", pointers aligned to "
                + p.alignA() + "/" + p.alignB() + "/" + p.alignD() + " bytes)";
        java.util.Optional<CublasLtApi.Algorithm> found;
        try {
            found = api.heuristic(handle, matmulDesc, aLayout, bLayouts[i], dLayouts[i], pref);
        } catch (NativeCallException e) {
            // cuBLASLt 13.0 on an H200 answers INVALID_VALUE, not NOT_SUPPORTED, for this FP8 block-scaled problem
            // (first GPU run, 2026-12-04): a refusal of the problem, so the kernel may take it
            if (e.nativeCode().orElse(-1L) != CublasLt.CUBLAS_STATUS_INVALID_VALUE) {
                throw e;
            }
            throw new UnsupportedSpecException(CudaErrors.VENDOR, lt + " has no algorithm for " + problem
                    + ": the heuristic answered CUBLAS_STATUS_INVALID_VALUE");
        }
        CublasLtApi.Algorithm algorithm = found.orElseThrow(() -> new UnsupportedSpecException(CudaErrors.VENDOR,
                lt + " has no algorithm for " + problem + ": the heuristic answered CUBLAS_STATUS_NOT_SUPPORTED"));
        owned.add(algorithm);
        return algorithm;
    }

    CublasLtMoePlan plan() {
        return plan;
    }

    /** Workspace bytes each launch allocates (what the chosen algorithms asked for). */
    long workspaceBytes() {
        return workspaceBytes;
    }

    @Override
    public List<String> notes() {
        List<String> notes = new ArrayList<>();
        notes.add(lt + ": " + (plan.batched() ? "one strided-batched cublasLtMatmul per enqueue (" + spec.experts()
                + " batches of " + plan.experts().get(0).rows() + " rows), 1 heuristic"
                : plan.matmuls() + " cublasLtMatmul per enqueue (one per expert with rows), " + plan.problems().size()
                + " heuristic(s)") + " planned at prepare, workspace " + workspaceBytes + " bytes");
        if (plan.fp8()) {
            long staged = plan.experts().stream().filter(CublasLtMoePlan.Expert::staged).count();
            notes.add("FP8 block scaling (A: BLK128x128_32F weights, B: VEC128_32F activations): x_scale transposed to "
                    + "outer-dimension-major by cublasLtMatrixTransform per expert"
                    + (plan.padWeightScale() ? ", w_scale K blocks padded to " + plan.kBlocksPadded() : "")
                    + (staged > 0 ? "; " + staged + " expert(s) whose rows are not a multiple of 4 run on padded "
                    + "copies (" + plan.copies() + " device copies per enqueue)" : ""));
        }
        return notes;
    }

    @Override
    public Launch bind(List<DeviceBuffer> operands) {
        checkBind(operands);
        List<TensorSpec> names = spec.operands();
        Map<String, Long> address = new HashMap<>();
        for (int i = 0; i < operands.size(); i++) {
            long a = address(operands, i);
            if (a % CublasLtMoePlan.BASE_ALIGNMENT != 0) {
                throw new IllegalArgumentException("operand " + i + " '" + names.get(i).name() + "' at 0x"
                        + Long.toHexString(a) + " is not " + CublasLtMoePlan.BASE_ALIGNMENT
                        + "-byte aligned, which the cuBLASLt plan assumed (cuMemAlloc's alignment)");
            }
            address.put(names.get(i).name(), a);
        }
        device.enter();
        return launches.add(new Bound(address));
    }

    /** One binding: its device allocations, FP8 descriptors with scale pointers, and every call's arguments. */
    private final class Bound extends AbstractLaunch {
        private final int count;
        private final long[] descs;
        private final long[] a;
        private final long[] b;
        private final long[] d;
        private final int[] problem;
        private final long workspace;
        // FP8
        private final long[] scaleSrc;
        private final long[] scaleDst;
        private final long weightScaleSrc;
        private final long weightScaleDst;
        private final long[] copyInDst;
        private final long[] copyInSrc;
        private final long[] copyInBytes;
        private final long[] copyOutDst;
        private final long[] copyOutSrc;
        private final long[] copyOutBytes;

        Bound(Map<String, Long> address) {
            super(CublasLtMoeGemmOp.this);
            List<CublasLtMoePlan.Expert> experts = plan.batched() ? plan.experts().subList(0, 1) : plan.experts();
            count = experts.size();
            descs = new long[count];
            a = new long[count];
            b = new long[count];
            d = new long[count];
            problem = new int[count];
            scaleSrc = new long[count];
            scaleDst = new long[count];
            copyInDst = new long[count];
            copyInSrc = new long[count];
            copyInBytes = new long[count];
            copyOutDst = new long[count];
            copyOutSrc = new long[count];
            copyOutBytes = new long[count];
            try {
                workspace = workspaceBytes > 0 ? allocate(workspaceBytes, false) : 0;
                long x = address.get("x");
                long w = address.get("w");
                long out = address.get("out");
                long scaleStage = 0;
                long rowStage = 0;
                long weightScale = 0;
                if (plan.fp8()) {
                    scaleStage = allocate(plan.activationScaleStageBytes(), true);
                    rowStage = plan.rowStageBytes() > 0 ? allocate(plan.rowStageBytes(), true) : 0;
                    weightScale = plan.padWeightScale() ? allocate(plan.weightScaleStageBytes(), true) : address.get("w_scale");
                    weightScaleSrc = address.get("w_scale");
                    weightScaleDst = weightScale;
                } else {
                    weightScaleSrc = 0;
                    weightScaleDst = 0;
                }
                for (int i = 0; i < count; i++) {
                    CublasLtMoePlan.Expert e = experts.get(i);
                    problem[i] = plan.batched() ? 0 : e.problem();
                    a[i] = w + e.wOffset();
                    b[i] = e.staged() ? rowStage + e.stageXOffset() : x + e.xOffset();
                    d[i] = e.staged() ? rowStage + e.stageOutOffset() : out + e.outOffset();
                    if (plan.fp8()) {
                        scaleSrc[i] = address.get("x_scale") + e.xScaleOffset();
                        scaleDst[i] = scaleStage + e.scaleStageOffset();
                        descs[i] = ownDesc(weightScale + e.wScaleOffset(), scaleDst[i]);
                    } else {
                        descs[i] = matmulDesc;
                    }
                    if (e.staged()) {
                        copyInDst[i] = b[i];
                        copyInSrc[i] = x + e.xOffset();
                        copyInBytes[i] = (long) e.rows() * spec.k();
                        copyOutDst[i] = out + e.outOffset();
                        copyOutSrc[i] = d[i];
                        copyOutBytes[i] = (long) e.rows() * spec.n() * 2;
                    }
                }
                if (plan.fp8()) {
                    // zeroed staging (padding rows and scales) must be in place before any stream uses it
                    CudaStream s = (CudaStream) device.defaultStream();
                    device.api().streamSynchronize(s.handle());
                }
            } catch (RuntimeException ex) {
                throw closeAfter(ex, "binding " + spec.describe(), parts);
            }
        }

        private long allocate(long bytes, boolean zero) {
            CudaBuffer buffer = (CudaBuffer) device.allocate(bytes);
            parts.add(buffer);
            if (zero) {
                buffer.fill(device.defaultStream(), (byte) 0);
            }
            return buffer.address();
        }

        private long ownDesc(long aScale, long bScale) {
            long desc = api.matmulDescCreate(CublasLt.CUBLAS_COMPUTE_32F, CublasLt.CUDA_R_32F);
            parts.add(new NativeHandle("cublasLtMatmulDesc_t", desc, api::matmulDescDestroy));
            configure(desc);
            api.matmulDescSetPointer(desc, CublasLt.CUBLASLT_MATMUL_DESC_A_SCALE_POINTER, aScale);
            api.matmulDescSetPointer(desc, CublasLt.CUBLASLT_MATMUL_DESC_B_SCALE_POINTER, bScale);
            return desc;
        }

        @Override
        public void enqueue(Stream stream) {
            checkOpen();
            long s = device.checkStream(stream).handle();
            if (plan.padWeightScale()) {
                api.transform(handle, scaleCopy, weightScaleSrc, weightScaleSrcLayout, weightScaleDst,
                        weightScaleDstLayout, s);
            }
            for (int i = 0; i < count; i++) {
                if (plan.fp8()) {
                    api.transform(handle, scaleTranspose, scaleSrc[i], scaleSrcLayouts[i], scaleDst[i],
                            scaleDstLayouts[i], s);
                }
                if (copyInBytes[i] > 0) {
                    device.api().copyDeviceAsync(copyInDst[i], copyInSrc[i], copyInBytes[i], s);
                }
                int p = problem[i];
                api.matmul(handle, descs[i], a[i], aLayout, b[i], bLayouts[p], d[i], dLayouts[p], algorithms[p],
                        workspace, workspaceBytes, s);
                if (copyOutBytes[i] > 0) {
                    device.api().copyDeviceAsync(copyOutDst[i], copyOutSrc[i], copyOutBytes[i], s);
                }
            }
        }
    }
}
