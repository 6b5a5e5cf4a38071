package dev.dayzero.backend.cuda.jna;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.dayzero.hal.NativeCallException;
import java.util.Map;

/**
 * The one code table of the backend ({@code CUresult} from {@code cuda.h}, {@code cublasStatus_t} from
 * {@code cublas_api.h}; cuda.md §1.5, §3.2) and the {@code check(rc, "fn")} helpers that turn a non-zero code
 * into a {@link NativeCallException} with the call, the code, its name and the library's own message
 * ({@code cuGetErrorName}/{@code cuGetErrorString}, {@code cublasLtGetStatusString}).
 */
public final class CudaErrors {
    /** Vendor tag of this backend's exceptions. */
    public static final String VENDOR = "nvidia";

    private static final Map<Integer, String> DRIVER_NAMES = Map.ofEntries(
            Map.entry(CudaDriver.CUDA_ERROR_INVALID_VALUE, "CUDA_ERROR_INVALID_VALUE"),
            Map.entry(CudaDriver.CUDA_ERROR_OUT_OF_MEMORY, "CUDA_ERROR_OUT_OF_MEMORY"),
            Map.entry(CudaDriver.CUDA_ERROR_NOT_INITIALIZED, "CUDA_ERROR_NOT_INITIALIZED"),
            Map.entry(CudaDriver.CUDA_ERROR_STUB_LIBRARY, "CUDA_ERROR_STUB_LIBRARY"),
            Map.entry(CudaDriver.CUDA_ERROR_CALL_REQUIRES_NEWER_DRIVER, "CUDA_ERROR_CALL_REQUIRES_NEWER_DRIVER"),
            Map.entry(CudaDriver.CUDA_ERROR_NO_DEVICE, "CUDA_ERROR_NO_DEVICE"),
            Map.entry(CudaDriver.CUDA_ERROR_INVALID_IMAGE, "CUDA_ERROR_INVALID_IMAGE"),
            Map.entry(CudaDriver.CUDA_ERROR_INVALID_CONTEXT, "CUDA_ERROR_INVALID_CONTEXT"),
            Map.entry(CudaDriver.CUDA_ERROR_NO_BINARY_FOR_GPU, "CUDA_ERROR_NO_BINARY_FOR_GPU"),
            Map.entry(CudaDriver.CUDA_ERROR_INVALID_PTX, "CUDA_ERROR_INVALID_PTX"),
            Map.entry(CudaDriver.CUDA_ERROR_UNSUPPORTED_PTX_VERSION, "CUDA_ERROR_UNSUPPORTED_PTX_VERSION"),
            Map.entry(CudaDriver.CUDA_ERROR_INVALID_SOURCE, "CUDA_ERROR_INVALID_SOURCE"),
            Map.entry(CudaDriver.CUDA_ERROR_INVALID_HANDLE, "CUDA_ERROR_INVALID_HANDLE"),
            Map.entry(CudaDriver.CUDA_ERROR_NOT_FOUND, "CUDA_ERROR_NOT_FOUND"),
            Map.entry(CudaDriver.CUDA_ERROR_NOT_READY, "CUDA_ERROR_NOT_READY"),
            Map.entry(CudaDriver.CUDA_ERROR_ILLEGAL_ADDRESS, "CUDA_ERROR_ILLEGAL_ADDRESS"),
            Map.entry(CudaDriver.CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES, "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES"),
            Map.entry(CudaDriver.CUDA_ERROR_LAUNCH_FAILED, "CUDA_ERROR_LAUNCH_FAILED"),
            Map.entry(CudaDriver.CUDA_ERROR_SYSTEM_DRIVER_MISMATCH, "CUDA_ERROR_SYSTEM_DRIVER_MISMATCH"),
            Map.entry(CudaDriver.CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED, "CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED"),
            Map.entry(CudaDriver.CUDA_ERROR_STREAM_CAPTURE_INVALIDATED, "CUDA_ERROR_STREAM_CAPTURE_INVALIDATED"),
            Map.entry(CudaDriver.CUDA_ERROR_STREAM_CAPTURE_IMPLICIT, "CUDA_ERROR_STREAM_CAPTURE_IMPLICIT"));

    private static final Map<Integer, String> CUBLAS_NAMES = Map.ofEntries(
            Map.entry(CublasLt.CUBLAS_STATUS_NOT_INITIALIZED, "CUBLAS_STATUS_NOT_INITIALIZED"),
            Map.entry(CublasLt.CUBLAS_STATUS_ALLOC_FAILED, "CUBLAS_STATUS_ALLOC_FAILED"),
            Map.entry(CublasLt.CUBLAS_STATUS_INVALID_VALUE, "CUBLAS_STATUS_INVALID_VALUE"),
            Map.entry(CublasLt.CUBLAS_STATUS_ARCH_MISMATCH, "CUBLAS_STATUS_ARCH_MISMATCH"),
            Map.entry(CublasLt.CUBLAS_STATUS_MAPPING_ERROR, "CUBLAS_STATUS_MAPPING_ERROR"),
            Map.entry(CublasLt.CUBLAS_STATUS_EXECUTION_FAILED, "CUBLAS_STATUS_EXECUTION_FAILED"),
            Map.entry(CublasLt.CUBLAS_STATUS_INTERNAL_ERROR, "CUBLAS_STATUS_INTERNAL_ERROR"),
            Map.entry(CublasLt.CUBLAS_STATUS_NOT_SUPPORTED, "CUBLAS_STATUS_NOT_SUPPORTED"),
            Map.entry(CublasLt.CUBLAS_STATUS_LICENSE_ERROR, "CUBLAS_STATUS_LICENSE_ERROR"));

    private CudaErrors() {
    }

    /** The table's name for a {@code CUresult}, or empty where it does not know it. */
    public static String driverName(int code) {
        return code == 0 ? "CUDA_SUCCESS" : DRIVER_NAMES.getOrDefault(code, "");
    }

    /** The table's name for a {@code cublasStatus_t}, or empty where it does not know it. */
    public static String cublasName(int code) {
        return code == 0 ? "CUBLAS_STATUS_SUCCESS" : CUBLAS_NAMES.getOrDefault(code, "");
    }

    /** Throws when the driver call {@code function} returned a non-zero {@code rc}. */
    public static void check(CudaDriver driver, int rc, String function) {
        if (rc != CudaDriver.CUDA_SUCCESS) {
            throw failure(driver, rc, function);
        }
    }

    /** The exception for a failed driver call: the driver's own name and message where it gives them. */
    public static NativeCallException failure(CudaDriver driver, int rc, String function) {
        String name = ask(driver, rc, true);
        String message = ask(driver, rc, false);
        return new NativeCallException(VENDOR, function, rc, name.isEmpty() ? driverName(rc) : name, message);
    }

    /** Throws when the cuBLASLt call {@code function} returned a non-zero status. */
    public static void check(CublasLt lt, int status, String function) {
        if (status != CublasLt.CUBLAS_STATUS_SUCCESS) {
            String message;
            try {
                message = lt.cublasLtGetStatusString(status);
            } catch (RuntimeException | LinkageError e) {
                message = "";
            }
            throw new NativeCallException(VENDOR, function, status, cublasName(status), message == null ? "" : message);
        }
    }

    private static String ask(CudaDriver driver, int rc, boolean name) {
        if (driver == null) {
            return "";
        }
        try {
            PointerByReference ref = new PointerByReference();
            int r = name ? driver.cuGetErrorName(rc, ref) : driver.cuGetErrorString(rc, ref);
            Pointer p = ref.getValue();
            return r == 0 && p != null ? p.getString(0) : "";
        } catch (RuntimeException | LinkageError e) {
            return "";
        }
    }
}
