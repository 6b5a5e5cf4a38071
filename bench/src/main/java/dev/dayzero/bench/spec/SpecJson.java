package dev.dayzero.bench.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.CacheWriteSpec;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.KvCacheType;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import dev.dayzero.hal.op.SharedKvFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Operator specs to and from JSON, field by field. No polymorphic typing: the {@code family} and
 * {@code variant} fields select an explicit constructor, and every value goes through the spec's own
 * validation, so a results file or a worker message cannot build anything but a valid spec.
 */
public final class SpecJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private SpecJson() {
    }

    public static ObjectNode toJson(OpSpec spec) {
        ObjectNode n = F.objectNode();
        n.put("family", spec.family());
        if (spec instanceof QuantizeSpec q) {
            n.put("m", q.m());
            n.put("k", q.k());
            n.put("inputType", q.inputType().name());
            n.put("format", q.format().name());
            n.put("scaleType", q.scaleType().name());
            n.put("blockRows", q.blockRows());
            n.put("blockCols", q.blockCols());
            n.put("granularity", q.granularity().label());
        } else if (spec instanceof MoeGemmSpec m) {
            n.put("layout", m.layout().name());
            n.put("type", m.type().name());
            n.put("experts", m.experts());
            n.put("n", m.n());
            n.put("k", m.k());
            n.put("maxRows", m.maxRows());
            n.set("rowsPerExpert", ints(m.rowsPerExpert()));
        } else if (spec instanceof AttentionSpec a) {
            n.put("variant", a.variant());
            n.set("seqLens", ints(a.seqLens()));
            n.put("numHeads", a.numHeads());
            n.put("headDim", a.headDim());
            n.put("valueDim", a.valueDim());
            n.put("softmaxScale", a.softmaxScale());
            if (a instanceof AttentionSpec.Prefill p) {
                n.put("numKvHeads", p.numKvHeads());
                n.put("causal", p.causal());
            } else if (a instanceof AttentionSpec.PagedDecode p) {
                n.put("numKvHeads", p.numKvHeads());
                n.put("pageSize", p.pageSize());
                n.put("numPages", p.numPages());
            } else if (a instanceof AttentionSpec.LatentDecode p) {
                n.put("queriesPerSeq", p.queriesPerSeq());
                n.put("pageSize", p.pageSize());
                n.put("numPages", p.numPages());
                n.put("kvCache", p.kvCache().name());
                n.put("causal", p.causal());
            } else if (a instanceof AttentionSpec.SparseLatentDecode p) {
                n.put("queriesPerSeq", p.queriesPerSeq());
                n.put("topk", p.topk());
                n.put("pageSize", p.pageSize());
                n.put("numPages", p.numPages());
                n.put("kvCache", p.kvCache().name());
            } else if (a instanceof AttentionSpec.SparsePrefill p) {
                n.put("topk", p.topk());
            } else if (a instanceof AttentionSpec.SparseSharedKvDecode p) {
                n.put("queriesPerSeq", p.queriesPerSeq());
                n.put("format", p.format().name());
                n.set("main", kvIndexSet(p.main()));
                p.extra().ifPresent(x -> n.set("extra", kvIndexSet(x)));
                n.put("sink", p.sink());
                n.put("returnLse", p.returnLse());
            }
        } else if (spec instanceof CacheWriteSpec.QuantInsert w) {
            n.put("variant", w.variant());
            n.put("tokens", w.tokens());
            n.put("headDim", w.headDim());
            n.put("format", w.format().name());
            n.put("pageBlockSize", w.pageBlockSize());
            n.put("numPages", w.numPages());
        } else if (spec instanceof IndexerSpec x) {
            n.put("variant", x.variant());
            n.put("heads", x.heads());
            n.put("headDim", x.headDim());
            n.put("keyType", x.keyType().name());
            if (x instanceof IndexerSpec.PagedIndexerTopK p) {
                pagedKeys(n, p.cache());
                n.put("topk", p.topk());
            } else if (x instanceof IndexerSpec.IndexerLogits p) {
                pagedKeys(n, p.cache());
            } else if (x instanceof IndexerSpec.IndexerTopK p) {
                n.set("seqLens", ints(p.seqLens()));
                n.put("topk", p.topk());
            }
        }
        n.put("flops", spec.flops());
        n.put("bytes", spec.bytes());
        n.put("describe", spec.describe());
        return n;
    }

    /**
     * The spec a JSON object describes.
     *
     * @throws IllegalArgumentException naming the field that is missing or wrong
     */
    public static OpSpec fromJson(JsonNode n) {
        String family = text(n, "family");
        switch (family) {
            case "quantize": {
                int m = integer(n, "m");
                int k = integer(n, "k");
                String label = text(n, "granularity");
                QuantizeSpec.Granularity g;
                if (label.equals("per-tensor")) {
                    g = QuantizeSpec.perTensor();
                } else if (label.equals("per-token")) {
                    g = QuantizeSpec.perToken();
                } else if (label.startsWith("group-")) {
                    g = QuantizeSpec.perGroup(integer(n, "blockCols"));
                } else if (label.startsWith("block-")) {
                    g = QuantizeSpec.perBlock(integer(n, "blockRows"), integer(n, "blockCols"));
                } else {
                    throw new IllegalArgumentException("spec.granularity must be per-tensor, per-token, group-1xG or "
                            + "block-RxC, got '" + label + "'");
                }
                return new QuantizeSpec(m, k, dtype(n, "inputType"), dtype(n, "format"), g, dtype(n, "scaleType"));
            }
            case "moe-gemm":
                return new MoeGemmSpec(enumOf(MoeGemmSpec.Layout.class, n, "layout"),
                        enumOf(MoeGemmSpec.Type.class, n, "type"), integer(n, "experts"), integer(n, "n"),
                        integer(n, "k"), intList(n, "rowsPerExpert"), integer(n, "maxRows"));
            case "attention":
                return attention(n);
            case "indexer":
                return indexer(n);
            case "cache-write":
                if (!text(n, "variant").equals("quant-insert")) {
                    throw new IllegalArgumentException("spec.variant of the cache-write family must be quant-insert, got '"
                            + text(n, "variant") + "'");
                }
                return new CacheWriteSpec.QuantInsert(integer(n, "tokens"), integer(n, "headDim"),
                        enumOf(SharedKvFormat.class, n, "format"), integer(n, "pageBlockSize"), integer(n, "numPages"));
            default:
                throw new IllegalArgumentException("spec.family must be quantize, moe-gemm, attention, indexer or "
                        + "cache-write, got '" + family + "'");
        }
    }

    /** One cache and index set of the shared-KV decode, as a nested object. */
    private static ObjectNode kvIndexSet(AttentionSpec.KvIndexSet s) {
        ObjectNode o = F.objectNode();
        o.put("topk", s.topk());
        o.put("pageBlockSize", s.pageBlockSize());
        o.put("numPages", s.numPages());
        o.set("tokens", ints(s.tokens()));
        o.set("lengths", ints(s.lengths()));
        return o;
    }

    private static AttentionSpec.KvIndexSet kvIndexSet(JsonNode o) {
        return new AttentionSpec.KvIndexSet(integer(o, "topk"), integer(o, "pageBlockSize"), integer(o, "numPages"),
                intList(o, "tokens"), intList(o, "lengths"));
    }

    /** The paged key cache's fields, flat beside the indexer's own (seqLens, nextN, pageSize, ...). */
    private static void pagedKeys(ObjectNode n, IndexerSpec.PagedKeys c) {
        n.set("seqLens", ints(c.seqLens()));
        n.put("nextN", c.nextN());
        n.put("pageSize", c.pageSize());
        n.put("numPages", c.numPages());
        n.put("compressRatio", c.compressRatio());
    }

    private static IndexerSpec.PagedKeys pagedKeys(JsonNode n) {
        return new IndexerSpec.PagedKeys(intList(n, "seqLens"), integer(n, "nextN"), integer(n, "heads"),
                integer(n, "headDim"), enumOf(IndexerSpec.KeyType.class, n, "keyType"), integer(n, "pageSize"),
                integer(n, "numPages"), integer(n, "compressRatio"));
    }

    private static OpSpec indexer(JsonNode n) {
        String variant = text(n, "variant");
        switch (variant) {
            case "paged-topk":
                return new IndexerSpec.PagedIndexerTopK(pagedKeys(n), integer(n, "topk"));
            case "paged-logits":
                return new IndexerSpec.IndexerLogits(pagedKeys(n));
            case "topk":
                return new IndexerSpec.IndexerTopK(intList(n, "seqLens"), integer(n, "heads"), integer(n, "headDim"),
                        enumOf(IndexerSpec.KeyType.class, n, "keyType"), integer(n, "topk"));
            default:
                throw new IllegalArgumentException("spec.variant of the indexer family must be paged-topk, "
                        + "paged-logits or topk, got '" + variant + "'");
        }
    }

    private static OpSpec attention(JsonNode n) {
        String variant = text(n, "variant");
        List<Integer> lens = intList(n, "seqLens");
        int heads = integer(n, "numHeads");
        int dk = integer(n, "headDim");
        float scale = (float) number(n, "softmaxScale");
        switch (variant) {
            case "prefill":
                return new AttentionSpec.Prefill(lens, heads, integer(n, "numKvHeads"), dk, bool(n, "causal"), scale);
            case "paged-decode":
                return new AttentionSpec.PagedDecode(lens, heads, integer(n, "numKvHeads"), dk, integer(n, "pageSize"),
                        integer(n, "numPages"), scale);
            case "mla-decode":
                return new AttentionSpec.LatentDecode(lens, heads, integer(n, "queriesPerSeq"), dk,
                        integer(n, "valueDim"), integer(n, "pageSize"), integer(n, "numPages"),
                        enumOf(KvCacheType.class, n, "kvCache"), bool(n, "causal"), scale);
            case "sparse-mla-decode":
                return new AttentionSpec.SparseLatentDecode(lens, heads, integer(n, "queriesPerSeq"), dk,
                        integer(n, "valueDim"), integer(n, "topk"), integer(n, "pageSize"), integer(n, "numPages"),
                        enumOf(KvCacheType.class, n, "kvCache"), scale);
            case "sparse-prefill":
                return new AttentionSpec.SparsePrefill(lens, heads, dk, integer(n, "valueDim"), integer(n, "topk"),
                        scale);
            case "sparse-sharedkv-decode":
                return new AttentionSpec.SparseSharedKvDecode(heads, integer(n, "queriesPerSeq"), dk,
                        enumOf(SharedKvFormat.class, n, "format"), kvIndexSet(field(n, "main")),
                        n.hasNonNull("extra") ? Optional.of(kvIndexSet(n.get("extra"))) : Optional.empty(),
                        bool(n, "sink"), bool(n, "returnLse"), scale);
            default:
                throw new IllegalArgumentException("spec.variant must be prefill, paged-decode, mla-decode, "
                        + "sparse-mla-decode, sparse-prefill or sparse-sharedkv-decode, got '" + variant + "'");
        }
    }

    private static ArrayNode ints(List<Integer> values) {
        ArrayNode a = F.arrayNode();
        values.forEach(a::add);
        return a;
    }

    private static JsonNode field(JsonNode n, String name) {
        JsonNode v = n.get(name);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("spec." + name + " is missing");
        }
        return v;
    }

    private static String text(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isTextual()) {
            throw new IllegalArgumentException("spec." + name + " must be a string, got " + v);
        }
        return v.asText();
    }

    private static int integer(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException("spec." + name + " must be a whole number, got " + v);
        }
        return v.intValue();
    }

    private static double number(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isNumber()) {
            throw new IllegalArgumentException("spec." + name + " must be a number, got " + v);
        }
        return v.doubleValue();
    }

    private static boolean bool(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isBoolean()) {
            throw new IllegalArgumentException("spec." + name + " must be true or false, got " + v);
        }
        return v.booleanValue();
    }

    private static List<Integer> intList(JsonNode n, String name) {
        JsonNode v = field(n, name);
        if (!v.isArray()) {
            throw new IllegalArgumentException("spec." + name + " must be an array of whole numbers, got " + v);
        }
        List<Integer> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isIntegralNumber() || !e.canConvertToInt()) {
                throw new IllegalArgumentException("spec." + name + " must hold whole numbers, got " + e);
            }
            out.add(e.intValue());
        }
        return out;
    }

    private static DType dtype(JsonNode n, String name) {
        return enumOf(DType.class, n, name);
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, JsonNode n, String name) {
        String v = text(n, name);
        try {
            return Enum.valueOf(type, v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("spec." + name + " must be one of "
                    + java.util.Arrays.toString(type.getEnumConstants()) + ", got '" + v + "'");
        }
    }
}
