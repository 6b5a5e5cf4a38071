package dev.dayzero.bench.model;

/**
 * The routed experts of a mixture-of-experts FFN, normalized from {@code config.json}.
 *
 * @param experts          routed experts ({@code n_routed_experts} / {@code num_experts} / {@code num_local_experts})
 * @param topk             experts each token is routed to ({@code num_experts_per_tok})
 * @param intermediateSize one expert's intermediate width ({@code moe_intermediate_size}; for
 *                         {@code num_local_experts} configs such as Mixtral and MiniMax, {@code intermediate_size})
 * @param sharedExperts    always-active shared experts (0 when none); they are dense GEMMs, not routed
 */
public record MoeConfig(int experts, int topk, int intermediateSize, int sharedExperts) {
    public MoeConfig {
        if (experts < 1 || topk < 1 || intermediateSize < 1 || sharedExperts < 0) {
            throw new IllegalArgumentException("MoeConfig needs positive experts, topk and intermediateSize, got "
                    + experts + ", " + topk + ", " + intermediateSize);
        }
        if (topk > experts) {
            throw new IllegalArgumentException("MoeConfig.topk = " + topk + " exceeds experts = " + experts);
        }
    }
}
