// Dayzero CUDA backend: latent (MLA) decode attention, BF16 query and BF16 paged KV cache, FlashMLA semantics as
// fixed by hal-api's AttentionSpec.LatentDecode. A simple, correct kernel, not yet a tensor-core one: one thread
// block per (sequence, query, head); scores of a chunk of 64 tokens (one warp a token), then an online-softmax
// update of the F32 output accumulators (each thread owns Dv/256 output columns). Each head's block reads the
// cache on its own, so the cache is read Hq times (through L2): the planned flash kernel shares it across heads.
//
// Layouts: q [B, Sq, Hq, Dk]; kv_cache [pages, pageSize, 1, Dk], the value being the first Dv columns of the key;
// block_table [B, maxBlocks] I32; seq_lens [B] I32; out [B, Sq, Hq, Dv]. With causal, query j of a sequence of
// length L sees tokens 0 .. L - Sq + j; otherwise all L. Only block-table entries of visible tokens are read.
#include "dz_common.cuh"
#include <cuda_bf16.h>
#include <math_constants.h>
#include <stdint.h>

#define DZ_THREADS 256
#define DZ_CHUNK 64
#define DZ_MAX_DIM 1024
#define DZ_OUT_PER_THREAD (DZ_MAX_DIM / DZ_THREADS)

extern "C" __global__ void __launch_bounds__(DZ_THREADS)
dz_mla_decode_bf16(const __nv_bfloat16* __restrict__ q, const __nv_bfloat16* __restrict__ kv,
                   const int* __restrict__ blockTable, const int* __restrict__ seqLens, __nv_bfloat16* __restrict__ out,
                   int sq, int hq, int dk, int dv, int pageSize, int maxBlocks, int causal, float scale) {
    __shared__ float qs[DZ_MAX_DIM];
    __shared__ float ps[DZ_CHUNK];
    const int tid = threadIdx.x;
    const int warp = tid >> 5;
    const int lane = tid & 31;
    const int h = blockIdx.x % hq;
    const int j = (blockIdx.x / hq) % sq;
    const int b = blockIdx.x / (hq * sq);
    const long long row = ((long long)b * sq + j) * hq + h;

    const __nv_bfloat16* qrow = q + row * dk;
    for (int d = tid; d < dk; d += DZ_THREADS) {
        qs[d] = __bfloat162float(qrow[d]);
    }
    __syncthreads();

    const int len = seqLens[b];
    int visible = causal ? len - sq + j + 1 : len;
    visible = max(0, min(visible, len));
    const int* table = blockTable + (long long)b * maxBlocks;

    float acc[DZ_OUT_PER_THREAD];
#pragma unroll
    for (int r = 0; r < DZ_OUT_PER_THREAD; r++) {
        acc[r] = 0.0f;
    }
    float m = -CUDART_INF_F;
    float l = 0.0f;

    for (int t0 = 0; t0 < visible; t0 += DZ_CHUNK) {
        const int n = min(DZ_CHUNK, visible - t0);
        for (int tt = warp; tt < n; tt += DZ_THREADS / 32) {
            const int t = t0 + tt;
            const long long slot = (long long)table[t / pageSize] * pageSize + t % pageSize;
            const __nv_bfloat16* k = kv + slot * dk;
            float s = 0.0f;
            for (int d = lane; d < dk; d += 32) {
                s += qs[d] * __bfloat162float(k[d]);
            }
            for (int off = 16; off > 0; off >>= 1) {
                s += __shfl_xor_sync(0xffffffffu, s, off);
            }
            if (lane == 0) {
                ps[tt] = s * scale;
            }
        }
        __syncthreads();
        float cmax = -CUDART_INF_F;
        for (int i = 0; i < n; i++) {
            cmax = fmaxf(cmax, ps[i]);
        }
        const float mNew = fmaxf(m, cmax);
        const float correction = expf(m - mNew);  // 0 on the first chunk (m = -inf)
        l *= correction;
#pragma unroll
        for (int r = 0; r < DZ_OUT_PER_THREAD; r++) {
            acc[r] *= correction;
        }
        for (int i = 0; i < n; i++) {
            const float p = expf(ps[i] - mNew);
            l += p;
            const int t = t0 + i;
            const long long slot = (long long)table[t / pageSize] * pageSize + t % pageSize;
            const __nv_bfloat16* v = kv + slot * dk;
#pragma unroll
            for (int r = 0; r < DZ_OUT_PER_THREAD; r++) {
                const int d = tid + r * DZ_THREADS;
                if (d < dv) {
                    acc[r] += p * __bfloat162float(v[d]);
                }
            }
        }
        m = mNew;
        __syncthreads();  // ps is rewritten by the next chunk
    }

    __nv_bfloat16* o = out + row * dv;
#pragma unroll
    for (int r = 0; r < DZ_OUT_PER_THREAD; r++) {
        const int d = tid + r * DZ_THREADS;
        if (d < dv) {
            o[d] = __float2bfloat16_rn(visible > 0 ? acc[r] / l : 0.0f);
        }
    }
}
DZ_REGISTER_KERNEL(dz_mla_decode_bf16)
