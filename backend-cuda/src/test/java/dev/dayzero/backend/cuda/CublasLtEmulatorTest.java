package dev.dayzero.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.GraphCapture;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.Probe;
import dev.dayzero.hal.Stream;
import dev.dayzero.hal.Support;
import dev.dayzero.hal.UnsupportedSpecException;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.TensorSpec;
import dev.dayzero.tck.data.HostTensor;
import dev.dayzero.tck.data.InputGenerator;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cuBLASLt MoE GEMM operator on the CUDA emulator with the cuBLASLt test double: one matmul per expert with
 * rows and the planned transforms per enqueue, stream order kept under graph capture (the double enqueues through
 * cuLaunchHostFunc), every descriptor, layout and device allocation freed, and the choice between cuBLASLt and the
 * kernel (a cuBLASLt before 12.9, a heuristic with no algorithm, {@code auto} against {@code cublaslt}).
 */
class CublasLtEmulatorTest {
    /** The double's hooks (same library instance the backend loaded). */
    interface Hooks extends Library {
        void dz_fake_cublaslt_set_version(long version);

        void dz_fake_cublaslt_refuse_heuristics(int on);

        long dz_fake_cublaslt_live_objects();

        long dz_fake_cublaslt_calls(String function);
    }

    /** FP8, masked: expert 1 has 3 rows (staged to 4), K = 384 (3 K blocks, weight scales padded to 4). */
    private static final MoeGemmSpec FP8 = MoeGemmSpec.masked(MoeGemmSpec.Type.FP8_BLOCK, 256, 384, 8, List.of(8, 3, 0, 5));
    private static final MoeGemmSpec BF16 = MoeGemmSpec.contiguous(MoeGemmSpec.Type.BF16, 64, 96, List.of(5, 0, 7));

    private Hooks hooks;
    private long liveBefore;
    private int allocationsBefore;

    @BeforeEach
    void hooks() {
        Path lt = CudaEmulator.DIR.resolve("libcublasLt.so.13");
        CudaEmulator.assumeBuilt();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(lt), "no cuBLASLt test double: " + lt);
        hooks = Native.load(lt.toString(), Hooks.class);
        liveBefore = hooks.dz_fake_cublaslt_live_objects();
        allocationsBefore = CudaEmulator.hooks().dzEmuLiveAllocations();
    }

    @AfterEach
    void nothingLeaks() {
        if (hooks != null) {
            hooks.dz_fake_cublaslt_set_version(0);
            hooks.dz_fake_cublaslt_refuse_heuristics(0);
            assertEquals(liveBefore, hooks.dz_fake_cublaslt_live_objects(), "every cuBLASLt descriptor and handle destroyed");
            assertEquals(allocationsBefore, CudaEmulator.hooks().dzEmuLiveAllocations(), "every device allocation freed");
        }
    }

    /** The spec's operands on the device, inputs from the kit's generator, the output filled with 0x7F. */
    private static List<DeviceBuffer> operands(Device d, MoeGemmSpec spec, long seed) {
        List<DeviceBuffer> buffers = new ArrayList<>();
        for (HostTensor t : InputGenerator.generate(spec, seed)) {
            ByteBuffer in = t.bytes();
            DeviceBuffer b = d.allocate(in.remaining());
            b.write(0, in);
            buffers.add(b);
        }
        for (TensorSpec out : spec.outputs()) {
            DeviceBuffer b = d.allocate(out.bytes());
            b.fill(d.defaultStream(), (byte) 0x7F);
            buffers.add(b);
        }
        d.defaultStream().synchronize();
        return buffers;
    }

    private static ByteBuffer read(DeviceBuffer b) {
        ByteBuffer bb = ByteBuffer.allocate((int) b.size());
        b.read(0, bb);
        return bb;
    }

    @Test
    void uniformBf16ExpertsRunAsOneStridedBatchedMatmul() {
        MoeGemmSpec uniform = MoeGemmSpec.contiguous(MoeGemmSpec.Type.BF16, 64, 128, List.of(8, 8, 8, 8));
        try (Device d = CudaEmulator.open(CudaConfig.MoeGemm.CUBLASLT)) {
            List<DeviceBuffer> ops = operands(d, uniform, 5);
            Stream s = d.newStream();
            try (PreparedOp op = d.prepare(uniform); PreparedOp.Launch launch = op.bind(ops)) {
                assertTrue(op.notes().get(0).contains("one strided-batched cublasLtMatmul per enqueue (4 batches of 8 rows)"),
                        op.notes().toString());
                long matmuls = hooks.dz_fake_cublaslt_calls("cublasLtMatmul");
                launch.enqueue(s);
                s.synchronize();
                assertEquals(matmuls + 1, hooks.dz_fake_cublaslt_calls("cublasLtMatmul"), "one call for the 4 experts");
            }
        }
    }

    @Test
    void oneMatmulPerExpertWithRowsAndGraphReplayMatchesTheDirectRun() {
        try (Device d = CudaEmulator.open(CudaConfig.MoeGemm.CUBLASLT)) {
            List<DeviceBuffer> ops = operands(d, FP8, 11);
            DeviceBuffer out = ops.get(ops.size() - 1);
            Stream s = d.newStream();
            try (PreparedOp op = d.prepare(FP8); PreparedOp.Launch launch = op.bind(ops)) {
                assertTrue(op.notes().get(0).startsWith("cuBLASLt 13.0.0 ("), op.notes().toString());
                assertTrue(op.notes().get(1).contains("K blocks padded to 4") && op.notes().get(1).contains("2 expert(s)"),
                        op.notes().toString());
                long matmuls = hooks.dz_fake_cublaslt_calls("cublasLtMatmul");
                long transforms = hooks.dz_fake_cublaslt_calls("cublasLtMatrixTransform");
                launch.enqueue(s);
                s.synchronize();
                assertEquals(matmuls + 3, hooks.dz_fake_cublaslt_calls("cublasLtMatmul"), "experts 0, 1 and 3");
                assertEquals(transforms + 4, hooks.dz_fake_cublaslt_calls("cublasLtMatrixTransform"),
                        "three activation-scale transposes and one weight-scale padding");
                ByteBuffer direct = read(out);
                assertEquals(0x7F7F, direct.getShort(2 * (8 + 3) * 256) & 0xFFFF, "masked rows past the count untouched");

                out.fill(s, (byte) 0x7F);
                GraphCapture capture = d.graphCapture().orElseThrow();
                try (GraphCapture.Graph g = capture.capture(s, () -> launch.enqueue(s))) {
                    s.synchronize();
                    assertEquals(0x7F7F, read(out).getShort(0) & 0xFFFF, "capture records, it does not compute");
                    g.replay(s);
                    s.synchronize();
                    assertEquals(direct.rewind(), read(out).rewind(), "replay computes what the direct run did");
                    out.fill(s, (byte) 0x7F);
                    g.replay(s);
                    s.synchronize();
                    assertEquals(direct.rewind(), read(out).rewind(), "and again");
                }
            }
            ops.forEach(DeviceBuffer::close);
            assertEquals(0, d.allocatedBytes(), "the launch's workspace and staging were freed with it");
        }
    }

    @Test
    void bf16NeedsNoStagingAndLaunchesCloseWithTheirOperator() {
        try (Device d = CudaEmulator.open(CudaConfig.MoeGemm.AUTO)) {
            List<DeviceBuffer> ops = operands(d, BF16, 12);
            long user = d.allocatedBytes();
            PreparedOp op = d.prepare(BF16);
            assertTrue(op.notes().get(0).startsWith("cuBLASLt "), "auto takes cuBLASLt for BF16: " + op.notes());
            assertEquals(1, op.notes().size(), "no FP8 staging note");
            PreparedOp.Launch a = op.bind(ops);
            PreparedOp.Launch b = op.bind(ops);
            assertTrue(d.allocatedBytes() > user, "each launch holds its own workspace");
            a.enqueue(d.defaultStream());
            b.enqueue(d.defaultStream());
            d.defaultStream().synchronize();
            op.close();
            assertThrows(IllegalStateException.class, () -> a.enqueue(d.defaultStream()), "closed with the operator");
            assertEquals(user, d.allocatedBytes());
            ops.forEach(DeviceBuffer::close);
        }
    }

    @Test
    void aCublasLtBefore129LeavesFp8OnTheKernelUnderAutoAndUnsupportedUnderCublaslt() {
        hooks.dz_fake_cublaslt_set_version(120804);
        Probe p = CudaEmulator.provider(CudaConfig.MoeGemm.AUTO).probe();
        assertTrue(p.reason().contains("cuBLASLt 12.8.4") && p.reason().contains("predates 12.9"), p.reason());
        try (Device d = CudaEmulator.open(CudaConfig.MoeGemm.AUTO); PreparedOp op = d.prepare(FP8)) {
            assertFalse(op.notes().get(0).startsWith("cuBLASLt "), "FP8 on the kernel: " + op.notes());
            try (PreparedOp bf16 = d.prepare(BF16)) {
                assertTrue(bf16.notes().get(0).startsWith("cuBLASLt 12.8.4"), bf16.notes().toString());
            }
        }
        try (Device d = CudaEmulator.open(CudaConfig.MoeGemm.CUBLASLT)) {
            Support s = d.supports(FP8);
            assertTrue(s instanceof Support.Unsupported u && u.reason().contains("needs cuBLASLt 12.9 or newer; the "
                    + "loaded cuBLASLt is 12.8.4"), s.toString());
            assertThrows(UnsupportedSpecException.class, () -> d.prepare(FP8));
        }
    }

    @Test
    void aHeuristicAnsweringInvalidValueIsARefusalTooAndFallsBackUnderAuto() {
        hooks.dz_fake_cublaslt_refuse_heuristics(2); // cuBLASLt 13.0 on an H200, FP8 block scaling
        try (Device d = CudaEmulator.open(CudaConfig.MoeGemm.AUTO); PreparedOp op = d.prepare(FP8)) {
            String last = op.notes().get(op.notes().size() - 1);
            assertTrue(last.startsWith("on the kernel instead of cuBLASLt: ") && last.contains("CUBLAS_STATUS_INVALID_VALUE"),
                    "says why: " + op.notes());
        }
        try (Device d = CudaEmulator.open(CudaConfig.MoeGemm.CUBLASLT)) {
            UnsupportedSpecException e = assertThrows(UnsupportedSpecException.class, () -> d.prepare(FP8));
            assertTrue(e.getMessage().contains("has no algorithm for"), e.getMessage());
        }
    }

    @Test
    void aHeuristicWithNoAlgorithmFallsBackUnderAutoAndFailsUnderCublaslt() {
        hooks.dz_fake_cublaslt_refuse_heuristics(1);
        try (Device d = CudaEmulator.open(CudaConfig.MoeGemm.AUTO); PreparedOp op = d.prepare(BF16)) {
            assertFalse(op.notes().get(0).startsWith("cuBLASLt "), "kernel after the refusal: " + op.notes());
            assertTrue(op.notes().get(op.notes().size() - 1).startsWith("on the kernel instead of cuBLASLt: ")
                    && op.notes().get(op.notes().size() - 1).contains("no algorithm"), "says why: " + op.notes());
        }
        try (Device d = CudaEmulator.open(CudaConfig.MoeGemm.CUBLASLT)) {
            UnsupportedSpecException e = assertThrows(UnsupportedSpecException.class, () -> d.prepare(FP8));
            assertTrue(e.getMessage().contains("has no algorithm for") && e.getMessage().contains("CUBLAS_STATUS_NOT_SUPPORTED"),
                    e.getMessage());
        }
    }

    @Test
    void probeNamesTheLoadedCublasLt() {
        Probe p = CudaEmulator.provider().probe();
        String v = p.versions().get("cublasLt");
        assertTrue(v.startsWith("13.0.0 (130000, ") && v.endsWith("libcublasLt.so.13)"), v);
        assertEquals("13.0.0", p.devices().get(0).properties().get("cublasLtVersion"));
        assertNotEquals("missing", v);
    }
}
