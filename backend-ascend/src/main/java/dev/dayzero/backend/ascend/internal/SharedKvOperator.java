package dev.dayzero.backend.ascend.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where DeepSeek-V4's {@code aclnnSparseAttnSharedkv} and its metadata step {@code aclnnSparseAttnSharedkvMetadata}
 * come from: the first operator library (custom packages first, as {@link DsaOperators}) that exports all four
 * entry points. Unlike SparseFlashAttention, one C signature is known for each (vllm-ascend's op def and metadata
 * header are unchanged since the operator was added, in the releases from v0.20.2rc1), so no version evidence is
 * needed: a file exporting the symbols is called with that signature.
 *
 * @param library  the file exporting both operators, or null when none does
 * @param custom   whether it is a custom package ({@code libcust_opapi.so}) rather than a CANN operator library
 * @param evidence what the decision rests on, or why the operator is absent
 */
public record SharedKvOperator(Path library, boolean custom, String evidence) {
    /** The attention's phase-1 symbol. */
    public static final String SYMBOL = "aclnnSparseAttnSharedkvGetWorkspaceSize";
    /** The metadata step's phase-1 symbol. */
    public static final String METADATA_SYMBOL = "aclnnSparseAttnSharedkvMetadataGetWorkspaceSize";
    /** Every entry point the mapping calls. */
    static final List<String> SYMBOLS = List.of(SYMBOL, "aclnnSparseAttnSharedkv", METADATA_SYMBOL,
            "aclnnSparseAttnSharedkvMetadata");

    public SharedKvOperator {
        Objects.requireNonNull(evidence, "evidence");
    }

    /** No library exports it. */
    public static SharedKvOperator absent() {
        return resolve(s -> List.of());
    }

    /** Decides from the operator library files exporting each symbol, in resolution order. */
    public static SharedKvOperator resolve(Function<String, List<Path>> exporters) {
        List<Path> candidates = exporters.apply(SYMBOL);
        Optional<Path> both = candidates.stream()
                .filter(f -> SYMBOLS.stream().allMatch(s -> exporters.apply(s).contains(f)))
                .findFirst();
        if (both.isPresent()) {
            Path f = both.get();
            boolean custom = DsaOperators.isCustomPackage(f);
            return new SharedKvOperator(f, custom, (custom ? "custom operator package " : "CANN operator library ") + f
                    + " exports aclnnSparseAttnSharedkv and aclnnSparseAttnSharedkvMetadata (one known C signature each:"
                    + " vllm-ascend's op def, unchanged since it was added)");
        }
        if (!candidates.isEmpty()) {
            return new SharedKvOperator(null, false, candidates.get(0) + " exports " + SYMBOL + " but not all of "
                    + SYMBOLS + " (the attention needs its metadata step from the same package)");
        }
        return new SharedKvOperator(null, false, "no loaded operator library exports " + SYMBOL + " and "
                + METADATA_SYMBOL + ": install vllm-ascend's custom operator package (v0.20.2rc1 or later; "
                + "libcust_opapi.so under ASCEND_CUSTOM_OPP_PATH)");
    }

    /** Whether the backend may call it. */
    public boolean usable() {
        return library != null;
    }

    /** One line for {@code DeviceInfo.properties()} and notes. */
    public String describe() {
        return usable() ? "from " + library + "; " + evidence : "absent: " + evidence;
    }
}
