package dev.dayzero.backend.ascend.internal;

import dev.dayzero.hal.DType;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.AttentionSpec.KvIndexSet;
import dev.dayzero.hal.op.SharedKvFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link AttentionSpec.SparseSharedKvDecode} (BF16 caches, no lse) through {@code aclnnSparseAttnSharedkv} with
 * its metadata step, from the library {@link SharedKvOperator} chose.
 *
 * <p><b>Why a gather.</b> The spec names every attended token by an index set (FlashMLA's flat slots, one set per
 * cache, a length per sequence). SparseAttnSharedkv has no index set for its original cache (its README:
 * {@code ori_sparse_indices} is ignored): it attends a band window, the last {@code ori_win_left + 1 = 128}
 * positions before {@code seqused_kv}, through {@code ori_block_table}, plus up to {@code K2 = 512} compressed
 * entries named by {@code cmp_sparse_indices} through {@code cmp_block_table}, under a causal rule that lets a
 * query at position {@code L − 1} see compressed entries below about {@code L / cmp_ratio}. Softmax does not care
 * where a token sits, so at bind (outside the timed window) each query row's attended tokens, main then extra with
 * {@code -1} entries skipped, are copied into private pages: the first {@code w = min(u, 128)} into one page of
 * the original cache at offsets {@code 0..w-1}, the rest ({@code ≤ 512}) into compressed pages at positions
 * {@code 0..u-w-1}. The row's {@code seqused_kv} {@code L} is {@code u} when {@code u ≤ 128} (the window is exactly
 * those tokens) and otherwise a multiple of 128 at least {@code 4·(u − 128 + 1)}, so the window is that page and
 * every named compressed entry is causally visible with a margin. A row with no token gets one zero token
 * ({@code L = 1}): its output is exactly 0, as the spec wants, with or without a sink.
 *
 * <p><b>Call.</b> q as TND {@code [B·Sq, 64, 512]} (each query row its own sequence: {@code cu_seqlens_q =
 * 0..B·Sq}), ori_kv {@code [rows, 128, 1, 512]}, cmp_kv {@code [rows·c, 128, 1, 512]} with {@code cmp_ratio 4}
 * and {@code cmp_sparse_indices [B·Sq, 1, 512]} ({@code 0..n-1}, then {@code -1}) when some row has compressed
 * tokens, else no compressed cache and {@code cmp_ratio 1} (SWA mode); sinks = the spec's {@code attn_sink};
 * masks 4 (band) / 3 (causal), window 127 / 0, layouts "TND" / "PA_ND", {@code ori_kv_stride} /
 * {@code cmp_kv_stride} = stride 0 in elements (as vllm-ascend passes {@code kv.stride(0)}); out = the spec's
 * {@code out} as {@code [B·Sq, 64, 512]}; {@code softmax_lse} an empty FP32 tensor with
 * {@code return_softmax_lse} false (vllm-ascend's call). The metadata step runs once at bind on the device's
 * stream into a launch-owned INT32 {@code [1024]} (vllm-ascend computes it once per step for all layers of a
 * kind); each enqueue issues the attention alone.
 */
final class SharedKvDecodeOp extends AscendPreparedOp {
    /** The band window and the page size of the gathered original cache. */
    static final int WINDOW = SupportRules.SAS_WINDOW;
    /** Compressed tokens a query may name (K2). */
    static final int CMP_TOPK = SupportRules.SAS_CMP_TOPK;
    /** Page size of the gathered compressed cache. */
    static final int CMP_PAGE = 128;
    /** The compression ratio given for the gathered compressed cache (CSA's). */
    static final int CMP_RATIO = 4;
    /** The metadata's INT32 length. */
    static final int METADATA_INTS = 1024;
    private static final int D = 512;
    private static final int ROW = D * 2;

    private final AttentionSpec.SparseSharedKvDecode spec;
    private final SharedKvOperator sas;

    SharedKvDecodeOp(AscendDevice device, AttentionSpec.SparseSharedKvDecode spec) {
        super(device, spec);
        if (spec.format() != SharedKvFormat.BF16 || spec.returnLse() || spec.headDim() != D) {
            throw new IllegalArgumentException("SparseAttnSharedkv is mapped for BF16 caches, D = 512 and no lse; got "
                    + spec.describe());
        }
        this.spec = spec;
        this.sas = device.sharedKvOperator();
        note("aclnnSparseAttnSharedkv " + sas.describe());
        note("each query row's attended tokens gathered at bind (outside the timed window) into private pages: up to "
                + WINDOW + " in the band window of ori_kv [rows,128,1,512], the rest (<= " + CMP_TOPK + ") named by "
                + "cmp_sparse_indices in cmp_kv [..,128,1,512] with cmp_ratio 4; seqused_kv chosen per row so the window "
                + "and the causal rule admit exactly them; TND, one sequence per query row; metadata step run once at "
                + "bind; rebind after changing the caches, indices or lengths");
    }

    /** One query row's tokens: {@code (cache, slot)} pairs, main first. */
    private record Token(int cache, int slot) {
    }

    @Override
    void build(AclLaunch l, AclBuffer[] b) {
        int batch = spec.main().batch();
        int sq = spec.queriesPerSeq();
        int rows = batch * sq;
        int heads = spec.numHeads();
        boolean hasExtra = spec.extra().isPresent();
        int in = 0;
        AclBuffer q = b[in++];
        List<AclBuffer> caches = new ArrayList<>();
        List<int[]> indices = new ArrayList<>();
        List<int[]> lengths = new ArrayList<>();
        List<KvIndexSet> sets = new ArrayList<>();
        sets.add(spec.main());
        spec.extra().ifPresent(sets::add);
        for (KvIndexSet set : sets) {
            caches.add(b[in++]);
            indices.add(ints(b[in++], (long) rows * set.topk()));
            lengths.add(ints(b[in++], batch));
        }
        AclBuffer sink = spec.sink() ? b[in++] : null;
        AclBuffer out = b[in];

        List<List<Token>> perRow = new ArrayList<>();
        int mostCmp = 0;
        for (int r = 0; r < rows; r++) {
            int seq = r / sq;
            List<Token> u = new ArrayList<>();
            for (int c = 0; c < sets.size(); c++) {
                KvIndexSet set = sets.get(c);
                int n = lengths.get(c)[seq];
                if (n < 0 || n > set.topk()) {
                    throw new IllegalArgumentException("length " + n + " of sequence " + seq + " is outside [0, "
                            + set.topk() + "]");
                }
                long slots = (long) set.numPages() * set.pageBlockSize();
                for (int j = 0; j < n; j++) {
                    int slot = indices.get(c)[r * set.topk() + j];
                    if (slot >= slots) {
                        throw new IllegalArgumentException("index " + slot + " is past the cache's " + slots + " slots");
                    }
                    if (slot >= 0) {
                        u.add(new Token(c, slot));
                    }
                }
            }
            if (u.size() > WINDOW + CMP_TOPK) {
                throw new IllegalArgumentException("query row " + r + " attends " + u.size() + " tokens, more than the "
                        + (WINDOW + CMP_TOPK) + " SparseAttnSharedkv takes");
            }
            perRow.add(u);
            mostCmp = Math.max(mostCmp, Math.max(0, u.size() - WINDOW));
        }
        boolean cmp = mostCmp > 0;
        int cmpPages = cmp ? (mostCmp + CMP_PAGE - 1) / CMP_PAGE : 0;

        // the gathered caches, the per-row lengths and the tables, built on the host
        ByteBuffer ori = ByteBuffer.allocate(rows * WINDOW * ROW).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer cmpKv = cmp ? ByteBuffer.allocate(rows * cmpPages * CMP_PAGE * ROW).order(ByteOrder.LITTLE_ENDIAN)
                : null;
        int[] used = new int[rows];
        int[] cmpIdx = new int[cmp ? rows * CMP_TOPK : 0];
        java.util.Arrays.fill(cmpIdx, -1);
        byte[] token = new byte[ROW];
        ByteBuffer tb = ByteBuffer.wrap(token);
        int maxLen = 1;
        for (int r = 0; r < rows; r++) {
            List<Token> u = perRow.get(r);
            for (int j = 0; j < u.size(); j++) {
                Token t = u.get(j);
                tb.clear();
                caches.get(t.cache()).read((long) t.slot() * ROW, tb);
                if (j < WINDOW) {
                    ori.put((r * WINDOW + j) * ROW, token);
                } else {
                    int k = j - WINDOW;
                    cmpKv.put((r * cmpPages * CMP_PAGE + k) * ROW, token);
                    cmpIdx[r * CMP_TOPK + k] = k;
                }
            }
            int n = u.size();
            // zero-token row: one zero token (already zero in the buffer), L = 1
            used[r] = n == 0 ? 1 : n <= WINDOW ? n
                    : WINDOW * (int) Math.ceil(Math.max(WINDOW, CMP_RATIO * (n - WINDOW + 1)) / (double) WINDOW);
            maxLen = Math.max(maxLen, used[r]);
        }
        int oriBlocks = (maxLen + WINDOW - 1) / WINDOW;
        int[] oriTable = new int[rows * oriBlocks];
        for (int r = 0; r < rows; r++) {
            java.util.Arrays.fill(oriTable, r * oriBlocks, (r + 1) * oriBlocks, r);
        }
        int[] cmpTable = new int[rows * Math.max(1, cmpPages)];
        for (int r = 0; r < rows && cmp; r++) {
            for (int k = 0; k < cmpPages; k++) {
                cmpTable[r * cmpPages + k] = r * cmpPages + k;
            }
        }
        int[] cuQ = new int[rows + 1];
        for (int r = 0; r <= rows; r++) {
            cuQ[r] = r;
        }

        AclBuffer oriBuf = upload(l, ori.rewind());
        AclBuffer cmpBuf = cmp ? upload(l, cmpKv.rewind()) : null;
        long qT = l.tensor(new long[] {rows, heads, D}, DType.BF16, q, 0);
        long oriT = l.tensor(new long[] {rows, WINDOW, 1, D}, DType.BF16, oriBuf, 0);
        long oriBt = l.tensor(new long[] {rows, oriBlocks}, DType.I32, upload(l, oriTable), 0);
        long cmpT = 0;
        long cmpBt = 0;
        long cmpIdxT = 0;
        if (cmp) {
            cmpT = l.tensor(new long[] {(long) rows * cmpPages, CMP_PAGE, 1, D}, DType.BF16, cmpBuf, 0);
            cmpBt = l.tensor(new long[] {rows, cmpPages}, DType.I32, upload(l, cmpTable), 0);
            cmpIdxT = l.tensor(new long[] {rows, 1, CMP_TOPK}, DType.I32, upload(l, cmpIdx), 0);
        }
        long cuQT = l.tensor(new long[] {rows + 1}, DType.I32, upload(l, cuQ), 0);
        long usedT = l.tensor(new long[] {rows}, DType.I32, upload(l, used), 0);
        long sinkT = sink == null ? 0 : l.tensor(new long[] {heads}, DType.F32, sink, 0);
        AclBuffer meta = l.buffer(4L * METADATA_INTS);
        long metaT = l.tensor(new long[] {METADATA_INTS}, DType.I32, meta, 0);
        long emptyI32 = l.tensor(new long[] {0}, DType.I32, l.buffer(4), 0);
        long outT = l.tensor(new long[] {rows, heads, D}, DType.BF16, out, 0);
        long lseT = l.tensor(new long[] {0}, DType.F32, l.buffer(4), 0);
        int ratio = cmp ? CMP_RATIO : 1;

        var acl = device().acl();
        Path lib = sas.library();
        long[] m = acl.sparseAttnSharedkvMetadataGetWorkspaceSize(lib, cuQT, emptyI32, usedT, heads, D, rows, 1, maxLen,
                cmp ? CMP_TOPK : 0, ratio, 4, 3, WINDOW - 1, 0, "TND", "PA_ND", cmp, metaT);
        AclBuffer mws = m[0] > 0 ? l.buffer(m[0]) : null;
        AclStream stream = device().checkStream(device().defaultStream());
        // made repeatable so that it is released here whether phase 2 runs or fails
        acl.setExecutorRepeatable(m[1]);
        try {
            acl.sparseAttnSharedkvMetadata(lib, mws == null ? 0 : mws.address(), m[0], m[1], stream.handle());
            stream.synchronize();
        } finally {
            acl.destroyExecutor(m[1]);
        }

        long kvStride = (long) WINDOW * D;
        l.call(acl.sparseAttnSharedkvGetWorkspaceSize(lib, qT, oriT, cmpT, 0, cmpIdxT, oriBt, cmpBt, cuQT, usedT,
                sinkT, metaT, spec.softmaxScale(), ratio, 4, 3, kvStride, cmp ? (long) CMP_PAGE * D : 0, WINDOW - 1, 0,
                "TND", "PA_ND", outT, lseT), (w, s, e, st) -> acl.sparseAttnSharedkv(lib, w, s, e, st));
    }

    private static int[] ints(AclBuffer src, long count) {
        ByteBuffer bb = ByteBuffer.allocate(Math.toIntExact(4 * Math.max(1, count))).order(ByteOrder.LITTLE_ENDIAN);
        if (count > 0) {
            bb.limit(Math.toIntExact(4 * count));
            src.read(0, bb);
        }
        int[] v = new int[(int) count];
        bb.rewind();
        for (int i = 0; i < count; i++) {
            v[i] = bb.getInt(4 * i);
        }
        return v;
    }

    private static AclBuffer upload(AclLaunch l, int[] values) {
        ByteBuffer bb = ByteBuffer.allocate(4 * Math.max(1, values.length)).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            bb.putInt(v);
        }
        return upload(l, bb.rewind());
    }

    private static AclBuffer upload(AclLaunch l, ByteBuffer bytes) {
        AclBuffer dst = l.buffer(bytes.remaining());
        dst.write(0, bytes);
        return dst;
    }
}
