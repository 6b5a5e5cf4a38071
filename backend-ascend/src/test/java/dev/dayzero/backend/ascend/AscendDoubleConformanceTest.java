package dev.dayzero.backend.ascend;

import dev.dayzero.hal.Device;
import dev.dayzero.tck.ConformanceCase;
import dev.dayzero.tck.ConformanceKit;
import dev.dayzero.tck.StandardCases;
import java.util.List;
import java.util.Set;

/**
 * The conformance kit against the ABI test double: the backend's real argument mapping, executed by the
 * double's reference math. Cases the backend does not support are skipped by the kit with the backend's
 * reason; alternatives (FP8 -> INT8 on the Ascend910B3 the double reports) are checked like any case. The
 * double's vllm-ascend 0.21 custom package is installed, so the DSA cases (sparse MLA decode, sparse prefill,
 * the lightning indexer) run through it; {@link DsaDoubleTest} covers the other installs.
 *
 * <p>Two standard cases are left out, because the double's naive single-threaded math would take most of a
 * minute on them, and the mapping they use is the one the smaller case beside each checks:
 * {@code gate-up-bf16-prefill-sampled} (45 GFLOP; same mapping as {@code gate-up-bf16-contiguous}) and
 * {@code prefill-long-sampled} (same mapping as {@code prefill-causal}). Both pass on the double (about 35 s for
 * the whole list): run them with {@code -Dtest.argLine="-Xmx6g -Dascend.allCases=true"}.
 */
class AscendDoubleConformanceTest extends ConformanceKit {
    static final Set<String> SLOW_ON_THE_DOUBLE = Boolean.getBoolean("ascend.allCases") ? Set.of() : Set.of(
            "deepseek-v3/moe/gate-up-bf16-prefill-sampled",
            "qwen3-235b-a22b/attention/prefill-long-sampled");

    /** With vllm-ascend 0.21's custom package (SparseFlashAttention, 23 arguments, and LightningIndexer). */
    @Override
    protected Device openDevice() {
        return new AscendBackendProvider(TestDouble.withPackage(TestDouble.V021_OPP)).open(0);
    }

    @Override
    protected List<ConformanceCase> cases() {
        // dense GEMM cases above 2 GFLOP (prefill 4096, 256-row decode) share the mapping of the smaller ones
        return StandardCases.all().stream().filter(c -> !SLOW_ON_THE_DOUBLE.contains(c.id()))
                .filter(c -> Boolean.getBoolean("ascend.allCases")
                        || !(c.spec() instanceof dev.dayzero.hal.op.GemmSpec g && g.flops() > 2_000_000_000L))
                .toList();
    }
}
