package dev.dayzero.backend.ascend.jna;

import dev.dayzero.hal.NativeCallException;
import java.util.Map;

/**
 * The one code table of the backend ({@code aclError} from {@code acl_base.h} and the runtime's
 * {@code error_codes/rt_error_codes.h}, {@code aclnnStatus} from
 * opbase {@code op_errno.h}; ascend.md §1.2, §2.2) and the one {@link #check} helper that turns a non-zero code
 * into a {@link NativeCallException} with the call, the code, its name and {@code aclGetRecentErrMsg}.
 */
public final class AclErrors {
    /** Vendor tag of this backend's exceptions. */
    public static final String VENDOR = "huawei";
    /** The runtime's out-of-memory code ({@code error_codes/rt_error_codes.h}, hicann/runtime l.70). */
    public static final int ACL_ERROR_RT_MEMORY_ALLOCATION = 207001;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(100000, "ACL_ERROR_INVALID_PARAM"),
            Map.entry(100001, "ACL_ERROR_UNINITIALIZE"),
            Map.entry(100002, "ACL_ERROR_REPEAT_INITIALIZE"),
            Map.entry(100037, "ACL_ERROR_REPEAT_FINALIZE"),
            Map.entry(200000, "ACL_ERROR_BAD_ALLOC"),
            Map.entry(200001, "ACL_ERROR_API_NOT_SUPPORT"),
            Map.entry(200002, "ACL_ERROR_INVALID_DEVICE"),
            Map.entry(200006, "ACL_ERROR_FEATURE_UNSUPPORTED"),
            Map.entry(207000, "ACL_ERROR_RT_FEATURE_NOT_SUPPORT"),
            Map.entry(ACL_ERROR_RT_MEMORY_ALLOCATION, "ACL_ERROR_RT_MEMORY_ALLOCATION"),
            Map.entry(300000, "ACL_ERROR_STORAGE_OVER_LIMIT"),
            Map.entry(500000, "ACL_ERROR_INTERNAL_ERROR"),
            Map.entry(500001, "ACL_ERROR_FAILURE"),
            Map.entry(500003, "ACL_ERROR_RT_FAILURE"),
            Map.entry(507053, "ACL_ERROR_RT_DEVICE_MEM_ERROR"),
            Map.entry(507054, "ACL_ERROR_RT_HBM_MULTI_BIT_ECC_ERROR"),
            Map.entry(161001, "ACLNN_ERR_PARAM_NULLPTR"),
            Map.entry(161002, "ACLNN_ERR_PARAM_INVALID"),
            Map.entry(361001, "ACLNN_ERR_RUNTIME_ERROR"),
            Map.entry(561000, "ACLNN_ERR_INNER"),
            Map.entry(561001, "ACLNN_ERR_INNER_INFERSHAPE_ERROR"),
            Map.entry(561002, "ACLNN_ERR_INNER_TILING_ERROR"),
            Map.entry(561003, "ACLNN_ERR_INNER_FIND_KERNEL_ERROR"),
            Map.entry(561101, "ACLNN_ERR_INNER_CREATE_EXECUTOR"),
            Map.entry(561102, "ACLNN_ERR_INNER_NOT_TRANS_EXECUTOR"),
            Map.entry(561103, "ACLNN_ERR_INNER_NULLPTR"));

    private AclErrors() {
    }

    /** The symbolic name of {@code code}, or empty where the table does not know it. */
    public static String name(int code) {
        return NAMES.getOrDefault(code, "");
    }

    /** Throws when {@code rc} is not 0, reading {@code aclGetRecentErrMsg} from {@code cl}. */
    public static void check(AscendCl cl, int rc, String function) {
        if (rc != 0) {
            throw failure(cl, rc, function);
        }
    }

    /** The exception for a failed call (also used for calls that signal failure by returning NULL). */
    public static NativeCallException failure(AscendCl cl, int rc, String function) {
        String msg;
        try {
            msg = cl.aclGetRecentErrMsg();
        } catch (RuntimeException | LinkageError e) {
            msg = "(aclGetRecentErrMsg unavailable: " + e.getMessage() + ")";
        }
        return new NativeCallException(VENDOR, function, rc, name(rc), msg == null ? "" : msg.trim());
    }
}
