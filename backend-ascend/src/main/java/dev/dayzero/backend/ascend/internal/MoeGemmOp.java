package dev.dayzero.backend.ascend.internal;

import dev.dayzero.hal.Bf16;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.op.GemmSpec;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.OpSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link MoeGemmSpec} through {@code aclnnGroupedMatmulV4}. The spec's {@code W[E,N,K]} is passed as the
 * {@code [E,K,N]} weight GroupedMatmul wants, by strides {@code [N·K, 1, K]} (no copy).
 * <ul>
 *   <li>contiguous: single tensors, groupType 0 (split along M), groupListType 1 (per-expert counts, an INT64
 *       device tensor built at prepare from the spec's counts), splitItem 3 (one output tensor);</li>
 *   <li>masked (BF16 only): one list entry per expert that has rows, viewing its valid rows in place,
 *       groupType -1, splitItem 0, in calls of at most 128 entries; padding rows are never touched;</li>
 *   <li>INT8 W8A8 (contiguous): A8W8 with a BF16 per-channel scale {@code [E,N]} (the spec's FP32 w_scale
 *       rounded to BF16 at bind) and the FP32 per-token scale {@code [T]} as perTokenScale, out BF16.</li>
 * </ul>
 */
final class MoeGemmOp extends AscendPreparedOp {
    private final MoeGemmSpec spec;
    private final AclBuffer groupList;

    MoeGemmOp(AscendDevice device, MoeGemmSpec spec) {
        this(device, spec, spec);
    }

    /**
     * The grouped matmul of {@code spec}, bound with the operands of {@code asked}: a dense {@link GemmSpec} whose
     * bytes are those of the contiguous {@code spec} (one group per batch entry) without {@code rows_per_expert},
     * which the contiguous path never reads (the group list is built here), so the operand indices of x, scales,
     * w and out are the same.
     */
    MoeGemmOp(AscendDevice device, OpSpec asked, MoeGemmSpec spec) {
        super(device, asked);
        if (asked != spec && spec.layout() != MoeGemmSpec.Layout.CONTIGUOUS) {
            throw new IllegalArgumentException("a dense GEMM maps onto the contiguous grouped matmul only");
        }
        this.spec = spec;
        if (spec.layout() == MoeGemmSpec.Layout.CONTIGUOUS) {
            ByteBuffer counts = ByteBuffer.allocate(8 * spec.experts()).order(ByteOrder.LITTLE_ENDIAN);
            spec.rowsPerExpert().forEach(r -> counts.putLong(r));
            counts.flip();
            groupList = ownedBuffer(8L * spec.experts());
            groupList.write(0, counts);
            note("aclnnGroupedMatmulV4 groupType 0, groupListType 1 (counts), splitItem 3; the group list is an INT64 "
                    + "device tensor built at prepare from the spec's rowsPerExpert (the rows_per_expert operand is not read)");
        } else {
            groupList = null;
            note("aclnnGroupedMatmulV4 multi-tensor mode (groupType -1, splitItem 0): one [rows_e,K] x [K,N] entry per "
                    + "expert with rows, viewing the masked layout in place, at most " + SupportRules.MAX_LIST
                    + " entries a call; padding rows are not touched");
        }
        note("weight W[E,N,K] passed as [E,K,N] through strides [N*K,1,K] (no copy)");
        if (spec.type() == MoeGemmSpec.Type.INT8_W8A8) {
            note("A8W8: w_scale FP32 [E,N] rounded to BF16 at bind (GroupedMatmul's BF16-output A8W8 takes a BF16 "
                    + "per-channel scale): rebind after changing w_scale; x_scale FP32 [T] is the perTokenScale");
        }
    }

    @Override
    void build(AclLaunch l, AclBuffer[] b) {
        boolean int8 = spec.type() == MoeGemmSpec.Type.INT8_W8A8;
        AclBuffer x = b[0];
        AclBuffer xScale = int8 ? b[1] : null;
        AclBuffer w = b[int8 ? 2 : 1];
        AclBuffer wScale = int8 ? b[3] : null;
        AclBuffer out = b[b.length - 1];
        DType op = spec.type().operandType();
        long e = spec.experts();
        long n = spec.n();
        long k = spec.k();
        var acl = device().acl();
        if (spec.layout() == MoeGemmSpec.Layout.CONTIGUOUS) {
            long t = spec.validRows();
            long xt = l.tensor(new long[] {t, k}, op, x, 0);
            long wt = l.tensor(new long[] {e, k, n}, new long[] {n * k, 1, k}, op, w, 0);
            long ot = l.tensor(new long[] {t, n}, DType.BF16, out, 0);
            long gl = l.tensor(new long[] {e}, DType.I64, groupList, 0);
            long scaleList = 0;
            long ptsList = 0;
            if (int8) {
                AclBuffer bf = bf16Scales(l, wScale, e * n);
                scaleList = l.list(l.tensor(new long[] {e, n}, DType.BF16, bf, 0));
                ptsList = l.list(l.tensor(new long[] {t}, DType.F32, xScale, 0));
            }
            long xl = l.list(xt);
            long wl = l.list(wt);
            long ol = l.list(ot);
            l.call(acl.groupedMatmulV4GetWorkspaceSize(xl, wl, scaleList, ptsList, gl, 3, 0, 1, ol),
                    acl::groupedMatmulV4);
            return;
        }
        long maxRows = spec.maxRows();
        List<Integer> active = new ArrayList<>();
        for (int i = 0; i < e; i++) {
            if (spec.rowsPerExpert().get(i) > 0) {
                active.add(i);
            }
        }
        for (int from = 0; from < active.size(); from += SupportRules.MAX_LIST) {
            List<Integer> chunk = active.subList(from, Math.min(active.size(), from + SupportRules.MAX_LIST));
            long[] xs = new long[chunk.size()];
            long[] ws = new long[chunk.size()];
            long[] os = new long[chunk.size()];
            for (int j = 0; j < chunk.size(); j++) {
                int ex = chunk.get(j);
                long rows = spec.rowsPerExpert().get(ex);
                xs[j] = l.tensor(new long[] {rows, k}, op, x, ex * maxRows * k);
                ws[j] = l.tensor(new long[] {k, n}, new long[] {1, k}, op, w, ex * n * k);
                os[j] = l.tensor(new long[] {rows, n}, DType.BF16, out, ex * maxRows * n);
            }
            long xl = l.list(xs);
            long wl = l.list(ws);
            long ol = l.list(os);
            l.call(acl.groupedMatmulV4GetWorkspaceSize(xl, wl, 0, 0, 0, 0, -1, 0, ol), acl::groupedMatmulV4);
        }
    }

    /** The FP32 scales of {@code src} rounded to BF16 in a launch-owned buffer. */
    private static AclBuffer bf16Scales(AclLaunch l, AclBuffer src, long count) {
        ByteBuffer f32 = ByteBuffer.allocate(Math.toIntExact(count * 4)).order(ByteOrder.LITTLE_ENDIAN);
        src.read(0, f32);
        f32.flip();
        ByteBuffer bf = ByteBuffer.allocate(Math.toIntExact(count * 2)).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < count; i++) {
            bf.putShort(Bf16.encode(f32.getFloat()));
        }
        bf.flip();
        AclBuffer dst = l.buffer(count * 2);
        dst.write(0, bf);
        return dst;
    }
}
