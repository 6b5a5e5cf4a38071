package dev.dayzero.backend.cambricon.internal;

import dev.dayzero.backend.cambricon.jna.Cnnl;
import dev.dayzero.backend.cambricon.jna.CnnlExtra;
import dev.dayzero.backend.cambricon.jna.Cnrt;
import dev.dayzero.backend.cambricon.jna.NativeLibraries;
import dev.dayzero.hal.NativeCallException;

import java.util.Map;

/**
 * The loaded libraries plus the backend's one code table and one {@code check(rc, "fn")} helper per status
 * family: a non-zero status becomes a {@link NativeCallException} with the call, the code, its name and
 * the library's own text ({@code cnrtGetErrorStr}, {@code cnnlGetErrorString}).
 */
public final class Natives {
    /** Vendor tag of this backend's exceptions. */
    public static final String VENDOR = "cambricon";

    /** cnrtRet_t names (CNRT 6.14.1 cnrt.h). */
    static final Map<Integer, String> CNRT_CODES = Map.ofEntries(
            Map.entry(0, "cnrtSuccess"), Map.entry(1, "cnrtErrorNotReady"), Map.entry(100002, "cnrtErrorInit"),
            Map.entry(100004, "cnrtErrorNoDevice"), Map.entry(100005, "cnrtErrorDeviceInvalid"),
            Map.entry(100006, "cnrtErrorArgsInvalid"), Map.entry(100007, "cnrtErrorSys"),
            Map.entry(100010, "cnrtErrorSysNoMem"), Map.entry(100014, "cnrtErrorInvalidResourceHandle"),
            Map.entry(100015, "cnrtErrorIllegalState"), Map.entry(100050, "cnrtErrorNotSupport"),
            Map.entry(100051, "cnrtErrorOpsNotPermitted"), Map.entry(100060, "cnrtErrorQueue"),
            Map.entry(100100, "cnrtErrorNoMem"), Map.entry(100128, "cnrtErrorAssert"),
            Map.entry(100132, "cnrtErrorKernelTrap"), Map.entry(100133, "cnrtErrorKernelUserTrap"),
            Map.entry(100301, "cnrtErrorNotFound"), Map.entry(100302, "cnrtErrorInvalidKernel"),
            Map.entry(632006, "cnrtErrorDevice"), Map.entry(632009, "cnrtErrorNoAttribute"),
            Map.entry(632013, "cnrtErrorMemcpyDirectionInvalid"), Map.entry(632014, "cnrtErrorBusy"),
            Map.entry(632015, "cnrtErrorCndrvFuncCall"), Map.entry(632019, "cnrtErrorNoCnrtContext"),
            Map.entry(999991, "cnrtErrorUnknown"));
    /** cnnlStatus_t names (CNNL 1.28.6 cnnl.h). */
    static final String[] CNNL_CODES = {"CNNL_STATUS_SUCCESS", "CNNL_STATUS_NOT_INITIALIZED",
        "CNNL_STATUS_ALLOC_FAILED", "CNNL_STATUS_BAD_PARAM", "CNNL_STATUS_INTERNAL_ERROR",
        "CNNL_STATUS_ARCH_MISMATCH", "CNNL_STATUS_EXECUTION_FAILED", "CNNL_STATUS_NOT_SUPPORTED",
        "CNNL_STATUS_NUMERICAL_OVERFLOW"};

    private final NativeLibraries.Loaded libs;

    Natives(NativeLibraries.Loaded libs) {
        this.libs = libs;
    }

    Cnrt cnrt() {
        return libs.cnrt();
    }

    Cnnl cnnl() {
        return libs.cnnl();
    }

    CnnlExtra extra() {
        return libs.cnnlExtra();
    }

    boolean testDouble() {
        return libs.testDouble();
    }

    /** Throws for a non-zero {@code cnrtRet_t}. */
    void check(int rc, String fn) {
        if (rc != 0) {
            throw cnrtError(rc, fn);
        }
    }

    /** Throws for a non-zero {@code cnnlStatus_t} (CNNL and CNNL-Extra share the enum). */
    void checkCnnl(int rc, String fn) {
        if (rc != 0) {
            String text;
            try {
                text = cnnl().cnnlGetErrorString(rc);
            } catch (RuntimeException | LinkageError e) {
                text = "";
            }
            String name = rc >= 0 && rc < CNNL_CODES.length ? CNNL_CODES[rc] : "cnnlStatus_t " + rc;
            throw new NativeCallException(VENDOR, fn, rc, name, text);
        }
    }

    NativeCallException cnrtError(int rc, String fn) {
        String text;
        try {
            text = cnrt().cnrtGetErrorStr(rc);
        } catch (RuntimeException | LinkageError e) {
            text = "";
        }
        return new NativeCallException(VENDOR, fn, rc, CNRT_CODES.getOrDefault(rc, "cnrtRet_t " + rc), text);
    }
}
