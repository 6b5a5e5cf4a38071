package dev.dayzero.backend.ascend.internal;

import dev.dayzero.backend.ascend.jna.Acl;
import dev.dayzero.backend.ascend.jna.NnopBase;
import dev.dayzero.hal.AbstractLaunch;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.NativeHandle;
import dev.dayzero.hal.Stream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A prepared operator bound to its buffers: the aclTensors, aclIntArrays, aclTensorLists, repeatable executors
 * and workspaces of one or more aclnn calls, built at bind (phase 1 runs there, outside the timed window), and
 * the phase-2 calls that {@link #enqueue} issues. Owns every handle it created and frees them on close, newest
 * first (executors before the tensors they reference).
 */
final class AclLaunch extends AbstractLaunch {
    /** A phase-2 entry point: {@code aclnnXxx(workspace, size, executor, stream)}. */
    interface Phase2 {
        void run(long workspace, long size, long executor, long stream);
    }

    private record Call(NativeHandle executor, AclBuffer workspace, long workspaceSize, Phase2 fn) {
    }

    private final AscendDevice device;
    private final Acl acl;
    private final Map<Long, NativeHandle> tensors = new HashMap<>();
    private final List<Call> calls = new ArrayList<>();

    AclLaunch(AscendPreparedOp op) {
        super(op);
        this.device = op.device();
        this.acl = device.acl();
    }

    static int aclType(DType t) {
        return switch (t) {
            case F32 -> NnopBase.ACL_FLOAT;
            case F16 -> NnopBase.ACL_FLOAT16;
            case BF16 -> NnopBase.ACL_BF16;
            case I8 -> NnopBase.ACL_INT8;
            case I32 -> NnopBase.ACL_INT32;
            case I64 -> NnopBase.ACL_INT64;
            case U8 -> NnopBase.ACL_UINT8;
            case F8_E4M3FN -> NnopBase.ACL_FLOAT8_E4M3FN;
            case F8_E5M2 -> NnopBase.ACL_FLOAT8_E5M2;
            case UE8M0 -> throw new IllegalArgumentException("UE8M0 has no aclDataType on A2/A3 (ACL_FLOAT8_E8M0 is 950-only)");
            case F4_E2M1 -> throw new IllegalArgumentException("F4_E2M1 is not bound (ACL_FLOAT4_E2M1 = 40 is 950-only)");
        };
    }

    /** A contiguous view of {@code dims} at element {@code offset} of {@code buf}. */
    long tensor(long[] dims, DType type, AclBuffer buf, long offset) {
        long[] strides = new long[dims.length];
        long s = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= dims[i];
        }
        return tensor(dims, strides, type, buf, offset);
    }

    /** A strided view (strides and offset in elements) of {@code buf}; the whole buffer is its 1-D storage. */
    long tensor(long[] dims, long[] strides, DType type, AclBuffer buf, long offset) {
        long h = acl.createTensor(dims, strides, offset, aclType(type), type.elements(buf.size()), buf.address());
        NativeHandle nh = parts.add(new NativeHandle("aclTensor", h, acl::destroyTensor));
        tensors.put(h, nh);
        return h;
    }

    /** A contiguous ACL_BOOL view of a byte buffer (attention masks; DType has no BOOL). */
    long boolTensor(long[] dims, AclBuffer buf) {
        long[] strides = new long[dims.length];
        long s = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= dims[i];
        }
        long h = acl.createTensor(dims, strides, 0, NnopBase.ACL_BOOL, buf.size(), buf.address());
        NativeHandle nh = parts.add(new NativeHandle("aclTensor", h, acl::destroyTensor));
        tensors.put(h, nh);
        return h;
    }

    /** An aclTensorList that takes over {@code members} (aclDestroyTensorList destroys them). */
    long list(long... members) {
        long h = acl.createTensorList(members);
        for (long m : members) {
            NativeHandle nh = tensors.remove(m);
            if (nh != null) {
                parts.remove(nh);
                nh.release();
            }
        }
        parts.add(new NativeHandle("aclTensorList", h, acl::destroyTensorList));
        return h;
    }

    long intArray(long[] values) {
        long h = acl.createIntArray(values);
        parts.add(new NativeHandle("aclIntArray", h, acl::destroyIntArray));
        return h;
    }

    /** An FP32 aclScalar. */
    long scalarF32(float value) {
        long h = acl.createScalarF32(value);
        parts.add(new NativeHandle("aclScalar", h, acl::destroyScalar));
        return h;
    }

    /** A device buffer the launch owns (converted operands). */
    AclBuffer buffer(long bytes) {
        return parts.add(device.allocateInternal(bytes));
    }

    /**
     * Registers a phase-1 result {@code {workspaceSize, executor}}: the executor is made repeatable (so that
     * {@link #enqueue} may run it many times) and owned; the workspace is allocated once.
     */
    void call(long[] phase1, Phase2 fn) {
        long size = phase1[0];
        long exec = phase1[1];
        acl.setExecutorRepeatable(exec);
        NativeHandle executor = parts.add(new NativeHandle("aclOpExecutor", exec, acl::destroyExecutor));
        AclBuffer ws = size > 0 ? buffer(size) : null;
        calls.add(new Call(executor, ws, size, fn));
    }

    /** The number of aclnn calls one enqueue makes. */
    int callCount() {
        return calls.size();
    }

    @Override
    public void enqueue(Stream stream) {
        checkOpen();
        AclStream s = device.checkStream(stream);
        for (Call c : calls) {
            c.fn().run(c.workspace() == null ? 0 : c.workspace().address(), c.workspaceSize(), c.executor().get(),
                    s.handle());
        }
    }

    /** Makes the device's context current before the handles are destroyed. */
    @Override
    protected void beforeClose() {
        device.enter();
    }
}
