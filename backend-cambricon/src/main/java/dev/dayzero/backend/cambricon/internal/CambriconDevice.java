package dev.dayzero.backend.cambricon.internal;

import dev.dayzero.hal.NativeHandle;
import dev.dayzero.backend.cambricon.jna.Cnnl;
import dev.dayzero.backend.cambricon.jna.Cnrt;
import dev.dayzero.backend.cambricon.jna.NativeLibraries;
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
import dev.dayzero.hal.op.GemmSpec;
import dev.dayzero.hal.op.MoeGemmSpec;
import dev.dayzero.hal.op.OpSpec;
import dev.dayzero.hal.op.QuantizeSpec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One MLU through CNRT, CNNL and CNNL-Extra. It owns a CNNL handle, its default queue and everything it
 * hands out (buffers, queues, notifiers, prepared operators); closing it closes them all, newest first,
 * and reports rather than stops on a child's failure. Every CNRT call is preceded by
 * {@code cnrtSetDevice(ordinal)} where the current thread may not have selected this device.
 */
public final class CambriconDevice extends AbstractDevice {
    /** Backend id. */
    public static final String BACKEND_ID = "cambricon";

    private final Natives natives;
    private final int ordinal;
    private final DeviceInfo info;
    private final Capability capability;
    private final NativeHandle cnnlHandle;
    private final MluQueue defaultQueue;

    private CambriconDevice(Natives natives, int ordinal) {
        super(Natives.VENDOR, "Cambricon device " + ordinal);
        this.natives = natives;
        this.ordinal = ordinal;
        Cnrt cnrt = natives.cnrt();
        natives.check(cnrt.cnrtSetDevice(ordinal), "cnrtSetDevice");
        int major = attr(Cnrt.cnrtAttrComputeCapabilityMajor);
        int minor = attr(Cnrt.cnrtAttrComputeCapabilityMinor);
        int isa = attr(Cnrt.cnrtAttrISAVersion);
        this.capability = Capability.of(major, minor, isa);
        this.info = describe(natives, ordinal, capability);
        this.cnnlHandle = CnnlHandles.create(natives, "CNNL handle", "cnnlCreate", h -> natives.cnnl().cnnlCreate(h),
                "cnnlDestroy", h -> natives.cnnl().cnnlDestroy(h));
        MluQueue q;
        try {
            q = createQueue();
        } catch (RuntimeException e) {
            cnnlHandle.close();
            throw e;
        }
        this.defaultQueue = q;
    }

    /** Opens device {@code ordinal} through the loaded libraries. */
    public static CambriconDevice open(NativeLibraries.Loaded libs, int ordinal) {
        Natives n = new Natives(libs);
        int count = deviceCount(n);
        if (ordinal < 0 || ordinal >= count) {
            throw new IllegalArgumentException("no Cambricon device " + ordinal + ": cnrtGetDeviceCount reports " + count);
        }
        return new CambriconDevice(n, ordinal);
    }

    /** {@code cnrtGetDeviceCount}. */
    public static int deviceCount(NativeLibraries.Loaded libs) {
        return deviceCount(new Natives(libs));
    }

    private static int deviceCount(Natives n) {
        int[] count = new int[1];
        n.check(n.cnrt().cnrtGetDeviceCount(count), "cnrtGetDeviceCount");
        return count[0];
    }

    /** Library versions: CNRT, CNNL, CNNL-Extra, driver. */
    public static Map<String, String> versions(NativeLibraries.Loaded libs) {
        Natives n = new Natives(libs);
        Map<String, String> v = new LinkedHashMap<>();
        int[] a = new int[1], b = new int[1], c = new int[1];
        n.check(n.cnrt().cnrtGetLibVersion(a, b, c), "cnrtGetLibVersion");
        v.put("cnrt", a[0] + "." + b[0] + "." + c[0]);
        n.check(n.cnrt().cnrtDriverGetVersion(a, b, c), "cnrtDriverGetVersion");
        v.put("driver", a[0] + "." + b[0] + "." + c[0]);
        n.cnnl().cnnlGetLibVersion(a, b, c);
        v.put("cnnl", a[0] + "." + b[0] + "." + c[0]);
        n.extra().cnnlExtraGetLibVersion(a, b, c);
        v.put("cnnl_extra", a[0] + "." + b[0] + "." + c[0]);
        v.put("libraries", libs.directory().toString());
        if (libs.testDouble()) {
            v.put("testDouble", "true");
        }
        return v;
    }

    private int attr(int attribute) {
        int[] v = new int[1];
        natives.check(natives.cnrt().cnrtDeviceGetAttribute(v, attribute, ordinal), "cnrtDeviceGetAttribute");
        return v[0];
    }

    private static DeviceInfo describe(Natives n, int ordinal, Capability cap) {
        Map<String, String> props = new LinkedHashMap<>();
        int[] v = new int[1];
        int[] attrs = {Cnrt.cnrtAttrClusterCount, Cnrt.cnrtAttrMcorePerCluster, Cnrt.cnrtAttrTotalMemSize,
            Cnrt.cnrtAttrIpuClockRate, Cnrt.cnrtAttrMemClockRate, Cnrt.cnrtAttrGmemBusWidth, Cnrt.cnrtAttrMaxL2CacheSize};
        String[] names = {"clusterCount", "mcorePerCluster", "totalMemMB", "ipuClockRateKHz", "memClockRateKHz",
            "gmemBusWidthBits", "maxL2CacheSizeBytes"};
        long[] values = new long[attrs.length];
        for (int i = 0; i < attrs.length; i++) {
            int rc = n.cnrt().cnrtDeviceGetAttribute(v, attrs[i], ordinal);
            values[i] = rc == 0 ? v[0] : 0;
            props.put(names[i], rc == 0 ? String.valueOf(v[0]) : "unavailable (" + n.cnrtError(rc, "cnrtDeviceGetAttribute").getMessage() + ")");
        }
        props.put("computeCapability", cap.major() + "." + cap.minor());
        props.put("isaVersion", String.valueOf(cap.isa()));
        String name;
        try {
            byte[] prop = new byte[Cnrt.DEVICE_PROP_BYTES];
            n.check(n.cnrt().cnrtGetDeviceProperties(prop, ordinal), "cnrtGetDeviceProperties_V3");
            name = NativeLibraries.cString(prop);
        } catch (UnsatisfiedLinkError e) {
            name = "";
            props.put("deviceName", "cnrtGetDeviceProperties_V3 not exported by this libcnrt.so");
        }
        if (name.isBlank()) {
            name = "Cambricon " + cap.family();
        }
        props.put("emulatedBy", n.testDouble() ? "Dayzero ABI test double (exports " + NativeLibraries.TEST_DOUBLE_MARKER + ")" : "none");
        long memory = values[2] * 1024L * 1024L;
        int units = (int) (values[0] * values[1]);
        String runtime = "";
        String driver = "";
        try {
            int[] a = new int[1], b = new int[1], c = new int[1];
            if (n.cnrt().cnrtGetLibVersion(a, b, c) == 0) {
                runtime = "CNRT " + a[0] + "." + b[0] + "." + c[0];
            }
            if (n.cnrt().cnrtDriverGetVersion(a, b, c) == 0) {
                driver = a[0] + "." + b[0] + "." + c[0];
            }
            n.cnnl().cnnlGetLibVersion(a, b, c);
            runtime += ", CNNL " + a[0] + "." + b[0] + "." + c[0];
            n.extra().cnnlExtraGetLibVersion(a, b, c);
            runtime += ", CNNL-Extra " + a[0] + "." + b[0] + "." + c[0];
        } catch (RuntimeException | LinkageError e) {
            props.put("versionError", String.valueOf(e.getMessage()));
        }
        return new DeviceInfo(BACKEND_ID, ordinal, "Cambricon", name, cap.family(), memory, units, driver, runtime,
                Math.max(0, values[6]), n.testDouble(), props);
    }

    Natives natives() {
        return natives;
    }

    /** The generation's capability (compute capability and ISA). */
    public Capability capability() {
        return capability;
    }

    long cnnlHandle() {
        return cnnlHandle.get();
    }

    void checkOpen() {
        if (isClosed()) {
            throw new IllegalStateException("Cambricon device " + ordinal + " is closed");
        }
    }

    void select() {
        natives.check(natives.cnrt().cnrtSetDevice(ordinal), "cnrtSetDevice");
    }

    /**
     * Measured roofs for a real MLU ({@link CambriconCalibration}); none for the ABI test double, whose figures are
     * host timings, never an MLU's.
     */
    @Override
    public java.util.Optional<dev.dayzero.hal.Calibration> calibration() {
        return info.emulated() ? java.util.Optional.empty() : java.util.Optional.of(new CambriconCalibration(this));
    }

    @Override
    public DeviceInfo info() {
        return info;
    }

    @Override
    public DeviceBuffer allocate(long bytes) {
        checkOpen();
        return own(malloc(bytes));
    }

    /** Device memory owned by a prepared op or launch (workspace, converted layouts); counted here too. */
    MluBuffer malloc(long bytes) {
        checkOpen();
        if (bytes < 0) {
            throw new IllegalArgumentException("cannot allocate a negative size: " + bytes);
        }
        select();
        long[] p = new long[1];
        int rc = natives.cnrt().cnrtMalloc(p, bytes);
        if (rc == 100100 || rc == 100010) {
            NativeCallException cause = natives.cnrtError(rc, "cnrtMalloc");
            throw new DeviceOutOfMemoryException(Natives.VENDOR, bytes, cause.getMessage(), cause);
        }
        natives.check(rc, "cnrtMalloc");
        countAllocated(bytes);
        return new MluBuffer(this, p[0], bytes);
    }

    @Override
    public Stream defaultStream() {
        checkOpen();
        return defaultQueue;
    }

    @Override
    public Stream newStream() {
        checkOpen();
        return createQueue();
    }

    private MluQueue createQueue() {
        select();
        long[] q = new long[1];
        natives.check(natives.cnrt().cnrtQueueCreate(q), "cnrtQueueCreate");
        return own(new MluQueue(this, q[0]));
    }

    @Override
    public Event newEvent() {
        checkOpen();
        select();
        long[] n = new long[1];
        natives.check(natives.cnrt().cnrtNotifierCreate(n), "cnrtNotifierCreate");
        return own(new MluNotifier(this, n[0]));
    }

    @Override
    public Support supports(OpSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return CapabilityMap.answer(capability, spec);
    }

    @Override
    public PreparedOp prepare(OpSpec spec) {
        checkOpen();
        refuseUnsupported(spec);
        select();
        MluOp op;
        if (spec instanceof QuantizeSpec q) {
            op = new QuantizeOp(this, q);
        } else if (spec instanceof MoeGemmSpec m) {
            op = new MoeGemmOp(this, m);
        } else if (spec instanceof GemmSpec g) {
            op = new MoeGemmOp(this, g, CapabilityMap.asMoe(g));
        } else if (spec instanceof AttentionSpec.Prefill p) {
            op = new PrefillOp(this, p);
        } else {
            op = new CachedKvDecodeOp(this, (AttentionSpec) spec);
        }
        return own(op);
    }

    /** A CNNL tensor descriptor with 64-bit dims, ARRAY layout. */
    NativeHandle tensor(int dtype, long... dims) {
        Cnnl cnnl = natives.cnnl();
        NativeHandle d = CnnlHandles.create(natives, "tensor descriptor", "cnnlCreateTensorDescriptor",
                cnnl::cnnlCreateTensorDescriptor, "cnnlDestroyTensorDescriptor", cnnl::cnnlDestroyTensorDescriptor);
        try {
            natives.checkCnnl(cnnl.cnnlSetTensorDescriptor_v2(d.get(), Cnnl.CNNL_LAYOUT_ARRAY, dtype, dims.length, dims),
                    "cnnlSetTensorDescriptor_v2");
            return d;
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
    }

    MluQueue checkStream(Stream stream) {
        checkOpen();
        Objects.requireNonNull(stream, "stream");
        if (!(stream instanceof MluQueue q) || q.device() != this) {
            throw new IllegalArgumentException("the stream does not belong to this Cambricon device");
        }
        q.handle();
        return q;
    }

    MluBuffer checkBuffer(DeviceBuffer b, String what) {
        if (!(b instanceof MluBuffer mb) || mb.device() != this) {
            throw new IllegalArgumentException(what + " is not a buffer of this Cambricon device");
        }
        mb.address();
        return mb;
    }

    /** Destroys the CNNL handle, once every child has closed. */
    @Override
    protected List<Throwable> release() {
        try {
            cnnlHandle.close();
            return List.of();
        } catch (RuntimeException e) {
            return List.of(e);
        }
    }
}
