package dev.dayzero.bench.projection;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.dayzero.bench.model.AttentionConfig;
import dev.dayzero.bench.model.ModelConfig;
import dev.dayzero.bench.model.ModelDims;
import dev.dayzero.bench.model.MoeConfig;
import dev.dayzero.bench.model.QuantConfig;
import dev.dayzero.bench.model.Presets;
import dev.dayzero.bench.results.BackendEntry;
import dev.dayzero.bench.results.CaseRecord;
import dev.dayzero.bench.results.ResultsFile;
import dev.dayzero.bench.workload.Routing;
import dev.dayzero.bench.workload.WorkloadCase;
import dev.dayzero.bench.workload.WorkloadOptions;
import dev.dayzero.bench.workload.WorkloadPlan;
import dev.dayzero.bench.workload.Workloads;
import dev.dayzero.hal.DType;
import dev.dayzero.hal.DeviceInfo;
import dev.dayzero.hal.op.GemmSpec;
import dev.dayzero.hal.op.KvCacheType;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.hal.op.SharedKvFormat;
import dev.dayzero.hal.op.TensorSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Whether one decode step's weights and KV cache fit one device's memory: the weights the device's shard holds
 * (by dtype, scales included) plus the KV cache at the step's batch and context, against the device's memory
 * ({@link DeviceInfo#memoryBytes()}); the deployment's {@code devices} hold {@code devices ×} as much in
 * {@code devices ×} the memory (every rank's shard is the same size).
 *
 * <h2>How the weights are counted (one device)</h2>
 * <ul>
 *   <li>every dense GEMM of the step's plan ({@code gemm-*} cases with runs a step): its weight operands
 *       ({@code w} and {@code w_scale}) × its runs a step, which are its layers: the attention projections
 *       (MLA q_a, q_b, kv_a, the absorbed W_UK / W_UV in BF16 as the step runs them, o; DSA's indexer wq_b, wk,
 *       weights_proj; GQA's fused qkv and o; DeepSeek-V4's fused wq_a/wkv, wq_b, indexer and compressor
 *       projections, grouped o-LoRA and wo_b), the router, the shared experts, the dense-FFN layers and the lm_head,
 *       each at its tensor-parallel shard shape and dtype (FP8 128x128 blocks with their F32 or UE8M0 scales);</li>
 *   <li>the routed experts of this rank: {@code experts / ep}, each expert's gate+up {@code [2 I / moeTp, hidden]}
 *       and down {@code [hidden, I / moeTp]} at the experts' dtype ({@code BF16}; FP8 with one scale a 128x128
 *       block; MXFP4 with one UE8M0 scale per 32 values), × the MoE layers;</li>
 *   <li>the embedding: {@code ceil(vocab / devices) × hidden} BF16 (vocab-parallel like the lm_head); nothing
 *       when {@code tie_word_embeddings} (the lm_head is the embedding);</li>
 *   <li>MTP layers only with {@code --mtp} (a server without speculative decoding does not load them); norms,
 *       biases, attention sinks and V4's hyper-connection mixers are left out (a few MiB).</li>
 * </ul>
 *
 * <h2>How the KV cache is counted (one device: its data-parallel rank's {@code batch} sequences)</h2>
 * {@code batch × context} tokens a layer (page padding and spare pages left out): MLA 656 B a token in FlashMLA's
 * FP8 layout (the step's cache for FP8 checkpoints and DSA) else {@code 2 × (kv_lora_rank + qk_rope)} B, replicated
 * on every tensor-parallel rank (one latent head), plus DSA's indexer key cache ({@code index_head_dim} FP8 + one F32
 * scale a token); GQA {@code max(1, kv_heads / tp) × head_dim × 2 (K, V) × 2 B}; DeepSeek-V4 every layer's window
 * ({@code min(sliding_window, context)} tokens) plus CSA's {@code context / 4} and HCA's {@code context / 128}
 * compressed entries at 584 B (MODEL1 FP8) and CSA's indexer keys ({@code index_head_dim + 4} B an entry).
 * Activations, workspace and the serving framework's own memory are not counted.
 *
 * @param step          the step's case-id prefix
 * @param device        {@code backend} or {@code backend:ordinal}
 * @param deviceName    the device's name
 * @param emulated      the device is an emulator or test double: its memory is what the double reports
 * @param deviceBytes   the device's memory, 0 where unknown
 * @param devices       devices of the deployment ({@code max(tp, ep)})
 * @param weightsByPart weight bytes on one device by part (attention projections, routed experts, ...)
 * @param weightsByDtype weight bytes on one device by dtype ({@code bf16}, {@code fp8-e4m3}, {@code f32 scales}, ...)
 * @param cacheByPart   KV-cache bytes on one device by cache ({@code kv cache}, {@code indexer key cache}, ...)
 * @param cacheFormat   the cache format, in words
 * @param notes         how the count was made where it could be read otherwise
 */
public record MemoryFit(String step, String device, String deviceName, boolean emulated, long deviceBytes,
                        int devices, Map<String, Long> weightsByPart, Map<String, Long> weightsByDtype,
                        Map<String, Long> cacheByPart, String cacheFormat, List<String> notes) {

    /** What the fit counts and what it leaves out: say it beside every fit. */
    public static final String COUNTS = "weights of the device's shard (by dtype, scales included) plus the KV cache"
            + " at the step's batch and context; norms, biases, activations, workspace, page padding and the serving"
            + " framework's own memory are not counted";

    private static final double GIB = 1L << 30;

    public MemoryFit {
        Objects.requireNonNull(step, "step");
        device = device == null ? "" : device;
        deviceName = deviceName == null ? "" : deviceName;
        cacheFormat = cacheFormat == null ? "" : cacheFormat;
        weightsByPart = Collections.unmodifiableSortedMap(new TreeMap<>(weightsByPart == null ? Map.of() : weightsByPart));
        weightsByDtype = Collections.unmodifiableSortedMap(new TreeMap<>(weightsByDtype == null ? Map.of()
                : weightsByDtype));
        cacheByPart = Collections.unmodifiableSortedMap(new TreeMap<>(cacheByPart == null ? Map.of() : cacheByPart));
        notes = notes == null ? List.of() : List.copyOf(notes);
        if (deviceBytes < 0 || devices < 1) {
            throw new IllegalArgumentException("MemoryFit: deviceBytes must be >= 0 and devices >= 1");
        }
    }

    /** Weight bytes on one device. */
    @JsonProperty("weightBytes")
    public long weightBytes() {
        return weightsByPart.values().stream().mapToLong(Long::longValue).sum();
    }

    /** KV-cache bytes on one device. */
    @JsonProperty("cacheBytes")
    public long cacheBytes() {
        return cacheByPart.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Weights + cache on one device. */
    @JsonProperty("totalBytes")
    public long totalBytes() {
        return weightBytes() + cacheBytes();
    }

    /** True when the device's memory is known. */
    public boolean known() {
        return deviceBytes > 0;
    }

    /** Device memory left after weights and cache (negative: short by that much); meaningless unless known. */
    @JsonProperty("spareBytes")
    public long spareBytes() {
        return deviceBytes - totalBytes();
    }

    /** True when the device's memory is known and holds weights and cache. */
    public boolean fits() {
        return known() && spareBytes() >= 0;
    }

    /** {@code fits with 12.3 GiB to spare}, {@code does not fit by 4.5 GiB} or {@code device memory unknown}. */
    public String verdict() {
        return verdict(spareBytes(), known());
    }

    /** The same verdict for the whole deployment ({@code devices ×} need and memory). */
    public String deploymentVerdict() {
        return verdict(spareBytes() * devices, known());
    }

    private static String verdict(long spare, boolean known) {
        if (!known) {
            return "device memory unknown";
        }
        return spare >= 0 ? String.format(Locale.ROOT, "fits with %.1f GiB to spare", spare / GIB)
                : String.format(Locale.ROOT, "does not fit by %.1f GiB", -spare / GIB);
    }

    /** {@code 12.3 GiB}, or {@code 420 MiB} under 1 GiB. */
    public static String gib(long bytes) {
        if (Math.abs(bytes) < GIB) {
            return String.format(Locale.ROOT, "%.0f MiB", bytes / (double) (1 << 20));
        }
        return String.format(Locale.ROOT, "%.1f GiB", bytes / GIB);
    }

    /** One line for the text summary. */
    public String line() {
        List<String> dtypes = new ArrayList<>();
        weightsByDtype.forEach((k, v) -> dtypes.add(k + " " + gib(v)));
        String mem = known() ? " of " + gib(deviceBytes) : "";
        return device + ": weights " + gib(weightBytes()) + " (" + String.join(", ", dtypes) + ") + KV cache "
                + gib(cacheBytes()) + " (" + cacheFormat + ") = " + gib(totalBytes()) + mem + ": " + verdict()
                + (emulated ? " (emulated device: the memory its double reports)" : "") + "; deployment ("
                + devices + " device" + (devices == 1 ? "" : "s") + "): " + gib(totalBytes() * devices)
                + (known() ? " of " + gib(deviceBytes * devices) : "") + ", " + deploymentVerdict();
    }

    /**
     * What one device needs for one step, before it meets a device.
     *
     * @param step          the step's case-id prefix
     * @param devices       devices of the deployment
     * @param weightsByPart weight bytes by part
     * @param weightsByDtype weight bytes by dtype
     * @param cacheByPart   KV-cache bytes by cache
     * @param cacheFormat   the cache format, in words
     * @param notes         how the count was made
     */
    public record Need(String step, int devices, Map<String, Long> weightsByPart, Map<String, Long> weightsByDtype,
                       Map<String, Long> cacheByPart, String cacheFormat, List<String> notes) {
        public Need {
            weightsByPart = Map.copyOf(weightsByPart);
            weightsByDtype = Map.copyOf(weightsByDtype);
            cacheByPart = Map.copyOf(cacheByPart);
            notes = List.copyOf(notes);
        }

        /** Weight bytes. */
        public long weightBytes() {
            return weightsByPart.values().stream().mapToLong(Long::longValue).sum();
        }

        /** KV-cache bytes. */
        public long cacheBytes() {
            return cacheByPart.values().stream().mapToLong(Long::longValue).sum();
        }

        /** This need on a device of {@code bytes} memory. */
        public MemoryFit on(String device, String deviceName, boolean emulated, long bytes) {
            return new MemoryFit(step, device, deviceName, emulated, bytes, devices, weightsByPart, weightsByDtype,
                    cacheByPart, cacheFormat, notes);
        }
    }

    /**
     * The need of every decode step in {@code plan}: the steps are the decode cases with runs a step, grouped by
     * case-id prefix; the dense GEMMs' weights come from those cases, the rest from {@code model}.
     */
    public static Map<String, Need> needs(ModelConfig model, WorkloadOptions options, WorkloadPlan plan) {
        Map<String, List<WorkloadCase>> steps = new LinkedHashMap<>();
        for (WorkloadCase c : plan.cases()) {
            if (c.runsPerStep() > 0 && c.phase().equals("decode")) {
                String suffix = "/" + c.operator();
                String step = c.id().endsWith(suffix) ? c.id().substring(0, c.id().length() - suffix.length())
                        : c.id().substring(0, c.id().lastIndexOf('/'));
                steps.computeIfAbsent(step, k -> new ArrayList<>()).add(c);
            }
        }
        int tp = options.tp() != null ? options.tp() : model.deployment().tp();
        int ep = options.ep() != null ? options.ep() : model.deployment().ep();
        Map<String, Need> out = new LinkedHashMap<>();
        steps.forEach((step, cases) -> {
            int batch = StepProjection.segment(step, "b").orElse(1);
            List<StepGemm> gemms = cases.stream().map(c -> new StepGemm(c.operator(), c.spec(), c.runsPerStep())).toList();
            out.put(step, need(model, step, batch, options.contextLength(), tp, ep, options.mtp(), gemms));
        });
        return out;
    }

    /** A case of a step: its operator, spec and runs a step. */
    public record StepGemm(String operator, OpSpec spec, int runs) {
    }

    /** One step's need: see the class comment for what is counted. */
    public static Need need(ModelConfig model, String step, int batch, int context, int tp, int ep, boolean mtp,
                            List<StepGemm> cases) {
        int devices = Math.max(tp, ep);
        Map<String, Long> byPart = new TreeMap<>();
        Map<String, Long> byDtype = new TreeMap<>();
        List<String> notes = new ArrayList<>();
        ModelDims d = model.dims();
        int mtpLayers = mtp ? d.mtpLayers() : 0;
        for (StepGemm c : cases) {
            if (c.runs() > 0 && c.spec() instanceof GemmSpec g) {
                weights(g.operands(), c.runs(), partOf(c.operator()), byPart, byDtype);
            }
        }
        if (model.moe().isPresent()) {
            MoeConfig m = model.moe().get();
            int local = m.experts() / ep;
            int moeTp = devices / ep;
            int slice = m.intermediateSize() / moeTp;
            int layers = model.numLayers() - d.denseLayers() + mtpLayers;
            QuantConfig q = model.quant();
            MoeGemmSpec.Type type = Workloads.expertType(q);
            DType scale = type.isMxfp4() ? DType.UE8M0 : type.hasGroupActivationScales() ? q.scaleType() : DType.F32;
            List<Integer> one = Collections.nCopies(local, 1);
            weights(MoeGemmSpec.contiguous(type, scale, 2 * slice, model.hiddenSize(), one).operands(), layers,
                    "routed experts", byPart, byDtype);
            weights(MoeGemmSpec.contiguous(type, scale, model.hiddenSize(), slice, one).operands(), layers,
                    "routed experts", byPart, byDtype);
            notes.add(local + " routed experts a device (" + m.experts() + " / ep " + ep + ")" + (moeTp > 1
                    ? ", each a 1/" + moeTp + " slice" : "") + " x " + layers + " MoE layers, " + type);
        }
        if (d.vocabSize() > 0) {
            if (d.tiedEmbeddings()) {
                notes.add("tie_word_embeddings: the embedding is the lm_head, counted once");
            } else {
                long rows = (d.vocabSize() + devices - 1L) / devices;
                add(byPart, "embedding", rows * model.hiddenSize() * 2);
                add(byDtype, "bf16", rows * model.hiddenSize() * 2);
                notes.add("embedding vocab-parallel like the lm_head: ceil(" + d.vocabSize() + " / " + devices + ") x "
                        + model.hiddenSize() + " BF16");
            }
        }
        if (d.mtpLayers() > 0 && !mtp) {
            notes.add(d.mtpLayers() + " MTP layer(s) not held (no --mtp)");
        }
        Map<String, Long> cache = new TreeMap<>();
        String format = cache(model, batch, context, tp, mtpLayers, cache);
        return new Need(step, devices, byPart, byDtype, cache, format, notes);
    }

    /** Fills {@code cache} with one device's KV-cache bytes by cache; returns the format in words. */
    static String cache(ModelConfig model, int batch, int context, int tp, int mtpLayers, Map<String, Long> cache) {
        long tokens = (long) batch * context;
        Optional<AttentionConfig> att = model.attention();
        if (att.isEmpty()) {
            return "no mapped attention";
        }
        int layers = model.dims().attentionLayers() + mtpLayers;
        if (att.get() instanceof AttentionConfig.Mla m) {
            boolean fp8Layout = m.kvLoraRank() == KvCacheType.FP8_LATENT && m.qkRopeHeadDim() == KvCacheType.FP8_ROPE;
            boolean fp8 = fp8Layout && (model.quant().fp8Block() || m.sparse());
            long perToken = fp8 ? KvCacheType.FP8_TOKEN_BYTES : 2L * m.latentDim();
            add(cache, "kv cache", tokens * perToken * layers);
            String f = (fp8 ? "FP8 FlashMLA, " : "BF16 latent, ") + perToken + " B a token, " + layers + " layers";
            if (m.indexerRuns()) {
                long keyBytes = m.indexHeadDim() + 4L;
                add(cache, "indexer key cache", tokens * keyBytes * layers);
                f += "; indexer keys " + keyBytes + " B a token";
            }
            return f;
        }
        if (att.get() instanceof AttentionConfig.Gqa g) {
            int kv = Math.max(1, g.numKvHeads() / tp);
            long perToken = 2L * kv * g.headDim() * 2;
            add(cache, "kv cache", tokens * perToken * layers);
            return "BF16 K+V, " + kv + " KV head" + (kv == 1 ? "" : "s") + " x " + g.headDim() + " x 2 x 2 B = " + perToken
                    + " B a token, " + layers + " layers";
        }
        AttentionConfig.V4 v = (AttentionConfig.V4) att.get();
        long entry = SharedKvFormat.MODEL1_TOKEN_BYTES;
        int all = v.slidingLayers() + v.csaLayers() + v.hcaLayers() + mtpLayers;
        long window = Math.min(v.window(), context);
        add(cache, "window cache", batch * window * entry * all);
        long csa = context / AttentionConfig.V4.CSA_RATIO;
        long hca = context / AttentionConfig.V4.HCA_RATIO;
        if (v.csaLayers() > 0) {
            add(cache, "csa compressed cache", batch * csa * entry * v.csaLayers());
            if (v.indexerUnsupported().isEmpty()) {
                add(cache, "csa indexer key cache", batch * csa * (v.indexHeadDim() + 4L) * v.csaLayers());
            }
        }
        if (v.hcaLayers() > 0) {
            add(cache, "hca compressed cache", batch * hca * entry * v.hcaLayers());
        }
        return "MODEL1 FP8, " + entry + " B an entry: window " + window + " x " + all + " layers, CSA " + csa + " x "
                + v.csaLayers() + ", HCA " + hca + " x " + v.hcaLayers() + (v.csaLayers() > 0 && v.indexerUnsupported()
                .isEmpty() ? "; CSA indexer keys " + (v.indexHeadDim() + 4) + " B an entry" : "");
    }

    /** Adds the weight operands ({@code w}, {@code w_scale}) of {@code operands} × {@code runs}. */
    private static void weights(List<TensorSpec> operands, int runs, String part, Map<String, Long> byPart,
                                Map<String, Long> byDtype) {
        for (TensorSpec t : operands) {
            if (t.name().equals("w") || t.name().equals("w_scale")) {
                long b = t.bytes() * runs;
                add(byPart, part, b);
                add(byDtype, t.name().equals("w") ? dtypeKey(t.dtype()) : dtypeKey(t.dtype()) + " scales", b);
            }
        }
    }

    private static void add(Map<String, Long> m, String key, long bytes) {
        if (bytes > 0) {
            m.merge(key, bytes, Long::sum);
        }
    }

    /** {@code bf16}, {@code fp8-e4m3}, {@code fp4-e2m1}, {@code int8}, {@code f32}, {@code ue8m0}. */
    static String dtypeKey(DType t) {
        return switch (t) {
            case BF16 -> "bf16";
            case F8_E4M3FN -> "fp8-e4m3";
            case F4_E2M1 -> "fp4-e2m1";
            case I8 -> "int8";
            case F32 -> "f32";
            case UE8M0 -> "ue8m0";
            default -> t.name().toLowerCase(Locale.ROOT);
        };
    }

    /** The part a dense GEMM's weights belong to, from its operator name. */
    static String partOf(String operator) {
        String o = operator.startsWith("gemm-") ? operator.substring(5) : operator;
        if (o.equals("router")) {
            return "router";
        }
        if (o.startsWith("shared-")) {
            return "shared experts";
        }
        if (o.startsWith("dense-")) {
            return "dense FFN";
        }
        if (o.equals("lm-head")) {
            return "lm_head";
        }
        if (o.startsWith("indexer-")) {
            return "indexer projections";
        }
        return "attention projections";
    }

    /**
     * Every projection's fit: the need of its step on its device, the device's memory from the backends' probe
     * entries (0 when the probe did not list it).
     */
    public static List<MemoryFit> fits(Map<String, Need> needs, List<StepProjection> projections,
                                       List<BackendEntry> backends) {
        List<MemoryFit> out = new ArrayList<>();
        for (StepProjection p : projections) {
            Need n = needs.get(p.step());
            if (n == null) {
                continue;
            }
            String[] bo = p.device().split(":", 2);
            int ordinal = bo.length > 1 ? Integer.parseInt(bo[1]) : 0;
            Optional<DeviceInfo> info = backends.stream().filter(b -> b.id().equals(bo[0]) && b.ordinal() == ordinal)
                    .findFirst().flatMap(BackendEntry::device);
            out.add(n.on(p.device(), info.map(DeviceInfo::name).orElse(p.deviceName()),
                    info.map(DeviceInfo::emulated).orElse(p.state() == StepProjection.State.EMULATED),
                    info.map(DeviceInfo::memoryBytes).orElse(0L)));
        }
        return out;
    }

    /** The fit of {@code step} on {@code device} among {@code fits}, if any. */
    public static Optional<MemoryFit> find(List<MemoryFit> fits, String step, String device) {
        return fits.stream().filter(f -> f.step().equals(step) && f.device().equals(device)).findFirst();
    }

    /**
     * The projections of a results file: the ones it recorded, else recomputed from its cases (older files).
     */
    public static List<StepProjection> projectionsOf(ResultsFile f) {
        return f.projections().isEmpty() ? StepProjection.project(f.cases()) : f.projections();
    }

    /**
     * The memory fits of a results file: the ones it recorded, else recomputed for every projected step whose model
     * is a preset (the step id names it, with batch, context, tp, ep and routing; the experts' dtype comes from the
     * step's MoE case, {@code --mtp} from the command line). A model read from a config file cannot be recomputed:
     * the file does not hold its config.
     */
    public static List<MemoryFit> fitsOf(ResultsFile f, List<StepProjection> projections) {
        if (!f.memoryFits().isEmpty()) {
            return f.memoryFits();
        }
        Map<String, Need> needs = new LinkedHashMap<>();
        boolean mtp = f.run() != null && f.run().commandLine() != null && f.run().commandLine().contains("--mtp");
        for (String step : projections.stream().map(StepProjection::step).distinct().toList()) {
            try {
                String[] seg = step.split("/");
                if (seg.length < 6 || !Presets.exists(seg[0]) || !seg[1].equals("decode") || !seg[4].matches("tp\\d+-ep\\d+")) {
                    continue;
                }
                ModelConfig m = Presets.get(seg[0]);
                Optional<String> moe = f.cases().stream().map(CaseRecord::caseId)
                        .filter(id -> id.startsWith(step + "/moe-gate-up-")).findFirst()
                        .map(id -> id.substring((step + "/moe-gate-up-").length()));
                if (moe.isPresent()) {
                    QuantConfig.ExpertWeights w = QuantConfig.ExpertWeights.parse(moe.get().startsWith("mxfp4") ? "mxfp4"
                            : moe.get());
                    if (w != m.quant().experts()) {
                        m = m.withQuant(m.quant().withExperts(w));
                    }
                }
                String[] te = seg[4].substring(2).split("-ep");
                WorkloadOptions o = WorkloadOptions.defaults()
                        .withBatchSizes(List.of(StepProjection.segment(step, "b").orElseThrow()))
                        .withContextLength(StepProjection.segment(step, "ctx").orElseThrow())
                        .withTp(Integer.parseInt(te[0])).withEp(Integer.parseInt(te[1]))
                        .withRouting(Routing.parse(seg[5])).withMtp(mtp);
                Need n = needs(m, o, Workloads.derive(m, o)).get(step);
                if (n != null) {
                    needs.put(step, n);
                }
            } catch (RuntimeException e) {
                // a step this version cannot re-derive (an older id form, a preset since changed): no fit for it
            }
        }
        return fits(needs, projections, f.backends());
    }
}
