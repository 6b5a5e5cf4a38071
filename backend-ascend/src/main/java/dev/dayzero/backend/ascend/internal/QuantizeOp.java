package dev.dayzero.backend.ascend.internal;

import dev.dayzero.hal.DType;
import dev.dayzero.hal.op.QuantizeSpec;

/**
 * {@link QuantizeSpec} (per token, FP32 scales, BF16 input; INT8, or FP8 on Ascend950) through
 * {@code aclnnDynamicQuant}: x {@code [M,K]} BF16, no smooth scales, yOut {@code [M,K]}, scaleOut {@code [M]}
 * FP32 (the spec's {@code [M,1]}, same bytes).
 */
final class QuantizeOp extends AscendPreparedOp {
    private final QuantizeSpec spec;

    QuantizeOp(AscendDevice device, QuantizeSpec spec) {
        super(device, spec);
        this.spec = spec;
        note("aclnnDynamicQuant (ops-nn): x [" + spec.m() + "," + spec.k() + "] BF16 -> y " + spec.format()
                + ", scale [" + spec.m() + "] FP32 (the spec's [M,1] viewed as [M]); no smooth scales");
        note("then aclnnClampMin (ops-math) on the scales, in place, with min = 1e-4 / " + (int) spec.fmax()
                + ": the spec's amax floor, which DynamicQuant lacks (2 aclnn calls a launch); exact for all-zero rows, "
                + "but a row whose max |x| lies in (0, 1e-4) keeps the codes of its unfloored scale");
    }

    @Override
    void build(AclLaunch l, AclBuffer[] b) {
        long m = spec.m();
        long k = spec.k();
        long x = l.tensor(new long[] {m, k}, DType.BF16, b[0], 0);
        long y = l.tensor(new long[] {m, k}, spec.format(), b[1], 0);
        long s = l.tensor(new long[] {m}, DType.F32, b[2], 0);
        var acl = device().acl();
        l.call(acl.dynamicQuantGetWorkspaceSize(x, 0, y, s), acl::dynamicQuant);
        long sOut = l.tensor(new long[] {m}, DType.F32, b[2], 0);
        long floor = l.scalarF32(QuantizeSpec.AMAX_FLOOR / spec.fmax());
        l.call(acl.clampMinGetWorkspaceSize(s, floor, sOut), acl::clampMin);
    }
}
