package dev.dayzero.backend.cuda.internal;

import dev.dayzero.backend.cuda.CudaEmulator;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.IndexerSpec.KeyType;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.tck.ConformanceCase;
import dev.dayzero.tck.ConformanceKit;
import dev.dayzero.tck.StandardCases;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;

/**
 * The lightning indexer ({@code indexer.cu}: logits and top-k, FP8 and BF16 keys, paged decode and prefill) and
 * sparse prefill (on {@code mla_decode.cu}'s sparse kernel) on the CUDA emulator against the kit's oracle: the
 * kit's standard indexer and sparse-prefill cases that the emulator runs in seconds, reduced-size stand-ins for
 * the ones it would take minutes over, and cut-down shapes that reach every path — head counts that leave rows of
 * a block empty (3, 5, 20 heads), a full 128-row block (64 heads × 2 MTP queries), one-query-per-head prefill
 * groups (1 head: 128 tokens a block), head dims 32 / 64 / 128, odd page sizes (FP8 blocks not 16-byte aligned),
 * compressed keys, a sequence with no key, top-k larger than every row, rows of exactly k keys, a 202,752-key row
 * (GLM-5's longest context) through every radix pass, one and several items a group (the emulator reports 4 SMs).
 * Correctness only, never speed.
 */
class IndexerEmulatedConformanceTest extends ConformanceKit {
    private static final long SEED = 0x1dc5L;

    /**
     * Standard cases left out, each too slow for the emulator in CI time (its fibers run a few 10^8 multiply-adds a
     * second, and every barrier of a 256-thread MLA block switches 256 fibers), with the reduced stand-in below that
     * keeps its shape features. Measured here: DeepSeek's sparse prefill (700 tokens × 128 heads × 256 entries:
     * 2.5·10^10 multiply-adds, minutes), GLM-5's short sparse prefill (131 blocks × 32 index tiles, mostly -1: 23
     * s), GLM-5's 1000-token FP8 prefill indexer (22 s), DeepSeek's 2048-token FP8 prefill indexer (1.7·10^10
     * multiply-adds) and 32K-context MTP decode indexer (6·10^8 and two 38K-key top-k rows).
     */
    static final Set<String> TOO_SLOW = Set.of("deepseek-v3.2/attention/sparse-prefill",
            "glm-5/attention/sparse-prefill-short", "glm-5/indexer/prefill-fp8-topk256",
            "deepseek-v3.2/indexer/prefill-fp8-2048", "deepseek-v3.2/indexer/decode-fp8-ctx32768-mtp");

    static List<ConformanceCase> all() {
        List<ConformanceCase> cases = new ArrayList<>(StandardCases.all().stream()
                .filter(c -> c.spec() instanceof IndexerSpec || c.spec() instanceof AttentionSpec.SparsePrefill)
                .filter(c -> !TOO_SLOW.contains(c.id()))
                .toList());
        // stand-ins for the standard cases left out
        cases.add(c("emu/attention/sparse-prefill-h128-topk128", AttentionSpec.SparsePrefill.deepseek(
                List.of(40, 24), 128, 128)));
        cases.add(c("emu/attention/sparse-prefill-h64-topk512-short", AttentionSpec.SparsePrefill.deepseek(
                List.of(70, 1), 64, 512)));
        cases.add(c("emu/indexer/prefill-fp8-h32-topk64", new IndexerSpec.IndexerTopK(List.of(300, 120), 32, 128,
                KeyType.FP8, 64)));
        cases.add(c("emu/indexer/prefill-fp8-h64-160", new IndexerSpec.IndexerTopK(List.of(160), 64, 128, KeyType.FP8,
                128)));
        cases.add(c("emu/indexer/decode-fp8-h64-mtp-ctx4096", IndexerSpec.PagedIndexerTopK.of(List.of(4096, 700), 2,
                64, 128, KeyType.FP8, 1, 2048)));
        // decode: rows of a block left empty, odd pages, compressed keys, all queries choosing
        cases.add(c("emu/indexer/paged-fp8-d32-h3-mtp-page5-ratio2", new IndexerSpec.PagedIndexerTopK(
                IndexerSpec.PagedKeys.of(List.of(301, 2, 77), 2, 3, 32, KeyType.FP8, 5, 2), 17)));
        cases.add(c("emu/indexer/paged-bf16-d64-h64-mtp-page1", new IndexerSpec.PagedIndexerTopK(
                IndexerSpec.PagedKeys.of(List.of(150, 65), 2, 64, 64, KeyType.BF16, 1, 1), 40)));
        cases.add(c("emu/indexer/paged-bf16-d128-h20-topk-over-every-row", IndexerSpec.PagedIndexerTopK.of(
                List.of(100, 64, 3), 1, 20, 128, KeyType.BF16, 1, 4096)));
        cases.add(c("emu/indexer/paged-fp8-d64-h16-row-of-exactly-k", IndexerSpec.PagedIndexerTopK.of(
                List.of(128, 129, 127), 1, 16, 64, KeyType.FP8, 1, 128)));
        // GLM-5's longest context: one 202,752-key row through the top-k (every radix pass); 1 head keeps it cheap
        cases.add(c("emu/indexer/paged-fp8-d32-h1-202752-keys", IndexerSpec.PagedIndexerTopK.of(List.of(202_752), 1,
                1, 32, KeyType.FP8, 1, 2048)));
        // logits: -inf columns, a sequence with no key, odd page sizes, BF16
        cases.add(c("emu/indexer/logits-fp8-d32-h5-page3-ratio4-no-key", new IndexerSpec.IndexerLogits(
                IndexerSpec.PagedKeys.of(List.of(3, 130, 41), 2, 5, 32, KeyType.FP8, 3, 4))));
        cases.add(c("emu/indexer/logits-bf16-d64-h64-mtp", new IndexerSpec.IndexerLogits(
                IndexerSpec.PagedKeys.of(List.of(257, 16), 2, 64, 64, KeyType.BF16, 16, 1))));
        // prefill: 128 one-head queries a block, several sequences, BF16 and FP8
        cases.add(c("emu/indexer/prefill-bf16-d128-h1", new IndexerSpec.IndexerTopK(List.of(200, 2, 60), 1, 128,
                KeyType.BF16, 33)));
        cases.add(c("emu/indexer/prefill-fp8-d32-h5", new IndexerSpec.IndexerTopK(List.of(1, 130, 64), 5, 32,
                KeyType.FP8, 64)));
        cases.add(c("emu/indexer/prefill-fp8-d64-h20-topk-over-every-row", new IndexerSpec.IndexerTopK(
                List.of(50, 9), 20, 64, KeyType.FP8, 512)));
        // sparse prefill: two head groups (80 = 64 + 16), small dims, a partial index tile
        cases.add(c("emu/attention/sparse-prefill-small-dims-h80", new AttentionSpec.SparsePrefill(List.of(90, 7),
                80, 128, 64, 100, 0.2f)));
        cases.add(c("emu/attention/sparse-prefill-h16-topk64", AttentionSpec.SparsePrefill.deepseek(List.of(3, 60),
                16, 64)));
        return cases;
    }

    private static ConformanceCase c(String id, OpSpec spec) {
        return new ConformanceCase(id, spec, SEED ^ id.hashCode(), "CUDA emulator, indexer and sparse prefill paths");
    }

    @Override
    protected Device openDevice() {
        return CudaEmulator.open();
    }

    /** Sparse prefill on one shared-memory stage (the A100 path) and 132 SMs; the small cases only. */
    @Nested
    class SparsePrefillOneStage extends ConformanceKit {
        @Override
        protected Device openDevice() {
            return new MlaEmulatedConformanceTest.Configured((CudaDevice) CudaEmulator.open(),
                    new MlaKernel.Config(1, 132));
        }

        @Override
        protected List<ConformanceCase> cases() {
            return all().stream().filter(c -> c.id().startsWith("emu/attention/sparse-prefill-small")
                    || c.id().startsWith("emu/attention/sparse-prefill-h16")).toList();
        }
    }

    @Override
    protected List<ConformanceCase> cases() {
        return all();
    }
}
