package dev.dayzero.tck;

import dev.dayzero.hal.Device;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.DeviceOutOfMemoryException;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.Stream;
import dev.dayzero.hal.Support;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.CacheWriteSpec;
import dev.dayzero.hal.op.GemmSpec;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import dev.dayzero.hal.op.SharedKvFormat;
import dev.dayzero.hal.op.TensorSpec;
import dev.dayzero.tck.compare.CodeComparison;
import dev.dayzero.tck.compare.CodeMetrics;
import dev.dayzero.tck.compare.FloatComparison;
import dev.dayzero.tck.compare.IndexerComparison;
import dev.dayzero.tck.compare.Metrics;
import dev.dayzero.tck.compare.Tolerance;
import dev.dayzero.tck.compare.Tolerances;
import dev.dayzero.tck.data.HostTensor;
import dev.dayzero.tck.data.InputGenerator;
import dev.dayzero.tck.oracle.CacheWriteReference;
import dev.dayzero.tck.oracle.IndexerScores;
import dev.dayzero.tck.oracle.Oracle;
import dev.dayzero.tck.oracle.QuantizeReference;
import dev.dayzero.tck.oracle.SharedKvReference;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Runs one case on one device and compares it with the oracle. The order is docs/design.md's: inputs are
 * generated, output buffers are filled with {@code 0xFF} (BF16 NaN, an FP8 NaN code), the backend runs
 * and its buffers are freed, and only then does the oracle compute, so stale memory cannot fake a pass.
 */
public final class ConformanceRunner {
    /** Byte every output buffer holds before the launch; rows a backend must not write keep it. */
    public static final byte FILL = (byte) 0xFF;

    private ConformanceRunner() {
    }

    /** Asks the device, then checks the spec or the alternative it offers. */
    public static CaseResult run(Device device, ConformanceCase c) {
        Support support = device.supports(c.spec());
        if (support instanceof Support.Unsupported u) {
            return result(c.id(), c.spec(), null, support, CaseStatus.UNSUPPORTED, u.reason(), c.seed());
        }
        if (support instanceof Support.Alternative alt) {
            CaseResult r = check(device, c.id(), alt.spec(), c.seed());
            CaseStatus status = r.status() == CaseStatus.PASSED ? CaseStatus.ALTERNATIVE_ONLY : r.status();
            return new CaseResult(c.id(), c.spec(), r.ran(), support, status,
                    "alternative " + alt.spec().describe() + " (" + alt.reason() + "): " + r.message(),
                    r.floatMetrics(), r.codeMetrics(), r.rowsChecked(), r.rowsTotal(), r.notes(), c.seed());
        }
        return check(device, c.id(), c.spec(), c.seed());
    }

    /** Runs exactly {@code spec} (no support query) and compares it with the oracle. */
    public static CaseResult check(Device device, String caseId, OpSpec spec, long seed) {
        List<HostTensor> inputs = InputGenerator.generate(spec, seed);
        BackendRun run;
        try {
            run = execute(device, spec, inputs);
        } catch (OutOfMemoryError e) {
            return result(caseId, spec, spec, Support.supported(), CaseStatus.OUT_OF_MEMORY,
                    "host memory exhausted: " + e.getMessage(), seed);
        }
        if (run.failure().isPresent()) {
            return result(caseId, spec, spec, Support.supported(), run.failure().get(), run.failureMessage(), seed);
        }
        if (spec instanceof CacheWriteSpec.QuantInsert w) {
            return compareCacheWrite(caseId, w, inputs, run.outputs().get(0), run.notes(), seed);
        }
        if (spec instanceof AttentionSpec.SparseSharedKvDecode s) {
            return compareSharedKv(caseId, s, inputs, run.outputs(), run.notes(), seed);
        }
        if (spec instanceof IndexerSpec x) {
            return compareIndexer(caseId, x, inputs, run.outputs().get(0), run.notes(), seed);
        }
        return spec instanceof QuantizeSpec q
                ? compareQuantize(caseId, q, inputs.get(0), run.outputs(), run.notes(), seed)
                : compareFloat(caseId, spec, inputs, run.outputs().get(0), run.notes(), seed);
    }

    // ------------------------------------------------------------------ the backend's part

    /**
     * What one launch of a spec on a device gave back.
     *
     * @param outputs        the output tensors read back, in spec order (empty on failure)
     * @param notes          the prepared operator's notes
     * @param failure        the status when it did not run to the end (compile-error, runtime-error, out-of-memory)
     * @param failureMessage the stage and the error, when it failed
     */
    public record BackendRun(List<HostTensor> outputs, List<String> notes, Optional<CaseStatus> failure,
                             String failureMessage) {
    }

    /**
     * Runs {@code spec} once on {@code device} with {@code inputs}: allocates and fills every operand
     * (outputs with {@link #FILL}), prepares, binds, launches, synchronizes, reads the outputs back, and
     * frees everything it allocated, whatever happens.
     */
    public static BackendRun execute(Device device, OpSpec spec, List<HostTensor> inputs) {
        List<HostTensor> outputs = new ArrayList<>();
        List<String> notes = List.of();
        List<DeviceBuffer> buffers = new ArrayList<>();
        PreparedOp op = null;
        PreparedOp.Launch launch = null;
        String stage = "allocate";
        try {
            for (HostTensor in : inputs) {
                DeviceBuffer b = device.allocate(Math.max(1, in.spec().bytes()));
                buffers.add(b);
                b.write(0, in.bytes());
            }
            for (TensorSpec out : spec.outputs()) {
                DeviceBuffer b = device.allocate(Math.max(1, out.bytes()));
                buffers.add(b);
                byte[] fill = new byte[Math.toIntExact(out.bytes())];
                Arrays.fill(fill, FILL);
                b.write(0, ByteBuffer.wrap(fill));
            }
            stage = "prepare";
            op = device.prepare(spec);
            notes = op.notes();
            stage = "launch";
            launch = op.bind(buffers);
            Stream stream = device.defaultStream();
            launch.enqueue(stream);
            stream.synchronize();
            stage = "read back";
            int first = inputs.size();
            for (int i = 0; i < spec.outputs().size(); i++) {
                HostTensor host = HostTensor.allocate(spec.outputs().get(i));
                buffers.get(first + i).read(0, host.bytes());
                outputs.add(host);
            }
            return new BackendRun(List.copyOf(outputs), notes, Optional.empty(), "");
        } catch (DeviceOutOfMemoryException e) {
            return new BackendRun(List.of(), notes, Optional.of(CaseStatus.OUT_OF_MEMORY), stage + ": " + e.getMessage());
        } catch (RuntimeException e) {
            CaseStatus status = "prepare".equals(stage) ? CaseStatus.COMPILE_ERROR : CaseStatus.RUNTIME_ERROR;
            return new BackendRun(List.of(), notes, Optional.of(status), stage + ": " + e);
        } finally {
            closeQuietly(launch);
            closeQuietly(op);
            for (DeviceBuffer b : buffers) {
                closeQuietly(b);
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            // the case's own outcome is what we report; a close failure shows up in allocatedBytes()
        }
    }

    // ------------------------------------------------------------------ comparisons

    private static CaseResult compareFloat(String caseId, OpSpec spec, List<HostTensor> inputs, HostTensor out,
                                           List<String> notes, long seed) {
        long validRows = RowSampler.validRows(spec);
        long storedRows = spec instanceof MoeGemmSpec m ? m.storedRows() : validRows;
        int cols = Math.toIntExact(out.elements() / storedRows);
        if (spec instanceof MoeGemmSpec m && m.layout() == MoeGemmSpec.Layout.MASKED) {
            String touched = untouchedMaskedRows(m, out, cols);
            if (touched != null) {
                return result(caseId, spec, spec, Support.supported(), CaseStatus.FAILED_NUMERICS, touched, seed)
                        .withNotes(notes);
            }
        }
        int[] rows = RowSampler.select(spec, seed);
        double[][] actual = new double[rows.length][cols];
        for (int r = 0; r < rows.length; r++) {
            long base = (long) rows[r] * cols;
            for (int c = 0; c < cols; c++) {
                actual[r][c] = out.getFloat(base + c);
            }
        }
        double[][] expected = oracleRows(spec, inputs, rows);
        Tolerance tol = Tolerances.forOutput(spec);
        Metrics metrics = FloatComparison.compare(actual, expected, rows, tol);
        boolean pass = FloatComparison.passes(metrics, tol);
        return new CaseResult(caseId, spec, Optional.of(spec), Support.supported(),
                pass ? CaseStatus.PASSED : CaseStatus.FAILED_NUMERICS, tol.name() + ": " + metrics.summary(),
                Optional.of(metrics), Optional.empty(), rows.length, validRows, notes, seed);
    }

    /**
     * Indexer outputs: top-k rows judged by {@link IndexerComparison#topk} (validity, count, padding, and
     * every returned key's exact score against the k-th), logits by {@link IndexerComparison#logits}.
     */
    private static CaseResult compareIndexer(String caseId, IndexerSpec spec, List<HostTensor> inputs, HostTensor out,
                                             List<String> notes, long seed) {
        int[] rows = RowSampler.select(spec, seed);
        IndexerScores ref = Oracle.indexerScores(spec, inputs, rows);
        long total = spec.queries();
        if (spec instanceof IndexerSpec.IndexerLogits) {
            Metrics metrics = IndexerComparison.logits(spec, out, rows, ref);
            boolean pass = IndexerComparison.passes(metrics);
            return new CaseResult(caseId, spec, Optional.of(spec), Support.supported(),
                    pass ? CaseStatus.PASSED : CaseStatus.FAILED_NUMERICS,
                    "indexer-logits (a=" + IndexerComparison.allowance(spec.keyType()) + "): " + metrics.summary(),
                    Optional.of(metrics), Optional.empty(), rows.length, total, notes, seed);
        }
        int k = (int) out.spec().dim(1);
        long[] firstKey = new long[rows.length];
        if (spec instanceof IndexerSpec.IndexerTopK) {
            for (int r = 0; r < rows.length; r++) {
                firstKey[r] = rows[r] - (spec.validKeys(rows[r]) - 1);
            }
        }
        IndexerComparison.TopKMetrics m = IndexerComparison.topk(spec, k, out, rows, firstKey, ref);
        return new CaseResult(caseId, spec, Optional.of(spec), Support.supported(),
                m.passes() ? CaseStatus.PASSED : CaseStatus.FAILED_NUMERICS, m.summary(), Optional.empty(),
                Optional.empty(), rows.length, total, notes, seed);
    }

    /**
     * The oracle's output rows of a float-output spec (MoE GEMM, dense GEMM, attention): the 2-D view
     * {@code [rows, cols]} of its one output, for the given row indices.
     */
    public static double[][] oracleRows(OpSpec spec, List<HostTensor> inputs, int[] rows) {
        if (spec instanceof MoeGemmSpec m) {
            return Oracle.moeGemm(m, inputs, rows);
        }
        if (spec instanceof GemmSpec g) {
            return Oracle.gemm(g, inputs, rows);
        }
        if (spec instanceof AttentionSpec a) {
            return Oracle.attention(a, inputs, rows);
        }
        if (spec instanceof IndexerSpec.IndexerLogits x) {
            return Oracle.indexerScores(x, inputs, rows).logits(Math.toIntExact(x.outputs().get(0).dim(1)));
        }
        if (spec instanceof IndexerSpec) {
            throw new IllegalArgumentException("indexer top-k outputs are indices; use Oracle.indexerTopK");
        }
        throw new IllegalArgumentException("quantize has no float output rows; use Oracle.quantize");
    }

    /**
     * Shared-KV sparse decode: {@code out} by {@link Tolerances#forOutput}, and, when the spec returns it,
     * {@code lse [B, H, Sq]} by {@link Tolerances#LSE_F32} ({@code +∞} rows must be {@code +∞}).
     */
    private static CaseResult compareSharedKv(String caseId, AttentionSpec.SparseSharedKvDecode spec,
                                              List<HostTensor> inputs, List<HostTensor> outputs, List<String> notes,
                                              long seed) {
        int[] rows = RowSampler.select(spec, seed);
        SharedKvReference ref = Oracle.sharedKvDecode(spec, inputs, rows);
        HostTensor out = outputs.get(0);
        int h = spec.numHeads();
        int cols = h * SharedKvFormat.VALUE_DIM;
        double[][] actual = new double[rows.length][cols];
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < cols; c++) {
                actual[r][c] = out.getFloat((long) rows[r] * cols + c);
            }
        }
        Tolerance tol = Tolerances.forOutput(spec);
        Metrics metrics = FloatComparison.compare(actual, ref.out(), rows, tol);
        boolean pass = FloatComparison.passes(metrics, tol);
        String message = tol.name() + ": " + metrics.summary();
        if (spec.returnLse()) {
            HostTensor lse = outputs.get(1);
            int sq = spec.queriesPerSeq();
            double[][] got = new double[rows.length][h];
            for (int r = 0; r < rows.length; r++) {
                int b = rows[r] / sq;
                int s = rows[r] % sq;
                for (int head = 0; head < h; head++) {
                    got[r][head] = lse.getFloat(((long) b * h + head) * sq + s);
                }
            }
            Metrics lm = FloatComparison.compare(got, ref.lse(), rows, Tolerances.LSE_F32);
            boolean lsePass = FloatComparison.passes(lm, Tolerances.LSE_F32);
            pass &= lsePass;
            message += "; " + Tolerances.LSE_F32.name() + (lsePass ? "" : " FAILED") + ": " + lm.summary();
        }
        return new CaseResult(caseId, spec, Optional.of(spec), Support.supported(),
                pass ? CaseStatus.PASSED : CaseStatus.FAILED_NUMERICS, message, Optional.of(metrics),
                Optional.empty(), rows.length, spec.queries(), notes, seed);
    }

    /** Cache write: every byte of the cache against the oracle's ({@link CodeComparison#cacheWrite}). */
    private static CaseResult compareCacheWrite(String caseId, CacheWriteSpec.QuantInsert spec, List<HostTensor> inputs,
                                                HostTensor cache, List<String> notes, long seed) {
        CacheWriteReference ref = Oracle.cacheWrite(spec, inputs, FILL);
        byte[] got = new byte[Math.toIntExact(cache.spec().bytes())];
        cache.bytes().get(got);
        CodeMetrics metrics = CodeComparison.cacheWrite(ref, got);
        return new CaseResult(caseId, spec, Optional.of(spec), Support.supported(),
                metrics.passes() ? CaseStatus.PASSED : CaseStatus.FAILED_NUMERICS,
                "cache-write (\"scales\" = scale, BF16 and must-stay bytes): " + metrics.summary(), Optional.empty(),
                Optional.of(metrics), spec.tokens(), spec.tokens(), notes, seed);
    }

    /** Null when every row past each expert's valid count still holds the fill byte. */
    private static String untouchedMaskedRows(MoeGemmSpec m, HostTensor out, int cols) {
        ByteBuffer bytes = out.bytes();
        for (int e = 0; e < m.experts(); e++) {
            for (int i = m.rowsPerExpert().get(e); i < m.maxRows(); i++) {
                long row = (long) e * m.maxRows() + i;
                for (long b = row * cols * 2; b < (row + 1) * cols * 2; b++) {
                    if (bytes.get(Math.toIntExact(b)) != FILL) {
                        return "masked row " + i + " of expert " + e + " (past its " + m.rowsPerExpert().get(e)
                                + " valid rows) was written";
                    }
                }
            }
        }
        return null;
    }

    private static CaseResult compareQuantize(String caseId, QuantizeSpec spec, HostTensor x, List<HostTensor> outputs,
                                              List<String> notes, long seed) {
        QuantizeReference ref = Oracle.quantize(spec, x);
        byte[] codes = new byte[Math.toIntExact(outputs.get(0).spec().bytes())];
        outputs.get(0).bytes().get(codes);
        byte[] scales = new byte[Math.toIntExact(outputs.get(1).spec().bytes())];
        outputs.get(1).bytes().get(scales);
        CodeMetrics metrics = CodeComparison.compare(spec, codes, scales, ref.codes(), ref.quotients(), ref.scaleBytes());
        return new CaseResult(caseId, spec, Optional.of(spec), Support.supported(),
                metrics.passes() ? CaseStatus.PASSED : CaseStatus.FAILED_NUMERICS, metrics.summary(), Optional.empty(),
                Optional.of(metrics), spec.m(), spec.m(), notes, seed);
    }

    private static CaseResult result(String caseId, OpSpec spec, OpSpec ran, Support support, CaseStatus status,
                                     String message, long seed) {
        return new CaseResult(caseId, spec, Optional.ofNullable(ran), support, status, message, Optional.empty(),
                Optional.empty(), 0, 0, List.of(), seed);
    }
}
