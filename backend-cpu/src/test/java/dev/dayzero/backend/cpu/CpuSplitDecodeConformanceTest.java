package dev.dayzero.backend.cpu;

import dev.dayzero.hal.Device;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.AttentionSpec.KvIndexSet;
import dev.dayzero.hal.op.KvCacheType;
import dev.dayzero.hal.op.SharedKvFormat;
import dev.dayzero.tck.ConformanceCase;
import dev.dayzero.tck.ConformanceKit;
import dev.dayzero.tck.StandardCases;
import java.util.List;
import java.util.Optional;

/**
 * The paged GQA, MLA, sparse MLA and shared-KV (V4) decode cases on 16 workers, so that batches smaller than the worker count split each sequence's tokens
 * (or a sparse query's index list) into ranges merged at the end, the path many-core machines take at batch 1: the
 * standard latent cases (two to eight groups of heads: split in two or four) and batch-1 cases of long, short (not
 * split: under four tiles a range) and speculative queries.
 */
class CpuSplitDecodeConformanceTest extends ConformanceKit {
    @Override
    protected Device openDevice() {
        return new CpuBackendProvider().open(new CpuConfig(16, CpuConfig.vectorModulePresent()));
    }

    @Override
    protected List<ConformanceCase> cases() {
        return StandardCases.all().stream()
                .filter(c -> c.spec() instanceof AttentionSpec.PagedDecode
                        || c.spec() instanceof AttentionSpec.LatentDecode
                        || c.spec() instanceof AttentionSpec.SparseLatentDecode
                        || c.spec() instanceof AttentionSpec.SparseSharedKvDecode)
                .toList();
    }

    @Override
    protected List<ConformanceCase> vendorCases() {
        return List.of(
                ConformanceCase.of("split/mla-b1-bf16",
                        AttentionSpec.LatentDecode.deepseek(List.of(3000), 128, 1, KvCacheType.BF16),
                        "batch 1, 3000 tokens: 2 groups of 64 heads, 8 ranges each"),
                ConformanceCase.of("split/mla-b1-fp8-mtp",
                        AttentionSpec.LatentDecode.deepseek(List.of(1500), 128, 2, KvCacheType.FP8_FLASHMLA),
                        "batch 1, FP8 cache, 2 speculative tokens (causal within the step): 4 groups, 4 ranges"),
                ConformanceCase.of("split/mla-b1-short",
                        AttentionSpec.LatentDecode.deepseek(List.of(100), 128, 1, KvCacheType.BF16),
                        "batch 1, 100 tokens: too few to split"),
                ConformanceCase.of("split/sparse-mla-b1",
                        AttentionSpec.SparseLatentDecode.deepseek(List.of(5000), 128, 1, 2048, KvCacheType.BF16),
                        "sparse, batch 1, top-2048 with unused (-1) slots: 8 ranges of the index list"),
                ConformanceCase.of("split/gqa-b1",
                        AttentionSpec.PagedDecode.of(List.of(3000), 64, 4, 128, 16),
                        "GQA decode (Qwen3-235B's 64/4 heads), batch 1: 4 KV heads, 4 ranges each"),
                ConformanceCase.of("split/gqa-b2-uneven",
                        AttentionSpec.PagedDecode.of(List.of(2500, 40), 32, 4, 128, 16),
                        "GQA 32/4, two sequences of very different lengths: 2 ranges each, the short one's second empty"),
                ConformanceCase.of("split/v4-csa-b1",
                        AttentionSpec.SparseSharedKvDecode.v4(64, 1, SharedKvFormat.FP8_MODEL1,
                                KvIndexSet.full(128, 64, List.of(128)),
                                Optional.of(KvIndexSet.full(512, 64, List.of(32768))), true),
                        "V4 CSA decode, batch 1, 64 heads (one group): window then compressed entries in 3 ranges, "
                                + "the sink applied after the merge"));
    }
}
