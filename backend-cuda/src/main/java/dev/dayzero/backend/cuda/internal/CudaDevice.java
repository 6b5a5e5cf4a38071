package dev.dayzero.backend.cuda.internal;

import dev.dayzero.backend.cuda.CudaConfig;
import dev.dayzero.backend.cuda.jna.CublasLtApi;
import dev.dayzero.backend.cuda.jna.CudaApi;
import dev.dayzero.backend.cuda.jna.CudaDriver;
import dev.dayzero.backend.cuda.jna.CudaErrors;
import dev.dayzero.hal.AbstractDevice;
import dev.dayzero.hal.Calibration;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.DeviceInfo;
import dev.dayzero.hal.Event;
import dev.dayzero.hal.GraphCapture;
import dev.dayzero.hal.NativeHandle;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.Stream;
import dev.dayzero.hal.Support;
import dev.dayzero.hal.UnsupportedSpecException;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.CacheWriteSpec;
import dev.dayzero.hal.op.GemmSpec;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One NVIDIA GPU through its primary context ({@code cuDevicePrimaryCtxRetain}, the context the CUDA runtime and
 * cuBLAS share). The context is current per OS thread, so every entry point calls {@link #enter()} first. The
 * device owns its buffers, streams, events, graphs, loaded modules and prepared operators through one
 * {@link AbstractDevice}; closing closes them newest first and then releases the primary context.
 */
public final class CudaDevice extends AbstractDevice {
    private final CudaApi api;
    private final int ordinal;
    private final int cuDevice;
    private final DeviceInfo info;
    private final long context;
    private final Map<String, CudaModule> modules = new ConcurrentHashMap<>();
    private final CudaStream defaultStream;
    private final CublasLtContext cublasLt;
    private final SupportRules.CublasLtCaps cublasLtCaps;
    private final CudaConfig.MoeGemm moeGemm;

    /** Opens {@code ordinal} without cuBLASLt (the MoE GEMM runs on the kernel). */
    public CudaDevice(CudaApi api, int ordinal, DeviceInfo info) {
        this(api, ordinal, info, null, "no cuBLASLt was given to the device", CudaConfig.MoeGemm.AUTO);
    }

    /**
     * Opens {@code ordinal}: retains its primary context and creates the default (non-blocking) stream.
     *
     * @param cublasLt        the loaded cuBLASLt, or null
     * @param cublasLtMissing why there is none (one sentence), when null
     * @param moeGemm         which implementation runs the MoE grouped GEMM
     */
    public CudaDevice(CudaApi api, int ordinal, DeviceInfo info, CublasLtApi cublasLt, String cublasLtMissing,
                      CudaConfig.MoeGemm moeGemm) {
        super(CudaErrors.VENDOR, "CUDA device " + ordinal);
        this.api = Objects.requireNonNull(api, "api");
        this.moeGemm = Objects.requireNonNull(moeGemm, "moeGemm");
        this.cublasLt = cublasLt == null ? null : new CublasLtContext(cublasLt);
        this.cublasLtCaps = cublasLt == null ? SupportRules.CublasLtCaps.none(cublasLtMissing)
                : new SupportRules.CublasLtCaps(this.cublasLt.version(), "", info.architecture());
        this.ordinal = ordinal;
        this.info = info;
        this.cuDevice = api.device(ordinal);
        this.context = api.primaryContextRetain(cuDevice);
        try {
            api.setCurrent(context);
            this.defaultStream = own(new CudaStream(this, api.streamCreate(CudaDriver.CU_STREAM_NON_BLOCKING)));
            if (this.cublasLt != null) {
                own(this.cublasLt);
            }
        } catch (RuntimeException e) {
            api.primaryContextRelease(cuDevice);
            throw e;
        }
    }

    CudaApi api() {
        return api;
    }

    /** The device's cuBLASLt, or null when none was loaded. */
    CublasLtContext cublasLt() {
        return cublasLt;
    }

    /** Why no cuBLASLt was loaded (empty when one was). */
    String cublasLtMissing() {
        return cublasLtCaps.missing();
    }

    /**
     * Measured roofs for a real GPU ({@link CudaCalibration}); none for the host emulator, whose speed is not a
     * GPU's.
     */
    @Override
    public Optional<Calibration> calibration() {
        return info.emulated() ? Optional.empty() : Optional.of(new CudaCalibration(this));
    }

    /** Makes this device's context current on the calling thread; throws once closed. */
    void enter() {
        if (isClosed()) {
            throw new IllegalStateException("CUDA device " + ordinal + " is closed");
        }
        api.setCurrent(context);
    }

    @Override
    public DeviceInfo info() {
        return info;
    }

    @Override
    public DeviceBuffer allocate(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("bytes must be > 0, got " + bytes);
        }
        enter();
        long address = api.memAlloc(bytes);
        countAllocated(bytes);
        return own(new CudaBuffer(this, address, bytes));
    }

    /**
     * Closes {@code child}'s one native handle with the context current and forgets the child; nothing once the
     * handle is closed.
     */
    void closeChild(AutoCloseable child, NativeHandle handle) {
        if (!handle.isClosed()) {
            enterForClose();
            try {
                handle.close();
            } finally {
                forget(child);
            }
        }
    }

    @Override
    public Stream defaultStream() {
        enter();
        return defaultStream;
    }

    @Override
    public Stream newStream() {
        enter();
        return own(new CudaStream(this, api.streamCreate(CudaDriver.CU_STREAM_NON_BLOCKING)));
    }

    @Override
    public Event newEvent() {
        enter();
        return own(new CudaEvent(this, api.eventCreate(CudaDriver.CU_EVENT_DEFAULT)));
    }

    @Override
    public Optional<GraphCapture> graphCapture() {
        return Optional.of(new CudaGraphCapture(this));
    }

    CudaStream checkStream(Stream stream) {
        Objects.requireNonNull(stream, "stream");
        if (!(stream instanceof CudaStream s) || s.device() != this) {
            throw new IllegalArgumentException("expected a stream of this CUDA device, got " + stream);
        }
        enter();
        return s;
    }

    /** The loaded module of kernel source {@code name}, loaded once per device. */
    CudaModule module(String name) {
        enter();
        return modules.computeIfAbsent(name, n -> {
            byte[] image = KernelImages.fatbin(n).orElseThrow(() -> new IllegalStateException(
                    "backend-cuda was built without its " + n + " kernels (no nvcc at build time)"));
            return own(new CudaModule(this, n, api.moduleLoadData(image)));
        });
    }

    @Override
    public Support supports(OpSpec spec) {
        Objects.requireNonNull(spec, "spec");
        Support s = SupportRules.supports(spec, KernelImages.allPresent(), moeGemm, cublasLtCaps);
        if (s.isSupported() && (spec instanceof AttentionSpec.LatentDecode
                || spec instanceof AttentionSpec.SparseLatentDecode || spec instanceof AttentionSpec.SparsePrefill
                || spec instanceof AttentionSpec.SparseSharedKvDecode)) {
            return MlaKernel.deviceSupport(info);
        }
        if (s.isSupported() && spec instanceof IndexerSpec x) {
            return SupportRules.indexerDevice(x, MlaKernel.sharedOptin(info), info.name());
        }
        return s;
    }

    @Override
    public PreparedOp prepare(OpSpec spec) {
        refuseUnsupported(spec);
        enter();
        if (spec instanceof QuantizeSpec q) {
            return own(new QuantizeOp(this, q));
        }
        if (spec instanceof AttentionSpec.LatentDecode d) {
            return own(new MlaDecodeOp(this, d));
        }
        if (spec instanceof AttentionSpec.SparseLatentDecode d) {
            return own(new SparseMlaDecodeOp(this, d));
        }
        if (spec instanceof MoeGemmSpec g) {
            return own(prepareMoeGemm(g));
        }
        if (spec instanceof GemmSpec g) {
            return own(new DenseGemmOp(this, g, prepareMoeGemm(DenseGemmOp.asMoe(g))));
        }
        if (spec instanceof AttentionSpec.Prefill p) {
            return own(new PrefillOp(this, p));
        }
        if (spec instanceof AttentionSpec.PagedDecode d) {
            return own(new PagedDecodeOp(this, d));
        }
        if (spec instanceof AttentionSpec.SparsePrefill p) {
            return own(new SparsePrefillOp(this, p));
        }
        if (spec instanceof IndexerSpec x) {
            return own(new IndexerOp(this, x));
        }
        if (spec instanceof AttentionSpec.SparseSharedKvDecode d) {
            return own(new SharedKvDecodeOp(this, d));
        }
        if (spec instanceof CacheWriteSpec.QuantInsert w) {
            return own(new CacheWriteOp(this, w));
        }
        throw new UnsupportedSpecException(CudaErrors.VENDOR, "backend-cuda has no operator for " + spec.describe());
    }

    /** cuBLASLt where the route says so; under {@code auto}, the kernel when cuBLASLt has no algorithm. */
    private PreparedOp prepareMoeGemm(MoeGemmSpec g) {
        SupportRules.MoeGemmRoute route = SupportRules.moeGemmRoute(g, KernelImages.allPresent(), moeGemm, cublasLtCaps);
        if (route.path().orElseThrow() == SupportRules.MoeGemmPath.CUBLASLT) {
            try {
                return new CublasLtMoeGemmOp(this, cublasLt, g);
            } catch (UnsupportedSpecException e) {
                if (moeGemm == CudaConfig.MoeGemm.CUBLASLT
                        || !SupportRules.moeGemmRoute(g, KernelImages.allPresent(), CudaConfig.MoeGemm.KERNEL,
                        cublasLtCaps).support().isSupported()) {
                    throw e;
                }
                return new MoeGemmOp(this, g, "on the kernel instead of cuBLASLt: " + e.getMessage());
            }
        }
        return new MoeGemmOp(this, g);
    }

    /** Makes the context current for the children's frees. */
    @Override
    protected void beforeClose() {
        enterForClose();
    }

    /** Forgets the loaded modules and releases the primary context, once every child has closed. */
    @Override
    protected List<Throwable> release() {
        modules.clear();
        try {
            api.primaryContextRelease(cuDevice);
            return List.of();
        } catch (RuntimeException e) {
            return List.of(e);
        }
    }

    /** Closing runs with the device marked closed, so children use this instead of {@link #enter()}. */
    void enterForClose() {
        api.setCurrent(context);
    }

    @Override
    public String toString() {
        return "cuda:" + ordinal + " (" + info.name() + ")";
    }
}
