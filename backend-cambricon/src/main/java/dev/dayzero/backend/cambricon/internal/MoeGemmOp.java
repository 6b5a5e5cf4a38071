package dev.dayzero.backend.cambricon.internal;

import dev.dayzero.backend.cambricon.jna.Cnnl;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.OpSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * BF16 MoE grouped GEMM as one {@code cnnlMatMul_v2} per expert with rows ({@code D_e = X_e · W_eᵀ}, TRANSB = 1,
 * F32 compute, BF16 out with F32 on-chip), algorithm from {@code cnnlGetMatMulAlgoHeuristic} and one shared
 * workspace sized by {@code cnnlGetMatMulHeuristicResult}. Masked slots' rows past the valid count are never
 * written. {@code cnnlGroupGemm} would do this in one launch, but the semantics of its
 * {@code cnnlSetGroupGemmTensorDescriptor(..., int64_t *infos)} are UNCONFIRMED, so it is not bound blind.
 */
final class MoeGemmOp extends MluOp {
    private static final float[] ONE = {1f};
    private static final float[] ZERO = {0f};

    private final MoeGemmSpec spec;
    private final long matmul;
    private final List<long[]> experts = new ArrayList<>(); // {expert, aDesc, bDesc, dDesc, algo}
    private final long workspace;
    private final long workspaceSize;

    MoeGemmOp(CambriconDevice device, MoeGemmSpec spec) {
        this(device, spec, spec);
    }

    /**
     * The per-expert matmuls of {@code spec}, bound with the operands of {@code asked}: a dense BF16 {@link
     * dev.dayzero.hal.op.GemmSpec} whose bytes are those of the contiguous {@code spec} (one expert per batch entry)
     * without {@code rows_per_expert}, which is never read here; x and w are operands 0 and 1, out the last.
     */
    MoeGemmOp(CambriconDevice device, OpSpec asked, MoeGemmSpec spec) {
        super(device, asked);
        this.spec = spec;
        try {
            Cnnl cnnl = natives.cnnl();
            matmul = own(CnnlHandles.create(natives, "MatMul descriptor", "cnnlCreateMatMulDescriptor",
                    cnnl::cnnlCreateMatMulDescriptor, "cnnlDestroyMatMulDescriptor", cnnl::cnnlDestroyMatMulDescriptor)).get();
            attr(Cnnl.CNNL_MATMUL_DESC_COMPUTE_TYPE, Cnnl.CNNL_DTYPE_FLOAT);
            attr(Cnnl.CNNL_MATMUL_DESC_TRANSA, 0);
            attr(Cnnl.CNNL_MATMUL_DESC_TRANSB, 1);
            long bDesc = tensor(Cnnl.CNNL_DTYPE_BFLOAT16, spec.n(), spec.k()).get();
            long maxWs = 0;
            for (int e = 0; e < spec.experts(); e++) {
                int rows = spec.rowsPerExpert().get(e);
                if (rows == 0) {
                    continue;
                }
                long aDesc = tensor(Cnnl.CNNL_DTYPE_BFLOAT16, rows, spec.k()).get();
                long dDesc = tensor(Cnnl.CNNL_DTYPE_BFLOAT16, rows, spec.n()).get();
                natives.checkCnnl(cnnl.cnnlSetTensorDescriptorOnchipDataType(dDesc, Cnnl.CNNL_DTYPE_FLOAT),
                        "cnnlSetTensorDescriptorOnchipDataType");
                long result = own(CnnlHandles.create(natives, "heuristic result", "cnnlCreateMatMulHeuristicResult",
                        cnnl::cnnlCreateMatMulHeuristicResult, "cnnlDestroyMatMulHeuristicResult",
                        cnnl::cnnlDestroyMatMulHeuristicResult)).get();
                long algo = own(CnnlHandles.create(natives, "MatMul algo", "cnnlCreateMatMulAlgo",
                        cnnl::cnnlCreateMatMulAlgo, "cnnlDestroyMatMulAlgo", cnnl::cnnlDestroyMatMulAlgo)).get();
                int[] count = new int[1];
                natives.checkCnnl(cnnl.cnnlGetMatMulAlgoHeuristic(device.cnnlHandle(), matmul, aDesc, bDesc, dDesc, dDesc,
                        0, 1, new long[] {result}, count), "cnnlGetMatMulAlgoHeuristic");
                if (count[0] < 1) {
                    throw new IllegalStateException("cnnlGetMatMulAlgoHeuristic found no algorithm for expert " + e);
                }
                long[] ws = new long[1];
                natives.checkCnnl(cnnl.cnnlGetMatMulHeuristicResult(result, algo, ws), "cnnlGetMatMulHeuristicResult");
                maxWs = Math.max(maxWs, ws[0]);
                experts.add(new long[] {e, aDesc, bDesc, dDesc, algo});
            }
            workspaceSize = maxWs;
            workspace = workspace(maxWs);
            note("cnnlMatMul_v2 per expert: " + experts.size() + " calls (experts with rows) for " + spec.experts()
                    + " experts, TRANSB=1 on W[e] = [N, K], F32 compute, BF16 out; workspace " + maxWs + " bytes");
            note("row counts come from the spec at prepare; the rows_per_expert tensor is not read on the device");
        } catch (RuntimeException e) {
            throw failed(e);
        }
    }

    private void attr(int attribute, int value) {
        natives.checkCnnl(natives.cnnl().cnnlSetMatMulDescAttr(matmul, attribute, new int[] {value}, 4),
                "cnnlSetMatMulDescAttr");
    }

    @Override
    Body body(MluBuffer[] b, MluLaunch launch) {
        long x = b[0].address();
        long w = b[1].address();
        long out = b[b.length - 1].address();
        long h = device.cnnlHandle();
        Cnnl cnnl = natives.cnnl();
        long k = spec.k();
        long n = spec.n();
        return queue -> {
            for (long[] ex : experts) {
                int e = (int) ex[0];
                long row = spec.firstRow(e);
                long a = x + row * k * 2;
                long bw = w + (long) e * n * k * 2;
                long d = out + row * n * 2;
                natives.checkCnnl(cnnl.cnnlMatMul_v2(h, matmul, ex[4], ONE, ex[1], a, ex[2], bw, ZERO, ex[3], d,
                        workspace, workspaceSize, ex[3], d), "cnnlMatMul_v2");
            }
        };
    }
}
