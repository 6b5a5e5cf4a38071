// Dayzero CUDA backend: MoE grouped GEMM, out_e = X_e · W_eᵀ (hal-api MoeGemmSpec, "NT" layout), contiguous and
// masked layouts.
//
// Tensors (row-major): x [R, K]; w [E, N, K]; x_scale [R, K/128] (FP8) or [R] (INT8); w_scale [E, ceil(N/128), K/128]
// (FP8) or [E, N] (INT8); rows_per_expert [E] I32; out [R, N] BF16. R = Σ rows (contiguous: expert e's rows start
// at Σ_{i<e} rows_i) or E·maxRows (masked: slot e starts at e·maxRows). Rows past an expert's valid count are never
// read nor written.
//
// BF16 and FP8_BLOCK run on tensor cores (mma.sync m16n8k16 BF16 → F32 through dz_mma_bf16_16816):
//   - block tile BM × 128 (BM = 128 or 64, TileCfg below: BF16 128 rows = 4 warps of 64×64, FP8 128 rows = 8 warps
//     of 64×32, 64 rows = 4 warps of 32×64), K step 32 through shared memory, double-buffered: the next K step is
//     loaded from global memory into registers (16-byte loads) while the tensor cores work on the current one, then
//     stored to the other shared buffer; one __syncthreads per K step. Warp-level mma tiles with no valid row or
//     column are skipped (decode: 16 valid rows of a 64-row tile cost a quarter of the mma). Shared rows are padded to 40 BF16 (80 bytes), which makes the
//     32-bit fragment reads of dz_frag_a / dz_frag_b_nk conflict-free.
//   - FP8_BLOCK: E4M3 codes are decoded to BF16 on their way into shared memory (exact: every E4M3 value is a BF16
//     value), each 128-wide K block is accumulated on its own on the tensor cores (F32), then promoted in F32:
//     total += partial · x_scale[row, kb] · w_scale[e, n/128, kb] (DeepGEMM's recipe). The 128-wide N tile is one
//     weight-scale block, so w_scale is one scalar per (tile, kb).
//   - schedule: one block per (row tile, N tile) that holds at least one valid row, exactly; the host sizes the grid
//     from the spec's counts (Σ_e ceil(rows_e / BM) row tiles × ceil(N / 128) N tiles). Block ids are swizzled in
//     groups of 8 row tiles (row tile varying fastest inside a group), so the blocks resident together share their
//     activation rows and weight tiles in L2. Each block finds its expert from rows_per_expert with one warp (a
//     prefix sum over the experts' tile counts). No empty blocks, no atomics, graph-capturable.
// INT8_W8A8 stays on a plain 16×16 shared-memory tile loop with I32 accumulation (no INT8 tensor-core path here).
// UE8M0 block scales (FP8_BLOCK with scaleType UE8M0, MXFP4_FP8's 1×128 activation scales): the same kernels read one
// byte a scale and decode it to F32 (2^(code-127); code 0 = 2^-127, 255 = NaN) where they read an F32 scale.
// MXFP4 weights (MXFP4_FP8, MXFP4_BF16): w [E, N, K] E2M1 packed two a byte (element 2i in the low nibble of byte
// i, K/2 bytes a row), w_scale [E, N, K/32] UE8M0. The 32-wide K step is exactly one MX block, so each weight row of
// a K step has one scale: the loader reads half as many weight bytes, and on the way into shared memory decodes each
// code times its scale to BF16 (exact: e2m1 · 2^s is a BF16 value in the normal range). The tensor-core loop is the
// BF16 one; MXFP4_FP8 keeps the FP8 path's 1×128 promotion with the activation scale only.
#include "dz_common.cuh"
#include <cuda_bf16.h>
#include <cuda_fp8.h>
#include <stdint.h>

#define DZ_TILE 16
#define DZ_BLOCK_K 128
#define DZ_BLOCK_N 128

namespace {

constexpr int kBN = 128;      // block tile along N (= one FP8 weight-scale block)
constexpr int kBK = 32;       // K step through shared memory
constexpr int kLd = kBK + 8;  // shared row stride in BF16 elements (80 bytes)
constexpr int kGroupM = 8;    // row tiles per swizzle group
constexpr unsigned kFull = 0xffffffffu;

// Block tile BM × 128 split over WARPS_M × WARPS_N warps; each warp owns WM × WN = (MI·16) × (NI·8). MIN_BLOCKS
// is the residency asked of ptxas (it caps the registers), K16_UNROLL how many k16 sub-steps of a K step are unrolled
// (both chosen so that ptxas spills nothing, see -Xptxas -v).
template <int BM_, int WARPS_M_, int WARPS_N_, int MIN_BLOCKS_, int K16_UNROLL_>
struct TileCfg {
    static constexpr int BM = BM_;
    static constexpr int WARPS_M = WARPS_M_;
    static constexpr int WARPS_N = WARPS_N_;
    static constexpr int MIN_BLOCKS = MIN_BLOCKS_;
    static constexpr int K16_UNROLL = K16_UNROLL_;
    static constexpr int THREADS = 32 * WARPS_M * WARPS_N;
    static constexpr int WM = BM / WARPS_M;
    static constexpr int WN = kBN / WARPS_N;
    static constexpr int MI = WM / 16;
    static constexpr int NI = WN / 8;
    static_assert(WM % 16 == 0 && WN % 8 == 0, "warp tile must be whole mma tiles");
};
// BF16, 128 rows: 4 warps of 64 × 64 (32 mma per 16 fragment registers of A and 16 of B: one 32-bit shared load per
// mma), ~225 registers, 2 blocks (8 warps) per SM.
using CfgBf16M128 = TileCfg<128, 2, 2, 2, 2>;
// BF16, 64 rows: 4 warps of 32 × 64, 128 registers, 4 blocks per SM.
using CfgBf16M64 = TileCfg<64, 2, 2, 4, 2>;
// FP8: the K-block partial and the promoted total double the accumulators, so smaller warp tiles: 128 rows = 8 warps
// of 64 × 32 (~235 registers, 1 block per SM), 64 rows = 4 warps of 32 × 64 (~235 registers, 2 blocks per SM).
using CfgFp8M128 = TileCfg<128, 2, 4, 1, 2>;
using CfgFp8M64 = TileCfg<64, 2, 2, 1, 2>;
// BF16 × MXFP4, 64 rows: the BF16 tile with the MX scales and decode on top; 4 blocks per SM would cap it at 128
// registers and spill, so 3.
using CfgMxBf16M64 = TileCfg<64, 2, 2, 3, 2>;

__device__ __forceinline__ uint4 u4(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
    uint4 v;
    v.x = a;
    v.y = b;
    v.z = c;
    v.w = d;
    return v;
}

// Two E4M3 codes (low 16 bits, lower index in the low byte) → two BF16 in one register; exact.
__device__ __forceinline__ uint32_t e4m3x2_to_bf16x2(uint32_t codes) {
    __nv_fp8x2_e4m3 v;
    v.__x = (__nv_fp8x2_storage_t)(codes & 0xffffu);
    const float2 f = float2(v);
    return dz_pack_bf16(f.x, f.y);
}

// One E2M1 code (low 4 bits) to F32, exact: s.ee.m, bias 1, exponent 0 subnormal (m · 0.5).
__device__ __forceinline__ float e2m1_to_f32(uint32_t c) {
    const uint32_t e = (c >> 1) & 3u;
    const uint32_t m = c & 1u;
    const uint32_t bits = e ? (((e + 126u) << 23) | (m << 22)) : (m ? 0x3f000000u : 0u);
    return __uint_as_float(bits | ((c & 8u) << 28));
}

// One UE8M0 scale to F32: 2^(code-127); code 0 is the subnormal 2^-127, 255 NaN.
__device__ __forceinline__ float ue8m0_to_f32(uint32_t code) {
    code &= 0xffu;
    return __uint_as_float(code == 0 ? 0x00400000u : code == 255 ? 0x7fc00000u : code << 23);
}

// Scale i of a block-scale tensor: F32, or UE8M0 bytes.
template <bool UE8>
__device__ __forceinline__ float block_scale(const void* p, long long i) {
    return UE8 ? ue8m0_to_f32(reinterpret_cast<const uint8_t*>(p)[i]) : reinterpret_cast<const float*>(p)[i];
}

// Two E2M1 codes of one byte (element 2i low nibble) times scale s → two BF16 in one register; exact.
__device__ __forceinline__ uint32_t e2m1x2_to_bf16x2(uint32_t byte, float s) {
    return dz_pack_bf16(e2m1_to_f32(byte) * s, e2m1_to_f32(byte >> 4) * s);
}

// Valid rows of expert e, never more than its storage holds (masked: maxRows).
__device__ __forceinline__ int expert_count(const int* rowsPerExpert, int e, int masked, int maxRows) {
    int r = rowsPerExpert[e];
    r = r < 0 ? 0 : r;
    return masked && r > maxRows ? maxRows : r;
}

// The output tile of this block: expert, first stored row, valid rows in the tile (0: nothing to do), first column.
struct TileWork {
    int expert;
    long long row0;
    int rows;
    int n0;
};

// Maps blockIdx.x to (row tile, N tile) with the grouped swizzle, then finds the expert owning the row tile from
// rows_per_expert with warp 0 (lane l sums the tile counts of a contiguous run of experts; a warp prefix sum locates
// the run; the lane owning it walks it). Every thread of the block gets the same answer.
template <int BM>
__device__ __forceinline__ TileWork locate_tile(const int* rowsPerExpert, int experts, int masked, int maxRows,
                                                long long storedRows, int n, int totalRowTiles) {
    __shared__ int sExpert;
    __shared__ int sTileInExpert;
    __shared__ long long sBase;
    const int tilesN = (n + kBN - 1) / kBN;
    const int pid = (int)blockIdx.x;
    const int perGroup = kGroupM * tilesN;
    const int group = pid / perGroup;
    const int firstM = group * kGroupM;
    const int groupRows = min(totalRowTiles - firstM, kGroupM);
    TileWork w;
    w.expert = -1;
    w.row0 = 0;
    w.rows = 0;
    w.n0 = 0;
    if (groupRows <= 0) {
        return w;  // uniform over the block: no barrier skipped by part of it
    }
    const int m = firstM + (pid % perGroup) % groupRows;
    w.n0 = ((pid % perGroup) / groupRows) * kBN;
    if (threadIdx.x < 32) {
        const int lane = (int)threadIdx.x;
        const int per = (experts + 31) / 32;
        const int lo = min(experts, lane * per);
        const int hi = min(experts, lo + per);
        int tiles = 0;
        for (int e = lo; e < hi; e++) {
            tiles += (expert_count(rowsPerExpert, e, masked, maxRows) + BM - 1) / BM;
        }
        int incl = tiles;
#pragma unroll
        for (int d = 1; d < 32; d <<= 1) {
            const int v = __shfl_sync(kFull, incl, lane >= d ? lane - d : lane);
            if (lane >= d) {
                incl += v;
            }
        }
        if (lane == 0) {
            sExpert = -1;
            sTileInExpert = 0;
        }
        __syncwarp();
        const int excl = incl - tiles;
        if (m >= excl && m < incl) {
            int t = excl;
            for (int e = lo; e < hi; e++) {
                const int ct = (expert_count(rowsPerExpert, e, masked, maxRows) + BM - 1) / BM;
                if (m < t + ct) {
                    sExpert = e;
                    sTileInExpert = m - t;
                    break;
                }
                t += ct;
            }
        }
        __syncwarp();
        const int e = sExpert;
        long long before = 0;
        if (!masked && e >= 0) {
            for (int i = lo; i < min(hi, e); i++) {
                before += expert_count(rowsPerExpert, i, masked, maxRows);
            }
        }
#pragma unroll
        for (int d = 16; d > 0; d >>= 1) {
            before += __shfl_xor_sync(kFull, before, d);
        }
        if (lane == 0) {
            sBase = masked ? (long long)e * maxRows : before;
        }
    }
    __syncthreads();
    w.expert = sExpert;
    if (w.expert < 0) {
        return w;
    }
    const int tileInExpert = sTileInExpert;
    w.row0 = sBase + (long long)tileInExpert * BM;
    const int count = expert_count(rowsPerExpert, w.expert, masked, maxRows);
    long long rows = min(count - tileInExpert * BM, BM);
    if (w.row0 + rows > storedRows) {  // counts that disagree with the buffers' size: stay inside them
        rows = storedRows - w.row0;
    }
    w.rows = rows < 0 ? 0 : (int)rows;
    return w;
}

// Global → registers → shared loader of one K step: A = BM rows of x, B = 128 rows of W_e, both BF16 in shared.
// BF16 operands: 16-byte chunks of 8 values; FP8: 16-byte chunks of 16 codes, decoded to BF16 at the store.
template <typename Cfg, bool FP8, bool FP4W>
struct StageLoader {
    static constexpr int VALS = FP8 ? 16 : 8;  // values per chunk (16 bytes of x)
    static constexpr int CHUNKS_ROW = kBK / VALS;
    static constexpr int A_ITERS = Cfg::BM * CHUNKS_ROW / Cfg::THREADS;
    static constexpr int B_ITERS = kBN * CHUNKS_ROW / Cfg::THREADS;
    static_assert(A_ITERS >= 1 && B_ITERS >= 1, "every thread loads whole chunks");
    static_assert(Cfg::BM * CHUNKS_ROW % Cfg::THREADS == 0 && kBN * CHUNKS_ROW % Cfg::THREADS == 0, "even split");
    static_assert(!FP4W || kBK == 32, "MXFP4: one K step is one 32-value MX block");

    static constexpr int ROWS_PER_ITER = Cfg::THREADS / CHUNKS_ROW;  // rows between a thread's chunks
    static constexpr int BYTES = FP8 ? 1 : 2;

    uint4 ra[A_ITERS];
    uint4 rb[B_ITERS];
    float sb[FP4W ? B_ITERS : 1];  // MXFP4: the scale of each B chunk's row in this K step
    const uint8_t* pa;  // this thread's first A chunk of the next K step (row tid / CHUNKS_ROW)
    const uint8_t* pb;
    const uint8_t* ps;  // MXFP4: this thread's first row's UE8M0 scale of the next K step
    long long rowBytes;  // bytes between a thread's successive chunk rows (A; B too unless MXFP4)
    long long rowBytesB;
    long long rowScales;  // MXFP4: scale bytes between a thread's successive chunk rows
    int firstRow;
    int kk;  // K index of this thread's chunks in the next K step

    __device__ __forceinline__ StageLoader(const uint8_t* xRows, const uint8_t* wRows, const uint8_t* wScaleRows,
                                           int k, int tid) {
        firstRow = tid / CHUNKS_ROW;
        kk = (tid % CHUNKS_ROW) * VALS;
        pa = xRows + ((long long)firstRow * k + kk) * BYTES;
        rowBytes = (long long)ROWS_PER_ITER * k * BYTES;
        if (FP4W) {
            pb = wRows + ((long long)firstRow * k + kk) / 2;
            rowBytesB = (long long)ROWS_PER_ITER * k / 2;
            ps = wScaleRows + (long long)firstRow * (k / 32);
            rowScales = (long long)ROWS_PER_ITER * (k / 32);
        } else {
            pb = wRows + ((long long)firstRow * k + kk) * BYTES;
            rowBytesB = rowBytes;
            ps = nullptr;
            rowScales = 0;
        }
    }

    // Loads the next K step into registers and moves on by one K step.
    __device__ __forceinline__ void load(int rows, int nRows, int k) {
        const bool inK = kk < k;
#pragma unroll
        for (int i = 0; i < A_ITERS; i++) {
            ra[i] = inK && firstRow + i * ROWS_PER_ITER < rows
                    ? *reinterpret_cast<const uint4*>(pa + i * rowBytes) : u4(0, 0, 0, 0);
        }
#pragma unroll
        for (int i = 0; i < B_ITERS; i++) {
            const bool live = inK && firstRow + i * ROWS_PER_ITER < nRows;
            if (FP4W) {
                // VALS codes = VALS / 2 bytes: 8 (FP8 x) or 4 (BF16 x); the row's scale of this 32-wide step
                if (VALS == 16) {
                    const uint2 v = live ? *reinterpret_cast<const uint2*>(pb + i * rowBytesB) : make_uint2(0, 0);
                    rb[i] = u4(v.x, v.y, 0, 0);
                } else {
                    rb[i] = u4(live ? *reinterpret_cast<const uint32_t*>(pb + i * rowBytesB) : 0u, 0, 0, 0);
                }
                sb[FP4W ? i : 0] = live ? ue8m0_to_f32(ps[i * rowScales]) : 0.f;
            } else {
                rb[i] = live ? *reinterpret_cast<const uint4*>(pb + i * rowBytesB) : u4(0, 0, 0, 0);
            }
        }
        pa += kBK * BYTES;
        pb += FP4W ? kBK / 2 : kBK * BYTES;
        if (FP4W) {
            ps += 1;
        }
        kk += kBK;
    }

    __device__ __forceinline__ static void put(__nv_bfloat16* s, int c, const uint4& v) {
        const int r = c / CHUNKS_ROW;
        const int col = (c % CHUNKS_ROW) * VALS;
        uint4* dst = reinterpret_cast<uint4*>(s + r * kLd + col);
        if (FP8) {
            dst[0] = u4(e4m3x2_to_bf16x2(v.x), e4m3x2_to_bf16x2(v.x >> 16), e4m3x2_to_bf16x2(v.y),
                                e4m3x2_to_bf16x2(v.y >> 16));
            dst[1] = u4(e4m3x2_to_bf16x2(v.z), e4m3x2_to_bf16x2(v.z >> 16), e4m3x2_to_bf16x2(v.w),
                                e4m3x2_to_bf16x2(v.w >> 16));
        } else {
            dst[0] = v;
        }
    }

    // An MXFP4 chunk: VALS codes (VALS / 2 bytes in v.x, v.y) times the row's scale, as VALS BF16.
    __device__ __forceinline__ static void put_fp4(__nv_bfloat16* s, int c, const uint4& v, float scale) {
        const int r = c / CHUNKS_ROW;
        const int col = (c % CHUNKS_ROW) * VALS;
        uint4* dst = reinterpret_cast<uint4*>(s + r * kLd + col);
        dst[0] = u4(e2m1x2_to_bf16x2(v.x & 0xffu, scale), e2m1x2_to_bf16x2((v.x >> 8) & 0xffu, scale),
                    e2m1x2_to_bf16x2((v.x >> 16) & 0xffu, scale), e2m1x2_to_bf16x2(v.x >> 24, scale));
        if (VALS == 16) {
            dst[1] = u4(e2m1x2_to_bf16x2(v.y & 0xffu, scale), e2m1x2_to_bf16x2((v.y >> 8) & 0xffu, scale),
                        e2m1x2_to_bf16x2((v.y >> 16) & 0xffu, scale), e2m1x2_to_bf16x2(v.y >> 24, scale));
        }
    }

    __device__ __forceinline__ void store(__nv_bfloat16* sA, __nv_bfloat16* sB, int tid) const {
#pragma unroll
        for (int i = 0; i < A_ITERS; i++) {
            put(sA, tid + i * Cfg::THREADS, ra[i]);
        }
#pragma unroll
        for (int i = 0; i < B_ITERS; i++) {
            if (FP4W) {
                put_fp4(sB, tid + i * Cfg::THREADS, rb[i], sb[FP4W ? i : 0]);
            } else {
                put(sB, tid + i * Cfg::THREADS, rb[i]);
            }
        }
    }
};

// The tensor-core grouped GEMM for one output tile. x and w are BF16 or E4M3 bytes; xScale / wScale only for FP8.
// FP8: x is E4M3 with 1×128 scales (promotion per 128-wide K block); FP4W: w is MXFP4 (wScale UE8M0 [E, N, K/32],
// applied on the way into shared memory, so the promotion uses the activation scale only); UE8: xScale (and, without
// FP4W, wScale) are UE8M0 bytes instead of F32.
template <typename Cfg, bool FP8, bool FP4W = false, bool UE8 = false>
__device__ __forceinline__ void moe_gemm_tc(const uint8_t* __restrict__ x, const void* __restrict__ xScale,
                                            const uint8_t* __restrict__ w, const void* __restrict__ wScale,
                                            const int* __restrict__ rowsPerExpert, __nv_bfloat16* __restrict__ out,
                                            int n, int k, int experts, int masked, int maxRows, long long storedRows,
                                            int totalRowTiles) {
    constexpr int MI = Cfg::MI;
    constexpr int NI = Cfg::NI;
    constexpr int BYTES = FP8 ? 1 : 2;
    constexpr int STEPS_PER_KB = DZ_BLOCK_K / kBK;
    __shared__ __align__(16) __nv_bfloat16 sA[2][Cfg::BM * kLd];
    __shared__ __align__(16) __nv_bfloat16 sB[2][kBN * kLd];

    const TileWork tw = locate_tile<Cfg::BM>(rowsPerExpert, experts, masked, maxRows, storedRows, n, totalRowTiles);
    if (tw.rows <= 0) {
        return;  // uniform over the block
    }
    const int tid = (int)threadIdx.x;
    const int warp = tid >> 5;
    const int lane = tid & 31;
    const int wm = warp / Cfg::WARPS_N;
    const int wn = warp % Cfg::WARPS_N;
    const int rows = tw.rows;
    const int nRows = min(kBN, n - tw.n0);
    const uint8_t* xRows = x + tw.row0 * k * BYTES;
    const long long firstW = (long long)tw.expert * n + tw.n0;  // the tile's first weight row over all experts
    const uint8_t* wRows = FP4W ? w + firstW * k / 2 : w + firstW * k * BYTES;
    const uint8_t* wScaleRows = FP4W ? reinterpret_cast<const uint8_t*>(wScale) + firstW * (k / 32) : nullptr;
    const int kBlocks = k / DZ_BLOCK_K;  // FP8 only
    // FP8_BLOCK: index of this tile's first 128x128 weight scale (one per (tile, kb)); unused with FP4W
    const long long wScaleTile = ((long long)tw.expert * ((n + DZ_BLOCK_N - 1) / DZ_BLOCK_N)
                                  + tw.n0 / DZ_BLOCK_N) * kBlocks;

    // Warp-uniform: how many of this warp's 16-row and 8-column mma tiles hold anything valid.
    const int liveRows = rows - wm * Cfg::WM;
    const int liveCols = nRows - wn * Cfg::WN;

    float acc[MI][NI][4];
    float total[FP8 ? MI : 1][FP8 ? NI : 1][4];
#pragma unroll
    for (int mi = 0; mi < MI; mi++) {
#pragma unroll
        for (int ni = 0; ni < NI; ni++) {
#pragma unroll
            for (int i = 0; i < 4; i++) {
                acc[mi][ni][i] = 0.f;
            }
        }
    }
    if (FP8) {
#pragma unroll
        for (int mi = 0; mi < (FP8 ? MI : 1); mi++) {
#pragma unroll
            for (int ni = 0; ni < (FP8 ? NI : 1); ni++) {
#pragma unroll
                for (int i = 0; i < 4; i++) {
                    total[mi][ni][i] = 0.f;
                }
            }
        }
    }
    // This thread's accumulator rows (tile-relative): mi·16 + g and mi·16 + g + 8 of the warp tile.
    const int g = lane >> 2;
    const int t = lane & 3;
    float rowScale[FP8 ? MI : 1][2];

    StageLoader<Cfg, FP8, FP4W> loader(xRows, wRows, wScaleRows, k, tid);
    const int steps = (k + kBK - 1) / kBK;
    loader.load(rows, nRows, k);
    loader.store(sA[0], sB[0], tid);
    __syncthreads();

    for (int ks = 0; ks < steps; ks++) {
        const int cur = ks & 1;
        if (ks + 1 < steps) {
            loader.load(rows, nRows, k);
        }
        if (FP8 && ks % STEPS_PER_KB == 0) {
            // The scales of this 128-wide K block, fetched now and used after its last K step.
            const int kb = ks / STEPS_PER_KB;
            const float sw = FP4W ? 1.f : block_scale<UE8>(wScale, wScaleTile + kb);
#pragma unroll
            for (int mi = 0; mi < (FP8 ? MI : 1); mi++) {
#pragma unroll
                for (int h = 0; h < 2; h++) {
                    const int r = wm * Cfg::WM + mi * 16 + g + 8 * h;
                    rowScale[mi][h] = r < rows ? block_scale<UE8>(xScale, (tw.row0 + r) * kBlocks + kb) * sw : 0.f;
                }
            }
        }
        const __nv_bfloat16* a = sA[cur] + wm * Cfg::WM * kLd;
        const __nv_bfloat16* b = sB[cur] + wn * Cfg::WN * kLd;
#pragma unroll Cfg::K16_UNROLL
        for (int kk = 0; kk < kBK; kk += 16) {
            uint32_t af[MI][4];
            uint32_t bf[NI][2];
#pragma unroll
            for (int mi = 0; mi < MI; mi++) {
                dz_frag_a(a + mi * 16 * kLd + kk, kLd, af[mi]);
            }
#pragma unroll
            for (int ni = 0; ni < NI; ni++) {
                dz_frag_b_nk(b + ni * 8 * kLd + kk, kLd, bf[ni]);
            }
#pragma unroll
            for (int mi = 0; mi < MI; mi++) {
#pragma unroll
                for (int ni = 0; ni < NI; ni++) {
                    if (mi * 16 < liveRows && ni * 8 < liveCols) {
                        dz_mma_bf16_16816(acc[mi][ni], af[mi], bf[ni]);
                    }
                }
            }
        }
        if (FP8 && ks % STEPS_PER_KB == STEPS_PER_KB - 1) {
            // Promotion: total += partial · x_scale · w_scale in F32, then a fresh partial for the next K block.
#pragma unroll
            for (int mi = 0; mi < (FP8 ? MI : 1); mi++) {
#pragma unroll
                for (int ni = 0; ni < (FP8 ? NI : 1); ni++) {
#pragma unroll
                    for (int i = 0; i < 4; i++) {
                        total[mi][ni][i] += acc[mi][ni][i] * rowScale[mi][i >> 1];
                        acc[mi][ni][i] = 0.f;
                    }
                }
            }
        }
        if (ks + 1 < steps) {
            loader.store(sA[cur ^ 1], sB[cur ^ 1], tid);
        }
        __syncthreads();
    }

    // Epilogue: BF16 (round to nearest even), valid rows and columns only; pairs of columns in one 4-byte store
    // when N is even (then every row starts 4-byte aligned).
    const bool pairs = (n & 1) == 0;
#pragma unroll
    for (int mi = 0; mi < MI; mi++) {
#pragma unroll
        for (int h = 0; h < 2; h++) {
            const int r = wm * Cfg::WM + mi * 16 + g + 8 * h;
            if (r >= rows) {
                continue;
            }
            __nv_bfloat16* o = out + (tw.row0 + r) * n;
#pragma unroll
            for (int ni = 0; ni < NI; ni++) {
                const int col = tw.n0 + wn * Cfg::WN + ni * 8 + 2 * t;
                const float v0 = FP8 ? total[FP8 ? mi : 0][FP8 ? ni : 0][2 * h] : acc[mi][ni][2 * h];
                const float v1 = FP8 ? total[FP8 ? mi : 0][FP8 ? ni : 0][2 * h + 1] : acc[mi][ni][2 * h + 1];
                if (pairs && col < n) {
                    *reinterpret_cast<uint32_t*>(o + col) = dz_pack_bf16(v0, v1);
                } else {
                    if (col < n) {
                        o[col] = __float2bfloat16_rn(v0);
                    }
                    if (col + 1 < n) {
                        o[col + 1] = __float2bfloat16_rn(v1);
                    }
                }
            }
        }
    }
}

// Where expert e's rows begin, and how many there are (the scalar INT8 kernel).
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

// The scalar tile loop: acc = Σ_k a(row, k) · b(col, k) for this thread's (row, col) of the expert's 16×16 output
// tile; finish(r, e, col, acc) writes one output element. Rows past the expert's valid count are never loaded nor
// written.
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

// Tensor-core kernels. Grid (max(1, rowTiles · ceil(N/128)), 1, 1) with rowTiles = Σ_e ceil(rows_e / BM); block
// (THREADS of the tile configuration, 1, 1): 128, or 256 for dz_moe_gemm_fp8_block_m128; static shared memory only
// (40 KiB for BM = 128, 30 KiB for BM = 64). Arguments after the tensors: n, k, experts, masked (0/1), maxRows
// (masked; else 0), storedRows (rows of x and out), rowTiles.
#define DZ_MOE_BF16(NAME, CFG)                                                                                     \
    extern "C" __global__ void __launch_bounds__(CFG::THREADS, CFG::MIN_BLOCKS)                                      \
    NAME(const __nv_bfloat16* __restrict__ x, const __nv_bfloat16* __restrict__ w,                                 \
         const int* __restrict__ rowsPerExpert, __nv_bfloat16* __restrict__ out, int n, int k, int experts,        \
         int masked, int maxRows, long long storedRows, int rowTiles) {                                             \
        moe_gemm_tc<CFG, false>(reinterpret_cast<const uint8_t*>(x), nullptr, reinterpret_cast<const uint8_t*>(w), \
                                nullptr, rowsPerExpert, out, n, k, experts, masked, maxRows, storedRows, rowTiles); \
    }                                                                                                              \
    DZ_REGISTER_KERNEL(NAME)

#define DZ_MOE_FP8(NAME, CFG)                                                                                     \
    extern "C" __global__ void __launch_bounds__(CFG::THREADS, CFG::MIN_BLOCKS)                                    \
    NAME(const uint8_t* __restrict__ x, const float* __restrict__ xScale, const uint8_t* __restrict__ w,          \
         const float* __restrict__ wScale, const int* __restrict__ rowsPerExpert, __nv_bfloat16* __restrict__ out, \
         int n, int k, int experts, int masked, int maxRows, long long storedRows, int rowTiles) {                 \
        moe_gemm_tc<CFG, true>(x, xScale, w, wScale, rowsPerExpert, out, n, k, experts, masked, maxRows,          \
                               storedRows, rowTiles);                                                             \
    }                                                                                                            \
    DZ_REGISTER_KERNEL(NAME)

// UE8M0 scales and MXFP4 weights: the FP8 macro's signature with byte scales (x_scale [R, K/128] UE8M0; w_scale
// [E, ceil(N/128), K/128] UE8M0 for FP8_BLOCK, [E, N, K/32] UE8M0 for MXFP4_FP8).
#define DZ_MOE_FP8_BYTES(NAME, CFG, FP4W)                                                                          \
    extern "C" __global__ void __launch_bounds__(CFG::THREADS, CFG::MIN_BLOCKS)                                    \
    NAME(const uint8_t* __restrict__ x, const uint8_t* __restrict__ xScale, const uint8_t* __restrict__ w,        \
         const uint8_t* __restrict__ wScale, const int* __restrict__ rowsPerExpert,                               \
         __nv_bfloat16* __restrict__ out, int n, int k, int experts, int masked, int maxRows, long long storedRows, \
         int rowTiles) {                                                                                           \
        moe_gemm_tc<CFG, true, FP4W, true>(x, xScale, w, wScale, rowsPerExpert, out, n, k, experts, masked,       \
                                           maxRows, storedRows, rowTiles);                                         \
    }                                                                                                              \
    DZ_REGISTER_KERNEL(NAME)

// BF16 activations × MXFP4 weights: x [R, K] BF16, w [E, N, K/2 bytes], w_scale [E, N, K/32] UE8M0.
#define DZ_MOE_MXFP4_BF16(NAME, CFG)                                                                               \
    extern "C" __global__ void __launch_bounds__(CFG::THREADS, CFG::MIN_BLOCKS)                                    \
    NAME(const __nv_bfloat16* __restrict__ x, const uint8_t* __restrict__ w, const uint8_t* __restrict__ wScale,  \
         const int* __restrict__ rowsPerExpert, __nv_bfloat16* __restrict__ out, int n, int k, int experts,        \
         int masked, int maxRows, long long storedRows, int rowTiles) {                                            \
        moe_gemm_tc<CFG, false, true, true>(reinterpret_cast<const uint8_t*>(x), nullptr, w, wScale,              \
                                            rowsPerExpert, out, n, k, experts, masked, maxRows, storedRows,        \
                                            rowTiles);                                                             \
    }                                                                                                              \
    DZ_REGISTER_KERNEL(NAME)

DZ_MOE_BF16(dz_moe_gemm_bf16_m128, CfgBf16M128)
DZ_MOE_BF16(dz_moe_gemm_bf16_m64, CfgBf16M64)
DZ_MOE_FP8(dz_moe_gemm_fp8_block_m128, CfgFp8M128)
DZ_MOE_FP8(dz_moe_gemm_fp8_block_m64, CfgFp8M64)
DZ_MOE_FP8_BYTES(dz_moe_gemm_fp8_block_ue8m0_m128, CfgFp8M128, false)
DZ_MOE_FP8_BYTES(dz_moe_gemm_fp8_block_ue8m0_m64, CfgFp8M64, false)
DZ_MOE_FP8_BYTES(dz_moe_gemm_mxfp4_fp8_m128, CfgFp8M128, true)
DZ_MOE_FP8_BYTES(dz_moe_gemm_mxfp4_fp8_m64, CfgFp8M64, true)
DZ_MOE_MXFP4_BF16(dz_moe_gemm_mxfp4_bf16_m128, CfgBf16M128)
DZ_MOE_MXFP4_BF16(dz_moe_gemm_mxfp4_bf16_m64, CfgMxBf16M64)

// INT8 W8A8, scalar. Grid (ceil(N/16), ceil(maxRowsOfAnyExpert/16), E); block 16×16.
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

DZ_REGISTER_KERNEL(dz_moe_gemm_int8)
