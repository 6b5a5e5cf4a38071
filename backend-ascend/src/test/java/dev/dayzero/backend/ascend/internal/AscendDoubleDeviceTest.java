package dev.dayzero.backend.ascend.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.NativeLibrary;
import dev.dayzero.backend.ascend.TestDouble;
import dev.dayzero.backend.ascend.jna.AscendCl;
import dev.dayzero.backend.ascend.jna.NnopBase;
import dev.dayzero.backend.ascend.jna.OpApi;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.DeviceOutOfMemoryException;
import dev.dayzero.hal.Event;
import dev.dayzero.hal.HalException;
import dev.dayzero.hal.NativeCallException;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.Stream;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.KvCacheType;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import dev.dayzero.hal.op.TensorSpec;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The backend's real code against the ABI test double: what crosses the C boundary, and what is freed. */
class AscendDoubleDeviceTest {
    private TestDouble.Runtime rt;
    private long liveBefore;
    private Device device;

    @BeforeEach
    void open() {
        TestDouble.assumeBuilt();
        rt = TestDouble.runtime();
        liveBefore = rt.fake_live_resources();
        device = TestDouble.open();
    }

    @AfterEach
    void close() {
        if (device != null) {
            device.close();
            assertEquals(0, device.allocatedBytes());
            assertEquals(liveBefore, rt.fake_live_resources(), "every native resource is released after device close");
        }
    }

    /** Allocates every operand of {@code spec}, zero-filled. */
    private List<DeviceBuffer> operands(OpSpec spec) {
        List<DeviceBuffer> bufs = new ArrayList<>();
        for (TensorSpec t : spec.operands()) {
            DeviceBuffer b = device.allocate(t.bytes());
            b.write(0, ByteBuffer.allocate((int) t.bytes()));
            bufs.add(b);
        }
        return bufs;
    }

    private static long rec(String key) {
        return TestDouble.recorded(key);
    }

    @Test
    void quantizeMarshalsDimsDtypesAndTheFloor() {
        QuantizeSpec spec = new QuantizeSpec(4, 256, DType.BF16, DType.I8, QuantizeSpec.perToken(), DType.F32);
        try (PreparedOp op = device.prepare(spec); PreparedOp.Launch l = op.bind(operands(spec))) {
            assertEquals(2, rec("x.ndim"));
            assertEquals(4, rec("x.dim0"));
            assertEquals(256, rec("x.dim1"));
            assertEquals(256, rec("x.stride0"));
            assertEquals(1, rec("x.stride1"));
            assertEquals(NnopBase.ACL_BF16, rec("x.dtype"));
            assertEquals(NnopBase.ACL_INT8, rec("y.dtype"));
            assertEquals(NnopBase.ACL_FLOAT, rec("scale.dtype"));
            assertEquals(1, rec("scale.ndim"));
            assertEquals(4, rec("scale.dim0"));
            assertEquals(0, rec("smooth.present"));
            assertEquals(Math.round(1e-4f / 127f * 1e9), rec("clipValueMin.nano"));
            assertTrue(op.notes().stream().anyMatch(n -> n.contains("aclnnClampMin")), op.notes().toString());
        }
    }

    @Test
    void lastTensorCarriesStridesOffsetAndTheBufferAddress() {
        MoeGemmSpec spec = MoeGemmSpec.masked(MoeGemmSpec.Type.BF16, 32, 64, 8, List.of(0, 3, 5));
        List<DeviceBuffer> bufs = operands(spec);
        try (PreparedOp op = device.prepare(spec); PreparedOp.Launch l = op.bind(bufs)) {
            assertEquals(2, rec("x.count"), "one list entry per expert with rows");
            assertEquals(-1, rec("groupType"));
            assertEquals(0, rec("splitItem"));
            assertEquals(0, rec("groupList.present"));
            assertEquals(8 * 64, rec("x0.offset"), "expert 1's rows start at 1 * maxRows * K");
            assertEquals(3, rec("x0.dim0"));
            assertEquals(64, rec("weight0.dim0"));
            assertEquals(32, rec("weight0.dim1"));
            assertEquals(1, rec("weight0.stride0"), "W[E,N,K] seen as [K,N]: K is the contiguous dim");
            assertEquals(64, rec("weight0.stride1"));
            assertEquals(32 * 64, rec("weight0.offset"));
            long[] dims = new long[8];
            long[] strides = new long[8];
            long[] meta = new long[5];
            var data = new com.sun.jna.ptr.PointerByReference();
            long nd = TestDouble.nnop().fake_last_tensor(dims, strides, meta, data);
            assertEquals(2, nd);
            assertEquals(5, dims[0], "the last tensor built is expert 2's output [5, N]");
            assertEquals(32, dims[1]);
            assertEquals(2 * 8 * 32, meta[2], "element offset of expert 2's output rows");
            assertEquals(NnopBase.ACL_FORMAT_ND, meta[1]);
            assertEquals(1, meta[3], "1-D storage");
            assertEquals(bufs.get(3).size() / 2, meta[4], "storage = the whole output buffer, in elements");
            assertTrue(com.sun.jna.Pointer.nativeValue(data.getValue()) != 0);
        }
    }

    @Test
    void maskedMoeWithMoreThan128ActiveExpertsIsSplitIntoCallsAndStillCorrect() {
        List<Integer> rows = new ArrayList<>();
        for (int e = 0; e < 200; e++) {
            rows.add(e % 3 == 0 ? 0 : 1 + e % 4);
        }
        MoeGemmSpec spec = MoeGemmSpec.masked(MoeGemmSpec.Type.BF16, 16, 32, 4, rows);
        long active = rows.stream().filter(r -> r > 0).count();
        assertEquals(133, active, "more than 128 list entries are needed");
        long before = rt.fake_call_count("aclnnGroupedMatmulV4GetWorkspaceSize");
        var r = dev.dayzero.tck.ConformanceRunner.check(device, "masked-200", spec, 7);
        assertEquals(dev.dayzero.tck.CaseStatus.PASSED, r.status(), r.summary());
        assertEquals(before + 1 + (active - 1) / 128, rt.fake_call_count("aclnnGroupedMatmulV4GetWorkspaceSize"),
                "at most 128 list entries a call");
        assertEquals(active - 128, rec("x.count"), "the last call takes the remaining experts");
    }

    @Test
    void contiguousMoeUsesCountsAndTransposedWeights() {
        MoeGemmSpec spec = MoeGemmSpec.contiguous(MoeGemmSpec.Type.INT8_W8A8, 32, 64, List.of(3, 0, 5));
        try (PreparedOp op = device.prepare(spec); PreparedOp.Launch l = op.bind(operands(spec))) {
            assertEquals(0, rec("groupType"));
            assertEquals(1, rec("groupListType"), "per-expert counts");
            assertEquals(3, rec("splitItem"));
            assertEquals(NnopBase.ACL_INT64, rec("groupList.dtype"));
            assertEquals(3, rec("groupList.dim0"));
            assertEquals(3, rec("weight0.ndim"));
            assertEquals(64, rec("weight0.dim1"));
            assertEquals(32, rec("weight0.dim2"));
            assertEquals(32 * 64, rec("weight0.stride0"));
            assertEquals(1, rec("weight0.stride1"));
            assertEquals(64, rec("weight0.stride2"));
            assertEquals(NnopBase.ACL_BF16, rec("scale0.dtype"), "A8W8 with BF16 out takes a BF16 per-channel scale");
            assertEquals(NnopBase.ACL_FLOAT, rec("perTokenScale0.dtype"));
            assertEquals(8, rec("perTokenScale0.dim0"));
        }
    }

    @Test
    void mlaSplitsTheRopeIntoContiguousCopiesAndRelabelsPages() {
        var spec = AttentionSpec.LatentDecode.deepseek(List.of(20, 70), 16, 2, KvCacheType.BF16);
        try (PreparedOp op = device.prepare(spec); PreparedOp.Launch l = op.bind(operands(spec))) {
            assertEquals("BSND", rt.fake_recorded_str("inputLayout"));
            assertEquals(16, rec("numHeads"));
            assertEquals(1, rec("numKeyValueHeads"));
            assertEquals(16, rec("blockSize"), "page 64 relabelled into blocks of 16");
            assertEquals(3, rec("sparseMode"), "Q_S 2 takes sparse mode 3");
            assertEquals(2048, rec("attenMask.dim0"));
            assertEquals(List.of(2L, 2L, 16L, 512L), List.of(rec("query.dim0"), rec("query.dim1"), rec("query.dim2"), rec("query.dim3")));
            // contiguous copies made at bind, not strided views of the 576-wide operands
            assertEquals(2 * 16 * 512, rec("query.stride0"));
            assertEquals(512, rec("query.stride2"));
            assertEquals(0, rec("queryRope.offset"));
            assertEquals(64, rec("queryRope.dim3"));
            assertEquals(64, rec("queryRope.stride2"));
            assertEquals(0, rec("keyRope.offset"));
            assertEquals(64, rec("keyRope.stride1"));
            assertEquals(spec.numPages() * 4L, rec("key0.dim0"));
            assertEquals(16, rec("key0.dim1"));
            assertEquals(512, rec("key0.stride1"));
            assertEquals(0, rec("key0.offset"));
            long copies = 2L * 2 * 16 * 576 * 2 + (long) spec.numPages() * 64 * 576 * 2;
            assertTrue(op.notes().stream().anyMatch(n -> n.contains("contiguous") && n.contains(copies + " bytes of device memory")),
                    op.notes().toString());
            assertEquals(spec.maxBlocks() * 4L, rec("blockTable.dim1"));
            assertEquals(2, rec("actualSeqLengthsKv.n"));
            assertEquals(70, rec("actualSeqLengthsKv.last"));
            assertEquals(Math.round(spec.softmaxScale() * 1e6), rec("scaleValue.micro"));
            assertEquals(Integer.MAX_VALUE, rec("preTokens"));
            assertTrue(op.notes().stream().anyMatch(n -> n.contains("relabelled")), op.notes().toString());
        }
    }

    @Test
    void twoPhaseProtocolReusesOneRepeatableExecutor() {
        var spec = new AttentionSpec.Prefill(List.of(5, 11), 8, 2, 64, true, AttentionSpec.defaultScale(64));
        long phase1 = rt.fake_call_count("aclnnFusedInferAttentionScoreV3GetWorkspaceSize");
        long phase2 = rt.fake_call_count("aclnnFusedInferAttentionScoreV3");
        long executors = rt.fake_live("executor");
        PreparedOp op = device.prepare(spec);
        PreparedOp.Launch l = op.bind(operands(spec));
        assertEquals("TND", rt.fake_recorded_str("inputLayout"));
        assertEquals(2, rec("actualSeqLengths.n"));
        assertEquals(16, rec("actualSeqLengthsKv.last"), "cumulative lengths");
        assertEquals(2, rec("numKeyValueHeads"));
        assertEquals(phase1 + 1, rt.fake_call_count("aclnnFusedInferAttentionScoreV3GetWorkspaceSize"));
        assertEquals(executors + 1, rt.fake_live("executor"));
        for (int i = 0; i < 3; i++) {
            l.enqueue(device.defaultStream());
        }
        device.defaultStream().synchronize();
        assertEquals(phase1 + 1, rt.fake_call_count("aclnnFusedInferAttentionScoreV3GetWorkspaceSize"), "phase 1 once, at bind");
        assertEquals(phase2 + 3, rt.fake_call_count("aclnnFusedInferAttentionScoreV3"));
        assertEquals(65536, rec("phase2.workspaceSize"), "the workspace phase 1 asked for reaches phase 2");
        l.close();
        l.close();
        assertEquals(executors, rt.fake_live("executor"), "the repeatable executor is destroyed with its launch");
        op.close();
        assertThrows(IllegalStateException.class, () -> l.enqueue(device.defaultStream()));
    }

    @Test
    void streamsAndEventsTimeOnTheDevice() {
        long streams = rt.fake_live("stream");
        Stream s = device.newStream();
        assertEquals(streams + 1, rt.fake_live("stream"));
        Event a = device.newEvent();
        Event b = device.newEvent();
        assertThrows(IllegalStateException.class, () -> b.millisSince(a), "unrecorded events have no time");
        long elapsed = rt.fake_call_count("aclrtEventElapsedTime");
        s.record(a);
        DeviceBuffer buf = device.allocate(1 << 20);
        buf.fill(s, (byte) 7);
        s.record(b);
        b.synchronize();
        assertTrue(b.millisSince(a) >= 0);
        assertEquals(elapsed + 1, rt.fake_call_count("aclrtEventElapsedTime"));
        ByteBuffer back = ByteBuffer.allocate(16);
        buf.read(100, back);
        assertEquals(7, back.get(0));
        s.close();
        s.close();
        assertEquals(streams, rt.fake_live("stream"));
        try (Device other = TestDouble.open()) {
            assertThrows(IllegalArgumentException.class, () -> buf.fill(other.defaultStream(), (byte) 0),
                    "a stream of another device is refused");
        }
    }

    @Test
    void nonZeroAclnnStatusBecomesNativeCallException() {
        MoeGemmSpec spec = MoeGemmSpec.contiguous(MoeGemmSpec.Type.BF16, 32, 64, List.of(3, 5));
        List<DeviceBuffer> bufs = operands(spec);
        long tensors = rt.fake_live("tensor") + rt.fake_live("tensorList");
        try (PreparedOp op = device.prepare(spec)) {
            rt.fake_fail_next("aclnnGroupedMatmulV4GetWorkspaceSize", 161002);
            NativeCallException e = assertThrows(NativeCallException.class, () -> op.bind(bufs));
            assertEquals("aclnnGroupedMatmulV4GetWorkspaceSize", e.nativeCall().orElseThrow());
            assertEquals(161002L, e.nativeCode().orElseThrow());
            assertEquals("ACLNN_ERR_PARAM_INVALID", e.codeName());
            assertTrue(e.vendorMessage().contains("injected failure of aclnnGroupedMatmulV4GetWorkspaceSize"), e.vendorMessage());
            assertTrue(e instanceof HalException);
            assertEquals(tensors, rt.fake_live("tensor") + rt.fake_live("tensorList"), "a failed bind frees what it built");
        }
    }

    @Test
    void aPlantedBadPageIdFailsInPhaseTwoWithTheVendorMessage() {
        var spec = AttentionSpec.PagedDecode.of(List.of(20, 40), 8, 2, 64, 16);
        List<DeviceBuffer> bufs = operands(spec);
        ByteBuffer bt = ByteBuffer.allocate(4 * spec.batch() * spec.maxBlocks()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < spec.batch() * spec.maxBlocks(); i++) {
            bt.putInt(i == 1 ? 9999 : 0);
        }
        bufs.get(3).write(0, bt.flip());
        try (PreparedOp op = device.prepare(spec); PreparedOp.Launch l = op.bind(bufs)) {
            assertEquals(16, rec("blockSize"));
            assertEquals(1, rec("innerPrecise"));
            NativeCallException e = assertThrows(NativeCallException.class, () -> l.enqueue(device.defaultStream()));
            assertEquals("aclnnFusedInferAttentionScoreV3", e.nativeCall().orElseThrow());
            assertEquals("ACLNN_ERR_INNER", e.codeName());
            assertTrue(e.getMessage().contains("9999"), e.getMessage());
        }
    }

    @Test
    void runtimeErrorsMapToOutOfMemoryAndAclCodes() {
        rt.fake_fail_next("aclrtMalloc", 200000);
        DeviceOutOfMemoryException oom = assertThrows(DeviceOutOfMemoryException.class, () -> device.allocate(64));
        assertEquals(64, oom.requestedBytes());
        // the runtime's own out-of-memory code, ACL_ERROR_RT_MEMORY_ALLOCATION (rt_error_codes.h)
        rt.fake_fail_next("aclrtMalloc", 207001);
        DeviceOutOfMemoryException rtOom = assertThrows(DeviceOutOfMemoryException.class, () -> device.allocate(128));
        assertEquals(128, rtOom.requestedBytes());
        NativeCallException cause = assertInstanceOf(NativeCallException.class, rtOom.getCause());
        assertEquals("ACL_ERROR_RT_MEMORY_ALLOCATION", cause.codeName());
        // and what the double returns for more than its 64 GiB
        assertThrows(DeviceOutOfMemoryException.class, () -> device.allocate(65L << 30));
        rt.fake_fail_next("aclrtCreateStream", 500003);
        NativeCallException e = assertThrows(NativeCallException.class, () -> device.newStream());
        assertEquals("ACL_ERROR_RT_FAILURE", e.codeName());
        assertEquals("aclrtCreateStream", e.nativeCall().orElseThrow());
    }

    @Test
    void closingTheDeviceReleasesWhatItsUsersForgot() {
        DeviceBuffer b = device.allocate(4096);
        device.newStream();
        device.newEvent();
        var spec = new QuantizeSpec(2, 64, DType.BF16, DType.I8, QuantizeSpec.perToken(), DType.F32);
        device.prepare(spec).bind(operands(spec));
        assertTrue(rt.fake_live("memory") > 0);
        assertTrue(rt.fake_live("executor") > 0);
        device.close();
        device.close();
        assertTrue(b.isClosed());
        assertEquals(0, device.allocatedBytes());
        assertEquals(liveBefore, rt.fake_live_resources());
        assertThrows(IllegalStateException.class, () -> device.allocate(1));
        assertFalse(device.info().name().isEmpty());
    }

    @Test
    void everyDeclaredFunctionResolvesInTheDouble() {
        List<NativeLibrary> libs = List.of(
                NativeLibrary.getInstance(TestDouble.DIR.resolve("libascendcl.so").toString()),
                NativeLibrary.getInstance(TestDouble.DIR.resolve("libnnopbase.so").toString()),
                NativeLibrary.getInstance(TestDouble.DIR.resolve("libopapi.so").toString()));
        List<String> missing = new ArrayList<>();
        for (Class<?> c : List.of(AscendCl.class, NnopBase.class, OpApi.class)) {
            for (Method m : c.getDeclaredMethods()) {
                boolean found = false;
                for (NativeLibrary lib : libs) {
                    try {
                        lib.getFunction(m.getName());
                        found = true;
                        break;
                    } catch (UnsatisfiedLinkError e) {
                        // next
                    }
                }
                if (!found) {
                    missing.add(m.getName());
                }
            }
        }
        assertEquals(List.of(), missing, "the double must export every bound symbol");
        // DsaOps is bound per file: each of the double's DSA installs exports all of it
        for (java.nio.file.Path lib : List.of(
                TestDouble.V020_OPP.resolve("vendors/vllm-ascend/op_api/lib/libcust_opapi.so"),
                TestDouble.V021_OPP.resolve("vendors/vllm-ascend/op_api/lib/libcust_opapi.so"),
                TestDouble.UNKNOWN_OPP.resolve("vendors/dayzero/op_api/lib/libcust_opapi.so"),
                TestDouble.CANN_BUILTIN.resolve("libopapi_transformer.so"))) {
            NativeLibrary nl = NativeLibrary.getInstance(lib.toString());
            for (Method m : dev.dayzero.backend.ascend.jna.DsaOps.class.getDeclaredMethods()) {
                nl.getFunction(m.getName());
            }
        }
        assertEquals(0, countExported(libs.get(2)),
                "the plain double has no DSA operator, so the backend's 'absent' path is tested");
    }

    private static int countExported(NativeLibrary lib) {
        int n = 0;
        for (String s : List.of("aclnnSparseFlashAttentionGetWorkspaceSize", "aclnnLightningIndexerGetWorkspaceSize")) {
            try {
                lib.getFunction(s);
                n++;
            } catch (UnsatisfiedLinkError e) {
                // absent
            }
        }
        return n;
    }
}
