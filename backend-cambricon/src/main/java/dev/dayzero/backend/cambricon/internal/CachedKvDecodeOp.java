package dev.dayzero.backend.cambricon.internal;

import dev.dayzero.backend.cambricon.jna.Cnnl;
import dev.dayzero.backend.cambricon.jna.CnnlExtra;
import dev.dayzero.hal.op.AttentionSpec;

import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.List;

/**
 * Paged decode and latent (MLA) decode through {@code cnnlSingleQueryCachedKVAttn_v3}. The spec's caches are
 * {@code [pages, page, Hkv, D]}; the kernel's are {@code [pages, Hkv, page, D]}. GQA caches (Hkv > 1) are
 * transposed at bind, outside the timed window, into scratch the launch owns; with one KV head the two
 * layouts are the same bytes. MLA runs as MQA: k_cache = the latent cache {@code [pages, 1, page, Dk]}
 * read in place, v_cache = its first Dv columns, copied at bind. q {@code [B, Sq, Hq, Dk]} (paged decode:
 * Sq = 1, the same bytes as {@code [B, Hq, D]}); context_lens = seq_lens; block_tables = block_table.
 * The conversions read the caches when {@link #bind} is called: a caller that rewrites a cache rebinds.
 */
final class CachedKvDecodeOp extends MluOp {
    private final AttentionSpec spec;
    private final int kvHeads;
    private final int page;
    private final int pages;
    private final int dk;
    private final int dv;
    private final long qDesc;
    private final long kDesc;
    private final long vDesc;
    private final long lensDesc;
    private final long tableDesc;
    private final long outDesc;
    private final int maxContext;
    private final long workspace;
    private final long workspaceSize;
    private final boolean latent;

    CachedKvDecodeOp(CambriconDevice device, AttentionSpec spec) {
        super(device, spec);
        this.spec = spec;
        try {
            int bf16 = Cnnl.CNNL_DTYPE_BFLOAT16;
            int sq;
            int maxBlocks;
            if (spec instanceof AttentionSpec.LatentDecode l) {
                latent = true;
                kvHeads = 1;
                page = l.pageSize();
                pages = l.numPages();
                sq = l.queriesPerSeq();
                maxBlocks = l.maxBlocks();
            } else {
                AttentionSpec.PagedDecode p = (AttentionSpec.PagedDecode) spec;
                latent = false;
                kvHeads = p.numKvHeads();
                page = p.pageSize();
                pages = p.numPages();
                sq = 1;
                maxBlocks = p.maxBlocks();
            }
            dk = spec.headDim();
            dv = spec.valueDim();
            int b = spec.batch();
            qDesc = tensor(bf16, b, sq, spec.numHeads(), dk).get();
            kDesc = tensor(bf16, pages, kvHeads, page, dk).get();
            vDesc = tensor(bf16, pages, kvHeads, page, dv).get();
            lensDesc = tensor(Cnnl.CNNL_DTYPE_INT32, b).get();
            tableDesc = tensor(Cnnl.CNNL_DTYPE_INT32, b, maxBlocks).get();
            outDesc = tensor(bf16, b, sq, spec.numHeads(), dv).get();
            maxContext = Collections.max(spec.seqLens());
            long[] ws = new long[1];
            natives.checkCnnl(natives.extra().cnnlGetSingleQueryCachedKVAttnWorkspaceSize_v2(device.cnnlHandle(), 0,
                    qDesc, kDesc, vDesc, maxContext, ws), "cnnlGetSingleQueryCachedKVAttnWorkspaceSize_v2");
            workspaceSize = ws[0];
            workspace = workspace(ws[0]);
            note("cnnlSingleQueryCachedKVAttn_v3 (CNNL-Extra), " + (latent ? "MLA as MQA (1 KV head, Dk=" + dk + ", Dv="
                    + dv + ")" : "GQA " + spec.numHeads() + "/" + kvHeads) + ", block_size " + page
                    + ", seq_q " + sq + (sq > 1 ? " (kernel applies the causal mask)" : "") + "; workspace " + ws[0] + " bytes");
            if (latent) {
                note("v_cache = first " + dv + " columns of the latent cache, copied at bind (outside the timed window)");
            } else if (kvHeads > 1) {
                note("k/v caches transposed [pages, page, Hkv, D] -> [pages, Hkv, page, D] at bind (outside the timed window)");
            }
        } catch (RuntimeException e) {
            throw failed(e);
        }
    }

    @Override
    Body body(MluBuffer[] b, MluLaunch launch) {
        long q = b[0].address();
        long kCache;
        long vCache;
        long table;
        long lens;
        long out;
        if (latent) {
            kCache = b[1].address();
            vCache = columns(b[1], launch);
            table = b[2].address();
            lens = b[3].address();
            out = b[4].address();
        } else {
            kCache = kvHeads == 1 ? b[1].address() : transpose(b[1], launch);
            vCache = kvHeads == 1 ? b[2].address() : transpose(b[2], launch);
            table = b[3].address();
            lens = b[4].address();
            out = b[5].address();
        }
        long h = device.cnnlHandle();
        CnnlExtra extra = natives.extra();
        float scale = spec.softmaxScale();
        return queue -> natives.checkCnnl(extra.cnnlSingleQueryCachedKVAttn_v3(h, 0, qDesc, q, kDesc, kCache, vDesc,
                vCache, 0, 0, 0, 0, lensDesc, lens, tableDesc, table, 0, 0, CnnlExtra.CNNL_QUANTIZE_NONE, maxContext,
                -1, -1, scale, (byte) 0, workspace, workspaceSize, outDesc, out, 0, 0), "cnnlSingleQueryCachedKVAttn_v3");
    }

    private ByteBuffer readAll(MluBuffer src, long bytes) {
        ByteBuffer host = ByteBuffer.allocate(Math.toIntExact(bytes));
        src.read(0, host);
        host.flip();
        return host;
    }

    /** [pages, page, Hkv, D] -> [pages, Hkv, page, D], two bytes an element. */
    private long transpose(MluBuffer src, MluLaunch launch) {
        long bytes = (long) pages * page * kvHeads * dk * 2;
        ByteBuffer in = readAll(src, bytes);
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(bytes));
        int row = dk * 2;
        byte[] tmp = new byte[row];
        for (int p = 0; p < pages; p++) {
            for (int s = 0; s < page; s++) {
                for (int hk = 0; hk < kvHeads; hk++) {
                    in.get((int) ((((long) p * page + s) * kvHeads + hk) * row), tmp);
                    out.put((int) ((((long) p * kvHeads + hk) * page + s) * row), tmp);
                }
            }
        }
        MluBuffer dst = launch.scratch(bytes);
        dst.write(0, out);
        return dst.address();
    }

    /** The first dv of dk columns of every cached token. */
    private long columns(MluBuffer src, MluLaunch launch) {
        long tokens = (long) pages * page;
        ByteBuffer in = readAll(src, tokens * dk * 2);
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(tokens * dv * 2));
        byte[] tmp = new byte[dv * 2];
        for (long t = 0; t < tokens; t++) {
            in.get((int) (t * dk * 2), tmp);
            out.put((int) (t * dv * 2), tmp);
        }
        MluBuffer dst = launch.scratch(tokens * dv * 2);
        dst.write(0, out);
        return dst.address();
    }

}
