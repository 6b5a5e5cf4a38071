package dev.dayzero.bench.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dayzero.bench.results.ResultsJson;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.CacheWriteSpec;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.IndexerSpec.KeyType;
import dev.dayzero.hal.op.KvCacheType;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import dev.dayzero.hal.op.SharedKvFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SpecJsonTest {

    /** Every spec record the bench writes, with values off the defaults so a dropped field shows. */
    static List<OpSpec> everySpec() {
        return List.of(
                new QuantizeSpec(4, 256, DType.BF16, DType.F8_E4M3FN, QuantizeSpec.perGroup(128), DType.UE8M0),
                new QuantizeSpec(3, 256, DType.F32, DType.I8, QuantizeSpec.perBlock(2, 128), DType.F32),
                MoeGemmSpec.contiguous(MoeGemmSpec.Type.FP8_BLOCK, 256, 128, List.of(3, 5)),
                MoeGemmSpec.masked(MoeGemmSpec.Type.BF16, 64, 128, 8, List.of(4, 7)),
                MoeGemmSpec.masked(MoeGemmSpec.Type.FP8_BLOCK, DType.UE8M0, 256, 128, 8, List.of(4, 7)),
                MoeGemmSpec.contiguous(MoeGemmSpec.Type.MXFP4_FP8, 64, 256, List.of(2, 0, 5)),
                MoeGemmSpec.masked(MoeGemmSpec.Type.MXFP4_BF16, 64, 96, 4, List.of(4, 1)),
                new AttentionSpec.Prefill(List.of(16, 9), 4, 2, 64, true, 0.125f),
                AttentionSpec.PagedDecode.of(List.of(40, 3), 8, 2, 64, 16),
                AttentionSpec.LatentDecode.deepseek(List.of(70), 16, 2, KvCacheType.FP8_FLASHMLA),
                AttentionSpec.SparseLatentDecode.deepseek(List.of(300, 90), 16, 1, 64, KvCacheType.BF16),
                new AttentionSpec.SparsePrefill(List.of(33, 7), 8, 576, 512, 16, 0.0417f),
                IndexerSpec.PagedIndexerTopK.of(List.of(130, 70), 2, 64, 128, KeyType.FP8, 1, 32),
                new IndexerSpec.PagedIndexerTopK(new IndexerSpec.PagedKeys(List.of(200), 1, 32, 64, KeyType.BF16,
                        16, 20, 4), 8),
                new IndexerSpec.IndexerLogits(IndexerSpec.PagedKeys.of(List.of(65, 9), 1, 8, 32, KeyType.FP8, 64, 1)),
                new IndexerSpec.IndexerTopK(List.of(40, 12), 16, 128, KeyType.BF16, 24),
                AttentionSpec.SparseSharedKvDecode.v4(64, 2, SharedKvFormat.FP8_MODEL1,
                        AttentionSpec.KvIndexSet.full(128, 64, List.of(128, 7)),
                        Optional.of(AttentionSpec.KvIndexSet.of(64, 2, List.of(64, 3), List.of(60, 1))), true),
                new AttentionSpec.SparseSharedKvDecode(128, 1, 576, SharedKvFormat.BF16,
                        AttentionSpec.KvIndexSet.full(32, 16, List.of(20)), Optional.empty(), false, false, 0.05f),
                CacheWriteSpec.QuantInsert.of(37, SharedKvFormat.FP8_V32, 576, 16),
                new AttentionSpec.Prefill(List.of(16, 9), 4, 4, 192, 128, true, 0.072f),
                dev.dayzero.hal.op.GemmSpec.fp8Block(DType.UE8M0, 3, 5, 200, 256),
                dev.dayzero.hal.op.GemmSpec.of(dev.dayzero.hal.op.GemmSpec.Type.INT8_W8A8, 7, 64, 96));
    }

    @Test
    void everySpecRoundTripsFieldForField() {
        for (OpSpec spec : everySpec()) {
            ObjectNode json = SpecJson.toJson(spec);
            assertEquals(spec, SpecJson.fromJson(json), json.toString());
            assertEquals(spec.family(), json.get("family").asText());
            assertEquals(spec.flops(), json.get("flops").asLong());
            assertEquals(spec.bytes(), json.get("bytes").asLong());
            assertEquals(spec.describe(), json.get("describe").asText());
        }
    }

    @Test
    void everySpecRoundTripsThroughTheResultsMapper() throws Exception {
        for (OpSpec spec : everySpec()) {
            String text = ResultsJson.mapper().writeValueAsString(spec);
            assertEquals(spec, ResultsJson.mapper().readValue(text, OpSpec.class), text);
        }
    }

    @Test
    void theIndexerCarriesItsPagedCacheFieldsFlat() {
        IndexerSpec.PagedIndexerTopK spec = new IndexerSpec.PagedIndexerTopK(new IndexerSpec.PagedKeys(
                List.of(200, 64), 2, 32, 64, KeyType.FP8, 16, 30, 4), 8);
        JsonNode n = SpecJson.toJson(spec);
        assertEquals("indexer", n.get("family").asText());
        assertEquals("paged-topk", n.get("variant").asText());
        assertEquals("[200,64]", n.get("seqLens").toString());
        assertEquals(2, n.get("nextN").asInt());
        assertEquals(32, n.get("heads").asInt());
        assertEquals(64, n.get("headDim").asInt());
        assertEquals("FP8", n.get("keyType").asText());
        assertEquals(16, n.get("pageSize").asInt());
        assertEquals(30, n.get("numPages").asInt());
        assertEquals(4, n.get("compressRatio").asInt());
        assertEquals(8, n.get("topk").asInt());
        JsonNode p = SpecJson.toJson(new AttentionSpec.SparsePrefill(List.of(5), 4, 576, 512, 3, 0.05f));
        assertEquals("sparse-prefill", p.get("variant").asText());
        assertEquals(3, p.get("topk").asInt());
        assertEquals(512, p.get("valueDim").asInt());
    }

    /** The first spec of {@code type} in {@link #everySpec()}. */
    private static OpSpec first(Class<? extends OpSpec> type) {
        return everySpec().stream().filter(type::isInstance).findFirst().orElseThrow();
    }

    @Test
    void anUnknownFamilyOrVariantIsRefusedNamingTheChoices() {
        ObjectNode n = SpecJson.toJson(first(IndexerSpec.PagedIndexerTopK.class));
        n.put("family", "conv2d");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SpecJson.fromJson(n));
        assertTrue(e.getMessage().contains("spec.family") && e.getMessage().contains("indexer")
                && e.getMessage().contains("'conv2d'"), e.getMessage());
        ObjectNode v = SpecJson.toJson(first(IndexerSpec.PagedIndexerTopK.class));
        v.put("variant", "sorted-topk");
        e = assertThrows(IllegalArgumentException.class, () -> SpecJson.fromJson(v));
        assertTrue(e.getMessage().contains("spec.variant") && e.getMessage().contains("paged-topk")
                && e.getMessage().contains("'sorted-topk'"), e.getMessage());
        ObjectNode a = SpecJson.toJson(first(AttentionSpec.SparsePrefill.class));
        a.put("variant", "sparse-decode");
        e = assertThrows(IllegalArgumentException.class, () -> SpecJson.fromJson(a));
        assertTrue(e.getMessage().contains("sparse-prefill"), e.getMessage());
    }

    @Test
    void aMissingOrBadIndexerFieldIsNamed() {
        ObjectNode n = SpecJson.toJson(first(IndexerSpec.PagedIndexerTopK.class));
        n.remove("nextN");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SpecJson.fromJson(n)).getMessage()
                .contains("spec.nextN is missing"));
        ObjectNode k = SpecJson.toJson(first(IndexerSpec.IndexerTopK.class));
        k.put("keyType", "INT4");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SpecJson.fromJson(k));
        assertTrue(e.getMessage().contains("spec.keyType") && e.getMessage().contains("FP8"), e.getMessage());
        ObjectNode h = SpecJson.toJson(first(IndexerSpec.IndexerTopK.class));
        h.put("heads", 65);
        e = assertThrows(IllegalArgumentException.class, () -> SpecJson.fromJson(h));
        assertTrue(e.getMessage().contains("heads"), "the spec's own validation names the field: " + e.getMessage());
    }
}
