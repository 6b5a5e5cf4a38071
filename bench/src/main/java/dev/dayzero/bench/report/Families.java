package dev.dayzero.bench.report;

/** Human titles of the operator families, shared by the report's sections and its charts. */
public final class Families {
    private Families() {
    }

    /**
     * The title of an operator family: {@code attention → Attention}, {@code indexer → Indexer},
     * {@code moe-gemm → MoE grouped GEMM}, {@code quantize → Quantization},
     * {@code cache-write → KV-cache write}; any other name as it is
     * ({@code other} for an empty one).
     */
    public static String title(String family) {
        if (family == null || family.isEmpty()) {
            return "other";
        }
        return switch (family) {
            case "attention" -> "Attention";
            case "indexer" -> "Indexer";
            case "moe-gemm" -> "MoE grouped GEMM";
            case "quantize" -> "Quantization";
            case "cache-write" -> "KV-cache write";
            default -> family;
        };
    }
}
