// Dayzero CUDA backend: MoE grouped GEMM fallback, out_e = X_e · W_eᵀ (hal-api MoeGemmSpec, "NT" layout), for the
// BF16, FP8_BLOCK (1×128 activation / 128×128 weight F32 scales) and INT8_W8A8 types, contiguous and masked
// layouts. A plain 16×16 shared-memory tile per block, F32 accumulation (I32 for INT8), no tensor cores: the
// correct reference the cuBLASLt path will be measured against, not a fast kernel.
//
// Tensors (row-major): x [R, K]; w [E, N, K]; x_scale [R, K/128] (FP8) or [R] (INT8); w_scale [E, ceil(N/128), K/128]
// (FP8) or [E, N] (INT8); rows_per_expert [E] I32; out [R, N] BF16. R = Σ rows (contiguous: expert e's rows start
// at Σ_{i<e} rows_i) or E·maxRows (masked: slot e starts at e·maxRows; rows past the valid count are not written).
// Grid: (ceil(N/16), ceil(maxRowsOfAnyExpert/16), E); block 16×16.
#include <cuda_bf16.h>
#include <cuda_fp8.h>
#include <stdint.h>

#define DZ_TILE 16
#define DZ_BLOCK_K 128
#define DZ_BLOCK_N 128

namespace {

__device__ __forceinline__ float e4m3(uint8_t code) {
    __nv_fp8_e4m3 v;
    v.__x = code;
    return float(v);
}

// Where expert e's rows begin, and how many there are.
__device__ __forceinline__ void expert_rows(const int* rowsPerExpert, int e, int masked, int maxRows, long long* base,
                                            int* rows) {
    __shared__ long long sBase;
    if (threadIdx.x == 0 && threadIdx.y == 0) {
        long long b = 0;
        if (masked) {
            b = (long long)e * maxRows;
        } else {
            for (int i = 0; i < e; i++) {
                b += rowsPerExpert[i];
            }
        }
        sBase = b;
    }
    __syncthreads();
    *base = sBase;
    *rows = rowsPerExpert[e];
}

}  // namespace

extern "C" __global__ void __launch_bounds__(DZ_TILE * DZ_TILE)
dz_moe_gemm_bf16(const __nv_bfloat16* __restrict__ x, const __nv_bfloat16* __restrict__ w,
                 const int* __restrict__ rowsPerExpert, __nv_bfloat16* __restrict__ out, int n, int k, int masked,
                 int maxRows) {
    __shared__ float as[DZ_TILE][DZ_TILE + 1];
    __shared__ float bs[DZ_TILE][DZ_TILE + 1];
    const int e = blockIdx.z;
    long long base;
    int rows;
    expert_rows(rowsPerExpert, e, masked, maxRows, &base, &rows);
    const int r0 = blockIdx.y * DZ_TILE;
    if (r0 >= rows) {
        return;
    }
    const int n0 = blockIdx.x * DZ_TILE;
    const int tx = threadIdx.x, ty = threadIdx.y;
    const __nv_bfloat16* we = w + (long long)e * n * k;
    float acc = 0.0f;
    for (int k0 = 0; k0 < k; k0 += DZ_TILE) {
        const int kk = k0 + tx;
        as[ty][tx] = (r0 + ty < rows && kk < k) ? __bfloat162float(x[(base + r0 + ty) * k + kk]) : 0.0f;
        bs[ty][tx] = (n0 + ty < n && kk < k) ? __bfloat162float(we[(long long)(n0 + ty) * k + kk]) : 0.0f;
        __syncthreads();
#pragma unroll
        for (int i = 0; i < DZ_TILE; i++) {
            acc += as[ty][i] * bs[tx][i];
        }
        __syncthreads();
    }
    if (r0 + ty < rows && n0 + tx < n) {
        out[(base + r0 + ty) * n + n0 + tx] = __float2bfloat16_rn(acc);
    }
}

extern "C" __global__ void __launch_bounds__(DZ_TILE * DZ_TILE)
dz_moe_gemm_fp8_block(const uint8_t* __restrict__ x, const float* __restrict__ xScale, const uint8_t* __restrict__ w,
                      const float* __restrict__ wScale, const int* __restrict__ rowsPerExpert,
                      __nv_bfloat16* __restrict__ out, int n, int k, int masked, int maxRows) {
    __shared__ float as[DZ_TILE][DZ_TILE + 1];
    __shared__ float bs[DZ_TILE][DZ_TILE + 1];
    const int e = blockIdx.z;
    long long base;
    int rows;
    expert_rows(rowsPerExpert, e, masked, maxRows, &base, &rows);
    const int r0 = blockIdx.y * DZ_TILE;
    if (r0 >= rows) {
        return;
    }
    const int n0 = blockIdx.x * DZ_TILE;
    const int tx = threadIdx.x, ty = threadIdx.y;
    const int kBlocks = k / DZ_BLOCK_K;
    const int nBlocks = (n + DZ_BLOCK_N - 1) / DZ_BLOCK_N;
    const uint8_t* we = w + (long long)e * n * k;
    const float* wse = wScale + (long long)e * nBlocks * kBlocks;
    float acc = 0.0f;
    for (int k0 = 0; k0 < k; k0 += DZ_TILE) {
        const int kk = k0 + tx;
        if (r0 + ty < rows && kk < k) {
            const long long r = base + r0 + ty;
            as[ty][tx] = e4m3(x[r * k + kk]) * xScale[r * kBlocks + kk / DZ_BLOCK_K];
        } else {
            as[ty][tx] = 0.0f;
        }
        const int nn = n0 + ty;
        if (nn < n && kk < k) {
            bs[ty][tx] = e4m3(we[(long long)nn * k + kk]) * wse[(nn / DZ_BLOCK_N) * kBlocks + kk / DZ_BLOCK_K];
        } else {
            bs[ty][tx] = 0.0f;
        }
        __syncthreads();
#pragma unroll
        for (int i = 0; i < DZ_TILE; i++) {
            acc += as[ty][i] * bs[tx][i];
        }
        __syncthreads();
    }
    if (r0 + ty < rows && n0 + tx < n) {
        out[(base + r0 + ty) * n + n0 + tx] = __float2bfloat16_rn(acc);
    }
}

extern "C" __global__ void __launch_bounds__(DZ_TILE * DZ_TILE)
dz_moe_gemm_int8(const int8_t* __restrict__ x, const float* __restrict__ xScale, const int8_t* __restrict__ w,
                 const float* __restrict__ wScale, const int* __restrict__ rowsPerExpert,
                 __nv_bfloat16* __restrict__ out, int n, int k, int masked, int maxRows) {
    __shared__ int as[DZ_TILE][DZ_TILE + 1];
    __shared__ int bs[DZ_TILE][DZ_TILE + 1];
    const int e = blockIdx.z;
    long long base;
    int rows;
    expert_rows(rowsPerExpert, e, masked, maxRows, &base, &rows);
    const int r0 = blockIdx.y * DZ_TILE;
    if (r0 >= rows) {
        return;
    }
    const int n0 = blockIdx.x * DZ_TILE;
    const int tx = threadIdx.x, ty = threadIdx.y;
    const int8_t* we = w + (long long)e * n * k;
    int acc = 0;
    for (int k0 = 0; k0 < k; k0 += DZ_TILE) {
        const int kk = k0 + tx;
        as[ty][tx] = (r0 + ty < rows && kk < k) ? (int)x[(base + r0 + ty) * k + kk] : 0;
        bs[ty][tx] = (n0 + ty < n && kk < k) ? (int)we[(long long)(n0 + ty) * k + kk] : 0;
        __syncthreads();
#pragma unroll
        for (int i = 0; i < DZ_TILE; i++) {
            acc += as[ty][i] * bs[tx][i];
        }
        __syncthreads();
    }
    if (r0 + ty < rows && n0 + tx < n) {
        const long long r = base + r0 + ty;
        out[r * n + n0 + tx] = __float2bfloat16_rn((float)acc * xScale[r] * wScale[(long long)e * n + n0 + tx]);
    }
}
