package dev.dayzero.backend.ascend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.hal.Device;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.Support;
import dev.dayzero.hal.UnsupportedSpecException;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.KvCacheType;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.hal.op.TensorSpec;
import dev.dayzero.tck.CaseResult;
import dev.dayzero.tck.CaseStatus;
import dev.dayzero.tck.ConformanceCase;
import dev.dayzero.tck.ConformanceRunner;
import dev.dayzero.tck.StandardCases;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The DeepSeek sparse-attention operators on the double's four installs: which library and C signature the
 * backend chooses from the version evidence, what it refuses and why, and that the chosen signature computes
 * the kit's answers (the double's SFA double-checks contiguity, valid-first indices and, for 23 arguments, the
 * softmax outputs). {@link AscendDoubleConformanceTest} runs every standard case against the 0.21 package.
 */
class DsaDoubleTest {
    private static final String SPARSE_DECODE = "deepseek-v3.2/attention/sparse-mla-decode-bf16";
    private static final String SPARSE_PREFILL = "glm-5/attention/sparse-prefill-short";
    private static final String LI_DECODE = "deepseek-v3.2/indexer/decode-bf16";
    private static final String LI_MTP = "deepseek-v3.2/indexer/decode-fp8-ctx32768-mtp";
    private static final String LI_V4 = "deepseek-v4/indexer/decode-fp8-ratio4";

    private static ConformanceCase standard(String id) {
        return StandardCases.all().stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow(() ->
                new AssertionError("no standard case " + id));
    }

    private static CaseResult run(Device d, String id) {
        CaseResult r = ConformanceRunner.run(d, standard(id));
        System.out.println("[dsa] " + r.summary());
        return r;
    }

    private static void passes(Device d, String id) {
        CaseResult r = run(d, id);
        boolean alt = d.supports(standard(id).spec()) instanceof Support.Alternative;
        assertEquals(alt ? CaseStatus.ALTERNATIVE_ONLY : CaseStatus.PASSED, r.status(), r.summary());
    }

    private static String refused(Device d, OpSpec spec) {
        Support.Unsupported u = assertInstanceOf(Support.Unsupported.class, d.supports(spec), spec.describe());
        System.out.println("[dsa refusal] " + spec.describe() + ": " + u.reason());
        return u.reason();
    }

    @Test
    void vllmAscend021TakesThe23ArgumentFormWithRealSoftmaxOutputs() {
        TestDouble.Runtime rt = TestDouble.runtime();
        long live = rt.fake_live_resources();
        try (Device d = new AscendBackendProvider(TestDouble.withPackage(TestDouble.V021_OPP)).open(0)) {
            String sfa = d.info().properties().get("sparseFlashAttention");
            assertTrue(sfa.startsWith("23-argument SparseFlashAttention from ") && sfa.contains("vllm-ascend 0.21.0")
                    && sfa.contains("_version.py"), sfa);
            assertTrue(d.info().properties().get("lightningIndexer").startsWith("LightningIndexer from "),
                    d.info().properties().toString());
            passes(d, SPARSE_DECODE);
            assertEquals(23, TestDouble.recorded("sfa.abi"));
            assertEquals(4, TestDouble.recorded("softmaxMax.ndim"), "[B, N2, S1, N1]");
            assertEquals(1, TestDouble.recorded("softmaxMax.dim1"));
            assertEquals(((AttentionSpec.SparseLatentDecode) standard(SPARSE_DECODE).spec()).numHeads(),
                    TestDouble.recorded("softmaxMax.dim3"));
            assertEquals(0, TestDouble.recorded("returnSoftmaxLse"));
            assertEquals("PA_BSND", rt.fake_recorded_str("layoutKv"));
            passes(d, SPARSE_PREFILL);
            assertEquals("TND", rt.fake_recorded_str("layoutQuery"));
            assertEquals(3, TestDouble.recorded("softmaxMax.ndim"), "[N2, T, N1]");
            assertEquals(131, TestDouble.recorded("softmaxMax.dim1"));
            passes(d, LI_DECODE);
            assertEquals(27, TestDouble.recorded("li.weights.dtype"), "weights rounded to BF16 at bind");
            assertEquals(1, TestDouble.recorded("li.valuesPresent"));
            assertEquals(0, TestDouble.recorded("li.returnValues"));
            assertEquals(3, TestDouble.recorded("li.sparseMode"));
            assertEquals(2048, TestDouble.recorded("li.sparseCount"));
            assertEquals("PA_BSND", rt.fake_recorded_str("li.layoutKey"));
            passes(d, LI_MTP);
            assertEquals(2, TestDouble.recorded("li.s1"), "one key per token: S1 = nextN with sparse_mode 3");
            assertEquals(2, TestDouble.recorded("li.batch"));
            passes(d, LI_V4);
            assertEquals(1, TestDouble.recorded("li.s1"), "compressed keys, nextN 2: one batch entry per query row");
            assertEquals(6, TestDouble.recorded("li.batch"));
            assertEquals(0, d.allocatedBytes());
        }
        assertEquals(live, rt.fake_live_resources());
    }

    @Test
    void vllmAscend020TakesThe17ArgumentFormAndRefusesTheIndexer() {
        TestDouble.Runtime rt = TestDouble.runtime();
        long live = rt.fake_live_resources();
        try (Device d = new AscendBackendProvider(TestDouble.withPackage(TestDouble.V020_OPP)).open(0)) {
            String sfa = d.info().properties().get("sparseFlashAttention");
            assertTrue(sfa.startsWith("17-argument SparseFlashAttention") && sfa.contains("vllm_ascend-0.20.2.dist-info"),
                    sfa);
            passes(d, SPARSE_DECODE);
            assertEquals(17, TestDouble.recorded("sfa.abi"));
            passes(d, SPARSE_PREFILL);
            assertEquals(17, TestDouble.recorded("sfa.abi"));
            String why = refused(d, standard(LI_DECODE).spec());
            assertTrue(why.contains("before 0.21 was not checked"), why);
            UnsupportedSpecException e = org.junit.jupiter.api.Assertions.assertThrows(UnsupportedSpecException.class,
                    () -> d.prepare(standard(LI_DECODE).spec()));
            assertTrue(e.getMessage().contains("LightningIndexer"), e.getMessage());
        }
        assertEquals(live, rt.fake_live_resources());
    }

    @Test
    void aPackageWithoutVersionEvidenceIsRefusedEvenBesideCannsOwnOperator() {
        TestDouble.Runtime rt = TestDouble.runtime();
        long calls = rt.fake_call_count("aclnnSparseFlashAttentionGetWorkspaceSize");
        AscendConfig config = AscendConfig.only(TestDouble.CANN_BUILTIN.toString())
                .withCustomOppPath(TestDouble.UNKNOWN_OPP.toString());
        TestDouble.assumeBuilt();
        try (Device d = new AscendBackendProvider(config).open(0)) {
            String prop = d.info().properties().get("sparseFlashAttention");
            assertTrue(prop.startsWith("refused: the custom package "), prop);
            for (String id : List.of(SPARSE_DECODE, SPARSE_PREFILL, LI_DECODE)) {
                String why = refused(d, standard(id).spec());
                assertTrue(why.contains("version could not be read"), why);
                assertTrue(why.contains("dayzero.ascend.customOpsVersion"), why);
                assertEquals(CaseStatus.UNSUPPORTED, run(d, id).status());
            }
        }
        assertEquals(calls, rt.fake_call_count("aclnnSparseFlashAttentionGetWorkspaceSize"), "never called");
        try (Device d = new AscendBackendProvider(config.withCustomOpsVersion("0.21.0")).open(0)) {
            assertTrue(d.info().properties().get("sparseFlashAttention").contains("declared by"));
            passes(d, SPARSE_DECODE);
        }
    }

    @Test
    void cannsBuiltInOperatorsWhereNoPackageIsInstalled() {
        TestDouble.assumeBuilt();
        try (Device d = new AscendBackendProvider(AscendConfig.only(TestDouble.CANN_BUILTIN.toString())).open(0)) {
            String sfa = d.info().properties().get("sparseFlashAttention");
            assertTrue(sfa.contains("libopapi_transformer.so") && sfa.contains("built-in"), sfa);
            passes(d, SPARSE_DECODE);
            assertEquals(23, TestDouble.recorded("sfa.abi"));
            passes(d, LI_V4);
        }
        try (Device d = TestDouble.open()) {
            assertTrue(d.info().properties().get("sparseFlashAttention").startsWith("absent: "));
            assertTrue(refused(d, standard(SPARSE_DECODE).spec()).contains("aclnnSparseFlashAttentionGetWorkspaceSize"));
            assertTrue(refused(d, standard(LI_DECODE).spec()).contains("aclnnLightningIndexerGetWorkspaceSize"));
        }
    }

    /** Writes random BF16 q and cache; indices with -1 interleaved (compacted at bind) or already valid first. */
    private static float[] sparseDecode(Device d, AttentionSpec.SparseLatentDecode spec, boolean interleaved) {
        List<DeviceBuffer> bufs = new ArrayList<>();
        Random rnd = new Random(7);
        for (TensorSpec t : spec.operands()) {
            ByteBuffer b = ByteBuffer.allocate((int) t.bytes()).order(ByteOrder.LITTLE_ENDIAN);
            if (t.name().equals("indices")) {
                int k = spec.topk();
                for (int row = 0; row < t.bytes() / 4 / k; row++) {
                    int b0 = row / spec.queriesPerSeq();
                    for (int j = 0; j < k; j++) {
                        boolean valid = interleaved ? j % 2 == 0 : j < (k + 1) / 2;
                        int slot = interleaved ? j / 2 : j;
                        b.putInt(valid ? b0 * spec.pageSize() + slot : -1);
                    }
                }
            } else if (!t.name().equals("out")) {
                while (b.hasRemaining()) {
                    b.putShort(dev.dayzero.hal.Bf16.encode((float) rnd.nextGaussian() * 0.3f));
                }
            }
            DeviceBuffer buf = d.allocate(t.bytes());
            buf.write(0, b.flip());
            bufs.add(buf);
        }
        try (PreparedOp op = d.prepare(spec); PreparedOp.Launch l = op.bind(bufs)) {
            long copies = 2L * (spec.batch() * spec.queriesPerSeq() * spec.numHeads()
                    + (long) spec.numPages() * spec.pageSize()) * spec.headDim();
            long operands = spec.operands().stream().mapToLong(TensorSpec::bytes).sum();
            assertTrue(d.allocatedBytes() >= operands + copies, "the bind-time copies are counted: "
                    + d.allocatedBytes());
            assertTrue(op.notes().stream().anyMatch(n -> n.contains("contiguous copies")), op.notes().toString());
            l.enqueue(d.defaultStream());
            d.defaultStream().synchronize();
        }
        ByteBuffer out = ByteBuffer.allocate((int) spec.outputs().get(0).bytes()).order(ByteOrder.LITTLE_ENDIAN);
        bufs.get(3).read(0, out);
        out.flip();
        float[] f = new float[out.remaining() / 2];
        for (int i = 0; i < f.length; i++) {
            f[i] = dev.dayzero.hal.Bf16.decode(out.getShort());
        }
        bufs.forEach(DeviceBuffer::close);
        return f;
    }

    @Test
    void indicesThatAreNotValidFirstAreCompactedAtBind() {
        var spec = new AttentionSpec.SparseLatentDecode(List.of(40, 33), 16, 1, 576, 512, 8, 64, 2,
                KvCacheType.BF16, AttentionSpec.defaultScale(576));
        try (Device d = new AscendBackendProvider(TestDouble.withPackage(TestDouble.V021_OPP)).open(0)) {
            float[] ordered = sparseDecode(d, spec, false);
            float[] interleaved = sparseDecode(d, spec, true);
            assertEquals(ordered.length, interleaved.length);
            for (int i = 0; i < ordered.length; i++) {
                assertEquals(ordered[i], interleaved[i], 0f, "element " + i);
            }
            assertEquals(0, d.allocatedBytes());
        }
    }
}
