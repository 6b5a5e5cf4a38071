package dev.dayzero.tck;

import dev.dayzero.hal.op.OpSpec;
import java.util.Objects;

/**
 * One conformance case: a spec, the seed its inputs are drawn from, and a stable id from which a
 * failure can be reproduced.
 *
 * @param id     stable, unique within a case list, e.g. {@code deepseek-v3/mla-decode/bf16}
 * @param spec   what to run
 * @param seed   the input seed
 * @param origin where the shape comes from (model and layer), for readers
 */
public record ConformanceCase(String id, OpSpec spec, long seed, String origin) {
    public ConformanceCase {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(spec, "spec");
        origin = origin == null ? "" : origin;
    }

    /**
     * A case whose seed is derived from its id, as the standard cases' are: for a backend's own
     * {@code vendorCases()}, e.g. {@code ConformanceCase.of("acme/quantize/e4m3-group64", spec, "our variant")}.
     */
    public static ConformanceCase of(String id, OpSpec spec, String origin) {
        return new ConformanceCase(id, spec, StandardCases.seedOf(id), origin);
    }
}
