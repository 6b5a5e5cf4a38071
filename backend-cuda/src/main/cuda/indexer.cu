// Dayzero CUDA backend: DeepSeek sparse attention's lightning indexer (IndexerSpec): the scores
//   score[i, j] = k_scale[j] · Σ_h w[i, h] · ReLU(q[i, h] · k[j])        (F32 accumulation)
// of query rows against keys, and the top-k keys of each row.
//
// Logits kernels dz_indexer_logits_{paged,flat}_{fp8,bf16}_d{32,64,128}: one block of 128 threads (4 warps) per
// work item of the host's plan (IndexerPlan.java): up to 128 query rows x heads that share their keys (paged: the
// nextN queries of one sequence; flat: up to 128/H consecutive tokens of one sequence) against a range of keys, in
// tiles of 64. Q (every head of the item's queries, FP8 codes decoded exactly to BF16) stays in shared memory;
// each key tile is copied to shared memory (FP8 codes decoded exactly to BF16 — every E4M3 value is a BF16 value —
// with the key's F32 scale beside it), then
//   S = Q·Kᵀ on tensor cores (mma.sync m16n8k16 BF16, F32 accumulation: each product exact), warp w taking keys
//     16w..16w+15 for every row, its B fragments held in registers across the row tiles;
//   ReLU(S) · w[row] into shared memory (F32);
//   per (query, key): the sum over the heads, times the key's scale, written to the output row.
// Keys are read only in [min_i lo_i, max_i hi_i) of the item's queries (paged: lo = 0, hi = context_lens; flat:
// [ks, ke)): a paged cache is read only through block-table entries those keys name. Tiles past every query's
// range read nothing; with fillInf they write -inf to the columns they cover (IndexerLogits).
//
// Output column of key `key` for query i: key - lo_i (paged: the key's position; flat: key - ks[i]).
//
// Top-k kernel dz_indexer_topk: one block of 512 threads per row of F32 logits; the row's n valid columns
// (paged: context_lens[row]; flat: ke - ks), the k = topk largest by a radix select on the order-preserving
// 32-bit image of the F32 values (11-, 11- and 10-bit digits from the top: a shared-memory histogram of the keys
// still tied with the threshold's prefix, one warp finds the digit holding the k-th largest), stopping as soon as
// the threshold's bin is taken whole. After the first digit the keys above it go to the output and the bin's keys
// (up to 4096) to shared memory, where the other digits are resolved: two reads of the row from global memory in
// the usual case. A compaction writes the indices above the threshold and as many tied at it as needed (ties
// broken by arrival), base + column each: exactly min(k, n) distinct indices, valid first, then -1. Rows with
// n <= k take every column.
#include "dz_common.cuh"
#include <cuda_bf16.h>
#include <cuda_fp8.h>
#include <stdint.h>
#include <string.h>

namespace {

constexpr int kThreads = 128;  // logits: 4 warps
constexpr int kRows = 128;     // most query rows (queries x heads) of an item
constexpr int kTok = 64;       // keys of a tile
constexpr int kSld = 72;       // floats of a row of S in shared memory (8-byte stores of a half warp: no conflict)
constexpr int kItemInts = 8;




// E4M3FN code to BF16 bits, exact.
__device__ __forceinline__ uint32_t e4m3_bf16(uint32_t code) {
    __nv_fp8_e4m3 v;
    v.__x = (__nv_fp8_storage_t)code;
    return bf16_bits(float(v));
}

// Four E4M3 codes (one little-endian word) to four BF16 values in two words.
__device__ __forceinline__ V2 decode4(uint32_t c) {
    return V2{e4m3_bf16(c & 0xffu) | (e4m3_bf16((c >> 8) & 0xffu) << 16),
              e4m3_bf16((c >> 16) & 0xffu) | (e4m3_bf16(c >> 24) << 16)};
}

// Shared-memory layout (bytes) for head dim D; IndexerKernel.sharedBytes mirrors it.
template <int D>
struct Smem {
    static constexpr int ld = D + 8;  // BF16 elements of a Q or K row (16 bytes of padding: conflict-free fragments)
    static constexpr int q = 0;
    static constexpr int k = q + kRows * ld * 2;
    static constexpr int s = k + kTok * ld * 2;
    static constexpr int w = s + kRows * kSld * 4;
    static constexpr int scale = w + kRows * 4;
    static constexpr int lo = scale + kTok * 4;
    static constexpr int hi = lo + kRows * 4;
    static constexpr int bytes = hi + kRows * 4;
};
static_assert(Smem<32>::bytes == 54016, "IndexerKernel.sharedBytes(32)");
static_assert(Smem<64>::bytes == 66304, "IndexerKernel.sharedBytes(64)");
static_assert(Smem<128>::bytes == 90880, "IndexerKernel.sharedBytes(128)");

struct LogitsArgs {
    const unsigned char* q;  // [queries, H, D] E4M3 codes or BF16
    const unsigned char* k;  // paged cache (FP8 fused blocks or BF16 [pages, pageSize, D]) or flat [T, D]
    const float* kScale;     // flat FP8: [T]
    const float* weights;    // [queries, H]
    const int* lo;           // flat: ks [T]; paged: unused (0)
    const int* hi;           // flat: ke [T]; paged: context_lens [B·nextN]
    const int* table;        // paged: block_table [B, tableCols]
    const int* items;        // [blocks][8]: query base, queries, sequence, first key, end key, -, -, -
    float* out;              // [queries, outStride]
    long long outStride;
    int outCols, heads, pageSize, tableCols, fillInf;
};

template <bool PAGED, bool FP8, int D>
__device__ __forceinline__ void logits_body(const LogitsArgs& a) {
    using L = Smem<D>;
    constexpr int LD = L::ld;
    constexpr int KS = D / 16;  // k steps of the mma
    DZ_DYNAMIC_SMEM(unsigned char, smem);
    __nv_bfloat16* sQ = reinterpret_cast<__nv_bfloat16*>(smem + L::q);
    __nv_bfloat16* sK = reinterpret_cast<__nv_bfloat16*>(smem + L::k);
    float* sS = reinterpret_cast<float*>(smem + L::s);
    float* sW = reinterpret_cast<float*>(smem + L::w);
    float* sScale = reinterpret_cast<float*>(smem + L::scale);
    int* sLo = reinterpret_cast<int*>(smem + L::lo);
    int* sHi = reinterpret_cast<int*>(smem + L::hi);

    const int* item = a.items + kItemInts * blockIdx.x;
    const int qBase = item[0];
    const int nq = item[1];
    const int seq = item[2];
    const int k0 = item[3];
    const int k1 = item[4];
    const int H = a.heads;
    const int M = nq * H;
    const int mtiles = (M + 15) / 16;
    const int tid = threadIdx.x;
    const int warp = tid >> 5;

    // ---- per-query key ranges, head weights, Q (rows past M zero) ----
    for (int i = tid; i < nq; i += kThreads) {
        sLo[i] = PAGED ? 0 : a.lo[qBase + i];
        sHi[i] = a.hi[qBase + i];
    }
    for (int r = tid; r < M; r += kThreads) {
        sW[r] = a.weights[(long long)qBase * H + r];
    }
    constexpr int QCH = D / 8;  // 16-byte chunks of a BF16 row in shared memory
    for (int idx = tid; idx < mtiles * 16 * QCH; idx += kThreads) {
        const int r = idx / QCH;
        const int c = idx % QCH;
        V4 v{0, 0, 0, 0};
        if (r < M) {
            const long long row = (long long)qBase * H + r;
            if constexpr (FP8) {  // 8 codes -> 8 BF16 values
                const V2 codes = *reinterpret_cast<const V2*>(a.q + row * D + 8 * c);
                const V2 lo4 = decode4(codes.x);
                const V2 hi4 = decode4(codes.y);
                v = V4{lo4.x, lo4.y, hi4.x, hi4.y};
            } else {
                v = *reinterpret_cast<const V4*>(a.q + row * D * 2 + 16 * c);
            }
        }
        *reinterpret_cast<V4*>(sQ + r * LD + 8 * c) = v;
    }
    __syncthreads();

    int kmin = 0x7fffffff;
    int kmax = -0x7fffffff;
    for (int i = 0; i < nq; i++) {
        kmin = min(kmin, sLo[i]);
        kmax = max(kmax, sHi[i]);
    }
    kmin = max(kmin, k0);
    kmax = min(kmax, k1);

    for (int tile0 = k0; tile0 < k1; tile0 += kTok) {
        const bool live = tile0 < kmax && tile0 + kTok > kmin;
        if (live) {
            // ---- the key tile: keys in [kmin, kmax) of this tile, zeros elsewhere ----
            if constexpr (FP8) {
                constexpr int WPK = D / 4;  // code words of a key
                for (int idx = tid; idx < kTok * WPK; idx += kThreads) {
                    const int n = idx / WPK;
                    const int w = idx % WPK;
                    const int key = tile0 + n;
                    uint32_t code = 0;
                    if (key >= kmin && key < kmax) {
                        const unsigned char* src;
                        if constexpr (PAGED) {
                            const long long page = a.table[(long long)seq * a.tableCols + key / a.pageSize];
                            const int slot = key % a.pageSize;
                            const unsigned char* block = a.k + page * a.pageSize * (long long)(D + 4);
                            src = block + (long long)slot * D;
                            if (w == 0) {
                                sScale[n] =
                                        *reinterpret_cast<const float*>(block + (long long)a.pageSize * D + 4 * slot);
                            }
                        } else {
                            src = a.k + (long long)key * D;
                            if (w == 0) {
                                sScale[n] = a.kScale[key];
                            }
                        }
                        code = *reinterpret_cast<const uint32_t*>(src + 4 * w);
                    } else if (w == 0) {
                        sScale[n] = 0.0f;
                    }
                    *reinterpret_cast<V2*>(sK + n * LD + 4 * w) = decode4(code);
                }
            } else {
                constexpr int CPK = D / 8;  // 16-byte chunks of a key
                for (int idx = tid; idx < kTok * CPK; idx += kThreads) {
                    const int n = idx / CPK;
                    const int c = idx % CPK;
                    const int key = tile0 + n;
                    V4 v{0, 0, 0, 0};
                    if (key >= kmin && key < kmax) {
                        long long row;
                        if constexpr (PAGED) {
                            const long long page = a.table[(long long)seq * a.tableCols + key / a.pageSize];
                            row = page * a.pageSize + key % a.pageSize;
                        } else {
                            row = key;
                        }
                        v = *reinterpret_cast<const V4*>(a.k + row * D * 2 + 16 * c);
                    }
                    *reinterpret_cast<V4*>(sK + n * LD + 8 * c) = v;
                    if (c == 0) {
                        sScale[n] = 1.0f;
                    }
                }
            }
            __syncthreads();  // K tile complete

            // ---- S = Q·Kᵀ for keys 16·warp..+15, every row tile; ReLU(S)·w into shared memory ----
            uint32_t bf[2][KS][2];
#pragma unroll
            for (int ni = 0; ni < 2; ni++) {
#pragma unroll
                for (int ks = 0; ks < KS; ks++) {
                    dz_frag_b_nk(sK + (16 * warp + 8 * ni) * LD + 16 * ks, LD, bf[ni][ks]);
                }
            }
#pragma unroll 1
            for (int mt = 0; mt < mtiles; mt++) {
                float acc[2][4];
#pragma unroll
                for (int ni = 0; ni < 2; ni++) {
#pragma unroll
                    for (int e = 0; e < 4; e++) {
                        acc[ni][e] = 0.0f;
                    }
                }
#pragma unroll
                for (int ks = 0; ks < KS; ks++) {
                    uint32_t af[4];
                    dz_frag_a(sQ + 16 * mt * LD + 16 * ks, LD, af);
                    dz_mma_bf16_16816(acc[0], af, bf[0][ks]);
                    dz_mma_bf16_16816(acc[1], af, bf[1][ks]);
                }
#pragma unroll
                for (int ni = 0; ni < 2; ni++) {
#pragma unroll
                    for (int hh = 0; hh < 2; hh++) {  // rows g and g + 8: columns 2t, 2t + 1 as one 8-byte store
                        const int r = 16 * mt + dz_c_row(2 * hh);
                        const int c = 16 * warp + 8 * ni + dz_c_col(0);
                        const float wr = r < M ? sW[r] : 0.0f;
                        *reinterpret_cast<F2*>(sS + r * kSld + c) =
                                F2{fmaxf(acc[ni][2 * hh], 0.0f) * wr, fmaxf(acc[ni][2 * hh + 1], 0.0f) * wr};
                    }
                }
            }
            __syncthreads();  // S complete
        }

        // ---- per (query, key): the sum over the heads, times the key's scale ----
        for (int o = tid; o < nq * kTok; o += kThreads) {
            const int j = o / kTok;
            const int n = o % kTok;
            const int key = tile0 + n;
            if (key >= k1) {
                continue;
            }
            const int lo = sLo[j];
            const long long col = (long long)key - lo;
            float* dst = a.out + (long long)(qBase + j) * a.outStride;
            if (live && key >= lo && key < sHi[j] && col < a.outCols) {
                const float* s = sS + (j * H) * kSld + n;
                float sum = 0.0f;
                for (int h = 0; h < H; h++) {
                    sum += s[h * kSld];
                }
                dst[col] = sum * sScale[n];
            } else if (a.fillInf && col >= 0 && col < a.outCols && !(key >= lo && key < sHi[j])) {
                dst[col] = neg_inf();
            }
        }
        if (live) {
            __syncthreads();  // the tile and S may be overwritten
        }
    }
}

}  // namespace

#define DZ_INDEXER_LOGITS(NAME, PAGED, FP8, D)                                                                    \
    extern "C" __global__ void __launch_bounds__(kThreads)                                                        \
        NAME(const unsigned char* q, const unsigned char* k, const float* kScale, const float* weights,          \
             const int* lo, const int* hi, const int* table, const int* items, float* out, long long outStride,  \
             int outCols, int heads, int pageSize, int tableCols, int fillInf) {                                 \
        const LogitsArgs a{q, k, kScale, weights, lo, hi, table, items, out, outStride, outCols, heads, pageSize, \
                           tableCols, fillInf};                                                                   \
        logits_body<PAGED, FP8, D>(a);                                                                            \
    }                                                                                                             \
    DZ_REGISTER_KERNEL(NAME)

DZ_INDEXER_LOGITS(dz_indexer_logits_paged_fp8_d32, true, true, 32)
DZ_INDEXER_LOGITS(dz_indexer_logits_paged_fp8_d64, true, true, 64)
DZ_INDEXER_LOGITS(dz_indexer_logits_paged_fp8_d128, true, true, 128)
DZ_INDEXER_LOGITS(dz_indexer_logits_paged_bf16_d32, true, false, 32)
DZ_INDEXER_LOGITS(dz_indexer_logits_paged_bf16_d64, true, false, 64)
DZ_INDEXER_LOGITS(dz_indexer_logits_paged_bf16_d128, true, false, 128)
DZ_INDEXER_LOGITS(dz_indexer_logits_flat_fp8_d32, false, true, 32)
DZ_INDEXER_LOGITS(dz_indexer_logits_flat_fp8_d64, false, true, 64)
DZ_INDEXER_LOGITS(dz_indexer_logits_flat_fp8_d128, false, true, 128)
DZ_INDEXER_LOGITS(dz_indexer_logits_flat_bf16_d32, false, false, 32)
DZ_INDEXER_LOGITS(dz_indexer_logits_flat_bf16_d64, false, false, 64)
DZ_INDEXER_LOGITS(dz_indexer_logits_flat_bf16_d128, false, false, 128)

namespace {

constexpr int kTopkThreads = 512;
constexpr int kBins = 2048;  // 11-bit digits: bits 31..21, then 20..10 (11 bits), then 9..0 (10 bits)
constexpr int kCap = 4096;   // candidates (tied with the threshold's first digit) held in shared memory

// The order-preserving image of an F32 value: larger value, larger unsigned key.
__device__ __forceinline__ uint32_t order_key(float v) {
    uint32_t u;
    memcpy(&u, &v, 4);
    return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

// Warp 0 finds, in hist[0..bins) (counts per digit), the digit d holding the `remaining`-th largest key: the
// largest d with Σ_{e >= d} hist[e] >= remaining; *digit = d, *above = Σ_{e > d} hist[e]. Lane l owns the bins
// bins-1-l·(bins/32) down to bins-(l+1)·(bins/32). Callers synchronize before and after.
__device__ __forceinline__ void find_digit(const int* hist, int bins, int remaining, int* digit, int* above) {
    if (threadIdx.x >= 32) {
        return;
    }
    const int lane = threadIdx.x;
    const int per = bins / 32;
    const int top = bins - 1 - per * lane;
    int s = 0;
    for (int i = 0; i < per; i++) {
        s += hist[top - i];
    }
    int incl = s;
    for (int off = 1; off < 32; off <<= 1) {
        const int v = __shfl_up_sync(0xffffffffu, incl, off);
        if (lane >= off) {
            incl += v;
        }
    }
    const int excl = incl - s;
    if (excl < remaining && incl >= remaining) {
        int c = excl;
        for (int i = 0; i < per; i++) {
            const int b = top - i;
            if (c + hist[b] >= remaining) {
                *digit = b;
                *above = c;
                break;
            }
            c += hist[b];
        }
    }
}

// The radix passes after the first digit, over `count` keys keyAt(i): each narrows (prefix, mask) to the digit
// holding the remaining-th largest key among those still tied with the prefix, and `remaining` to how many of
// those tied at the new prefix are still to take; stops once the threshold's bin is taken whole.
template <typename KeyAt>
__device__ __forceinline__ void refine(KeyAt keyAt, int count, int* hist, int* sDigit, int* sAbove, uint32_t& prefix,
                                       uint32_t& mask, int& remaining) {
    for (int pass = 0; pass < 2; pass++) {
        const int shift = pass == 0 ? 10 : 0;
        const int bins = pass == 0 ? 2048 : 1024;
        const uint32_t dmask = (uint32_t)bins - 1u;
        for (int b = threadIdx.x; b < bins; b += kTopkThreads) {
            hist[b] = 0;
        }
        __syncthreads();
        for (int i = threadIdx.x; i < count; i += kTopkThreads) {
            const uint32_t u = keyAt(i);
            if ((u & mask) == prefix) {
                atomicAdd(&hist[(u >> shift) & dmask], 1);
            }
        }
        __syncthreads();
        find_digit(hist, bins, remaining, sDigit, sAbove);
        __syncthreads();
        const int d = *sDigit;
        remaining -= *sAbove;
        prefix |= (uint32_t)d << shift;
        mask |= dmask << shift;
        const bool whole = hist[d] == remaining;
        __syncthreads();  // everyone has read hist, sDigit and sAbove
        if (whole) {
            return;
        }
    }
}

// Writes the keys above the prefix at dst[atomicAdd(cntAbove)] and the first `remaining` tied at it after the
// topk - remaining above ones. *cntAbove holds the keys already written above (the caller zeroes *cntEq).
template <typename KeyAt, typename IdxAt>
__device__ __forceinline__ void compact(KeyAt keyAt, IdxAt idxAt, int count, uint32_t prefix, uint32_t mask,
                                        int remaining, int topk, int* dst, int* cntAbove, int* cntEq) {
    for (int i = threadIdx.x; i < count; i += kTopkThreads) {
        const uint32_t m = keyAt(i) & mask;
        if (m > prefix) {
            dst[atomicAdd(cntAbove, 1)] = idxAt(i);
        } else if (m == prefix) {
            const int e = atomicAdd(cntEq, 1);
            if (e < remaining) {
                dst[topk - remaining + e] = idxAt(i);
            }
        }
    }
}

}  // namespace

// Top-k of each row of F32 logits [rows, stride]: grid (rows), 512 threads. mode 0 (paged): row length
// hi[row], indices = columns; mode 1 (flat): length hi[row] - lo[row], indices = lo[row] + column. Lengths are
// clamped to [0, width]. out [rows, topk] I32: min(topk, n) distinct indices of the largest values, then -1.
//
// Radix select on the order-preserving 32-bit keys, digits of 11, 11 and 10 bits from the top. Pass 1 (global):
// histogram of the first digit, the threshold's digit d. If its bin is taken whole, one compaction pass (global).
// Else, when the bin holds at most kCap keys, pass 2 (global) writes the keys above d to the output and gathers
// the bin's keys into shared memory, and the remaining digits and the compaction run on those candidates; with
// more (many equal values), the remaining digits and the compaction run over global memory. Two reads of the row
// in the usual case, at most four.
extern "C" __global__ void __launch_bounds__(kTopkThreads, 1)
dz_indexer_topk(const float* logits, long long stride, int width, const int* lo, const int* hi, int mode, int* out,
                int topk) {
    __shared__ int hist[kBins];
    __shared__ uint32_t candKey[kCap];
    __shared__ int candIdx[kCap];
    __shared__ int sDigit;
    __shared__ int sAbove;
    __shared__ int cntAbove;
    __shared__ int cntEq;
    __shared__ int nCand;

    const long long row = blockIdx.x;
    const int tid = threadIdx.x;
    const int base = mode == 1 ? lo[row] : 0;
    int n = mode == 1 ? hi[row] - lo[row] : hi[row];
    n = max(0, min(n, width));
    const float* x = logits + row * stride;
    int* dst = out + row * (long long)topk;

    if (n <= topk) {
        for (int c = tid; c < topk; c += kTopkThreads) {
            dst[c] = c < n ? base + c : -1;
        }
        return;
    }

    // ---- pass 1: the first digit (bits 31..21) ----
    for (int b = tid; b < kBins; b += kTopkThreads) {
        hist[b] = 0;
    }
    if (tid == 0) {
        cntAbove = 0;
        cntEq = 0;
        nCand = 0;
    }
    __syncthreads();
    for (int c = tid; c < n; c += kTopkThreads) {
        atomicAdd(&hist[order_key(x[c]) >> 21], 1);
    }
    __syncthreads();
    find_digit(hist, kBins, topk, &sDigit, &sAbove);
    __syncthreads();
    const int d = sDigit;
    int remaining = topk - sAbove;
    uint32_t prefix = (uint32_t)d << 21;
    uint32_t mask = 0xffe00000u;
    const int tied = hist[d];
    __syncthreads();  // everyone has read hist, sDigit and sAbove

    auto globalKey = [&](int c) { return order_key(x[c]); };
    auto globalIdx = [&](int c) { return base + c; };
    if (tied == remaining || tied > kCap) {
        // ---- the bin taken whole, or too many candidates: the rest over global memory ----
        if (tied != remaining) {
            refine(globalKey, n, hist, &sDigit, &sAbove, prefix, mask, remaining);
        }
        compact(globalKey, globalIdx, n, prefix, mask, remaining, topk, dst, &cntAbove, &cntEq);
        return;
    }

    // ---- pass 2: keys above the first digit to the output, the bin's keys to shared memory ----
    for (int c = tid; c < n; c += kTopkThreads) {
        const uint32_t u = order_key(x[c]);
        const uint32_t m = u & mask;
        if (m > prefix) {
            dst[atomicAdd(&cntAbove, 1)] = base + c;
        } else if (m == prefix) {
            const int p = atomicAdd(&nCand, 1);
            candKey[p] = u;
            candIdx[p] = c;
        }
    }
    __syncthreads();
    const int count = nCand;
    auto candKeyAt = [&](int i) { return candKey[i]; };
    auto candIdxAt = [&](int i) { return base + candIdx[i]; };
    refine(candKeyAt, count, hist, &sDigit, &sAbove, prefix, mask, remaining);
    compact(candKeyAt, candIdxAt, count, prefix, mask, remaining, topk, dst, &cntAbove, &cntEq);
}
DZ_REGISTER_KERNEL(dz_indexer_topk)
