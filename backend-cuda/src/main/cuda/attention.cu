// Dayzero CUDA backend: GQA attention on tensor cores, flash-attention-2 style, exactly hal-api's
// AttentionSpec.Prefill and AttentionSpec.PagedDecode (BF16 in, BF16 out, F32 online softmax).
//
// Both kernels: S = Q·Kᵀ and O += P·V with dz_mma_bf16_16816 (m16n8k16, F32 accumulation). K tiles sit in shared
// memory row-major ([token][D + 8], the B operand of Q·Kᵀ read with dz_frag_b_nk); V tiles are transposed while
// they are stored ([D][64 + 8]), so the B operand of P·V is read with dz_frag_b_nk too: two 32-bit shared loads per
// fragment instead of dz_frag_b_kn's four 16-bit ones and their packing. The +8 padding puts the 8 rows a fragment
// touches in distinct banks. P goes from the S accumulators straight to A fragments (dz_pack_bf16): no shared-memory
// round trip. Softmax runs in the log2 domain (scale·log2 e folded into one multiply), row maxima and sums over the
// four lanes of a row with shuffles; a row that has seen only masked keys keeps m = -inf and weight 0.
//
// Prefill: q [T, Hq, D], k/v [T, Hkv, D], cu_seqlens [B + 1], out [T, Hq, D]. One block of 4 warps per (q tile,
// query head, sequence); a q tile is 64·MT rows, each warp owning 16·MT of them (MT = 2 for D <= 64, else 1).
// Keys in tiles of 64 through shared memory; with causal, key tiles past the q tile's last row are never loaded
// and only tiles crossing the diagonal or the sequence end are masked. Tiles launch heaviest first (causal).
// For D <= 128 the next global tile is in flight while the tensor cores work (V_j during Q·K_jᵀ, K_j+1 during
// P·V_j, held in registers: no cp.async, so that the host emulator runs the same source).
//
// Paged decode: q [B, Hq, D], k/v cache [pages, pageSize, Hkv, D], block_table [B, maxBlocks], seq_lens [B],
// out [B, Hq, D]. One block per (KV split, KV head × 16-row group of its query heads, sequence): the G = Hq/Hkv
// query heads sharing a KV head are the rows of the mma's M dimension (zero-padded to 16), so each KV tile is read
// once per group of 16. Each of the 4 warps takes 16 tokens of every 64-token tile with its own softmax state; the
// warps are combined through shared memory at the end. With several KV splits (flash-decoding; the host picks the
// count from the grid size and the longest context), each split writes F32 (m, l, unnormalized O) to a workspace
// and dz_attn_decode_combine merges them. Only block-table entries of tokens below seq_len are read, and only
// cache slots of those tokens: the rest of a tile is zero-filled in shared memory (the NaN trap).
#include "dz_common.cuh"
#include <cuda_bf16.h>
#include <math_constants.h>
#include <stdint.h>

#define DZ_ATT_THREADS 128
#define DZ_ATT_BN 64

namespace dz_attn {

typedef __nv_bfloat16 bf16;

// Two BF16 of the same column of tokens t (lo) and t + 1 (hi): element j (0..7) of two 16-byte chunks.
__device__ __forceinline__ uint32_t pair_of(const uint4& lo, const uint4& hi, int j) {
    const uint32_t wl = j < 2 ? lo.x : j < 4 ? lo.y : j < 6 ? lo.z : lo.w;
    const uint32_t wh = j < 2 ? hi.x : j < 4 ? hi.y : j < 6 ? hi.z : hi.w;
    return (j & 1) ? ((wl >> 16) | (wh & 0xffff0000u)) : ((wl & 0xffffu) | (wh << 16));
}

__device__ __forceinline__ uint4 zero4() {
    uint4 z;
    z.x = 0u;
    z.y = 0u;
    z.z = 0u;
    z.w = 0u;
    return z;
}

__device__ __forceinline__ uint4 load16(const bf16* p) {
    return *reinterpret_cast<const uint4*>(p);
}

// A 64-token K tile: rows [64][D + 8], 16-byte chunks, consecutive threads on consecutive chunks of a row.
// rowOf(i) is the element offset of token i of the tile (i < valid); rows at or past valid are zeros.
template <int D>
struct KTile {
    static constexpr int CH = D / 8;
    static constexpr int ITER = DZ_ATT_BN * CH / DZ_ATT_THREADS;  // D / 16, exact
    uint4 r[ITER];

    template <typename RowOf>
    __device__ __forceinline__ void load(const bf16* base, RowOf rowOf, int valid) {
        const int tid = threadIdx.x;
#pragma unroll
        for (int i = 0; i < ITER; i++) {
            const int idx = tid + i * DZ_ATT_THREADS;
            const int row = idx / CH;
            const int c = idx % CH;
            r[i] = row < valid ? load16(base + rowOf(row) + c * 8) : zero4();
        }
    }

    __device__ __forceinline__ void store(bf16* sK) const {
        const int tid = threadIdx.x;
#pragma unroll
        for (int i = 0; i < ITER; i++) {
            const int idx = tid + i * DZ_ATT_THREADS;
            *reinterpret_cast<uint4*>(sK + (idx / CH) * (D + 8) + (idx % CH) * 8) = r[i];
        }
    }

    // Straight to shared memory, four chunks in flight at a time (for large D, where registers are short).
    template <typename RowOf>
    __device__ __forceinline__ static void copy(const bf16* base, RowOf rowOf, int valid, bf16* sK) {
        const int tid = threadIdx.x;
#pragma unroll
        for (int i0 = 0; i0 < ITER; i0 += 4) {
            uint4 x[4];
#pragma unroll
            for (int i = 0; i < 4; i++) {
                const int idx = tid + (i0 + i) * DZ_ATT_THREADS;
                x[i] = i0 + i < ITER && idx / CH < valid ? load16(base + rowOf(idx / CH) + (idx % CH) * 8) : zero4();
            }
#pragma unroll
            for (int i = 0; i < 4; i++) {
                const int idx = tid + (i0 + i) * DZ_ATT_THREADS;
                if (i0 + i < ITER) {
                    *reinterpret_cast<uint4*>(sK + (idx / CH) * (D + 8) + (idx % CH) * 8) = x[i];
                }
            }
        }
    }
};

// A 64-token V tile stored transposed, [D][64 + 8]: lane p holds tokens 2p and 2p + 1, warp w the 16-column
// slices w, w + 4, ...; each 32-bit store writes one column of a token pair (32 lanes: 32 consecutive words).
template <int D>
struct VTile {
    static constexpr int SLICES = D / 16;
    static constexpr int ITER = (SLICES + 3) / 4;
    uint4 r[ITER][4];  // token 2p: columns 0-7, 8-15; token 2p + 1: columns 0-7, 8-15

    template <typename RowOf>
    __device__ __forceinline__ void load(const bf16* base, RowOf rowOf, int valid) {
        const int lane = dz_lane();
        const int warp = threadIdx.x >> 5;
        const int t0 = 2 * lane;
        const bool v0 = t0 < valid;
        const bool v1 = t0 + 1 < valid;
        const long long o0 = v0 ? rowOf(t0) : 0;
        const long long o1 = v1 ? rowOf(t0 + 1) : 0;
#pragma unroll
        for (int i = 0; i < ITER; i++) {
            const int slice = warp + 4 * i;
            if (slice < SLICES) {
                r[i][0] = v0 ? load16(base + o0 + slice * 16) : zero4();
                r[i][1] = v0 ? load16(base + o0 + slice * 16 + 8) : zero4();
                r[i][2] = v1 ? load16(base + o1 + slice * 16) : zero4();
                r[i][3] = v1 ? load16(base + o1 + slice * 16 + 8) : zero4();
            }
        }
    }

    __device__ __forceinline__ void store(bf16* sVt) const {
#pragma unroll
        for (int i = 0; i < ITER; i++) {
            store_slice(sVt, i, r[i]);
        }
    }

    __device__ __forceinline__ static void store_slice(bf16* sVt, int i, const uint4 (&x)[4]) {
        const int lane = dz_lane();
        const int slice = (threadIdx.x >> 5) + 4 * i;
        constexpr int LDV = DZ_ATT_BN + 8;
        if (slice < SLICES) {
#pragma unroll
            for (int j = 0; j < 16; j++) {
                const uint32_t w = pair_of(x[j >> 3], x[2 + (j >> 3)], j & 7);
                *reinterpret_cast<uint32_t*>(sVt + (slice * 16 + j) * LDV + 2 * lane) = w;
            }
        }
    }

    // Straight to shared memory, one 16-column slice (four chunks) in flight at a time.
    template <typename RowOf>
    __device__ __forceinline__ static void copy(const bf16* base, RowOf rowOf, int valid, bf16* sVt) {
        const int lane = dz_lane();
        const int warp = threadIdx.x >> 5;
        const int t0 = 2 * lane;
        const bool v0 = t0 < valid;
        const bool v1 = t0 + 1 < valid;
        const long long o0 = v0 ? rowOf(t0) : 0;
        const long long o1 = v1 ? rowOf(t0 + 1) : 0;
#pragma unroll
        for (int i = 0; i < ITER; i++) {
            const int slice = warp + 4 * i;
            if (slice < SLICES) {
                uint4 x[4];
                x[0] = v0 ? load16(base + o0 + slice * 16) : zero4();
                x[1] = v0 ? load16(base + o0 + slice * 16 + 8) : zero4();
                x[2] = v1 ? load16(base + o1 + slice * 16) : zero4();
                x[3] = v1 ? load16(base + o1 + slice * 16 + 8) : zero4();
                store_slice(sVt, i, x);
            }
        }
    }
};

// Online-softmax update of one 16-row m-tile over NT accumulator n-tiles of scores s (already masked to -inf):
// rows g and g + 8 of the lane (r = 0, 1), m in the log2 domain, l a per-lane partial sum (the four lanes of a
// row are summed once at the end), o rescaled; s becomes p.
template <int NT, int NO>
__device__ __forceinline__ void softmax_update(float (&s)[NT][4], float (&m)[2], float (&l)[2], float (&o)[NO][4],
                                               float scaleLog2) {
#pragma unroll
    for (int r = 0; r < 2; r++) {
        float mx = -CUDART_INF_F;
#pragma unroll
        for (int n = 0; n < NT; n++) {
            mx = fmaxf(mx, fmaxf(s[n][2 * r], s[n][2 * r + 1]));
        }
        mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 1));
        mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 2));
        const float mNew = fmaxf(m[r], mx * scaleLog2);
        const float mUse = mNew == -CUDART_INF_F ? 0.0f : mNew;
        const float alpha = exp2f(m[r] - mUse);  // 0 when nothing was seen before
        float sum = 0.0f;
#pragma unroll
        for (int n = 0; n < NT; n++) {
#pragma unroll
            for (int e = 0; e < 2; e++) {
                const float p = exp2f(s[n][2 * r + e] * scaleLog2 - mUse);
                s[n][2 * r + e] = p;
                sum += p;
            }
        }
        l[r] = l[r] * alpha + sum;
        m[r] = mNew;
#pragma unroll
        for (int n = 0; n < NO; n++) {
            o[n][2 * r] *= alpha;
            o[n][2 * r + 1] *= alpha;
        }
    }
}

// Sum of a per-lane partial over the four lanes of a row.
__device__ __forceinline__ float row_sum(float x) {
    x += __shfl_xor_sync(0xffffffffu, x, 1);
    x += __shfl_xor_sync(0xffffffffu, x, 2);
    return x;
}

// ---- prefill ------------------------------------------------------------------------------------------------

template <int D>
struct PrefillShape {
    static constexpr int MT = D <= 64 ? 2 : 1;       // 16-row m-tiles per warp
    static constexpr int BM = 64 * MT;               // query rows per block
    static constexpr int LDQ = D + 8;
    static constexpr int LDK = D + 8;
    static constexpr int LDV = DZ_ATT_BN + 8;
    static constexpr bool PIPE = D <= 128;           // next tile in registers during the mma work
    static constexpr int SMEM = (BM * LDQ + DZ_ATT_BN * LDK + D * LDV) * 2;
};

template <int D>
__device__ __forceinline__ void prefill(const bf16* __restrict__ q, const bf16* __restrict__ k,
                                        const bf16* __restrict__ v, const int* __restrict__ cuSeqlens,
                                        bf16* __restrict__ out, int hq, int hkv, int causal, float scaleLog2) {
    typedef PrefillShape<D> S;
    constexpr int MT = S::MT;
    constexpr int BM = S::BM;
    constexpr int BN = DZ_ATT_BN;
    constexpr int LDQ = S::LDQ;
    constexpr int LDK = S::LDK;
    constexpr int LDV = S::LDV;
    constexpr int NT = BN / 8;  // score n-tiles per m-tile
    constexpr int NO = D / 8;   // output n-tiles per m-tile

    DZ_DYNAMIC_SMEM(bf16, smem);
    bf16* sQ = smem;
    bf16* sK = sQ + BM * LDQ;
    bf16* sVt = sK + BN * LDK;

    const int tid = threadIdx.x;
    const int warp = tid >> 5;
    const int lane = dz_lane();
    const int b = blockIdx.z;
    const int h = blockIdx.y;
    const int tile = causal ? (int)(gridDim.x - 1 - blockIdx.x) : (int)blockIdx.x;
    const int start = cuSeqlens[b];
    const int len = cuSeqlens[b + 1] - start;
    const int q0 = tile * BM;
    if (q0 >= len) {
        return;
    }
    const int hk = h / (hq / hkv);
    const long long qStride = (long long)hq * D;
    const long long kvStride = (long long)hkv * D;
    const bf16* kBase = k + (long long)start * kvStride + (long long)hk * D;
    const bf16* vBase = v + (long long)start * kvStride + (long long)hk * D;
    const int qValid = min(BM, len - q0);

    // Q tile, zero rows past the sequence.
    {
        const bf16* qBase = q + (long long)(start + q0) * qStride + (long long)h * D;
        constexpr int CH = D / 8;
#pragma unroll
        for (int i = 0; i < BM * CH / DZ_ATT_THREADS; i++) {
            const int idx = tid + i * DZ_ATT_THREADS;
            const int row = idx / CH;
            const int c = idx % CH;
            *reinterpret_cast<uint4*>(sQ + row * LDQ + c * 8) =
                    row < qValid ? load16(qBase + row * qStride + c * 8) : zero4();
        }
    }

    const int kvEnd = causal ? min(len, q0 + BM) : len;
    const int nTiles = (kvEnd + BN - 1) / BN;
    auto rowOf = [kvStride](int i) -> long long { return (long long)i * kvStride; };

    KTile<D> kt;
    VTile<D> vt;
    KTile<D>::copy(kBase, rowOf, min(BN, len), sK);
    __syncthreads();

    float o[MT][NO][4];
    float m[MT][2];
    float l[MT][2];
#pragma unroll
    for (int mt = 0; mt < MT; mt++) {
#pragma unroll
        for (int n = 0; n < NO; n++) {
            o[mt][n][0] = o[mt][n][1] = o[mt][n][2] = o[mt][n][3] = 0.0f;
        }
        m[mt][0] = m[mt][1] = -CUDART_INF_F;
        l[mt][0] = l[mt][1] = 0.0f;
    }
    const int warpRow0 = warp * 16 * MT;  // first q-tile row of this warp
    const int g = lane >> 2;
    const int t4 = lane & 3;

    for (int j = 0; j < nTiles; j++) {
        const int k0 = j * BN;
        const int kValid = min(BN, len - k0);
        if (S::PIPE) {
            vt.load(vBase + (long long)k0 * kvStride, rowOf, kValid);
        }

        // S = Q Kᵀ
        float s[MT][NT][4];
#pragma unroll
        for (int mt = 0; mt < MT; mt++) {
#pragma unroll
            for (int n = 0; n < NT; n++) {
                s[mt][n][0] = s[mt][n][1] = s[mt][n][2] = s[mt][n][3] = 0.0f;
            }
        }
#pragma unroll
        for (int kk = 0; kk < D / 16; kk++) {
            uint32_t a[MT][4];
#pragma unroll
            for (int mt = 0; mt < MT; mt++) {
                dz_frag_a(sQ + (warpRow0 + mt * 16) * LDQ + kk * 16, LDQ, a[mt]);
            }
#pragma unroll
            for (int n = 0; n < NT; n++) {
                uint32_t bf[2];
                dz_frag_b_nk(sK + n * 8 * LDK + kk * 16, LDK, bf);
#pragma unroll
                for (int mt = 0; mt < MT; mt++) {
                    dz_mma_bf16_16816(s[mt][n], a[mt], bf);
                }
            }
        }

        // Mask keys past the sequence and, with causal, keys after the query; only tiles that need it.
        if (k0 + BN > len || (causal && k0 + BN - 1 > q0)) {
#pragma unroll
            for (int mt = 0; mt < MT; mt++) {
#pragma unroll
                for (int n = 0; n < NT; n++) {
#pragma unroll
                    for (int e = 0; e < 4; e++) {
                        const int key = k0 + n * 8 + 2 * t4 + (e & 1);
                        const int query = q0 + warpRow0 + mt * 16 + g + (e >= 2 ? 8 : 0);
                        if (key >= len || (causal && key > query)) {
                            s[mt][n][e] = -CUDART_INF_F;
                        }
                    }
                }
            }
        }

        uint32_t pa[MT][BN / 16][4];
#pragma unroll
        for (int mt = 0; mt < MT; mt++) {
            softmax_update<NT, NO>(s[mt], m[mt], l[mt], o[mt], scaleLog2);
#pragma unroll
            for (int kk = 0; kk < BN / 16; kk++) {
                pa[mt][kk][0] = dz_pack_bf16(s[mt][2 * kk][0], s[mt][2 * kk][1]);
                pa[mt][kk][1] = dz_pack_bf16(s[mt][2 * kk][2], s[mt][2 * kk][3]);
                pa[mt][kk][2] = dz_pack_bf16(s[mt][2 * kk + 1][0], s[mt][2 * kk + 1][1]);
                pa[mt][kk][3] = dz_pack_bf16(s[mt][2 * kk + 1][2], s[mt][2 * kk + 1][3]);
            }
        }

        // V_j into shared memory: its readers (P·V_j-1) finished before the previous iteration's last barrier.
        if (S::PIPE) {
            vt.store(sVt);
        } else {
            VTile<D>::copy(vBase + (long long)k0 * kvStride, rowOf, kValid, sVt);
        }
        __syncthreads();  // V_j visible; every warp is past Q·K_jᵀ, so sK may be overwritten
        const bool more = j + 1 < nTiles;
        if (S::PIPE && more) {
            kt.load(kBase + (long long)(k0 + BN) * kvStride, rowOf, min(BN, len - k0 - BN));
        }

        // O += P V
#pragma unroll
        for (int kk = 0; kk < BN / 16; kk++) {
#pragma unroll
            for (int n = 0; n < NO; n++) {
                uint32_t bf[2];
                dz_frag_b_nk(sVt + n * 8 * LDV + kk * 16, LDV, bf);
#pragma unroll
                for (int mt = 0; mt < MT; mt++) {
                    dz_mma_bf16_16816(o[mt][n], pa[mt][kk], bf);
                }
            }
        }

        if (more) {
            if (S::PIPE) {
                kt.store(sK);
            } else {
                KTile<D>::copy(kBase + (long long)(k0 + BN) * kvStride, rowOf, min(BN, len - k0 - BN), sK);
            }
        }
        __syncthreads();  // K_j+1 visible; every warp is past P·V_j, so sVt may be overwritten
    }

    // Normalize and stage the warp's own rows of the tile as BF16 in sQ (only this warp read them), then store
    // the valid rows with 16-byte writes.
    __syncwarp();
#pragma unroll
    for (int mt = 0; mt < MT; mt++) {
#pragma unroll
        for (int r = 0; r < 2; r++) {
            const float sum = row_sum(l[mt][r]);
            const float inv = sum > 0.0f ? 1.0f / sum : 0.0f;
            const int row = warpRow0 + mt * 16 + g + 8 * r;
#pragma unroll
            for (int n = 0; n < NO; n++) {
                *reinterpret_cast<uint32_t*>(sQ + row * LDQ + n * 8 + 2 * t4) =
                        dz_pack_bf16(o[mt][n][2 * r] * inv, o[mt][n][2 * r + 1] * inv);
            }
        }
    }
    __syncthreads();
    {
        bf16* oBase = out + (long long)(start + q0) * qStride + (long long)h * D;
        constexpr int CH = D / 8;
#pragma unroll
        for (int i = 0; i < BM * CH / DZ_ATT_THREADS; i++) {
            const int idx = tid + i * DZ_ATT_THREADS;
            const int row = idx / CH;
            const int c = idx % CH;
            if (row < qValid) {
                *reinterpret_cast<uint4*>(oBase + row * qStride + c * 8) =
                        *reinterpret_cast<const uint4*>(sQ + row * LDQ + c * 8);
            }
        }
    }
}

// ---- paged decode -------------------------------------------------------------------------------------------

template <int D>
struct DecodeShape {
    static constexpr int LDQ = D + 8;
    static constexpr int LDK = D + 8;
    static constexpr int LDV = DZ_ATT_BN + 8;
    static constexpr bool PIPE = D <= 128;  // the next tile in registers while this one is used
    static constexpr int SMEM = (16 * LDQ + DZ_ATT_BN * LDK + D * LDV) * 2;
    // the warps' F32 outputs [4][16][D + 4] reuse sK and sVt at the end
    static_assert(4 * 16 * (D + 4) * 4 <= (DZ_ATT_BN * LDK + D * LDV) * 2, "combine buffer fits over sK/sVt");
};

template <int D>
__device__ __forceinline__ void decode(const bf16* __restrict__ q, const bf16* __restrict__ kCache,
                                       const bf16* __restrict__ vCache, const int* __restrict__ blockTable,
                                       const int* __restrict__ seqLens, bf16* __restrict__ out,
                                       float* __restrict__ ws, int hq, int hkv, int pageSize, int maxBlocks,
                                       int splitTokens, float scaleLog2) {
    typedef DecodeShape<D> S;
    constexpr int BN = DZ_ATT_BN;
    constexpr int LDQ = S::LDQ;
    constexpr int LDK = S::LDK;
    constexpr int LDV = S::LDV;
    constexpr int NO = D / 8;
    constexpr int OLD = D + 4;  // row stride of the F32 combine buffer

    DZ_DYNAMIC_SMEM(bf16, smem);
    bf16* sQ = smem;
    bf16* sK = sQ + 16 * LDQ;
    bf16* sVt = sK + BN * LDK;
    __shared__ float sM[4][16];
    __shared__ float sL[4][16];
    __shared__ float sF[4][16];
    __shared__ float sRow[2][16];

    const int tid = threadIdx.x;
    const int warp = tid >> 5;
    const int lane = dz_lane();
    const int g = lane >> 2;
    const int t4 = lane & 3;
    const int split = blockIdx.x;
    const int splits = gridDim.x;
    const int group = hq / hkv;
    const int mTiles = (group + 15) / 16;
    const int hk = blockIdx.y / mTiles;
    const int h0 = hk * group + (blockIdx.y % mTiles) * 16;
    const int rows = min(16, hk * group + group - h0);
    const int b = blockIdx.z;
    const int batch = gridDim.z;
    const int len = seqLens[b];
    const int t0 = split * splitTokens;
    const int t1 = min(len, t0 + splitTokens);

    // Q rows h0 .. h0 + rows - 1 (consecutive heads), zero rows past them.
    {
        const bf16* qBase = q + ((long long)b * hq + h0) * D;
        constexpr int CH = D / 8;
        for (int idx = tid; idx < 16 * CH; idx += DZ_ATT_THREADS) {
            const int row = idx / CH;
            const int c = idx % CH;
            *reinterpret_cast<uint4*>(sQ + row * LDQ + c * 8) = row < rows ? load16(qBase + row * D + c * 8) : zero4();
        }
    }

    const int* table = blockTable + (long long)b * maxBlocks;
    const long long pageStride = (long long)pageSize * hkv * D;
    const long long headOff = (long long)hk * D;
    const int nTiles = t1 > t0 ? (t1 - t0 + BN - 1) / BN : 0;

    KTile<D> kt;
    VTile<D> vt;
    // Token t0 + j·64 + i of the sequence: page table[t / pageSize], slot t % pageSize (read only for t < len).
    auto rowsOf = [&](int j) {
        const int base = t0 + j * BN;
        return [=](int i) -> long long {
            const int t = base + i;
            return (long long)table[t / pageSize] * pageStride + (long long)(t % pageSize) * hkv * D + headOff;
        };
    };
    auto validOf = [&](int j) { return min(BN, t1 - (t0 + j * BN)); };
    if (S::PIPE && nTiles > 0) {
        kt.load(kCache, rowsOf(0), validOf(0));
        vt.load(vCache, rowsOf(0), validOf(0));
    }
    __syncthreads();

    // Q fragments stay in registers where there is room (D <= 128); otherwise they are re-read from sQ.
    constexpr int QREG = S::PIPE ? D / 16 : 1;
    uint32_t qa[QREG][4];
    if (S::PIPE) {
#pragma unroll
        for (int kk = 0; kk < QREG; kk++) {
            dz_frag_a(sQ + kk * 16, LDQ, qa[kk]);
        }
    }

    float o[NO][4];
#pragma unroll
    for (int n = 0; n < NO; n++) {
        o[n][0] = o[n][1] = o[n][2] = o[n][3] = 0.0f;
    }
    float m[2] = {-CUDART_INF_F, -CUDART_INF_F};
    float l[2] = {0.0f, 0.0f};

    for (int j = 0; j < nTiles; j++) {
        const int valid = validOf(j);
        if (S::PIPE) {
            kt.store(sK);
            vt.store(sVt);
        } else {
            KTile<D>::copy(kCache, rowsOf(j), valid, sK);
            VTile<D>::copy(vCache, rowsOf(j), valid, sVt);
        }
        __syncthreads();
        if (S::PIPE && j + 1 < nTiles) {
            kt.load(kCache, rowsOf(j + 1), validOf(j + 1));
            vt.load(vCache, rowsOf(j + 1), validOf(j + 1));
        }

        // This warp's 16 tokens of the tile: S [16 heads × 16 tokens]
        float s[2][4];
#pragma unroll
        for (int n = 0; n < 2; n++) {
            s[n][0] = s[n][1] = s[n][2] = s[n][3] = 0.0f;
        }
#pragma unroll
        for (int kk = 0; kk < D / 16; kk++) {
            uint32_t a[4];
            if (S::PIPE) {
                a[0] = qa[kk % QREG][0];
                a[1] = qa[kk % QREG][1];
                a[2] = qa[kk % QREG][2];
                a[3] = qa[kk % QREG][3];
            } else {
                dz_frag_a(sQ + kk * 16, LDQ, a);
            }
#pragma unroll
            for (int n = 0; n < 2; n++) {
                uint32_t bf[2];
                dz_frag_b_nk(sK + (warp * 16 + n * 8) * LDK + kk * 16, LDK, bf);
                dz_mma_bf16_16816(s[n], a, bf);
            }
        }
#pragma unroll
        for (int n = 0; n < 2; n++) {
#pragma unroll
            for (int e = 0; e < 4; e++) {
                if (warp * 16 + n * 8 + 2 * t4 + (e & 1) >= valid) {
                    s[n][e] = -CUDART_INF_F;
                }
            }
        }
        softmax_update<2, NO>(s, m, l, o, scaleLog2);
        uint32_t pa[4];
        pa[0] = dz_pack_bf16(s[0][0], s[0][1]);
        pa[1] = dz_pack_bf16(s[0][2], s[0][3]);
        pa[2] = dz_pack_bf16(s[1][0], s[1][1]);
        pa[3] = dz_pack_bf16(s[1][2], s[1][3]);
#pragma unroll
        for (int n = 0; n < NO; n++) {
            uint32_t bf[2];
            dz_frag_b_nk(sVt + n * 8 * LDV + warp * 16, LDV, bf);
            dz_mma_bf16_16816(o[n], pa, bf);
        }
        __syncthreads();  // every warp is done with sK / sVt
    }

    // Combine the four warps (each saw a quarter of every tile) through shared memory over sK / sVt.
    float* sO = reinterpret_cast<float*>(sK);
#pragma unroll
    for (int r = 0; r < 2; r++) {
        const float sum = row_sum(l[r]);
        const int row = g + 8 * r;
        if (t4 == 0) {
            sM[warp][row] = m[r];
            sL[warp][row] = sum;
        }
#pragma unroll
        for (int n = 0; n < NO; n++) {
            sO[(warp * 16 + row) * OLD + n * 8 + 2 * t4] = o[n][2 * r];
            sO[(warp * 16 + row) * OLD + n * 8 + 2 * t4 + 1] = o[n][2 * r + 1];
        }
    }
    __syncthreads();
    if (tid < 16) {
        float mx = -CUDART_INF_F;
        for (int w = 0; w < 4; w++) {
            mx = fmaxf(mx, sM[w][tid]);
        }
        float total = 0.0f;
        for (int w = 0; w < 4; w++) {
            const float f = sM[w][tid] == -CUDART_INF_F ? 0.0f : exp2f(sM[w][tid] - mx);
            sF[w][tid] = f;
            total += f * sL[w][tid];
        }
        sRow[0][tid] = mx;
        sRow[1][tid] = total;
    }
    __syncthreads();
    for (int idx = tid; idx < rows * D; idx += DZ_ATT_THREADS) {
        const int row = idx / D;
        const int d = idx % D;
        float acc = 0.0f;
#pragma unroll
        for (int w = 0; w < 4; w++) {
            acc += sF[w][row] * sO[(w * 16 + row) * OLD + d];
        }
        const long long at = (long long)b * hq + h0 + row;
        if (splits == 1) {
            const float total = sRow[1][row];
            out[at * D + d] = __float2bfloat16_rn(total > 0.0f ? acc / total : 0.0f);
        } else {
            // workspace: m [splits, B·Hq], l [splits, B·Hq], o [splits, B·Hq, D]
            const long long rowsAll = (long long)batch * hq;
            float* wsM = ws;
            float* wsL = ws + (long long)splits * rowsAll;
            float* wsO = ws + 2LL * splits * rowsAll;
            if (d == 0) {
                wsM[split * rowsAll + at] = sRow[0][row];
                wsL[split * rowsAll + at] = sRow[1][row];
            }
            wsO[(split * rowsAll + at) * D + d] = acc;
        }
    }
}

}  // namespace dz_attn

// The per-split partials of dz_attn_decode_d*: one block per (sequence, query head), one thread per column.
extern "C" __global__ void __launch_bounds__(DZ_ATT_THREADS)
dz_attn_decode_combine(const float* __restrict__ ws, __nv_bfloat16* __restrict__ out, int rowsAll, int splits, int d) {
    const long long at = blockIdx.x;
    const float* wsM = ws;
    const float* wsL = ws + (long long)splits * rowsAll;
    const float* wsO = ws + 2LL * splits * rowsAll;
    float mx = -CUDART_INF_F;
    for (int s = 0; s < splits; s++) {
        mx = fmaxf(mx, wsM[s * (long long)rowsAll + at]);
    }
    for (int c = threadIdx.x; c < d; c += DZ_ATT_THREADS) {
        float acc = 0.0f;
        float total = 0.0f;
        for (int s = 0; s < splits; s++) {
            const float ms = wsM[s * (long long)rowsAll + at];
            if (ms != -CUDART_INF_F) {
                const float f = exp2f(ms - mx);
                total += f * wsL[s * (long long)rowsAll + at];
                acc += f * wsO[(s * (long long)rowsAll + at) * d + c];
            }
        }
        out[at * d + c] = __float2bfloat16_rn(total > 0.0f ? acc / total : 0.0f);
    }
}
DZ_REGISTER_KERNEL(dz_attn_decode_combine)

// One prefill and one paged-decode kernel per head dim, every multiple of 16 up to 256.
#define DZ_ATT_KERNELS(D)                                                                                           \
    extern "C" __global__ void __launch_bounds__(DZ_ATT_THREADS)                                                 \
    dz_attn_prefill_d##D(const __nv_bfloat16* __restrict__ q, const __nv_bfloat16* __restrict__ k,               \
                         const __nv_bfloat16* __restrict__ v, const int* __restrict__ cuSeqlens,                 \
                         __nv_bfloat16* __restrict__ out, int hq, int hkv, int causal, float scaleLog2) {        \
        dz_attn::prefill<D>(q, k, v, cuSeqlens, out, hq, hkv, causal, scaleLog2);                                \
    }                                                                                                            \
    DZ_REGISTER_KERNEL(dz_attn_prefill_d##D)                                                                     \
    extern "C" __global__ void __launch_bounds__(DZ_ATT_THREADS)                                                 \
    dz_attn_decode_d##D(const __nv_bfloat16* __restrict__ q, const __nv_bfloat16* __restrict__ kCache,           \
                        const __nv_bfloat16* __restrict__ vCache, const int* __restrict__ blockTable,            \
                        const int* __restrict__ seqLens, __nv_bfloat16* __restrict__ out,                        \
                        float* __restrict__ ws, int hq, int hkv, int pageSize, int maxBlocks, int splitTokens,   \
                        float scaleLog2) {                                                                       \
        dz_attn::decode<D>(q, kCache, vCache, blockTable, seqLens, out, ws, hq, hkv, pageSize, maxBlocks,        \
                           splitTokens, scaleLog2);                                                              \
    }                                                                                                            \
    DZ_REGISTER_KERNEL(dz_attn_decode_d##D)

DZ_ATT_KERNELS(16)
DZ_ATT_KERNELS(32)
DZ_ATT_KERNELS(48)
DZ_ATT_KERNELS(64)
DZ_ATT_KERNELS(80)
DZ_ATT_KERNELS(96)
DZ_ATT_KERNELS(112)
DZ_ATT_KERNELS(128)
DZ_ATT_KERNELS(144)
DZ_ATT_KERNELS(160)
DZ_ATT_KERNELS(176)
DZ_ATT_KERNELS(192)
DZ_ATT_KERNELS(208)
DZ_ATT_KERNELS(224)
DZ_ATT_KERNELS(240)
DZ_ATT_KERNELS(256)
