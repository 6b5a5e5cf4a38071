package dev.dayzero.backend.ascend.internal;

import java.util.List;
import java.util.Optional;

/**
 * What one Ascend SoC can run, keyed by the name {@code aclrtGetSocName} reports (ascend.md §4.1, with the
 * product columns of each aclnn operator's doc, §3). Families: Atlas A2 ({@code Ascend910B1..B4}, {@code B2C},
 * {@code B4-1}), Atlas A3 ({@code Ascend910_93xx}, one 910C die each), Ascend 950 ({@code Ascend950*}).
 * The first-generation {@code Ascend910A}/{@code Ascend910B} (no digit) and the 310 parts are not in the map.
 *
 * @param soc          the SoC name as reported
 * @param family       {@code A2}, {@code A3} or {@code 950}
 * @param fp8          FP8 E4M3FN/E5M2 in cube and quant kernels (950 only: GMM V5 doc "A2/A3 do not support
 *                     FLOAT8_E5M2, FLOAT8_E4M3FN"; DynamicQuant yOut FP8 only on 950)
 * @param sparseFlashAttentionProduct whether some SparseFlashAttention build targets it: A2, A3 (every build), and
 *                     950 (vllm-ascend's op def from 0.21 adds ascend950; {@link DsaOperators.Source#targets950()})
 * @param lightningIndexerProduct whether LightningIndexer targets it (A2, A3; its docs exclude 950)
 * @param aiCores      AI (cube) cores from the platform ini, 0 where not listed
 */
public record SocCapability(String soc, String family, boolean fp8, boolean sparseFlashAttentionProduct,
                            boolean lightningIndexerProduct, int aiCores) {

    private static final List<String> A2 = List.of("Ascend910B1", "Ascend910B2", "Ascend910B2C", "Ascend910B3",
            "Ascend910B4", "Ascend910B4-1");

    /** The entry for {@code soc}, or empty when the map does not know it. */
    public static Optional<SocCapability> of(String soc) {
        if (soc == null) {
            return Optional.empty();
        }
        if (A2.contains(soc)) {
            int cores = soc.startsWith("Ascend910B1") || soc.startsWith("Ascend910B2") ? 24 : 20;
            return Optional.of(new SocCapability(soc, "A2", false, true, true, cores));
        }
        if (soc.startsWith("Ascend910_93")) {
            int cores = soc.equals("Ascend910_9391") || soc.equals("Ascend910_9392") || soc.equals("Ascend910_9381")
                    || soc.equals("Ascend910_9382") ? 24 : 20;
            return Optional.of(new SocCapability(soc, "A3", false, true, true, cores));
        }
        if (soc.startsWith("Ascend950")) {
            return Optional.of(new SocCapability(soc, "950", true, true, false, 0));
        }
        return Optional.empty();
    }

    /** A short label for reasons: {@code Ascend910B3 (Atlas A2)}. */
    public String label() {
        return soc + " (" + switch (family) {
            case "A2" -> "Atlas A2";
            case "A3" -> "Atlas A3";
            default -> "Ascend 950";
        } + ")";
    }
}
