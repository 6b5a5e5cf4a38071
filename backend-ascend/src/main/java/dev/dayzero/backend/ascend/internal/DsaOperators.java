package dev.dayzero.backend.ascend.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which library file serves DeepSeek sparse attention's operators, {@code aclnnSparseFlashAttention} (SFA) and
 * {@code aclnnLightningIndexer} (LI), and with which C signature, decided once per device from evidence readable
 * at run time. Pure apart from reading a few small files; {@link SupportRules} refuses what is not usable.
 *
 * <p>The rule, per operator:
 * <ol>
 *   <li>A custom package ({@code libcust_opapi.so}, first in op-plugin's order) exporting the symbol wins: torch_npu
 *       would call it, and its kernels shadow CANN's under the same op type. Its vllm-ascend version comes from the
 *       configuration ({@code dayzero.ascend.customOpsVersion}) or, where the file lies inside a {@code vllm_ascend}
 *       Python package, from {@code vllm_ascend/_version.py} (setuptools-scm), a single
 *       {@code vllm_ascend-<version>.dist-info} beside the package (its {@code METADATA} "Version:"), or
 *       {@code vllm_ascend.egg-info/PKG-INFO}. SFA: version &gt;= 0.21 → the 23-argument form; a released version
 *       &lt;= 0.20 → the 17-argument form; a development build of &lt;= 0.20 (".dev", "+local") or no version →
 *       refused, since either form may be inside. LI: &gt;= 0.21 → the documented form; otherwise refused (its
 *       signature before 0.21 was not checked).</li>
 *   <li>Else a CANN operator library ({@code libopapi*.so}) exporting it: ops-transformer's built-in op, whose docs
 *       give the 23-argument SFA and the documented LI prototype.</li>
 *   <li>Else absent.</li>
 * </ol>
 *
 * @param sparseFlashAttention where SFA comes from
 * @param lightningIndexer     where LI comes from
 */
public record DsaOperators(Source sparseFlashAttention, Source lightningIndexer) {
    /** SFA's phase-1 symbol. */
    public static final String SFA_SYMBOL = "aclnnSparseFlashAttentionGetWorkspaceSize";
    /** LI's phase-1 symbol. */
    public static final String LI_SYMBOL = "aclnnLightningIndexerGetWorkspaceSize";
    /** File name of a custom operator package's API library. */
    static final String CUSTOM_LIBRARY = "libcust_opapi.so";

    public DsaOperators {
        Objects.requireNonNull(sparseFlashAttention, "sparseFlashAttention");
        Objects.requireNonNull(lightningIndexer, "lightningIndexer");
    }

    /** Where an operator comes from. */
    public enum Origin {
        /** No loaded library exports it. */
        NONE,
        /** vllm-ascend's custom operator package. */
        VLLM_ASCEND,
        /** A custom package whose vllm-ascend version could not be told. */
        UNKNOWN_PACKAGE,
        /** CANN's own ops-transformer library. */
        CANN_BUILTIN
    }

    /** The C signature the backend calls. */
    public enum Abi {
        /** Not callable. */
        NONE,
        /** SFA, 17 arguments (vllm-ascend &lt;= 0.20). */
        SFA_17,
        /** SFA, 23 arguments with required softmaxMax / softmaxSum (vllm-ascend &gt;= 0.21, CANN built-in). */
        SFA_23,
        /** LI, the documented 17-argument form with the fused top-k. */
        LI
    }

    /**
     * One operator's source.
     *
     * @param operator the operator ({@code aclnnSparseFlashAttention} / {@code aclnnLightningIndexer})
     * @param origin   where it comes from
     * @param abi      the signature to call; {@link Abi#NONE} = refused or absent
     * @param library  the file exporting it (null when absent)
     * @param version  vllm-ascend version where known, else ""
     * @param evidence what the decision rests on (files named), or why it is refused
     */
    public record Source(String operator, Origin origin, Abi abi, Path library, String version, String evidence) {
        public Source {
            Objects.requireNonNull(operator, "operator");
            Objects.requireNonNull(origin, "origin");
            Objects.requireNonNull(abi, "abi");
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(evidence, "evidence");
        }

        /** Whether the backend may call it. */
        public boolean usable() {
            return abi != Abi.NONE;
        }

        /**
         * Whether the source is built for Ascend 950: vllm-ascend's SFA from 0.21 (its op def adds ascend950);
         * CANN's built-in SFA and LI, and LI everywhere, target Atlas A2/A3 only per their docs.
         */
        public boolean targets950() {
            return origin == Origin.VLLM_ASCEND && abi == Abi.SFA_23;
        }

        /** One line for {@code DeviceInfo.properties()} and notes. */
        public String describe() {
            return switch (origin) {
                case NONE -> "absent: " + evidence;
                case VLLM_ASCEND, CANN_BUILTIN -> usable()
                        ? signature() + " from " + library + "; " + evidence
                        : "refused: " + library + ": " + evidence;
                case UNKNOWN_PACKAGE -> "refused: " + evidence;
            };
        }

        /** The signature in words. */
        public String signature() {
            return switch (abi) {
                case SFA_17 -> "17-argument SparseFlashAttention";
                case SFA_23 -> "23-argument SparseFlashAttention";
                case LI -> "LightningIndexer";
                case NONE -> "none";
            };
        }
    }

    /** Nothing exports either operator. */
    public static DsaOperators none() {
        return resolve(symbol -> List.of(), "");
    }

    /**
     * Decides both operators.
     *
     * @param exporters       the operator library files exporting a symbol, in resolution order (custom first)
     * @param declaredVersion the configured vllm-ascend version of the custom package, "" when not declared
     */
    public static DsaOperators resolve(Function<String, List<Path>> exporters, String declaredVersion) {
        return new DsaOperators(source("aclnnSparseFlashAttention", exporters.apply(SFA_SYMBOL), declaredVersion, true),
                source("aclnnLightningIndexer", exporters.apply(LI_SYMBOL), declaredVersion, false));
    }

    private static Source source(String op, List<Path> files, String declared, boolean sfa) {
        Optional<Path> custom = files.stream().filter(DsaOperators::isCustomPackage).findFirst();
        if (custom.isPresent()) {
            Path lib = custom.get();
            Optional<VersionEvidence> ev = declared.isBlank()
                    ? readVersion(lib)
                    : Optional.of(new VersionEvidence(declared, "declared by " + "dayzero.ascend.customOpsVersion"));
            if (ev.isEmpty()) {
                return new Source(op, Origin.UNKNOWN_PACKAGE, Abi.NONE, lib, "", "the custom package " + lib
                        + " exports " + op + " but its vllm-ascend version could not be read (no vllm_ascend/_version.py,"
                        + " vllm_ascend-*.dist-info or vllm_ascend.egg-info beside it, none declared)" + (sfa
                        ? " and SparseFlashAttention has two C signatures (17 arguments up to vllm-ascend 0.20, 23 from"
                        + " 0.21): calling the wrong one crashes the process"
                        : ": its C signature is known from 0.21 on only") + "; set dayzero.ascend.customOpsVersion");
            }
            VersionEvidence v = ev.get();
            Optional<int[]> parsed = parse(v.version());
            if (parsed.isEmpty()) {
                return new Source(op, Origin.UNKNOWN_PACKAGE, Abi.NONE, lib, v.version(), "vllm-ascend version '"
                        + v.version() + "' (" + v.source() + ") is not a version this backend can read");
            }
            int major = parsed.get()[0];
            int minor = parsed.get()[1];
            boolean from021 = major > 0 || minor >= 21;
            boolean devBuild = v.version().contains("dev") || v.version().contains("+");
            String because = "vllm-ascend " + v.version() + " (" + v.source() + ")";
            if (sfa) {
                if (from021) {
                    return new Source(op, Origin.VLLM_ASCEND, Abi.SFA_23, lib, v.version(),
                            because + ": 23 arguments from 0.21 on");
                }
                if (devBuild) {
                    return new Source(op, Origin.VLLM_ASCEND, Abi.NONE, lib, v.version(), because
                            + " is a development build of <= 0.20, which may carry either SparseFlashAttention"
                            + " signature (17 arguments up to 0.20, 23 from 0.21); calling the wrong one crashes the process");
                }
                return new Source(op, Origin.VLLM_ASCEND, Abi.SFA_17, lib, v.version(),
                        because + ": 17 arguments up to 0.20");
            }
            if (from021) {
                return new Source(op, Origin.VLLM_ASCEND, Abi.LI, lib, v.version(),
                        because + ": the documented signature (checked at vllm-ascend HEAD, from 0.21 on)");
            }
            return new Source(op, Origin.VLLM_ASCEND, Abi.NONE, lib, v.version(), because
                    + ": LightningIndexer's C signature before 0.21 was not checked, so it is not called");
        }
        if (!files.isEmpty()) {
            Path lib = files.get(0);
            return new Source(op, Origin.CANN_BUILTIN, sfa ? Abi.SFA_23 : Abi.LI, lib, "",
                    "CANN's built-in ops-transformer operator (no custom package exports it), whose docs give this "
                            + "signature");
        }
        return new Source(op, Origin.NONE, Abi.NONE, null, "", "no loaded operator library exports "
                + (sfa ? SFA_SYMBOL : LI_SYMBOL) + ": install vllm-ascend's custom operator package (libcust_opapi.so)"
                + " under ASCEND_CUSTOM_OPP_PATH, or a CANN whose ops-transformer library has it");
    }

    static boolean isCustomPackage(Path file) {
        return file.getFileName() != null && file.getFileName().toString().equals(CUSTOM_LIBRARY);
    }

    /** A version and the file it was read from. */
    record VersionEvidence(String version, String source) {
    }

    private static final Pattern SCM_VERSION = Pattern.compile("(?m)\\bversion\\s*=\\s*['\"]([^'\"]+)['\"]");
    private static final Pattern METADATA_VERSION = Pattern.compile("(?m)^Version:\\s*(\\S+)\\s*$");
    private static final Pattern NUMERIC = Pattern.compile("^v?(\\d+)\\.(\\d+)(?:[.\\-+a-zA-Z].*)?$");

    /**
     * The vllm-ascend version of the package holding {@code library}: the nearest enclosing {@code vllm_ascend}
     * directory's {@code _version.py}, else one {@code vllm_ascend-*.dist-info} beside it, else
     * {@code vllm_ascend.egg-info/PKG-INFO} beside it.
     */
    static Optional<VersionEvidence> readVersion(Path library) {
        Path pkg = library.toAbsolutePath().getParent();
        while (pkg != null && !(pkg.getFileName() != null && pkg.getFileName().toString().equals("vllm_ascend"))) {
            pkg = pkg.getParent();
        }
        if (pkg == null) {
            return Optional.empty();
        }
        Optional<String> scm = match(pkg.resolve("_version.py"), SCM_VERSION);
        if (scm.isPresent()) {
            return Optional.of(new VersionEvidence(scm.get(), pkg.resolve("_version.py").toString()));
        }
        Path root = pkg.getParent();
        if (root == null) {
            return Optional.empty();
        }
        List<Path> distInfos = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, "vllm_ascend-*.dist-info")) {
            ds.forEach(distInfos::add);
        } catch (IOException e) {
            // none
        }
        if (distInfos.size() == 1) {
            Path d = distInfos.get(0);
            Optional<String> meta = match(d.resolve("METADATA"), METADATA_VERSION);
            String name = d.getFileName().toString();
            String version = meta.orElse(name.substring("vllm_ascend-".length(), name.length() - ".dist-info".length()));
            return Optional.of(new VersionEvidence(version, meta.isPresent() ? d.resolve("METADATA").toString() : d.toString()));
        }
        Path pkgInfo = root.resolve("vllm_ascend.egg-info").resolve("PKG-INFO");
        return match(pkgInfo, METADATA_VERSION).map(v -> new VersionEvidence(v, pkgInfo.toString()));
    }

    /** {major, minor} of a PEP 440-like version, or empty. */
    static Optional<int[]> parse(String version) {
        Matcher m = NUMERIC.matcher(version.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> match(Path file, Pattern p) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            Matcher m = p.matcher(text.length() > 65536 ? text.substring(0, 65536) : text);
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
