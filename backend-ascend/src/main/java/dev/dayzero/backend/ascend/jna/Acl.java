package dev.dayzero.backend.ascend.jna;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.FloatByReference;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The checked call layer over the raw bindings: every call goes through {@link AclErrors#check}, and native
 * addresses leave this package only as {@code long} values that {@code .internal} wraps at once in owning
 * objects (so {@link Pointer} and {@link Memory} stay in {@code .jna}). No method here owns anything.
 */
public final class Acl {
    private final AscendLibraries.Loaded libs;
    private final AscendCl cl;
    private final NnopBase nn;
    private final OpApi op;
    /** DsaOps per library file, loaded on first use. */
    private final Map<Path, DsaOps> dsa = new ConcurrentHashMap<>();

    /** The call layer over {@code libs}. */
    public Acl(AscendLibraries.Loaded libs) {
        this.libs = libs;
        this.cl = libs.cl();
        this.nn = libs.nn();
        this.op = libs.op();
    }

    /** The libraries this layer calls. */
    public AscendLibraries.Loaded libraries() {
        return libs;
    }

    private void check(int rc, String fn) {
        AclErrors.check(cl, rc, fn);
    }

    private static Pointer p(long address) {
        return address == 0 ? null : new Pointer(address);
    }

    private static long a(Pointer p) {
        return Pointer.nativeValue(p);
    }

    // ---------------------------------------------------------------- runtime

    /** aclInit(NULL); a repeated initialisation in the same process is not an error here. */
    public void init() {
        int rc = cl.aclInit(null);
        if (rc != AscendCl.ACL_ERROR_REPEAT_INITIALIZE) {
            check(rc, "aclInit");
        }
    }

    public int deviceCount() {
        IntByReference n = new IntByReference();
        check(cl.aclrtGetDeviceCount(n), "aclrtGetDeviceCount");
        return n.getValue();
    }

    public void setDevice(int id) {
        check(cl.aclrtSetDevice(id), "aclrtSetDevice");
    }

    public void resetDevice(int id) {
        check(cl.aclrtResetDevice(id), "aclrtResetDevice");
    }

    /** aclrtGetSocName; a NULL answer is a failure. */
    public String socName() {
        String s = cl.aclrtGetSocName();
        if (s == null) {
            throw AclErrors.failure(cl, -1, "aclrtGetSocName");
        }
        return s;
    }

    public String version() {
        IntByReference ma = new IntByReference();
        IntByReference mi = new IntByReference();
        IntByReference pa = new IntByReference();
        check(cl.aclrtGetVersion(ma, mi, pa), "aclrtGetVersion");
        return ma.getValue() + "." + mi.getValue() + "." + pa.getValue();
    }

    /** aclGetDeviceCapability, or -1 where the runtime does not answer (optional facts only). */
    public long capability(int device, int info) {
        LongByReference v = new LongByReference();
        return cl.aclGetDeviceCapability(device, info, v) == 0 ? v.getValue() : -1;
    }

    /** Total HBM bytes (aclrtGetMemInfo, ACL_HBM_MEM). */
    public long totalMemory() {
        LongByReference free = new LongByReference();
        LongByReference total = new LongByReference();
        check(cl.aclrtGetMemInfo(AscendCl.ACL_HBM_MEM, free, total), "aclrtGetMemInfo");
        return total.getValue();
    }

    /** Free HBM bytes (aclrtGetMemInfo, ACL_HBM_MEM). */
    public long freeMemory() {
        LongByReference free = new LongByReference();
        LongByReference total = new LongByReference();
        check(cl.aclrtGetMemInfo(AscendCl.ACL_HBM_MEM, free, total), "aclrtGetMemInfo");
        return free.getValue();
    }

    public long createContext(int device) {
        PointerByReference ref = new PointerByReference();
        check(cl.aclrtCreateContext(ref, device), "aclrtCreateContext");
        return a(ref.getValue());
    }

    public void destroyContext(long ctx) {
        check(cl.aclrtDestroyContext(p(ctx)), "aclrtDestroyContext");
    }

    public void setCurrentContext(long ctx) {
        check(cl.aclrtSetCurrentContext(p(ctx)), "aclrtSetCurrentContext");
    }

    public long createStream() {
        PointerByReference ref = new PointerByReference();
        check(cl.aclrtCreateStream(ref), "aclrtCreateStream");
        return a(ref.getValue());
    }

    public void destroyStream(long stream) {
        check(cl.aclrtDestroyStream(p(stream)), "aclrtDestroyStream");
    }

    public void synchronizeStream(long stream) {
        check(cl.aclrtSynchronizeStream(p(stream)), "aclrtSynchronizeStream");
    }

    /** aclrtMalloc with ACL_MEM_MALLOC_HUGE_FIRST; returns the rc so the caller can map out-of-memory. */
    public long malloc(long bytes) {
        PointerByReference ref = new PointerByReference();
        check(cl.aclrtMalloc(ref, bytes, AscendCl.ACL_MEM_MALLOC_HUGE_FIRST), "aclrtMalloc");
        return a(ref.getValue());
    }

    public void free(long ptr) {
        check(cl.aclrtFree(p(ptr)), "aclrtFree");
    }

    /** Host to device: {@code src.remaining()} bytes to {@code dst}; {@code destMax} bounds the copy. */
    public void copyToDevice(long dst, long destMax, ByteBuffer src) {
        int n = src.remaining();
        if (n == 0) {
            return;
        }
        if (src.isDirect()) {
            Pointer from = Native.getDirectBufferPointer(src).share(src.position());
            check(cl.aclrtMemcpy(p(dst), destMax, from, n, AscendCl.ACL_MEMCPY_HOST_TO_DEVICE), "aclrtMemcpy");
            src.position(src.position() + n);
            return;
        }
        try (Memory staging = new Memory(n)) {
            byte[] tmp = new byte[n];
            src.get(tmp);
            staging.write(0, tmp, 0, n);
            check(cl.aclrtMemcpy(p(dst), destMax, staging, n, AscendCl.ACL_MEMCPY_HOST_TO_DEVICE), "aclrtMemcpy");
        }
    }

    /** Device to host: {@code dst.remaining()} bytes from {@code src}. */
    public void copyToHost(ByteBuffer dst, long src) {
        int n = dst.remaining();
        if (n == 0) {
            return;
        }
        if (dst.isDirect()) {
            Pointer to = Native.getDirectBufferPointer(dst).share(dst.position());
            check(cl.aclrtMemcpy(to, n, p(src), n, AscendCl.ACL_MEMCPY_DEVICE_TO_HOST), "aclrtMemcpy");
            dst.position(dst.position() + n);
            return;
        }
        try (Memory staging = new Memory(n)) {
            check(cl.aclrtMemcpy(staging, n, p(src), n, AscendCl.ACL_MEMCPY_DEVICE_TO_HOST), "aclrtMemcpy");
            byte[] tmp = new byte[n];
            staging.read(0, tmp, 0, n);
            dst.put(tmp);
        }
    }

    public void copyDeviceAsync(long dst, long destMax, long src, long count, long stream) {
        check(cl.aclrtMemcpyAsync(p(dst), destMax, p(src), count, AscendCl.ACL_MEMCPY_DEVICE_TO_DEVICE, p(stream)),
                "aclrtMemcpyAsync");
    }

    public void memsetAsync(long ptr, long count, int value, long stream) {
        check(cl.aclrtMemsetAsync(p(ptr), count, value, count, p(stream)), "aclrtMemsetAsync");
    }

    public long createEvent() {
        PointerByReference ref = new PointerByReference();
        check(cl.aclrtCreateEvent(ref), "aclrtCreateEvent");
        return a(ref.getValue());
    }

    public void destroyEvent(long event) {
        check(cl.aclrtDestroyEvent(p(event)), "aclrtDestroyEvent");
    }

    public void recordEvent(long event, long stream) {
        check(cl.aclrtRecordEvent(p(event), p(stream)), "aclrtRecordEvent");
    }

    public void synchronizeEvent(long event) {
        check(cl.aclrtSynchronizeEvent(p(event)), "aclrtSynchronizeEvent");
    }

    public float elapsedMillis(long start, long end) {
        FloatByReference ms = new FloatByReference();
        check(cl.aclrtEventElapsedTime(ms, p(start), p(end)), "aclrtEventElapsedTime");
        return ms.getValue();
    }

    // ---------------------------------------------------------------- nnopbase

    /**
     * aclCreateTensor with ND format: view dims and element strides, element offset from {@code data}, and the
     * whole buffer as 1-D storage (torch_npu's convention).
     */
    public long createTensor(long[] dims, long[] strides, long offset, int dtype, long storageElements, long data) {
        Pointer t = nn.aclCreateTensor(dims, dims.length, dtype, strides, offset, NnopBase.ACL_FORMAT_ND,
                new long[] {storageElements}, 1, p(data));
        if (t == null) {
            throw AclErrors.failure(cl, -1, "aclCreateTensor");
        }
        return a(t);
    }

    public void destroyTensor(long t) {
        check(nn.aclDestroyTensor(p(t)), "aclDestroyTensor");
    }

    public long createIntArray(long[] values) {
        Pointer arr = nn.aclCreateIntArray(values, values.length);
        if (arr == null) {
            throw AclErrors.failure(cl, -1, "aclCreateIntArray");
        }
        return a(arr);
    }

    public void destroyIntArray(long arr) {
        check(nn.aclDestroyIntArray(p(arr)), "aclDestroyIntArray");
    }

    /** aclCreateTensorList: the list then owns (and destroys) the tensors. */
    public long createTensorList(long[] tensors) {
        Pointer[] ps = new Pointer[tensors.length];
        for (int i = 0; i < ps.length; i++) {
            ps[i] = p(tensors[i]);
        }
        Pointer l = nn.aclCreateTensorList(ps, ps.length);
        if (l == null) {
            throw AclErrors.failure(cl, -1, "aclCreateTensorList");
        }
        return a(l);
    }

    public void destroyTensorList(long list) {
        check(nn.aclDestroyTensorList(p(list)), "aclDestroyTensorList");
    }

    /** aclCreateScalar of an FP32 value (the value is copied into the scalar). */
    public long createScalarF32(float value) {
        try (Memory m = new Memory(4)) {
            m.setFloat(0, value);
            Pointer s = nn.aclCreateScalar(m, NnopBase.ACL_FLOAT);
            if (s == null) {
                throw AclErrors.failure(cl, -1, "aclCreateScalar");
            }
            return a(s);
        }
    }

    public void destroyScalar(long scalar) {
        check(nn.aclDestroyScalar(p(scalar)), "aclDestroyScalar");
    }

    public void setExecutorRepeatable(long executor) {
        check(nn.aclSetAclOpExecutorRepeatable(p(executor)), "aclSetAclOpExecutorRepeatable");
    }

    public void destroyExecutor(long executor) {
        check(nn.aclDestroyAclOpExecutor(p(executor)), "aclDestroyAclOpExecutor");
    }

    // ---------------------------------------------------------------- operators (phase 1 returns {workspaceSize, executor})

    public long[] dynamicQuantGetWorkspaceSize(long x, long smooth, long y, long scale) {
        LongByReference ws = new LongByReference();
        PointerByReference ex = new PointerByReference();
        check(op.aclnnDynamicQuantGetWorkspaceSize(p(x), p(smooth), p(y), p(scale), ws, ex),
                "aclnnDynamicQuantGetWorkspaceSize");
        return new long[] {ws.getValue(), a(ex.getValue())};
    }

    public void dynamicQuant(long workspace, long size, long executor, long stream) {
        check(op.aclnnDynamicQuant(p(workspace), size, p(executor), p(stream)), "aclnnDynamicQuant");
    }

    public long[] clampMinGetWorkspaceSize(long self, long min, long out) {
        LongByReference ws = new LongByReference();
        PointerByReference ex = new PointerByReference();
        check(op.aclnnClampMinGetWorkspaceSize(p(self), p(min), p(out), ws, ex), "aclnnClampMinGetWorkspaceSize");
        return new long[] {ws.getValue(), a(ex.getValue())};
    }

    public void clampMin(long workspace, long size, long executor, long stream) {
        check(op.aclnnClampMin(p(workspace), size, p(executor), p(stream)), "aclnnClampMin");
    }

    public long[] groupedMatmulV4GetWorkspaceSize(long x, long weight, long scale, long perTokenScale, long groupList,
                                                  long splitItem, long groupType, long groupListType, long out) {
        LongByReference ws = new LongByReference();
        PointerByReference ex = new PointerByReference();
        check(op.aclnnGroupedMatmulV4GetWorkspaceSize(p(x), p(weight), null, p(scale), null, null, null,
                p(perTokenScale), p(groupList), null, null, null, splitItem, groupType, groupListType, 0, p(out),
                null, null, ws, ex), "aclnnGroupedMatmulV4GetWorkspaceSize");
        return new long[] {ws.getValue(), a(ex.getValue())};
    }

    public void groupedMatmulV4(long workspace, long size, long executor, long stream) {
        check(op.aclnnGroupedMatmulV4(p(workspace), size, p(executor), p(stream)), "aclnnGroupedMatmulV4");
    }

    /** FIA V3 with the arguments Dayzero's specs use; every quant, pse and prefix input is NULL. */
    public long[] fusedInferAttentionScoreV3GetWorkspaceSize(long query, long keyList, long valueList, long attenMask,
                                                             long actualSeqLengths, long actualSeqLengthsKv,
                                                             long blockTable, long queryRope, long keyRope,
                                                             long numHeads, double scale, String layout,
                                                             long numKvHeads, long sparseMode, long innerPrecise,
                                                             long blockSize, long out) {
        LongByReference ws = new LongByReference();
        PointerByReference ex = new PointerByReference();
        long maxTokens = Integer.MAX_VALUE;
        check(op.aclnnFusedInferAttentionScoreV3GetWorkspaceSize(p(query), p(keyList), p(valueList), null,
                p(attenMask), p(actualSeqLengths), p(actualSeqLengthsKv), null, null, null, null, null, null, null,
                p(blockTable), null, null, null, null, null, null, null, null, null, p(queryRope), p(keyRope), null,
                numHeads, scale, maxTokens, maxTokens, layout, numKvHeads, sparseMode, innerPrecise, blockSize, 0,
                false, 0, 0, p(out), null, ws, ex), "aclnnFusedInferAttentionScoreV3GetWorkspaceSize");
        return new long[] {ws.getValue(), a(ex.getValue())};
    }

    public void fusedInferAttentionScoreV3(long workspace, long size, long executor, long stream) {
        check(op.aclnnFusedInferAttentionScoreV3(p(workspace), size, p(executor), p(stream)),
                "aclnnFusedInferAttentionScoreV3");
    }

    // ---------------------------------------------------------------- DeepSeek sparse attention (one chosen library file)

    /** {@link SharedKvOps} per library file, loaded on first use. */
    private final Map<Path, SharedKvOps> sharedKv = new ConcurrentHashMap<>();

    private SharedKvOps sharedKvOps(Path library) {
        return sharedKv.computeIfAbsent(library, f -> Native.load(f.toString(), SharedKvOps.class));
    }

    /**
     * SparseAttnSharedkv's phase 1 from {@code library}: returnSoftmaxLse false (its lse is documented as invalid);
     * {@code lse} is still a required output tensor. Tensor handles of 0 are passed as NULL (absent optionals).
     */
    public long[] sparseAttnSharedkvGetWorkspaceSize(Path library, long q, long oriKv, long cmpKv, long oriIndices,
                                                     long cmpIndices, long oriBlockTable, long cmpBlockTable,
                                                     long cuSeqlensQ, long sequsedKv, long sinks, long metadata,
                                                     double scale, long cmpRatio, long oriMaskMode, long cmpMaskMode,
                                                     long oriKvStride, long cmpKvStride, long oriWinLeft,
                                                     long oriWinRight, String layoutQ, String layoutKv, long out,
                                                     long lse) {
        LongByReference ws = new LongByReference();
        PointerByReference ex = new PointerByReference();
        check(sharedKvOps(library).aclnnSparseAttnSharedkvGetWorkspaceSize(p(q), p(oriKv), p(cmpKv), p(oriIndices),
                p(cmpIndices), p(oriBlockTable), p(cmpBlockTable), p(cuSeqlensQ), null, null, null, p(sequsedKv),
                p(sinks), p(metadata), scale, cmpRatio, oriMaskMode, cmpMaskMode, oriKvStride, cmpKvStride,
                oriWinLeft, oriWinRight, layoutQ, layoutKv, (byte) 0, p(out), p(lse), ws, ex),
                "aclnnSparseAttnSharedkvGetWorkspaceSize");
        return new long[] {ws.getValue(), a(ex.getValue())};
    }

    public void sparseAttnSharedkv(Path library, long workspace, long size, long executor, long stream) {
        check(sharedKvOps(library).aclnnSparseAttnSharedkv(p(workspace), size, p(executor), p(stream)),
                "aclnnSparseAttnSharedkv");
    }

    /**
     * SparseAttnSharedkvMetadata's phase 1 from {@code library}. The three length tensors vllm-ascend passes as
     * empty tensors when absent are given here as {@code emptyI32} (an INT32 tensor of shape [0]).
     */
    public long[] sparseAttnSharedkvMetadataGetWorkspaceSize(Path library, long cuSeqlensQ, long emptyI32,
                                                             long sequsedKv, long numHeadsQ, long headDim,
                                                             long batch, long maxSeqlenQ, long maxSeqlenKv,
                                                             long cmpTopK, long cmpRatio, long oriMaskMode,
                                                             long cmpMaskMode, long oriWinLeft, long oriWinRight,
                                                             String layoutQ, String layoutKv, boolean hasCmpKv,
                                                             long metadata) {
        LongByReference ws = new LongByReference();
        PointerByReference ex = new PointerByReference();
        check(sharedKvOps(library).aclnnSparseAttnSharedkvMetadataGetWorkspaceSize(p(cuSeqlensQ), p(emptyI32),
                p(emptyI32), p(emptyI32), p(sequsedKv), numHeadsQ, 1, headDim, batch, maxSeqlenQ, maxSeqlenKv, 0,
                cmpTopK, cmpRatio, oriMaskMode, cmpMaskMode, oriWinLeft, oriWinRight, layoutQ, layoutKv, (byte) 1,
                (byte) (hasCmpKv ? 1 : 0), p(metadata), ws, ex), "aclnnSparseAttnSharedkvMetadataGetWorkspaceSize");
        return new long[] {ws.getValue(), a(ex.getValue())};
    }

    public void sparseAttnSharedkvMetadata(Path library, long workspace, long size, long executor, long stream) {
        check(sharedKvOps(library).aclnnSparseAttnSharedkvMetadata(p(workspace), size, p(executor), p(stream)),
                "aclnnSparseAttnSharedkvMetadata");
    }

    /** {@link DsaOps} loaded from exactly {@code library} (a custom package or a CANN operator library). */
    private DsaOps dsaOps(Path library) {
        return dsa.computeIfAbsent(library, f -> Native.load(f.toString(), DsaOps.class));
    }

    /**
     * SparseFlashAttention, 23-argument form, from {@code library}: real FP32 softmaxMax / softmaxSum outputs are
     * required (never NULL), returnSoftmaxLse false, attention_mode 2 (MLA-absorb).
     */
    public long[] sparseFlashAttention23GetWorkspaceSize(Path library, long query, long key, long value,
                                                         long sparseIndices, long blockTable, long actualSeqLengthsQuery,
                                                         long actualSeqLengthsKv, long queryRope, long keyRope,
                                                         double scale, long sparseBlockSize, String layoutQuery,
                                                         String layoutKv, long sparseMode, long out, long softmaxMax,
                                                         long softmaxSum) {
        if (softmaxMax == 0 || softmaxSum == 0) {
            throw new IllegalArgumentException("SparseFlashAttention's softmaxMax and softmaxSum are required outputs");
        }
        LongByReference ws = new LongByReference();
        PointerByReference ex = new PointerByReference();
        check(dsaOps(library).aclnnSparseFlashAttentionGetWorkspaceSize(p(query), p(key), p(value), p(sparseIndices),
                p(blockTable), p(actualSeqLengthsQuery), p(actualSeqLengthsKv), p(queryRope), p(keyRope), scale,
                sparseBlockSize, layoutQuery, layoutKv, sparseMode, Long.MAX_VALUE, Long.MAX_VALUE, 2, false, p(out),
                p(softmaxMax), p(softmaxSum), ws, ex), "aclnnSparseFlashAttentionGetWorkspaceSize");
        return new long[] {ws.getValue(), a(ex.getValue())};
    }

    /** SparseFlashAttention, 17-argument form (vllm-ascend up to 0.20), from {@code library}. */
    public long[] sparseFlashAttention17GetWorkspaceSize(Path library, long query, long key, long value,
                                                         long sparseIndices, long blockTable, long actualSeqLengthsQuery,
                                                         long actualSeqLengthsKv, long queryRope, long keyRope,
                                                         double scale, long sparseBlockSize, String layoutQuery,
                                                         String layoutKv, long sparseMode, long out) {
        LongByReference ws = new LongByReference();
        PointerByReference ex = new PointerByReference();
        check(dsaOps(library).aclnnSparseFlashAttentionGetWorkspaceSize(p(query), p(key), p(value), p(sparseIndices),
                p(blockTable), p(actualSeqLengthsQuery), p(actualSeqLengthsKv), p(queryRope), p(keyRope), scale,
                sparseBlockSize, layoutQuery, layoutKv, sparseMode, p(out), ws, ex),
                "aclnnSparseFlashAttentionGetWorkspaceSize");
        return new long[] {ws.getValue(), a(ex.getValue())};
    }

    public void sparseFlashAttention(Path library, long workspace, long size, long executor, long stream) {
        check(dsaOps(library).aclnnSparseFlashAttention(p(workspace), size, p(executor), p(stream)),
                "aclnnSparseFlashAttention");
    }

    /** LightningIndexer from {@code library}; pre/nextTokens INT64_MAX, returnValues false. */
    public long[] lightningIndexerGetWorkspaceSize(Path library, long query, long key, long weights,
                                                   long actualSeqLengthsQuery, long actualSeqLengthsKey,
                                                   long blockTable, String layoutQuery, String layoutKey,
                                                   long sparseCount, long sparseMode, long sparseIndicesOut,
                                                   long sparseValuesOut) {
        LongByReference ws = new LongByReference();
        PointerByReference ex = new PointerByReference();
        check(dsaOps(library).aclnnLightningIndexerGetWorkspaceSize(p(query), p(key), p(weights),
                p(actualSeqLengthsQuery), p(actualSeqLengthsKey), p(blockTable), layoutQuery, layoutKey, sparseCount,
                sparseMode, Long.MAX_VALUE, Long.MAX_VALUE, false, p(sparseIndicesOut), p(sparseValuesOut), ws, ex),
                "aclnnLightningIndexerGetWorkspaceSize");
        return new long[] {ws.getValue(), a(ex.getValue())};
    }

    public void lightningIndexer(Path library, long workspace, long size, long executor, long stream) {
        check(dsaOps(library).aclnnLightningIndexer(p(workspace), size, p(executor), p(stream)),
                "aclnnLightningIndexer");
    }
}
