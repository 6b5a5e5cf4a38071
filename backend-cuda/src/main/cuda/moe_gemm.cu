// Dayzero CUDA backend: MoE grouped GEMM fallback, out_e = X_e · W_eᵀ (hal-api MoeGemmSpec, "NT" layout), for the
// BF16, FP8_BLOCK (1×128 activation / 128×128 weight F32 scales) and INT8_W8A8 types, contiguous and masked
// layouts. A plain 16×16 shared-memory tile per block, F32 accumulation (I32 for INT8), no tensor cores: the
// correct reference the cuBLASLt path will be measured against, not a fast kernel.
//
// Tensors (row-major): x [R, K]; w [E, N, K]; x_scale [R, K/128] (FP8) or [R] (INT8); w_scale [E, ceil(N/128), K/128]
// (FP8) or [E, N] (INT8); rows_per_expert [E] I32; out [R, N] BF16. R = Σ rows (contiguous: expert e's rows start
// at Σ_{i<e} rows_i) or E·maxRows (masked: slot e starts at e·maxRows; rows past the valid count are not written).
// Grid: (ceil(N/16), ceil(maxRowsOfAnyExpert/16), E); block 16×16.
#include "dz_common.cuh"
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

// The shared tile loop: acc = Σ_k a(row, k) · b(col, k) for this thread's (row, col) of the expert's
// 16×16 output tile, with a(r, k) and b(n, k) the loaders of the type (decode and scale included); finish(r, col,
// acc) writes one output element. Rows past the expert's valid count are never loaded nor written.
template <typename Acc, typename LoadA, typename LoadB, typename Finish>
__device__ __forceinline__ void tile_gemm(const int* rowsPerExpert, int n, int k, int masked, int maxRows,
                                          LoadA loadA, LoadB loadB, Finish finish) {
    __shared__ Acc as[DZ_TILE][DZ_TILE + 1];
    __shared__ Acc bs[DZ_TILE][DZ_TILE + 1];
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
    Acc acc = 0;
    for (int k0 = 0; k0 < k; k0 += DZ_TILE) {
        const int kk = k0 + tx;
        as[ty][tx] = (r0 + ty < rows && kk < k) ? loadA(base + r0 + ty, kk) : Acc(0);
        bs[ty][tx] = (n0 + ty < n && kk < k) ? loadB(e, n0 + ty, kk) : Acc(0);
        __syncthreads();
#pragma unroll
        for (int i = 0; i < DZ_TILE; i++) {
            acc += as[ty][i] * bs[tx][i];
        }
        __syncthreads();
    }
    if (r0 + ty < rows && n0 + tx < n) {
        finish(base + r0 + ty, e, n0 + tx, acc);
    }
}

}  // namespace

extern "C" __global__ void __launch_bounds__(DZ_TILE * DZ_TILE)
dz_moe_gemm_bf16(const __nv_bfloat16* __restrict__ x, const __nv_bfloat16* __restrict__ w,
                 const int* __restrict__ rowsPerExpert, __nv_bfloat16* __restrict__ out, int n, int k, int masked,
                 int maxRows) {
    tile_gemm<float>(rowsPerExpert, n, k, masked, maxRows,
        [=] (long long r, int kk) { return __bfloat162float(x[r * k + kk]); },
        [=] (int e, int nn, int kk) { return __bfloat162float(w[((long long)e * n + nn) * k + kk]); },
        [=] (long long r, int, int col, float acc) { out[r * n + col] = __float2bfloat16_rn(acc); });
}

extern "C" __global__ void __launch_bounds__(DZ_TILE * DZ_TILE)
dz_moe_gemm_fp8_block(const uint8_t* __restrict__ x, const float* __restrict__ xScale, const uint8_t* __restrict__ w,
                      const float* __restrict__ wScale, const int* __restrict__ rowsPerExpert,
                      __nv_bfloat16* __restrict__ out, int n, int k, int masked, int maxRows) {
    const int kBlocks = k / DZ_BLOCK_K;
    const int nBlocks = (n + DZ_BLOCK_N - 1) / DZ_BLOCK_N;
    tile_gemm<float>(rowsPerExpert, n, k, masked, maxRows,
        [=] (long long r, int kk) { return e4m3(x[r * k + kk]) * xScale[r * kBlocks + kk / DZ_BLOCK_K]; },
        [=] (int e, int nn, int kk) {
            return e4m3(w[((long long)e * n + nn) * k + kk])
                   * wScale[((long long)e * nBlocks + nn / DZ_BLOCK_N) * kBlocks + kk / DZ_BLOCK_K];
        },
        [=] (long long r, int, int col, float acc) { out[r * n + col] = __float2bfloat16_rn(acc); });
}

extern "C" __global__ void __launch_bounds__(DZ_TILE * DZ_TILE)
dz_moe_gemm_int8(const int8_t* __restrict__ x, const float* __restrict__ xScale, const int8_t* __restrict__ w,
                 const float* __restrict__ wScale, const int* __restrict__ rowsPerExpert,
                 __nv_bfloat16* __restrict__ out, int n, int k, int masked, int maxRows) {
    tile_gemm<int>(rowsPerExpert, n, k, masked, maxRows,
        [=] (long long r, int kk) { return (int)x[r * k + kk]; },
        [=] (int e, int nn, int kk) { return (int)w[((long long)e * n + nn) * k + kk]; },
        [=] (long long r, int e, int col, int acc) {
            out[r * n + col] = __float2bfloat16_rn((float)acc * xScale[r] * wScale[(long long)e * n + col]);
        });
}

DZ_REGISTER_KERNEL(dz_moe_gemm_bf16)
DZ_REGISTER_KERNEL(dz_moe_gemm_fp8_block)
DZ_REGISTER_KERNEL(dz_moe_gemm_int8)
