// Dayzero CUDA backend: DeepSeek-V4's sparse shared-KV decode (AttentionSpec.SparseSharedKvDecode: FlashMLA's
// flash_mla_with_kvcache with indices, extra_k_cache, topk_length / extra_topk_length and attn_sink) on the MLA
// decode body (mla_body.cuh: 64 query rows a block on mma.sync tensor cores, 64-token KV tiles in shared memory, online
// softmax in F32, split-KV partials merged by a combine kernel). What this file adds is the loader: which tokens
// a tile holds and how a token of each cache format becomes the rule's BF16 values in shared memory.
//
// Tensors (row-major): q [B, Sq, H, D] BF16 (D = 512 MODEL1 / BF16, 576 V32 / BF16); a main and an optional extra
// cache, each with indices [B·Sq, topk] I32 (flat slots page · pageSize + t; -1 unused), lengths [B] I32 (only the
// leftmost lengths[b] entries of a row are read) and its own page size and page bytes; sink [H] F32 or null;
// out [B, Sq, H, 512] BF16; lse [B, H, Sq] F32 (natural log) or null. The value is the first 512 columns of the
// token: all of a 512-wide MODEL1 token (RoPE dims 448..511 included), the latent part of a 576-wide V32 one.
//
// Work items (SharedKvDecodeOp / MlaPlan): up to 64 heads of one query against a range of the query's tiles, main
// tiles first: item[7] holds the unit's main tiles ceil(lengths_main[b] / 64); tile i < item[7] covers main positions
// 64i.., tile i ≥ item[7] extra positions 64(i − item[7]).. . A position p of a cache is a token iff p < lengths[b]
// (read here from the lengths tensor), its entry is not -1 and below the cache's slots; positions past the length are
// never read. Rows with no token write out 0 and lse +inf (the sink does not apply).
//
// Cache formats (SharedKvFormat), each dequantized while copying a tile, as FlashMLA's decode does:
//   BF16: D BF16 values at page · pageBytes + t · 2D.
//   FP8_V32 (656 B a token, token-interleaved): 512 E4M3 codes, 4 F32 scales (one per 128), 64 BF16 RoPE values;
//     value = bf16(decode(code) · bf16(scale)) (KvCacheType.FP8_FLASHMLA's rule, the MLA kernel's).
//   FP8_MODEL1 (584 B a token, block-interleaved): data row at page · pageBytes + t · 576 = 448 E4M3 codes + 64 BF16
//     RoPE values; scale row at page · pageBytes + pageSize · 576 + t · 8 = 7 UE8M0 scales (one per 64 values, 2^(e −
//     127)) + a pad byte never read; value = bf16(decode(code) · 2^(e − 127)) (the same rule: a power-of-two scale is
//     its own BF16, and the F32 product is exact).
#include "mla_body.cuh"

namespace {

constexpr int kFmtBf16 = 0;
constexpr int kFmtV32 = 1;
constexpr int kFmtModel1 = 2;

// One cache and its index set.
struct SkvCache {
    const unsigned char* kv;
    const int* idx;       // [B·Sq, topk]
    const int* len;       // [B]; null: no such cache
    int topk;
    int pageSize;
    long long pageBytes;  // bytes of a page (MODEL1: ceil(B·584 / 576) · 576)
    long long slots;      // pages · pageSize
};

// UE8M0 code e as an F32: 2^(e − 127) (e = 0: the subnormal 2^-127), NaN for 255 (hal-api Ue8m0.decode).
__device__ __forceinline__ float ue8m0_float(uint32_t e) {
    return bits_float(e == 255u ? 0x7fc00000u : e == 0u ? 0x00400000u : e << 23);
}

// The copy of half a tile (32 tokens, 8 threads a token) for mla_body. Units: BF16 32 bytes (16 values; thread `sub`
// takes units sub, sub + 8, ...); FP8 16 bytes (16 codes, or 8 RoPE values): code units 0..31 (V32) / 0..27 (MODEL1),
// then the 8 RoPE units. Every thread of a token loads the token's scales itself (16 bytes V32, 8 bytes MODEL1), so
// commit() needs no exchange between threads.
template <int FMT>
struct SkvLoader {
    static constexpr int kCodeUnits = FMT == kFmtV32 ? 32 : 28;
    static constexpr int kUnits = FMT == kFmtBf16 ? 36 : kCodeUnits + 8;
    static constexpr int kWords = FMT == kFmtBf16 ? 8 : 4;
    static constexpr int kSlots = (kUnits + 7) / 8;
    static constexpr int kRopeBlock = FMT == kFmtV32 ? 32 : 28;   // first 16-column block of the RoPE values
    static constexpr int kDataBytes = FMT == kFmtV32 ? 656 : 576;  // FP8: bytes from one token's data to the next
    static constexpr int kRopeByte = FMT == kFmtV32 ? 528 : 448;   // FP8: the RoPE values within the data row
    static constexpr int kScaleWords = FMT == kFmtV32 ? 4 : 2;
    static_assert(kRopeBlock % 2 == 0 && kRopeByte % 16 == 0 && kDataBytes % 16 == 0, "whole 16-byte units");

    const SkvCache& mc;
    const SkvCache& xc;
    uint32_t reg[kSlots][kWords];
    uint32_t sc[kScaleWords];
    int key;       // 0 for a token, kNoKey for none
    int lenMain;   // lengths of this item's sequence, read once
    int lenExtra;

    __device__ __forceinline__ SkvLoader(const SkvCache& m, const SkvCache& x) : mc(m), xc(x) {}

    __device__ __forceinline__ void begin(const Args&, const int* item) {
        lenMain = mc.len[item[2]];
        lenExtra = xc.len != nullptr ? xc.len[item[2]] : 0;
    }

    __device__ __forceinline__ void issue(const Args& a, const int* item, int tile, int half) {
        const int mainTiles = item[7];
        const bool extra = tile >= mainTiles;
        const int local = (extra ? tile - mainTiles : tile) * kTok + 32 * half + (threadIdx.x >> 3);
        const int sub = threadIdx.x & 7;
        const int n = extra ? lenExtra : lenMain;
        const int topk = extra ? xc.topk : mc.topk;
        const int* idx = extra ? xc.idx : mc.idx;
        const int slot = local < n ? idx[(long long)item[3] * topk + local] : -1;
        const unsigned char* row = nullptr;
        const unsigned char* scales = nullptr;
        key = kNoKey;
        if (slot >= 0 && slot < (extra ? xc.slots : mc.slots)) {
            key = 0;
            const int pageSize = extra ? xc.pageSize : mc.pageSize;
            const int page = slot / pageSize;
            const int t = slot - page * pageSize;
            const unsigned char* base = (extra ? xc.kv : mc.kv) + (long long)page * (extra ? xc.pageBytes : mc.pageBytes);
            if constexpr (FMT == kFmtBf16) {
                row = base + (long long)t * a.dk * 2;
            } else {
                row = base + (long long)t * kDataBytes;
                scales = FMT == kFmtV32 ? row + 512 : base + (long long)pageSize * 576 + 8 * t;
            }
        }
        const int units = FMT == kFmtBf16 ? a.dk / 16 : kUnits;
#pragma unroll
        for (int k = 0; k < kSlots; k++) {
            const int u = sub + 8 * k;
            const bool live = u < units && row != nullptr;
            if constexpr (FMT == kFmtBf16) {
                V4 v0{0, 0, 0, 0};
                V4 v1{0, 0, 0, 0};
                if (live) {
                    const V4* p = reinterpret_cast<const V4*>(row + 32 * u);
                    v0 = p[0];
                    v1 = p[1];
                }
                reg[k][0] = v0.x; reg[k][1] = v0.y; reg[k][2] = v0.z; reg[k][3] = v0.w;
                reg[k][4] = v1.x; reg[k][5] = v1.y; reg[k][6] = v1.z; reg[k][7] = v1.w;
            } else {
                V4 v{0, 0, 0, 0};
                if (live) {
                    v = *reinterpret_cast<const V4*>(row + (u < kCodeUnits ? 16 * u : kRopeByte + 16 * (u - kCodeUnits)));
                }
                reg[k][0] = v.x; reg[k][1] = v.y; reg[k][2] = v.z; reg[k][3] = v.w;
            }
        }
        if constexpr (FMT == kFmtV32) {
            V4 s{0, 0, 0, 0};
            if (row != nullptr) {
                s = *reinterpret_cast<const V4*>(scales);
            }
            sc[0] = s.x; sc[1] = s.y; sc[2] = s.z; sc[3] = s.w;
        } else if constexpr (FMT == kFmtModel1) {
            V2 s{0, 0};
            if (row != nullptr) {
                s = *reinterpret_cast<const V2*>(scales);
            }
            sc[0] = s.x; sc[1] = s.y;
        }
    }

    __device__ __forceinline__ void commit(const Args& a, unsigned char* tile, int* keys, int half) {
        const int row = 32 * half + (threadIdx.x >> 3);
        const int sub = threadIdx.x & 7;
        if (sub == 0) {
            keys[row] = key;
        }
        const int units = FMT == kFmtBf16 ? a.dk / 16 : kUnits;
#pragma unroll
        for (int k = 0; k < kSlots; k++) {
            const int u = sub + 8 * k;
            if (u >= units) {
                continue;
            }
            if constexpr (FMT == kFmtBf16) {
                store_block(tile, row, u, reg[k], sub >= 4);
            } else if (u < kCodeUnits) {  // 16 codes of block u -> the rule's BF16 values
                float s;
                if constexpr (FMT == kFmtV32) {
                    s = bf16_round(bits_float(sc[k]));  // group u / 8 = k (sub < 8)
                } else {
                    const int j = u >> 2;  // 64-value tile
                    s = ue8m0_float((((j >> 2) ? sc[1] : sc[0]) >> (8 * (j & 3))) & 0xffu);
                }
                uint32_t l[8];
#pragma unroll
                for (int w = 0; w < 4; w++) {
                    const uint32_t c = reg[k][w];
                    l[2 * w] = fp8_rule_pair(c, s);
                    l[2 * w + 1] = fp8_rule_pair(c >> 16, s);
                }
                store_block(tile, row, u, l, sub >= 4);
            } else {  // 8 RoPE values: half h of block kRopeBlock + r / 2, logical words 4h..4h+3 -> physical 2w + h
                const int r = u - kCodeUnits;
                const int blk = kRopeBlock + (r >> 1);
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

}  // namespace

#define DZ_SKV_KERNEL(NAME, FMT, STAGES)                                                                            \
    extern "C" __global__ void __launch_bounds__(kThreads, 1)                                                      \
        NAME(const __nv_bfloat16* q, __nv_bfloat16* out, float* lse, const float* sink, const int* items,         \
             float* partO, float* partMl, const unsigned char* kv, const int* idx, const int* len, int topk,      \
             int pageSize, long long pageBytes, long long slots, const unsigned char* xkv, const int* xidx,       \
             const int* xlen, int xtopk, int xpageSize, long long xpageBytes, long long xslots, int sq, int hq,    \
             int dk, float scaleLog2) {                                                                            \
        Args a{};                                                                                                  \
        a.q = q;                                                                                                   \
        a.out = out;                                                                                               \
        a.items = items;                                                                                           \
        a.partO = partO;                                                                                           \
        a.partMl = partMl;                                                                                         \
        a.sq = sq;                                                                                                 \
        a.hq = hq;                                                                                                 \
        a.dk = dk;                                                                                                 \
        a.dv = kDv;                                                                                                \
        a.scaleLog2 = scaleLog2;                                                                                   \
        a.lse = lse;                                                                                               \
        a.sink = sink;                                                                                             \
        const SkvCache mc{kv, idx, len, topk, pageSize, pageBytes, slots};                                         \
        const SkvCache xc{xkv, xidx, xlen, xtopk, xpageSize, xpageBytes, xslots};                                  \
        SkvLoader<FMT> loader(mc, xc);                                                                             \
        mla_body<true, STAGES>(a, loader);                                                                         \
    }                                                                                                              \
    DZ_REGISTER_KERNEL(NAME)

DZ_SKV_KERNEL(dz_skv_bf16_s2, kFmtBf16, 2)
DZ_SKV_KERNEL(dz_skv_fp8_v32_s2, kFmtV32, 2)
DZ_SKV_KERNEL(dz_skv_fp8_model1_s2, kFmtModel1, 2)
DZ_SKV_KERNEL(dz_skv_bf16_s1, kFmtBf16, 1)
DZ_SKV_KERNEL(dz_skv_fp8_v32_s1, kFmtV32, 1)
DZ_SKV_KERNEL(dz_skv_fp8_model1_s1, kFmtModel1, 1)

// Merges the split-KV partial rows with lse and the sink (combine_row, mla_body.cuh). Grid (groups, 64), 128 threads.
extern "C" __global__ void __launch_bounds__(128)
dz_skv_combine(const int* groups, const float* partO, const float* partMl, __nv_bfloat16* out, float* lse,
               const float* sink, int hq, int sq) {
    combine_row(groups, partO, partMl, out, kDv, lse, sink, hq, sq);
}
DZ_REGISTER_KERNEL(dz_skv_combine)
