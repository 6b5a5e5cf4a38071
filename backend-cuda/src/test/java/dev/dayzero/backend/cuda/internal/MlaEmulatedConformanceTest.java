package dev.dayzero.backend.cuda.internal;

import dev.dayzero.backend.cuda.CudaEmulator;
import dev.dayzero.hal.Device;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.DeviceInfo;
import dev.dayzero.hal.Event;
import dev.dayzero.hal.GraphCapture;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.Stream;
import dev.dayzero.hal.Support;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.KvCacheType;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.tck.ConformanceCase;
import dev.dayzero.tck.ConformanceKit;
import dev.dayzero.tck.StandardCases;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;

/**
 * The MLA decode kernels (dense and sparse, BF16 and FP8 caches) on the CUDA emulator against the kit's oracle:
 * the kit's standard MLA cases plus cut-down shapes that reach every path of the kernel — heads that are not a
 * multiple of 16 or 64, a block of rows spanning both MTP queries (per-row causal limits), non-causal, key and
 * value widths below DeepSeek's, partial tiles, sparse -1 entries and whole tiles of them, split-KV with its merge
 * (the emulator reports 4 SMs) and without, one and two shared-memory stages. Correctness only, never speed.
 */
class MlaEmulatedConformanceTest {
    private static final long SEED = 0x4d4c41L;

    static List<ConformanceCase> cases() {
        List<ConformanceCase> cases = new ArrayList<>(StandardCases.all().stream()
                .filter(c -> c.spec() instanceof AttentionSpec.LatentDecode
                        || c.spec() instanceof AttentionSpec.SparseLatentDecode)
                .toList());
        cases.add(c("emu/mla/dense-bf16-h16", AttentionSpec.LatentDecode.deepseek(List.of(1, 70, 129, 200), 16, 1,
                KvCacheType.BF16)));
        cases.add(c("emu/mla/dense-fp8-h20-mtp", AttentionSpec.LatentDecode.deepseek(List.of(65, 2, 130), 20, 2,
                KvCacheType.FP8_FLASHMLA)));
        cases.add(c("emu/mla/dense-bf16-h48-mtp-rows-span-queries",
                AttentionSpec.LatentDecode.deepseek(List.of(150, 3), 48, 2, KvCacheType.BF16)));
        cases.add(c("emu/mla/dense-bf16-small-dims-full", new AttentionSpec.LatentDecode(List.of(37, 100, 5), 24, 3,
                96, 48, 16, 16, KvCacheType.BF16, false, 0.3f)));
        cases.add(c("emu/mla/sparse-bf16-h16-mtp", AttentionSpec.SparseLatentDecode.deepseek(List.of(90, 40), 16, 2,
                100, KvCacheType.BF16)));
        cases.add(c("emu/mla/sparse-fp8-h64-dead-tiles", AttentionSpec.SparseLatentDecode.deepseek(List.of(300, 50),
                64, 1, 256, KvCacheType.FP8_FLASHMLA)));
        cases.add(c("emu/mla/sparse-bf16-small-dims", new AttentionSpec.SparseLatentDecode(List.of(77), 8, 1, 128,
                64, 70, 32, 4, KvCacheType.BF16, 0.2f)));
        return cases;
    }

    private static ConformanceCase c(String id, OpSpec spec) {
        return new ConformanceCase(id, spec, SEED ^ id.hashCode(), "CUDA emulator, MLA kernel paths");
    }

    /** The emulator's own configuration: 4 SMs (work split, merged by dz_mla_combine), two stages. */
    @Nested
    class AsTheDeviceSays extends ConformanceKit {
        @Override
        protected Device openDevice() {
            return CudaEmulator.open();
        }

        @Override
        protected List<ConformanceCase> cases() {
            return MlaEmulatedConformanceTest.cases();
        }
    }

    /** One shared-memory stage (the A100 path) and 132 SMs (an H100: hardly anything is split). */
    @Nested
    class OneStageManySms extends ConformanceKit {
        @Override
        protected Device openDevice() {
            return new Configured((CudaDevice) CudaEmulator.open(), new MlaKernel.Config(1, 132));
        }

        @Override
        protected List<ConformanceCase> cases() {
            return MlaEmulatedConformanceTest.cases();
        }
    }

    /** A CUDA device whose MLA-structured operators (MLA, sparse prefill, shared-KV decode) use a given
     *  {@link MlaKernel.Config}; everything else is the device's. */
    static final class Configured implements Device {
        private final CudaDevice device;
        private final MlaKernel.Config config;

        Configured(CudaDevice device, MlaKernel.Config config) {
            this.device = device;
            this.config = config;
        }

        @Override
        public DeviceInfo info() {
            return device.info();
        }

        @Override
        public DeviceBuffer allocate(long bytes) {
            return device.allocate(bytes);
        }

        @Override
        public long allocatedBytes() {
            return device.allocatedBytes();
        }

        @Override
        public Stream defaultStream() {
            return device.defaultStream();
        }

        @Override
        public Stream newStream() {
            return device.newStream();
        }

        @Override
        public Event newEvent() {
            return device.newEvent();
        }

        @Override
        public Optional<GraphCapture> graphCapture() {
            return device.graphCapture();
        }

        @Override
        public Support supports(OpSpec spec) {
            return device.supports(spec);
        }

        @Override
        public PreparedOp prepare(OpSpec spec) {
            if (spec instanceof AttentionSpec.LatentDecode d && device.supports(d).isSupported()) {
                return device.own(new MlaDecodeOp(device, d, config));
            }
            if (spec instanceof AttentionSpec.SparseLatentDecode d && device.supports(d).isSupported()) {
                return device.own(new SparseMlaDecodeOp(device, d, config));
            }
            if (spec instanceof AttentionSpec.SparsePrefill p && device.supports(p).isSupported()) {
                return device.own(new SparsePrefillOp(device, p, config));
            }
            if (spec instanceof AttentionSpec.SparseSharedKvDecode d && device.supports(d).isSupported()) {
                return device.own(new SharedKvDecodeOp(device, d, config));
            }
            return device.prepare(spec);
        }

        @Override
        public boolean isClosed() {
            return device.isClosed();
        }

        @Override
        public void close() {
            device.close();
        }
    }
}
