package dev.dayzero.backend.cpu.internal.simd;

/**
 * The arithmetic inner loops every kernel family shares, in two implementations: {@link PlainSimd}
 * (loops the JIT auto-vectorises) and {@code VectorSimd} (the incubating Vector API, loaded only when
 * the config enables it). Arrays are F32 scratch the kernels own.
 */
public interface Simd {

    /** A short label: {@code plain} or the vector species. */
    String name();

    /**
     * {@code c[cOff + r·ldc + j] += Σ_k a[aOff + r·ars + k·aks] · b[bOff + k·ldb + j]} for
     * {@code r < rows, j < cols, k < depth}: a small GEMM whose A operand is read as scalars (any
     * strides), B and C row-major. F32 accumulation; the order of the sum over k is unspecified.
     */
    void gemm(int rows, int cols, int depth, float[] a, int aOff, int ars, int aks, float[] b, int bOff, int ldb,
              float[] c, int cOff, int ldc);

    /** {@code count} BF16 values at byte offset {@code srcOff} of {@code src} (little-endian), to F32. */
    void bf16ToF32(byte[] src, int srcOff, float[] dst, int dstOff, int count);

    /**
     * {@code count} F8_E4M3FN codes at byte offset {@code srcOff} of {@code src} to their exact F32 values
     * (as {@code Fp8.decode}; the NaN codes to NaN).
     */
    void e4m3ToF32(byte[] src, int srcOff, float[] dst, int dstOff, int count);

    /**
     * {@code Σ_i w[wOff + i] · max(x[xOff + i], 0)} for {@code i < n}: the indexer's weighted ReLU over one
     * key's head scores. F32 accumulation in an unspecified order.
     */
    float reluDot(int n, float[] w, int wOff, float[] x, int xOff);
}
