package dev.dayzero.backend.cuda;

import dev.dayzero.hal.Device;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.AttentionSpec.PagedDecode;
import dev.dayzero.hal.op.AttentionSpec.Prefill;
import dev.dayzero.tck.ConformanceCase;
import dev.dayzero.tck.ConformanceKit;
import dev.dayzero.tck.StandardCases;
import java.util.ArrayList;
import java.util.List;

/**
 * The conformance kit's attention prefill and paged-decode cases on the CUDA emulator: {@code attention.cu}'s
 * tensor-core kernels, compiled for the host, against the F64 oracle. Shapes are cut down (fewer heads and tokens)
 * but keep what the kernels branch on: causal and full, GQA groups of 1, 2, 4, 8, 16 and 32 query heads, head
 * dims 16 to 256 (the register-pipelined D <= 128 path, the two-m-tile D <= 64 path and the direct-copy D > 128
 * path), several q tiles and partial tiles, pages smaller than, equal to and larger than a key tile, odd page
 * sizes, one-token sequences and KV splits (flash-decoding with the combine kernel: the emulator reports 4 SMs).
 * Plus the standard attention cases that run in seconds. Correctness only, never speed.
 */
class AttentionEmulatedTest extends ConformanceKit {
    private static final long SEED = 0x5EED_A77E_2025L;
    /**
     * The standard attention cases that finish in seconds here; the 1K-token prefill passes too but takes about
     * 30 s on the 2-core CI machine, so it is left to the GPU run.
     */
    private static final List<String> STANDARD = List.of("attention/prefill-mha-full",
            "qwen3-235b-a22b/attention/paged-decode", "qwen3-235b-a22b/attention/prefill-causal");

    @Override
    protected Device openDevice() {
        return CudaEmulator.open();
    }

    @Override
    protected List<ConformanceCase> cases() {
        List<ConformanceCase> cases = new ArrayList<>(StandardCases.all().stream()
                .filter(c -> STANDARD.contains(c.id())).toList());
        // prefill
        cases.add(c("emu/attention/prefill-causal-gqa-d128", new Prefill(List.of(1, 77, 130), 4, 2, 128, true,
                AttentionSpec.defaultScale(128))));
        cases.add(c("emu/attention/prefill-full-d64", new Prefill(List.of(40, 9, 150), 2, 2, 64, false,
                AttentionSpec.defaultScale(64))));
        cases.add(c("emu/attention/prefill-causal-d64-two-tiles", new Prefill(List.of(200, 3), 2, 1, 64, true,
                AttentionSpec.defaultScale(64))));
        cases.add(c("emu/attention/prefill-causal-d256", new Prefill(List.of(70, 5), 2, 1, 256, true,
                AttentionSpec.defaultScale(256))));
        cases.add(c("emu/attention/prefill-full-d80-scale", new Prefill(List.of(33, 64, 1), 3, 1, 80, false, 0.3f)));
        cases.add(c("emu/attention/prefill-causal-d16", new Prefill(List.of(65, 17), 4, 4, 16, true,
                AttentionSpec.defaultScale(16))));
        cases.add(c("emu/attention/prefill-causal-d176", new Prefill(List.of(66), 2, 2, 176, true,
                AttentionSpec.defaultScale(176))));
        // Dk != Dv (DeepSeek MLA prefill 192 / 128, cut down): answered with v padded to Dk, checked as alternative-only
        cases.add(c("emu/attention/prefill-dk192-dv128-alternative", new Prefill(List.of(40, 3), 2, 2, 192, 128, true,
                AttentionSpec.defaultScale(192))));
        // paged decode
        cases.add(c("emu/attention/decode-g16-d128-page16", PagedDecode.of(List.of(1, 100, 513, 70), 16, 1, 128, 16)));
        cases.add(c("emu/attention/decode-g8-d64-page7", PagedDecode.of(List.of(1, 64, 65, 300), 16, 2, 64, 7)));
        cases.add(c("emu/attention/decode-g32-d128-page64", PagedDecode.of(List.of(130, 2), 32, 1, 128, 64)));
        cases.add(c("emu/attention/decode-g4-d256-page128", PagedDecode.of(List.of(200, 9), 8, 2, 256, 128)));
        cases.add(c("emu/attention/decode-mha-d96-page1", PagedDecode.of(List.of(37, 5), 3, 3, 96, 1)));
        cases.add(c("emu/attention/decode-split-d64", PagedDecode.of(List.of(2000), 2, 1, 64, 16)));
        cases.add(c("emu/attention/decode-split-uneven-d128", PagedDecode.of(List.of(1100, 3), 4, 1, 128, 32)));
        cases.add(c("emu/attention/decode-split-d192-scale", new PagedDecode(List.of(900), 2, 2, 192, 48,
                AttentionSpec.PagedDecode.of(List.of(900), 2, 2, 192, 48).numPages(), 0.02f)));
        return cases;
    }

    private static ConformanceCase c(String id, dev.dayzero.hal.op.OpSpec spec) {
        return new ConformanceCase(id, spec, SEED ^ id.hashCode(), "CUDA emulator, cut-down shape");
    }
}
