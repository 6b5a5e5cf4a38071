package dev.dayzero.backend.ascend.internal;

import dev.dayzero.hal.NativeHandle;
import dev.dayzero.backend.ascend.jna.Acl;
import dev.dayzero.backend.ascend.jna.AclErrors;
import dev.dayzero.backend.ascend.jna.AscendCl;
import dev.dayzero.hal.AbstractDevice;
import dev.dayzero.hal.DeviceBuffer;
import dev.dayzero.hal.DeviceInfo;
import dev.dayzero.hal.DeviceOutOfMemoryException;
import dev.dayzero.hal.Event;
import dev.dayzero.hal.NativeCallException;
import dev.dayzero.hal.PreparedOp;
import dev.dayzero.hal.Stream;
import dev.dayzero.hal.Support;
import dev.dayzero.hal.op.AttentionSpec;
import dev.dayzero.hal.op.IndexerSpec;
import dev.dayzero.hal.op.GemmSpec;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.hal.op.QuantizeSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One Ascend NPU: {@code aclrtSetDevice} plus an explicit context and stream at open; everything it hands out
 * (buffers, streams, events, prepared operators) is a child closed with it, newest first. ACL binds the current
 * device to the calling thread, so every entry point makes this device's context current on the calling thread
 * first ({@link #enter}).
 */
public final class AscendDevice extends AbstractDevice {
    /** Vendor tag of this backend's exceptions. */
    public static final String VENDOR = AclErrors.VENDOR;
    /** Device-name prefix of the ABI test double. */
    public static final String TEST_DOUBLE_NAME = "Dayzero test double";

    private final Acl acl;
    private final int ordinal;
    private final String soc;
    private final DeviceInfo info;
    private final DsaOperators dsa;
    private final SharedKvOperator sharedKv;
    private final CannVersion cann;
    private final AtomicBoolean finished = new AtomicBoolean();
    private final NativeHandle context;
    private final ThreadLocal<Boolean> entered = ThreadLocal.withInitial(() -> false);
    private final AclStream defaultStream;

    /** Opens device {@code ordinal}; on failure everything acquired so far is released. */
    public AscendDevice(Acl acl, int ordinal) {
        super(VENDOR, "Ascend device " + ordinal);
        this.acl = Objects.requireNonNull(acl, "acl");
        this.ordinal = ordinal;
        acl.init();
        int count = acl.deviceCount();
        if (ordinal < 0 || ordinal >= count) {
            throw new IllegalArgumentException("no Ascend device " + ordinal + ": aclrtGetDeviceCount says " + count);
        }
        acl.setDevice(ordinal);
        NativeHandle ctx = null;
        AclStream stream = null;
        try {
            ctx = new NativeHandle("aclrtContext", acl.createContext(ordinal), acl::destroyContext);
            acl.setCurrentContext(ctx.get());
            entered.set(true);
            this.soc = acl.socName();
            this.dsa = DsaOperators.resolve(acl.libraries()::filesExporting, acl.libraries().customOpsVersion());
            this.sharedKv = SharedKvOperator.resolve(acl.libraries()::filesExporting);
            this.cann = CannVersion.find(acl.libraries().directory());
            this.info = describe();
            this.context = ctx;
            stream = new AclStream(this, acl.createStream());
            this.defaultStream = own(stream);
        } catch (RuntimeException | Error e) {
            if (stream != null) {
                closeQuietly(stream, e);
            }
            if (ctx != null) {
                closeQuietly(ctx, e);
            }
            try {
                acl.resetDevice(ordinal);
            } catch (RuntimeException r) {
                e.addSuppressed(r);
            }
            throw e;
        }
    }

    private static void closeQuietly(AutoCloseable c, Throwable into) {
        try {
            c.close();
        } catch (Exception x) {
            into.addSuppressed(x);
        }
    }

    private DeviceInfo describe() {
        boolean dbl = acl.libraries().testDouble();
        Map<String, String> props = new LinkedHashMap<>();
        props.put("socName", soc);
        SocCapability.of(soc).ifPresent(c -> props.put("family", c.family()));
        long vector = acl.capability(ordinal, AscendCl.ACL_DEVICE_INFO_VECTOR_CORE_NUM);
        if (vector >= 0) {
            props.put("vectorCores", Long.toString(vector));
        }
        props.put("libraryDir", acl.libraries().directory().toString());
        props.put("operatorLibraries", acl.libraries().opFiles().toString());
        props.put("sparseFlashAttention", dsa.sparseFlashAttention().describe());
        props.put("lightningIndexer", dsa.lightningIndexer().describe());
        props.put("sparseAttnSharedkv", sharedKv.describe());
        props.put("cannVersion", cann.describe());
        props.put("testDouble", Boolean.toString(dbl));
        long cores = Math.max(0, acl.capability(ordinal, AscendCl.ACL_DEVICE_INFO_AI_CORE_NUM));
        long l2 = Math.max(0, acl.capability(ordinal, AscendCl.ACL_DEVICE_INFO_L2_SIZE));
        String name = dbl ? TEST_DOUBLE_NAME + " (ACL ABI double on host memory, reports " + soc + ")"
                : "Huawei Ascend " + soc;
        return new DeviceInfo("ascend", ordinal, "Huawei", name, soc, acl.totalMemory(), (int) cores, "",
                "ACL " + acl.version(), l2, dbl, props);
    }

    /**
     * Measured roofs for a real NPU ({@link AscendCalibration}); none for the ABI test double, whose figures are
     * host timings, never an NPU's.
     */
    @Override
    public java.util.Optional<dev.dayzero.hal.Calibration> calibration() {
        return info.emulated() ? java.util.Optional.empty() : java.util.Optional.of(new AscendCalibration(this));
    }

    /** The checked native call layer. */
    public Acl acl() {
        return acl;
    }

    /** Where the DeepSeek sparse-attention operators come from, decided at open. */
    DsaOperators dsaOperators() {
        return dsa;
    }

    /** Where DeepSeek-V4's SparseAttnSharedkv (and its metadata step) come from, decided at open. */
    SharedKvOperator sharedKvOperator() {
        return sharedKv;
    }

    /** The CANN toolkit version read beside the libraries ({@link CannVersion#find}). */
    public CannVersion cannVersion() {
        return cann;
    }

    /** The SoC name the runtime reported. */
    public String soc() {
        return soc;
    }

    /** Makes this device's context current on the calling thread (once per thread); throws once closed. */
    void enter() {
        if (finished.get()) {
            throw new IllegalStateException("Ascend device " + ordinal + " is closed");
        }
        if (!entered.get()) {
            acl.setCurrentContext(context.get());
            entered.set(true);
        }
    }

    @Override
    public DeviceInfo info() {
        return info;
    }

    @Override
    public DeviceBuffer allocate(long bytes) {
        if (isClosed() && !finished.get()) {
            throw new IllegalStateException("Ascend device " + ordinal + " is closing");
        }
        enter();
        if (bytes < 0) {
            throw new IllegalArgumentException("cannot allocate a negative size: " + bytes);
        }
        long nativeBytes = Math.max(1, bytes); // aclrtMalloc rejects 0
        long address;
        try {
            address = acl.malloc(nativeBytes);
        } catch (NativeCallException e) {
            long code = e.nativeCode().orElse(0L);
            // ACL_ERROR_BAD_ALLOC 200000 and ACL_ERROR_STORAGE_OVER_LIMIT 300000 (acl_base.h), and the runtime's
            // ACL_ERROR_RT_MEMORY_ALLOCATION 207001 (error_codes/rt_error_codes.h: #define ... 207001)
            if (code == 200000 || code == 300000 || code == AclErrors.ACL_ERROR_RT_MEMORY_ALLOCATION) {
                throw new DeviceOutOfMemoryException(VENDOR, bytes, "aclrtMalloc of " + bytes + " bytes failed: "
                        + e.getMessage(), e);
            }
            throw e;
        }
        AclBuffer b = new AclBuffer(this, address, bytes, nativeBytes);
        countAllocated(bytes);
        return own(b);
    }

    /** Device memory for the backend's own use (prepared operators, launches), not counted by callers. */
    AclBuffer allocateInternal(long bytes) {
        return (AclBuffer) allocate(bytes);
    }

    @Override
    public Stream defaultStream() {
        enter();
        return defaultStream;
    }

    @Override
    public Stream newStream() {
        enter();
        return own(new AclStream(this, acl.createStream()));
    }

    @Override
    public Event newEvent() {
        enter();
        return own(new AclEvent(this, acl.createEvent()));
    }

    @Override
    public Support supports(OpSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return SupportRules.answer(soc, spec, dsa, cann, sharedKv);
    }

    @Override
    public PreparedOp prepare(OpSpec spec) {
        enter();
        refuseUnsupported(spec);
        AscendPreparedOp op;
        if (spec instanceof QuantizeSpec q) {
            op = new QuantizeOp(this, q);
        } else if (spec instanceof MoeGemmSpec m) {
            op = new MoeGemmOp(this, m);
        } else if (spec instanceof GemmSpec g) {
            op = new MoeGemmOp(this, g, SupportRules.asMoe(g));
        } else if (spec instanceof AttentionSpec.SparseLatentDecode s) {
            op = new SparseMlaOp(this, s);
        } else if (spec instanceof AttentionSpec.SparsePrefill s) {
            op = new SparsePrefillOp(this, s);
        } else if (spec instanceof AttentionSpec.SparseSharedKvDecode s) {
            op = new SharedKvDecodeOp(this, s);
        } else if (spec instanceof IndexerSpec i) {
            op = new IndexerOp(this, i);
        } else {
            op = new AttentionOp(this, (AttentionSpec) spec);
        }
        return own(op);
    }

    /** Checks that {@code stream} belongs to this device and is open. */
    AclStream checkStream(Stream stream) {
        enter();
        Objects.requireNonNull(stream, "stream");
        if (!(stream instanceof AclStream s) || s.device() != this) {
            throw new IllegalArgumentException("the stream does not belong to this Ascend device");
        }
        s.handle();
        return s;
    }

    /** Checks that {@code buffer} is an open buffer of this device. */
    AclBuffer checkBuffer(DeviceBuffer buffer, String what) {
        if (!(buffer instanceof AclBuffer b) || b.device() != this) {
            throw new IllegalArgumentException(what + " is not a buffer of this Ascend device");
        }
        b.address();
        return b;
    }

    /** Makes the context current for the children's frees. */
    @Override
    protected void beforeClose() {
        enter();
    }

    /** Destroys the context and resets the device, once every child has closed; then {@link #enter} refuses. */
    @Override
    protected List<Throwable> release() {
        List<Throwable> failures = new ArrayList<>();
        try {
            context.close();
        } catch (RuntimeException e) {
            failures.add(e);
        }
        try {
            acl.resetDevice(ordinal);
        } catch (RuntimeException e) {
            failures.add(e);
        }
        finished.set(true);
        return failures;
    }
}
