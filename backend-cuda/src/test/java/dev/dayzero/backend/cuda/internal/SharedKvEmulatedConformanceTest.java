package dev.dayzero.backend.cuda.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dayzero.backend.cuda.CudaEmulator;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.AttentionSpec.KvIndexSet;
import dev.dayzero.hal.op.AttentionSpec.SparseSharedKvDecode;
import dev.dayzero.hal.op.CacheWriteSpec;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.hal.op.SharedKvFormat;
import dev.dayzero.tck.ConformanceCase;
import dev.dayzero.tck.ConformanceKit;
import dev.dayzero.tck.StandardCases;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * DeepSeek-V4's sparse shared-KV decode ({@code sharedkv_decode.cu}) and the KV-cache write ({@code quantize.cu}'s
 * {@code dz_cache_write_*}) on the CUDA emulator against the kit's oracle: every standard V4 case (CSA / HCA at 8K
 * and 128K, SWA, empty rows, BF16, V3.2's layout, 128 heads without lse; the cache writes) plus cut-down shapes for
 * the paths the standard ones miss — odd page block sizes, a main cache with no token but an extra one with some,
 * lengths well short of top-k in both caches, V3.2 with an extra cache and 128 heads, BF16 at 512, and cache writes
 * into one-token and three-token pages. Run twice: as the emulator says (4 SMs: most units split, merged by
 * {@code dz_skv_combine}, which applies the sink and writes lse) and with one stage and one SM (nothing split: the
 * main kernel's epilogue applies them). Correctness only, never speed.
 */
class SharedKvEmulatedConformanceTest {
    private static final long SEED = 0x534b56L;
    private static final SharedKvFormat M1 = SharedKvFormat.FP8_MODEL1;

    static List<ConformanceCase> cases() {
        List<ConformanceCase> cases = new ArrayList<>(StandardCases.deepseekV4Attention());
        cases.add(c("emu/skv/model1-odd-pages-mtp-sink", SparseSharedKvDecode.v4(64, 2, M1,
                KvIndexSet.of(128, 16, List.of(100, 7), List.of(90, 7)),
                Optional.of(KvIndexSet.of(256, 3, List.of(400, 50), List.of(200, 0))), true)));
        cases.add(c("emu/skv/model1-main-empty-extra-only", SparseSharedKvDecode.v4(64, 1, M1,
                KvIndexSet.of(64, 64, List.of(0, 20), List.of(0, 20)),
                Optional.of(KvIndexSet.of(192, 7, List.of(150, 0), List.of(130, 0))), true)));
        cases.add(c("emu/skv/bf16-512-short-lengths-nosink", SparseSharedKvDecode.v4(64, 2, SharedKvFormat.BF16,
                KvIndexSet.of(128, 32, List.of(128, 60), List.of(33, 60)),
                Optional.of(KvIndexSet.of(320, 64, List.of(500, 300), List.of(65, 250))), false)));
        cases.add(c("emu/skv/v32-extra-h128-sink-nolse", new SparseSharedKvDecode(128, 1, 576,
                SharedKvFormat.FP8_V32, KvIndexSet.of(128, 64, List.of(128), List.of(100)),
                Optional.of(KvIndexSet.of(256, 2, List.of(300), List.of(170))), true, false,
                AttentionSpec.defaultScale(576))));
        cases.add(c("emu/cache-write/model1-page1", new CacheWriteSpec.QuantInsert(13, 512, M1, 1, 40)));
        cases.add(c("emu/cache-write/v32-page3", new CacheWriteSpec.QuantInsert(29, 576, SharedKvFormat.FP8_V32, 3,
                25)));
        cases.add(c("emu/cache-write/bf16-576", CacheWriteSpec.QuantInsert.of(11, SharedKvFormat.BF16, 576, 5)));
        return cases;
    }

    private static ConformanceCase c(String id, OpSpec spec) {
        return new ConformanceCase(id, spec, SEED ^ id.hashCode(), "CUDA emulator, shared-KV kernel paths");
    }

    @Test
    void longQueriesSplitOnFourSmsAndNothingSplitsOnOne() {
        int split = 0;
        for (ConformanceCase c : cases()) {
            if (c.spec() instanceof SparseSharedKvDecode d) {
                split += MlaPlan.of(SharedKvDecodeOp.units(d), 4).parts() > 0 ? 1 : 0;
                assertEquals(0, MlaPlan.of(SharedKvDecodeOp.units(d), 1).parts(), c.id());
            }
        }
        assertTrue(split >= 8, "cases split on 4 SMs: " + split);
    }

    @Test
    void unitsPutTheMainTilesFirstAndGiveAnEmptyQueryOneTile() {
        SparseSharedKvDecode d = SparseSharedKvDecode.v4(128, 2, M1, KvIndexSet.of(128, 64, List.of(100, 0),
                List.of(65, 0)), Optional.of(KvIndexSet.of(576, 2, List.of(600, 0), List.of(513, 0))), true);
        List<MlaPlan.Unit> units = SharedKvDecodeOp.units(d);
        assertEquals(8, units.size());
        assertEquals(new MlaPlan.Unit(64, 64, 0, 0, 2 + 9, 2), units.get(1));
        assertEquals(new MlaPlan.Unit(3 * 128 + 64, 64, 1, 3, 1, 0), units.get(7));
    }

    /** The emulator's own configuration: 4 SMs (work split, merged by dz_skv_combine), two stages. */
    @Nested
    class AsTheDeviceSays extends ConformanceKit {
        @Override
        protected Device openDevice() {
            return CudaEmulator.open();
        }

        @Override
        protected List<ConformanceCase> cases() {
            return SharedKvEmulatedConformanceTest.cases();
        }
    }

    /** One shared-memory stage (the A100 path) and one SM: nothing split, the sink and lse in the main kernel. */
    @Nested
    class OneStageNoSplit extends ConformanceKit {
        @Override
        protected Device openDevice() {
            return new MlaEmulatedConformanceTest.Configured((CudaDevice) CudaEmulator.open(),
                    new MlaKernel.Config(1, 1));
        }

        @Override
        protected List<ConformanceCase> cases() {
            return SharedKvEmulatedConformanceTest.cases().stream()
                    .filter(c -> c.spec() instanceof SparseSharedKvDecode).toList();
        }
    }
}
