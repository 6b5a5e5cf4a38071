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
//
// The body (shared memory, Q·Kᵀ, softmax, P·V, the split-KV partials and their merge) is mla_body.cuh, shared with
// sharedkv_decode.cu; this file holds the MLA loader (a block table or an index set over one cache) and the
// kernels.
#include "mla_body.cuh"

namespace {

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

    __device__ __forceinline__ void begin(const Args& a, const int* item) {
        len = SPARSE ? 0 : a.seqLens[item[2]];
    }

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


}  // namespace


#define DZ_MLA_KERNEL(NAME, SPARSE, FP8, STAGES)                                                                   \
    extern "C" __global__ void __launch_bounds__(kThreads, 1)                                                     \
        NAME(const __nv_bfloat16* q, const unsigned char* kv, const int* table, const int* seqLens,              \
             __nv_bfloat16* out, const int* items, float* partO, float* partMl, int sq, int hq, int dk, int dv,  \
             int pageSize, int tableCols, int causal, long long slots, float scaleLog2) {                        \
        const Args a{q, kv, table, seqLens, out, items, partO, partMl, sq, hq, dk, dv, pageSize, tableCols,      \
                     causal, slots, scaleLog2};                                                                  \
        Loader<SPARSE, FP8> loader;                                                                              \
        mla_body<SPARSE, STAGES>(a, loader);                                                                     \
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

// Merges the split-KV partial rows (combine_row, mla_body.cuh). Grid (groups, 64), 128 threads.
extern "C" __global__ void __launch_bounds__(128)
dz_mla_combine(const int* groups, const float* partO, const float* partMl, __nv_bfloat16* out, int dv) {
    combine_row(groups, partO, partMl, out, dv, nullptr, nullptr, 1, 1);
}
DZ_REGISTER_KERNEL(dz_mla_combine)
