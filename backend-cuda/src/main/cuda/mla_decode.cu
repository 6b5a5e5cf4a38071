// Dayzero CUDA backend: latent (MLA) decode attention on tensor cores, dense (AttentionSpec.LatentDecode) and sparse
// (AttentionSpec.SparseLatentDecode), with a BF16 or a FlashMLA FP8 (656-byte token) KV cache: one templated kernel
// body for the four variants, FlashMLA's structure with mma.sync (dz_mma_bf16_16816) instead of wgmma.
//
// Tensors (row-major): q [B, Sq, Hq, Dk] BF16; kv_cache [pages, pageSize, 1, Dk] BF16 or [pages, pageSize, 1, 656]
// U8; dense: block_table [B, maxBlocks] I32 and seq_lens [B] I32; sparse: indices [B, Sq, topk] I32 (flat slots,
// -1 unused); out [B, Sq, Hq, Dv] BF16. The value is the first Dv columns of the key.
//
// One block of 256 threads (8 warps, one block an SM: 220 KiB of shared memory) computes 64 query rows against a
// range of KV tiles of 64 tokens (a "work item", planned by the host: MlaPlan.java). Dense rows are consecutive
// (query, head) rows of one sequence (both queries of an MTP step share each KV tile, causal limits per row);
// sparse rows are heads of one query (each query has its own tokens). Warp w: row group rg = w / 4 (32 rows),
// quarter c = w % 4. Per tile:
//   S = Q·Kᵀ for 32 rows × 16 tokens (tokens 16c..16c+15) over Dk;
//   the row maxima of the four quarters through shared memory (one barrier), online softmax in F32 (log2
//     domain), P as BF16 into the rope columns of the KV tile (dead after Q·Kᵀ);
//   O += P·V for 32 rows × 128 output columns (columns 128c..128c+127).
// Meanwhile every thread copies its share of the next tile into the other shared-memory stage: the first half's
// loads are issued before Q·Kᵀ and stored after it, the second half's issued then and stored after P·V (no
// cp.async: registers carry them). With one stage (A100: 163 KiB) the next tile is copied after the current one.
// FP8 cache: the copy dequantizes by KvCacheType.FP8_FLASHMLA's rule, as FlashMLA's SM90 sparse FP8 decode does:
// latent value = bf16(decode(code) · bf16(scale)) (both roundings to nearest even; the F32 product of an E4M3
// value and a BF16 scale is exact), so the tile holds the rule's BF16 values and Q·Kᵀ and P·V run exactly as for
// a BF16 cache, each value dequantized once a tile. Q (64×576 BF16) stays in shared memory, O (32×128 F32 a warp) in
// registers. Split-KV: an item may cover part of a unit's tiles and then writes unnormalized F32 rows plus
// (max, sum) for dz_mla_combine.
//
// Shared-memory layout of a Q or KV row (576 BF16 = 1152 bytes, 36 blocks of 16 columns): inside each block the
// columns are permuted so that lane t's mma fragment columns (2t, 2t+1, 2t+8, 2t+9) are 8 contiguous bytes (one
// 64-bit load gives a[0] and a[2], or b[0] and b[1]), and 16-byte chunks are XOR-swizzled by row so that the
// fragment loads of Q·Kᵀ and of P·V are free of bank conflicts. Masking: every token of a stage has a key (its
// position; or 0 for a valid sparse slot; INT_MAX for none) and every row a limit; a score is kept iff key < limit.
#include "dz_common.cuh"
#include <cuda_bf16.h>
#include <cuda_fp8.h>
#include <stdint.h>
#include <string.h>

namespace {

constexpr int kRows = 64;                 // query rows of a block (M)
constexpr int kTok = 64;                  // tokens of a KV tile
constexpr int kDk = 576;                  // widest key held in shared memory
constexpr int kDv = 512;                  // widest value
constexpr int kRowBytes = kDk * 2;        // a Q or KV row in shared memory
constexpr int kTileBytes = kRows * kRowBytes;
constexpr int kThreads = 256;             // 8 warps
constexpr int kFp8TokenBytes = 656;       // 512 E4M3 codes, 4 F32 scales, 64 BF16 rope values
constexpr int kNoKey = 0x7fffffff;


// Shared-memory layout (bytes); MlaKernel.sharedBytes mirrors it.
template <int STAGES>
struct Smem {
    static constexpr int q = 0;
    static constexpr int kv = q + kTileBytes;
    // [STAGES][64][16] bytes, unused: FP8 scales are applied during the copy (the rule), not after the MMAs; kept
    // so that the layout, MlaKernel.sharedBytes and the shared-memory threshold of SupportRules stay as they are
    static constexpr int scales = kv + STAGES * kTileBytes;
    static constexpr int keys = scales + STAGES * kTok * 16;  // int [STAGES][64]
    static constexpr int red = keys + STAGES * kTok * 4;      // float [4][64]: row maxima / sums of the 4 quarters
    static constexpr int bytes = red + 4 * kRows * 4;
};
static_assert(Smem<2>::bytes == 224768, "MlaKernel.sharedBytes(2)");
static_assert(Smem<1>::bytes == 149760, "MlaKernel.sharedBytes(1)");


__device__ __forceinline__ float bits_float(uint32_t b) {
    float f;
    memcpy(&f, &b, 4);
    return f;
}

// Byte offset of 16-byte chunk `chunk` (0..71) of row `row` in a [64][576] BF16 tile: XOR of chunk bits 1..2.
__device__ __forceinline__ int tile_at(int row, int chunk) {
    return row * kRowBytes + ((chunk ^ (((row ^ (row >> 2)) & 3) << 1)) << 4);
}

// P [64 rows][64 tokens] BF16 lives in chunks 64..71 (the rope columns) of the KV tile's rows, chunk XOR row % 8.
__device__ __forceinline__ int p_at(int row, int chunk) {
    return row * kRowBytes + ((64 + (chunk ^ (row & 7))) << 4);
}

// Stores one block of 16 logical columns (8 words of BF16 pairs, w = columns 2w, 2w+1) permuted: physical words
// [L0 L4 L1 L5 | L2 L6 L3 L7], so lane t finds columns (2t, 2t+1, 2t+8, 2t+9) at bytes 8t..8t+7 of the block.
// `second` first stores the block's second chunk: lanes 4..7 of a quarter warp storing blocks sub + 8k of one row
// then hit the other half of the banks than lanes 0..3 (no 2-way conflict).
__device__ __forceinline__ void store_block(unsigned char* tile, int row, int blk, const uint32_t (&l)[8],
                                            bool second = false) {
    const V4 lo{l[0], l[4], l[1], l[5]};
    const V4 hi{l[2], l[6], l[3], l[7]};
    *reinterpret_cast<V4*>(tile + tile_at(row, 2 * blk + (second ? 1 : 0))) = second ? hi : lo;
    *reinterpret_cast<V4*>(tile + tile_at(row, 2 * blk + (second ? 0 : 1))) = second ? lo : hi;
}

// Lane t's fragment words of block `blk` of `row`: x = columns (2t, 2t+1), y = columns (2t+8, 2t+9).
__device__ __forceinline__ V2 frag_words(const unsigned char* tile, int row, int blk, int t) {
    return *reinterpret_cast<const V2*>(tile + tile_at(row, 2 * blk + (t >> 1)) + ((t & 1) << 3));
}


// F32 rounded to BF16 (nearest even), back in F32.
__device__ __forceinline__ float bf16_round(float v) {
    return bits_float(bf16_bits(v) << 16);
}

// KvCacheType.FP8_FLASHMLA's latent values of the two E4M3FN codes in the low 16 bits of `codes`, in a group of
// BF16 scale `s`: bf16(decode(code) · s), a BF16 pair (first code low). The decode is exact (every E4M3 value,
// NaN included, is an FP16 and an F32 value; one cvt e4m3x2 -> f16x2 on sm_90+), the F32 product too (4 and 8
// significant bits), so the only rounding is the rule's (nearest even, one cvt f32x2 -> bf16x2).
__device__ __forceinline__ uint32_t fp8_rule_pair(uint32_t codes, float s) {
    const __half2 h(__nv_cvt_fp8x2_to_halfraw2((__nv_fp8x2_storage_t)(codes & 0xffffu), __NV_E4M3));
    const float2 f = __half22float2(h);
    const __nv_bfloat162 b = __floats2bfloat162_rn(f.x * s, f.y * s);
    return *reinterpret_cast<const uint32_t*>(&b);
}

__device__ __forceinline__ uint32_t half_of(uint32_t w, int hi) {
    return hi ? (w >> 16) : (w & 0xffffu);
}

// Kernel arguments shared by the four variants.
struct Args {
    const __nv_bfloat16* q;
    const unsigned char* kv;
    const int* table;    // dense: block_table [B, maxBlocks]; sparse: indices [B·Sq, topk]
    const int* seqLens;  // dense only
    __nv_bfloat16* out;
    const int* items;    // [blocks][8]: rowBase, nrows, b, rowInSeq (dense) / query (sparse), tile0, tile1, part, -
    float* partO;        // [parts][64][512] unnormalized F32 rows
    float* partMl;       // [parts][64][2]: running max (log2 domain) and sum
    int sq, hq, dk, dv, pageSize, tableCols, causal;
    long long slots;     // pages · pageSize: valid slot range
    float scaleLog2;     // softmaxScale · log2(e)
};

// The copy of one half tile (32 tokens) from global memory into a stage by all 256 threads, 8 a token:
// issue() loads into registers, commit() converts and stores, so that the loads of the next tile are in flight
// while the tensor cores work on this one. BF16: units of 32 bytes (16 columns, thread `sub` takes units sub,
// sub+8, ...); FP8: units of 16 bytes of the 656-byte token (32 latent blocks of 16 codes, the scales, 8 rope
// halves). Thread `sub` of a token holds latent blocks sub + 8k, all of scale group k (k = 0..3), and thread 0
// the four scales, which commit() hands to the token's other seven threads by a shuffle.
template <bool SPARSE, bool FP8>
struct Loader {
    static constexpr int kUnits = FP8 ? 41 : 36;
    static constexpr int kWords = FP8 ? 4 : 8;
    static constexpr int kSlots = (kUnits + 7) / 8;
    uint32_t reg[kSlots][kWords];
    int key;  // the token's key: position (dense), 0 (valid sparse slot) or kNoKey
    int len;  // dense: the sequence's length, read once

    __device__ __forceinline__ void issue(const Args& a, const int* item, int tile, int half) {
        const int local = tile * kTok + 32 * half + (threadIdx.x >> 3);
        const int sub = threadIdx.x & 7;
        long long slot = -1;
        key = kNoKey;
        if constexpr (SPARSE) {
            const int topk = a.tableCols;
            const int idx = local < topk ? a.table[(long long)item[3] * topk + local] : -1;
            if (idx >= 0 && idx < a.slots) {
                slot = idx;
                key = 0;
            }
        } else {
            const int b = item[2];
            if (local < len) {
                const int page = a.table[(long long)b * a.tableCols + local / a.pageSize];
                const long long sl = (long long)page * a.pageSize + local % a.pageSize;
                if (page >= 0 && sl < a.slots) {
                    slot = sl;
                    key = local;
                }
            }
        }
        const int units = FP8 ? kUnits : a.dk / 16;
#pragma unroll
        for (int k = 0; k < kSlots; k++) {
            const int u = sub + 8 * k;
            const bool live = u < units && slot >= 0;
            if constexpr (FP8) {
                V4 v{0, 0, 0, 0};
                if (live) {
                    v = *reinterpret_cast<const V4*>(a.kv + slot * kFp8TokenBytes + 16 * u);
                }
                reg[k][0] = v.x;
                reg[k][1] = v.y;
                reg[k][2] = v.z;
                reg[k][3] = v.w;
            } else {
                V4 v0{0, 0, 0, 0};
                V4 v1{0, 0, 0, 0};
                if (live) {
                    const V4* p = reinterpret_cast<const V4*>(a.kv + slot * a.dk * 2 + 32 * u);
                    v0 = p[0];
                    v1 = p[1];
                }
                reg[k][0] = v0.x;
                reg[k][1] = v0.y;
                reg[k][2] = v0.z;
                reg[k][3] = v0.w;
                reg[k][4] = v1.x;
                reg[k][5] = v1.y;
                reg[k][6] = v1.z;
                reg[k][7] = v1.w;
            }
        }
    }

    __device__ __forceinline__ void commit(const Args& a, unsigned char* tile, int* keys, int half) {
        const int row = 32 * half + (threadIdx.x >> 3);
        const int sub = threadIdx.x & 7;
        if (sub == 0) {
            keys[row] = key;
        }
        const int units = FP8 ? kUnits : a.dk / 16;
#pragma unroll
        for (int k = 0; k < kSlots; k++) {
            const int u = sub + 8 * k;
            if (u >= units) {
                continue;
            }
            if constexpr (!FP8) {
                store_block(tile, row, u, reg[k], sub >= 4);
            } else if (k < 4) {  // 16 latent codes of scale group k (u = sub + 8k < 32) -> the rule's BF16 values
                // the group's scale rounded to BF16 (the rule), from the token's thread 0 (unit 32); every thread
                // of the block gets here (u < units for k < 4), so the 8-lane shuffle is converged. An unused slot
                // has zero codes and scales.
                const float s = bf16_round(bits_float(__shfl_sync(0xffffffffu, reg[4][k], 0, 8)));
                uint32_t l[8];
#pragma unroll
                for (int w = 0; w < 4; w++) {
                    const uint32_t c = reg[k][w];
                    l[2 * w] = fp8_rule_pair(c, s);
                    l[2 * w + 1] = fp8_rule_pair(c >> 16, s);
                }
                store_block(tile, row, u, l, sub >= 4);
            } else if (u > 32) {  // 8 rope values (unit 32, the scales, went into the latent values above): half h
                                  // of block 32 + r / 2, logical words 4h..4h+3 -> physical 2w + h
                const int r = u - 33;
                const int blk = 32 + (r >> 1);
                const int h = r & 1;
#pragma unroll
                for (int w = 0; w < 4; w++) {
                    const int p = 2 * w + h;
                    *reinterpret_cast<uint32_t*>(tile + tile_at(row, 2 * blk + (p >> 2)) + ((p & 3) << 2)) = reg[k][w];
                }
            }
        }
    }
};

template <bool SPARSE, bool FP8, int STAGES>
__device__ __forceinline__ void mla_body(const Args& a) {
    using L = Smem<STAGES>;
    DZ_DYNAMIC_SMEM(unsigned char, smem);
    unsigned char* sQ = smem + L::q;
    float* sRed = reinterpret_cast<float*>(smem + L::red);

    const int* item = a.items + 8 * blockIdx.x;
    const int nrows = item[1];
    const int tile0 = item[4];
    const int ntiles = item[5] - tile0;

    const int warp = threadIdx.x >> 5;
    const int lane = threadIdx.x & 31;
    const int g = lane >> 2;
    const int t = lane & 3;
    const int rg = warp >> 2;        // row group: rows 32rg..32rg+31
    const int quarter = warp & 3;    // quarter: tokens 16q.. of a tile, output columns 128q..
    const int r0 = 32 * rg;

    Loader<SPARSE, FP8> loader;
    loader.len = SPARSE ? 0 : a.seqLens[item[2]];

    // ---- prologue: Q and tile 0 into shared memory ----
    for (int i = threadIdx.x; i < kRows * 36; i += kThreads) {
        const int row = i / 36;
        const int blk = i % 36;
        uint32_t l[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        if (row < nrows && 16 * blk < a.dk) {
            const V4* p = reinterpret_cast<const V4*>(a.q + ((long long)item[0] + row) * a.dk + 16 * blk);
            const V4 v0 = p[0];
            const V4 v1 = p[1];
            l[0] = v0.x; l[1] = v0.y; l[2] = v0.z; l[3] = v0.w;
            l[4] = v1.x; l[5] = v1.y; l[6] = v1.z; l[7] = v1.w;
        }
        store_block(sQ, row, blk, l);
    }
    for (int h = 0; h < 2; h++) {
        loader.issue(a, item, tile0, h);
        loader.commit(a, smem + L::kv, reinterpret_cast<int*>(smem + L::keys), h);
    }

    // Row limits of this lane's four rows (m-tile mi, half hh: row r0 + 16mi + 8hh + g), and the block's largest.
    int lim[2][2];
    int blockLim;
    if (SPARSE) {
#pragma unroll
        for (int mi = 0; mi < 2; mi++) {
#pragma unroll
            for (int hh = 0; hh < 2; hh++) {
                lim[mi][hh] = (r0 + 16 * mi + 8 * hh + g) < nrows ? 1 : 0;
            }
        }
        blockLim = 1;
    } else {
        const int len = a.seqLens[item[2]];
        const int rowInSeq = item[3];
        auto limitOf = [&](int row) {
            const int j = (rowInSeq + row) / a.hq;
            const int v = a.causal ? len - a.sq + j + 1 : len;
            return max(0, min(v, len));
        };
#pragma unroll
        for (int mi = 0; mi < 2; mi++) {
#pragma unroll
            for (int hh = 0; hh < 2; hh++) {
                const int row = r0 + 16 * mi + 8 * hh + g;
                lim[mi][hh] = row < nrows ? limitOf(row) : 0;
            }
        }
        blockLim = limitOf(nrows - 1);
    }

    float o[2][16][4];
#pragma unroll
    for (int mi = 0; mi < 2; mi++) {
#pragma unroll
        for (int n = 0; n < 16; n++) {
#pragma unroll
            for (int c = 0; c < 4; c++) {
                o[mi][n][c] = 0.0f;
            }
        }
    }
    float m[2][2];
    float lsum[2][2];
#pragma unroll
    for (int mi = 0; mi < 2; mi++) {
#pragma unroll
        for (int hh = 0; hh < 2; hh++) {
            m[mi][hh] = neg_inf();
            lsum[mi][hh] = 0.0f;
        }
    }
    __syncthreads();

    for (int it = 0; it < ntiles; it++) {
        const int stage = STAGES == 2 ? (it & 1) : 0;
        unsigned char* kv = smem + L::kv + stage * kTileBytes;
        const int* keys = reinterpret_cast<const int*>(smem + L::keys) + stage * kTok;
        const bool next = it + 1 < ntiles;
        unsigned char* nextKv = smem + L::kv + (STAGES == 2 ? (stage ^ 1) : 0) * kTileBytes;
        int* nextKeys = reinterpret_cast<int*>(smem + L::keys) + (STAGES == 2 ? (stage ^ 1) : 0) * kTok;

        // Two stages: the next tile's first half is in flight during Q·Kᵀ, its second half during P·V.
        if (STAGES == 2 && next) {
            loader.issue(a, item, tile0 + it + 1, 0);
        }

        // Does any token of the tile count for any row? (Sparse tiles of -1 entries are skipped.)
        int kmin = min(keys[lane], keys[lane + 32]);
#pragma unroll
        for (int off = 16; off > 0; off >>= 1) {
            kmin = min(kmin, __shfl_xor_sync(0xffffffffu, kmin, off));
        }
        const bool live = kmin < blockLim;
        // m-tiles of this warp's rows that hold rows of the block: rows past nrows take no tensor-core work
        const int mtiles = r0 >= nrows ? 0 : (r0 + 16 >= nrows ? 1 : 2);

        // ---- S = Q·Kᵀ: rows r0..r0+31, tokens 16·quarter..+15 ----
        float s[2][2][4];
#pragma unroll
        for (int mi = 0; mi < 2; mi++) {
#pragma unroll
            for (int ni = 0; ni < 2; ni++) {
#pragma unroll
                for (int c = 0; c < 4; c++) {
                    s[mi][ni][c] = 0.0f;
                }
            }
        }
        const int tok0 = 16 * quarter;
        auto qk_block = [&](float (&acc)[2][2][4], int blk) {
            uint32_t af[2][4];
#pragma unroll
            for (int mi = 0; mi < 2; mi++) {
                if (mi >= mtiles) {
                    continue;
                }
                const V2 x = frag_words(sQ, r0 + 16 * mi + g, blk, t);
                const V2 y = frag_words(sQ, r0 + 16 * mi + 8 + g, blk, t);
                af[mi][0] = x.x;
                af[mi][1] = y.x;
                af[mi][2] = x.y;
                af[mi][3] = y.y;
            }
#pragma unroll
            for (int ni = 0; ni < 2; ni++) {
                const V2 z = frag_words(kv, tok0 + 8 * ni + g, blk, t);
                const uint32_t bf[2] = {z.x, z.y};
#pragma unroll
                for (int mi = 0; mi < 2; mi++) {
                    if (mi < mtiles) {
                        dz_mma_bf16_16816(acc[mi][ni], af[mi], bf);
                    }
                }
            }
        };
        if (live) {  // FP8: the tile holds the rule's BF16 values, so both caches take the same path
            const int nblk = a.dk / 16;
#pragma unroll 4
            for (int blk = 0; blk < nblk; blk++) {
                qk_block(s, blk);
            }
        }

        // ---- mask, scale to log2 units, row maxima of this quarter ----
        int key[2][2];
#pragma unroll
        for (int ni = 0; ni < 2; ni++) {
            key[ni][0] = keys[tok0 + 8 * ni + 2 * t];
            key[ni][1] = keys[tok0 + 8 * ni + 2 * t + 1];
        }
        float rmax[2][2];
#pragma unroll
        for (int mi = 0; mi < 2; mi++) {
#pragma unroll
            for (int hh = 0; hh < 2; hh++) {
                float mx = neg_inf();
#pragma unroll
                for (int ni = 0; ni < 2; ni++) {
#pragma unroll
                    for (int e = 0; e < 2; e++) {
                        float& v = s[mi][ni][2 * hh + e];
                        v = key[ni][e] < lim[mi][hh] ? v * a.scaleLog2 : neg_inf();
                        mx = fmaxf(mx, v);
                    }
                }
                mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 1));
                mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 2));
                rmax[mi][hh] = mx;
            }
        }
        if (live && t == 0) {
#pragma unroll
            for (int mi = 0; mi < 2; mi++) {
#pragma unroll
                for (int hh = 0; hh < 2; hh++) {
                    sRed[quarter * kRows + r0 + 16 * mi + 8 * hh + g] = rmax[mi][hh];
                }
            }
        }
        if (STAGES == 2 && next) {
            loader.commit(a, nextKv, nextKeys, 0);
            loader.issue(a, item, tile0 + it + 1, 1);
        }
        __syncthreads();  // B1: every quarter's maxima are in sRed; every warp is past Q·Kᵀ (the rope columns are free)

        // ---- online softmax: new maxima, rescale O and the sums, P = exp2(S - m) as BF16 into the tile ----
        if (live) {
#pragma unroll
            for (int mi = 0; mi < 2; mi++) {
#pragma unroll
                for (int hh = 0; hh < 2; hh++) {
                    const int row = r0 + 16 * mi + 8 * hh + g;
                    float mx = m[mi][hh];
#pragma unroll
                    for (int qq = 0; qq < 4; qq++) {
                        mx = fmaxf(mx, sRed[qq * kRows + row]);
                    }
                    const float use = mx == neg_inf() ? 0.0f : mx;
                    const float corr = exp2f(m[mi][hh] - use);
                    m[mi][hh] = mx;
                    lsum[mi][hh] *= corr;
#pragma unroll
                    for (int n = 0; n < 16; n++) {
                        o[mi][n][2 * hh] *= corr;
                        o[mi][n][2 * hh + 1] *= corr;
                    }
#pragma unroll
                    for (int ni = 0; ni < 2; ni++) {
                        const float p0 = exp2f(s[mi][ni][2 * hh] - use);
                        const float p1 = exp2f(s[mi][ni][2 * hh + 1] - use);
                        lsum[mi][hh] += p0 + p1;
                        *reinterpret_cast<uint32_t*>(kv + p_at(row, 2 * quarter + ni) + 4 * t) = dz_pack_bf16(p0, p1);
                    }
                }
            }
        }
        __syncthreads();  // B2: P complete

        // ---- O += P·V: rows r0..r0+31, output columns 128·quarter..+127 ----
        if (live) {
#pragma unroll
            for (int ks = 0; ks < 4; ks++) {
                uint32_t af[2][4];
#pragma unroll
                for (int mi = 0; mi < 2; mi++) {
                    if (mi >= mtiles) {
                        continue;
                    }
                    const int row = r0 + 16 * mi + g;
                    af[mi][0] = *reinterpret_cast<const uint32_t*>(kv + p_at(row, 2 * ks) + 4 * t);
                    af[mi][1] = *reinterpret_cast<const uint32_t*>(kv + p_at(row + 8, 2 * ks) + 4 * t);
                    af[mi][2] = *reinterpret_cast<const uint32_t*>(kv + p_at(row, 2 * ks + 1) + 4 * t);
                    af[mi][3] = *reinterpret_cast<const uint32_t*>(kv + p_at(row + 8, 2 * ks + 1) + 4 * t);
                }
                const int tk = 16 * ks + 2 * t;
#pragma unroll
                for (int qg = 0; qg < 4; qg++) {
                    if (128 * quarter + 32 * qg >= a.dv) {
                        continue;
                    }
                    // physical columns 128·quarter + 32·qg + 4g .. +3 of tokens tk, tk+1, tk+8, tk+9
                    const int blk = 8 * quarter + 2 * qg + (g >> 2);
                    const int chunk = 2 * blk + ((g & 3) >> 1);
                    const int byte = (g & 1) << 3;
                    const V2 v0 = *reinterpret_cast<const V2*>(kv + tile_at(tk, chunk) + byte);
                    const V2 v1 = *reinterpret_cast<const V2*>(kv + tile_at(tk + 1, chunk) + byte);
                    const V2 v8 = *reinterpret_cast<const V2*>(kv + tile_at(tk + 8, chunk) + byte);
                    const V2 v9 = *reinterpret_cast<const V2*>(kv + tile_at(tk + 9, chunk) + byte);
#pragma unroll
                    for (int e = 0; e < 4; e++) {
                        const int hi = e & 1;
                        const uint32_t w0 = e < 2 ? v0.x : v0.y;
                        const uint32_t w1 = e < 2 ? v1.x : v1.y;
                        const uint32_t w8 = e < 2 ? v8.x : v8.y;
                        const uint32_t w9 = e < 2 ? v9.x : v9.y;
                        const uint32_t bf[2] = {half_of(w0, hi) | (half_of(w1, hi) << 16),
                                                half_of(w8, hi) | (half_of(w9, hi) << 16)};
#pragma unroll
                        for (int mi = 0; mi < 2; mi++) {
                            if (mi < mtiles) {
                                dz_mma_bf16_16816(o[mi][4 * qg + e], af[mi], bf);
                            }
                        }
                    }
                }
            }
        }
        if (STAGES == 2 && next) {
            loader.commit(a, nextKv, nextKeys, 1);
        }
        __syncthreads();  // B3: the stage may be refilled; the next one is complete
        if (STAGES == 1 && next) {
            for (int h = 0; h < 2; h++) {
                loader.issue(a, item, tile0 + it + 1, h);
                loader.commit(a, nextKv, nextKeys, h);
            }
            __syncthreads();  // B4
        }
    }

    // ---- row sums of the four quarters ----
#pragma unroll
    for (int mi = 0; mi < 2; mi++) {
#pragma unroll
        for (int hh = 0; hh < 2; hh++) {
            float v = lsum[mi][hh];
            v += __shfl_xor_sync(0xffffffffu, v, 1);
            v += __shfl_xor_sync(0xffffffffu, v, 2);
            if (t == 0) {
                sRed[quarter * kRows + r0 + 16 * mi + 8 * hh + g] = v;
            }
        }
    }
    __syncthreads();

    const long long rowBase = item[0];  // read again here: registers are scarce in the loop
    const int part = item[6];
#pragma unroll
    for (int mi = 0; mi < 2; mi++) {
#pragma unroll
        for (int hh = 0; hh < 2; hh++) {
            const int row = r0 + 16 * mi + 8 * hh + g;
            if (row >= nrows) {
                continue;
            }
            const float l = sRed[row] + sRed[kRows + row] + sRed[2 * kRows + row] + sRed[3 * kRows + row];
            const float inv = l > 0.0f ? 1.0f / l : 0.0f;
            if (part >= 0 && quarter == 0 && t == 0) {
                float* ml = a.partMl + ((long long)part * kRows + row) * 2;
                ml[0] = m[mi][hh];
                ml[1] = l;
            }
#pragma unroll
            for (int qg = 0; qg < 4; qg++) {
#pragma unroll
                for (int c2 = 0; c2 < 2; c2++) {
                    // accumulator column n = 2t + c2 of n-tile 4qg+e holds physical column 128·quarter + 32qg + 8t
                    // + 4c2 + e: logical columns d0, d0+1 (e = 0, 1) and d0+8, d0+9 (e = 2, 3)
                    const int blk = 8 * quarter + 2 * qg + (t >> 1);
                    const int d0 = 16 * blk + 2 * (2 * (t & 1) + c2);
                    const float x0 = o[mi][4 * qg][2 * hh + c2];
                    const float x1 = o[mi][4 * qg + 1][2 * hh + c2];
                    const float x2 = o[mi][4 * qg + 2][2 * hh + c2];
                    const float x3 = o[mi][4 * qg + 3][2 * hh + c2];
                    if (part >= 0) {
                        float* dst = a.partO + ((long long)part * kRows + row) * kDv;
                        if (d0 < a.dv) {
                            *reinterpret_cast<F2*>(dst + d0) = F2{x0, x1};
                        }
                        if (d0 + 8 < a.dv) {
                            *reinterpret_cast<F2*>(dst + d0 + 8) = F2{x2, x3};
                        }
                    } else {
                        __nv_bfloat16* dst = a.out + (rowBase + row) * a.dv;
                        if (d0 < a.dv) {
                            *reinterpret_cast<uint32_t*>(dst + d0) = dz_pack_bf16(x0 * inv, x1 * inv);
                        }
                        if (d0 + 8 < a.dv) {
                            *reinterpret_cast<uint32_t*>(dst + d0 + 8) = dz_pack_bf16(x2 * inv, x3 * inv);
                        }
                    }
                }
            }
        }
    }
}

}  // namespace

#define DZ_MLA_KERNEL(NAME, SPARSE, FP8, STAGES)                                                                   \
    extern "C" __global__ void __launch_bounds__(kThreads, 1)                                                     \
        NAME(const __nv_bfloat16* q, const unsigned char* kv, const int* table, const int* seqLens,              \
             __nv_bfloat16* out, const int* items, float* partO, float* partMl, int sq, int hq, int dk, int dv,  \
             int pageSize, int tableCols, int causal, long long slots, float scaleLog2) {                        \
        const Args a{q, kv, table, seqLens, out, items, partO, partMl, sq, hq, dk, dv, pageSize, tableCols,      \
                     causal, slots, scaleLog2};                                                                  \
        mla_body<SPARSE, FP8, STAGES>(a);                                                                        \
    }                                                                                                            \
    DZ_REGISTER_KERNEL(NAME)

DZ_MLA_KERNEL(dz_mla_dense_bf16_s2, false, false, 2)
DZ_MLA_KERNEL(dz_mla_dense_fp8_s2, false, true, 2)
DZ_MLA_KERNEL(dz_mla_sparse_bf16_s2, true, false, 2)
DZ_MLA_KERNEL(dz_mla_sparse_fp8_s2, true, true, 2)
DZ_MLA_KERNEL(dz_mla_dense_bf16_s1, false, false, 1)
DZ_MLA_KERNEL(dz_mla_dense_fp8_s1, false, true, 1)
DZ_MLA_KERNEL(dz_mla_sparse_bf16_s1, true, false, 1)
DZ_MLA_KERNEL(dz_mla_sparse_fp8_s1, true, true, 1)

// Merges the split-KV partial rows of one (group, row): groups [n][4] = rowBase, nrows, first part, parts. Each part
// holds the unnormalized F32 row O_i, its running maximum m_i (log2 domain) and sum l_i; out = Σ 2^(m_i−M) O_i /
// Σ 2^(m_i−M) l_i, zeros when no part saw a key. Grid (groups, 64), 128 threads, 4 columns a thread.
extern "C" __global__ void __launch_bounds__(128)
dz_mla_combine(const int* groups, const float* partO, const float* partMl, __nv_bfloat16* out, int dv) {
    const int* gr = groups + 4 * blockIdx.x;
    const int row = blockIdx.y;
    if (row >= gr[1]) {
        return;
    }
    const int first = gr[2];
    const int n = gr[3];
    float mx = -__builtin_huge_valf();
    for (int i = 0; i < n; i++) {
        mx = fmaxf(mx, partMl[((long long)(first + i) * kRows + row) * 2]);
    }
    float l = 0.0f;
    for (int i = 0; i < n; i++) {
        const float* ml = partMl + ((long long)(first + i) * kRows + row) * 2;
        if (ml[0] != -__builtin_huge_valf()) {
            l += exp2f(ml[0] - mx) * ml[1];
        }
    }
    const float inv = l > 0.0f ? 1.0f / l : 0.0f;
    __nv_bfloat16* dst = out + ((long long)gr[0] + row) * dv;
    for (int d = 4 * threadIdx.x; d < dv; d += 4 * 128) {
        float acc[4] = {0.0f, 0.0f, 0.0f, 0.0f};
        for (int i = 0; i < n; i++) {
            const float mi = partMl[((long long)(first + i) * kRows + row) * 2];
            if (mi == -__builtin_huge_valf()) {
                continue;
            }
            const float w = exp2f(mi - mx);
            const float* src = partO + ((long long)(first + i) * kRows + row) * kDv + d;
#pragma unroll
            for (int c = 0; c < 4; c++) {
                acc[c] += w * src[c];
            }
        }
        *reinterpret_cast<uint32_t*>(dst + d) = dz_pack_bf16(acc[0] * inv, acc[1] * inv);
        *reinterpret_cast<uint32_t*>(dst + d + 2) = dz_pack_bf16(acc[2] * inv, acc[3] * inv);
    }
}
DZ_REGISTER_KERNEL(dz_mla_combine)
