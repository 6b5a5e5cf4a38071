package dev.dayzero.backend.cuda.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernels the Maven build compiled with nvcc: one fatbin per {@code src/main/cuda/*.cu}, packaged as the
 * resource {@code dev/dayzero/backend/cuda/kernels/<name>.fatbin}, with nvcc's {@code --version} output beside
 * them. A build without nvcc has neither, and the operators that need them answer unsupported; so does a build
 * that left them out on purpose ({@code ./dayzero} on a machine without an NVIDIA driver), which packages
 * {@code skipped.txt} instead, saying why.
 */
public final class KernelImages {
    /** Resource folder of the fatbins. */
    public static final String FOLDER = "/dev/dayzero/backend/cuda/kernels/";
    /** The quantize kernels' source name. */
    public static final String QUANTIZE = "quantize";
    /** The MLA decode kernel's source name. */
    public static final String MLA_DECODE = "mla_decode";
    /** The MoE grouped GEMM fallback kernels' source name. */
    public static final String MOE_GEMM = "moe_gemm";
    /** The attention prefill and paged-decode kernels' source name. */
    public static final String ATTENTION = "attention";
    /** The lightning indexer's logits and top-k kernels' source name. */
    public static final String INDEXER = "indexer";
    /** The sparse shared-KV decode (DeepSeek-V4 attention) kernels' source name. */
    public static final String SHAREDKV_DECODE = "sharedkv_decode";
    /** Every kernel source the build compiles. */
    public static final java.util.List<String> ALL = java.util.List.of(QUANTIZE, MLA_DECODE, MOE_GEMM, ATTENTION,
            INDEXER, SHAREDKV_DECODE);
    /** What the fatbins hold, for messages. */
    public static final String TARGETS = "sm_80, sm_90a and sm_100a SASS plus compute_80 PTX";

    private static final Pattern RELEASE = Pattern.compile("release (\\d+)\\.(\\d+)");

    private KernelImages() {
    }

    /** The fatbin of {@code name}, when the build produced it. */
    public static Optional<byte[]> fatbin(String name) {
        return read(FOLDER + name + ".fatbin");
    }

    /** Whether the build produced every kernel fatbin. */
    public static boolean allPresent() {
        return Built.ALL_PRESENT;
    }

    /** Looked up once: the packaged resources do not change while the class is loaded (supports() asks per case). */
    private static final class Built {
        static final boolean ALL_PRESENT = ALL.stream().allMatch(KernelImages::present);
        static final String WHY_ABSENT = read(FOLDER + "skipped.txt")
                .map(b -> "left out: " + new String(b, StandardCharsets.UTF_8).strip())
                .orElse("no nvcc when it was compiled");
    }

    /**
     * Why the build has no kernels, for messages: the reason a build that left them out recorded, else the only other
     * cause, no nvcc.
     */
    public static String whyAbsent() {
        return Built.WHY_ABSENT;
    }

    /** Whether the build produced the fatbin of {@code name}. */
    public static boolean present(String name) {
        return KernelImages.class.getResource(FOLDER + name + ".fatbin") != null;
    }

    /**
     * The CUDA version of the nvcc that built the kernels, as {@code 1000*major + 10*minor} (13000 for 13.0): a
     * driver must support at least this CUDA version to load their machine code or PTX. Empty when not built.
     */
    public static Optional<Integer> builtWithCuda() {
        return read(FOLDER + "nvcc-version.txt").flatMap(b -> parseRelease(new String(b, StandardCharsets.UTF_8)));
    }

    /** Parses nvcc's {@code --version} text ("Cuda compilation tools, release 13.0, V13.0.48"). */
    static Optional<Integer> parseRelease(String text) {
        Matcher m = RELEASE.matcher(text);
        return m.find() ? Optional.of(Integer.parseInt(m.group(1)) * 1000 + Integer.parseInt(m.group(2)) * 10)
                : Optional.empty();
    }

    /** {@code 13000} as {@code "13.0"}. */
    public static String cudaVersionText(int version) {
        return (version / 1000) + "." + (version % 1000) / 10;
    }

    private static Optional<byte[]> read(String resource) {
        try (InputStream in = KernelImages.class.getResourceAsStream(resource)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource, e);
        }
    }
}
