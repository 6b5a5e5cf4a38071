// Dayzero CUDA backend: FP8 E4M3FN / E5M2 and INT8 quantization, one thread block per scaling unit.
//
// The recipe is QuantizeSpec's (hal-api dev.dayzero.hal.op.QuantizeSpec), exactly, in F32:
//   amax  = max |x| over the unit, floored at 1e-4
//   scale = amax / fmax                (IEEE F32 division; this file must not be built with fast math)
//   UE8M0: scale = 2^ceil(log2(scale)) from the bits of the F32 quotient; stored as its biased exponent
//   code  = encode(x / scale)          (IEEE F32 division, RNE, saturate to the finite max)
// fp8_encode below is hal-api's Fp8.encode transcribed operation for operation, so the codes match it bit
// for bit (the conformance kit checks that on a GPU).
//
// Tensor layouts (row-major): x [M,K] (BF16 or F32); q [M,K] one byte per code; scale [ceil(M/bm), ceil(K/bk)]
// of F32 or UE8M0 bytes. Kernels dz_quantize_*: one block per scaling unit, blockIdx.x = unitRow * scaleCols +
// unitCol (any unit shape). Kernels dz_quantize_*_rows: units one row high and a multiple of 128 wide up to 2048,
// one warp per unit, DZ_THREADS / 32 units a block (quantize_rows_warp). Kernels dz_quantize_*_rowblock: other
// units one row high, a multiple of 4 wide up to 8192, tiling K: one block per unit, one pass (quantize_row_block).
// Per-tensor on large tensors: dz_quantize_amax_<in> then dz_quantize_*_tensor over a grid (quantize_tensor).
#include "dz_common.cuh"
#include <cuda_bf16.h>
#include <stdint.h>
#include <string.h>

#define DZ_THREADS 256

namespace {

// Bit casts and exact F32 multiply usable on the host too, so that src/test/cuda/encode_host.cu can check the
// encoders against hal-api's Java codecs without a GPU.
__host__ __device__ __forceinline__ uint32_t dz_bits(float f) {
#ifdef __CUDA_ARCH__
    return __float_as_uint(f);
#else
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
#endif
}
__host__ __device__ __forceinline__ float dz_float(uint32_t u) {
#ifdef __CUDA_ARCH__
    return __uint_as_float(u);
#else
    float f;
    memcpy(&f, &u, 4);
    return f;
#endif
}
__host__ __device__ __forceinline__ float dz_mul_rn(float a, float b) {
#ifdef __CUDA_ARCH__
    return __fmul_rn(a, b);
#else
    return a * b;
#endif
}
__host__ __device__ __forceinline__ int dz_clz(uint32_t u) {
#ifdef __CUDA_ARCH__
    return __clz((int)u);
#else
    return __builtin_clz(u);
#endif
}

__device__ __forceinline__ float load_x(const __nv_bfloat16* x, long long i) { return __bfloat162float(x[i]); }
__device__ __forceinline__ float load_x(const float* x, long long i) { return x[i]; }

// hal-api Fp8.Format.encode: bias, mantissa bits, largest finite code, NaN code.
template <int BIAS, int MBITS, int MAXCODE, int NANCODE>
__host__ __device__ __forceinline__ uint8_t fp8_encode(float value) {
    uint32_t bits = dz_bits(value);
    uint32_t sign = (bits >> 24) & 0x80u;
    uint32_t abs = bits & 0x7fffffffu;
    if (abs > 0x7f800000u) {
        return (uint8_t)(sign | NANCODE);
    }
    float magnitude = dz_float(abs);
    const float smallestNormal = dz_float((uint32_t)(127 + 1 - BIAS) << 23);  // 2^(1-bias)
    int code;
    if (magnitude < smallestNormal) {
        // a multiple of the smallest subnormal, rounded half to even; scaling by 2^(bias-1+m) is exact
        const float up = dz_float((uint32_t)(127 + BIAS - 1 + MBITS) << 23);
        code = (int)rintf(dz_mul_rn(magnitude, up));
    } else {
        const int shift = 23 - MBITS;
        uint64_t lsb = (abs >> shift) & 1u;
        uint64_t rounded = ((uint64_t)abs + (1u << (shift - 1)) - 1u + lsb) >> shift;
        code = (int)((long long)rounded - ((long long)(127 - BIAS) << MBITS));
    }
    if (code > MAXCODE) {
        code = MAXCODE;  // saturate, infinities included
    }
    return (uint8_t)(sign | (uint32_t)code);
}

struct E4M3 {
    static constexpr float FMAX = 448.0f;
    __host__ __device__ static uint8_t encode(float q) { return fp8_encode<7, 3, 0x7e, 0x7f>(q); }
};
struct E5M2 {
    static constexpr float FMAX = 57344.0f;
    __host__ __device__ static uint8_t encode(float q) { return fp8_encode<15, 2, 0x7b, 0x7e>(q); }
};
struct I8 {
    static constexpr float FMAX = 127.0f;
    // QuantizeSpec.encode for INT8: clamp(rint(q), -127, 127); NaN is outside the spec
    __host__ __device__ static uint8_t encode(float q) {
        float r = fminf(fmaxf(rintf(q), -127.0f), 127.0f);
        return (uint8_t)(int8_t)(int)r;
    }
};

// Ue8m0.ceilPowerOfTwo: the smallest power of two not below v (positive, finite), exactly from the bits.
__host__ __device__ __forceinline__ float ceil_pow2(float v) {
    uint32_t bits = dz_bits(v);
    uint32_t e = bits >> 23;
    uint32_t mant = bits & 0x7fffffu;
    if (mant == 0) {
        return v;
    }
    if (e != 0) {
        return dz_float((e + 1) << 23);
    }
    int p = 31 - dz_clz(mant);  // subnormal: highest set bit
    if ((mant & (mant - 1)) == 0) {
        return v;
    }
    return p + 1 >= 23 ? dz_float(0x00800000u) : dz_float(1u << (p + 1));
}

// Ue8m0.encode of a power of two: its exponent + 127.
__host__ __device__ __forceinline__ uint8_t ue8m0_code(float pow2) {
    uint32_t bits = dz_bits(pow2);
    uint32_t e = bits >> 23;
    if (e != 0) {
        return (uint8_t)e;
    }
    return 0;  // 2^-127 (0x00400000) is code 0; smaller values are not representable and not reachable
}

__device__ __forceinline__ float block_max(float v, float* shared) {
    for (int off = 16; off > 0; off >>= 1) {
        v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, off));
    }
    int warp = threadIdx.x >> 5;
    int lane = threadIdx.x & 31;
    if (lane == 0) {
        shared[warp] = v;
    }
    __syncthreads();
    if (warp == 0) {
        v = lane < (int)(blockDim.x >> 5) ? shared[lane] : 0.0f;
        for (int off = 16; off > 0; off >>= 1) {
            v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, off));
        }
        if (lane == 0) {
            shared[0] = v;
        }
    }
    __syncthreads();
    return shared[0];
}

// The recipe's scale of a unit from its amax; the thread with `write` stores it (F32, or the UE8M0 byte) at `unit`.
template <typename Fmt, bool UE8M0>
__device__ __forceinline__ float unit_scale(float amax, void* __restrict__ scaleOut, long long unit, bool write) {
    float scale = __fdiv_rn(fmaxf(amax, 1e-4f), Fmt::FMAX);
    if (UE8M0) {
        scale = ceil_pow2(scale);
    }
    if (write) {
        if (UE8M0) {
            ((uint8_t*)scaleOut)[unit] = ue8m0_code(scale);
        } else {
            ((float*)scaleOut)[unit] = scale;
        }
    }
    return scale;
}

// Four codes of v / scale in one little-endian word (the first value in the low byte).
template <typename Fmt>
__device__ __forceinline__ uint32_t encode4(const float (&v)[4], float scale) {
    uint32_t word = 0;
    for (int i = 0; i < 4; i++) {
        word |= (uint32_t)Fmt::encode(__fdiv_rn(v[i], scale)) << (8 * i);
    }
    return word;
}

template <typename In, typename Fmt, bool UE8M0>
__device__ void quantize_unit(const In* __restrict__ x, uint8_t* __restrict__ q, void* __restrict__ scaleOut,
                              int m, int k, int bm, int bk, int scaleCols) {
    __shared__ float shared[32];
    const long long unit = blockIdx.x;
    const int ur = (int)(unit / scaleCols);
    const int uc = (int)(unit % scaleCols);
    const int r0 = ur * bm, r1 = min(m, r0 + bm);
    const int c0 = uc * bk, c1 = min(k, c0 + bk);

    float amax = 0.0f;
    for (int r = r0; r < r1; r++) {
        const long long row = (long long)r * k;
        for (int c = c0 + threadIdx.x; c < c1; c += blockDim.x) {
            amax = fmaxf(amax, fabsf(load_x(x, row + c)));
        }
    }
    amax = block_max(amax, shared);
    const float scale = unit_scale<Fmt, UE8M0>(amax, scaleOut, unit, threadIdx.x == 0);
    for (int r = r0; r < r1; r++) {
        const long long row = (long long)r * k;
        for (int c = c0 + threadIdx.x; c < c1; c += blockDim.x) {
            q[row + c] = Fmt::encode(__fdiv_rn(load_x(x, row + c), scale));
        }
    }
}

// Fast path for units one row high and a multiple of 128 wide, up to 2048 (1x128 activation groups, per-token rows
// up to K = 2048): one warp per unit, DZ_THREADS / 32 units a block. Each lane loads 4 consecutive values per 128
// (8-byte BF16 or 16-byte F32 loads, a warp reads 256 or 512 contiguous bytes at a time), keeps them in registers,
// the warp reduces amax with shuffles, and the lane encodes its values and stores them as one 32-bit word per 128:
// a single pass over global memory, fully coalesced. Same recipe, same codes as quantize_unit.
template <typename In>
__device__ __forceinline__ void load4(const In* p, float (&v)[4]);
template <>
__device__ __forceinline__ void load4<__nv_bfloat16>(const __nv_bfloat16* p, float (&v)[4]) {
    const uint2 raw = *reinterpret_cast<const uint2*>(p);
    const __nv_bfloat16* h = reinterpret_cast<const __nv_bfloat16*>(&raw);
    for (int i = 0; i < 4; i++) {
        v[i] = __bfloat162float(h[i]);
    }
}
template <>
__device__ __forceinline__ void load4<float>(const float* p, float (&v)[4]) {
    const float4 raw = *reinterpret_cast<const float4*>(p);
    v[0] = raw.x;
    v[1] = raw.y;
    v[2] = raw.z;
    v[3] = raw.w;
}

#define DZ_ROW_MAX_CHUNKS 16  // 16 x 128 = 2048 values a unit at most

template <typename In, typename Fmt, bool UE8M0>
__device__ void quantize_rows_warp(const In* __restrict__ x, uint8_t* __restrict__ q, void* __restrict__ scaleOut,
                                   int m, int k, int bk, int scaleCols) {
    const int lane = threadIdx.x & 31;
    const long long unit = (long long)blockIdx.x * (DZ_THREADS / 32) + (threadIdx.x >> 5);
    const long long units = (long long)m * scaleCols;
    if (unit >= units) {
        return;  // whole warps leave together: no shuffle below misses a lane
    }
    const int r = (int)(unit / scaleCols);
    const int uc = (int)(unit % scaleCols);
    const long long base = (long long)r * k + (long long)uc * bk + 4 * lane;
    const int chunks = bk / 128;
    float v[DZ_ROW_MAX_CHUNKS][4];
    float amax = 0.0f;
#pragma unroll
    for (int c = 0; c < DZ_ROW_MAX_CHUNKS; c++) {
        if (c < chunks) {
            load4(x + base + 128 * c, v[c]);
            for (int i = 0; i < 4; i++) {
                amax = fmaxf(amax, fabsf(v[c][i]));
            }
        }
    }
    for (int off = 16; off > 0; off >>= 1) {
        amax = fmaxf(amax, __shfl_xor_sync(0xffffffffu, amax, off));
    }
    const float scale = unit_scale<Fmt, UE8M0>(amax, scaleOut, unit, lane == 0);
#pragma unroll
    for (int c = 0; c < DZ_ROW_MAX_CHUNKS; c++) {
        if (c < chunks) {
            const uint32_t word = encode4<Fmt>(v[c], scale);
            *reinterpret_cast<uint32_t*>(q + base + 128 * c) = word;
        }
    }
}

// Units one row high, a multiple of 4 wide up to 8192 and tiling K, that the warp path does not take (per-token rows
// of K = 7168, or widths not a multiple of 128): one block per unit, each thread loads 4 consecutive values per
// pass of DZ_THREADS * 4 (8- or 16-byte loads), keeps them in registers, block-reduces amax, then encodes from the
// registers: one coalesced pass instead of quantize_unit's two scalar ones.
#define DZ_ROWBLOCK_MAX_PASSES 8  // 8 x 1024 = 8192 values a unit at most

template <typename In, typename Fmt, bool UE8M0>
__device__ void quantize_row_block(const In* __restrict__ x, uint8_t* __restrict__ q, void* __restrict__ scaleOut,
                                   int k, int bk, int scaleCols) {
    __shared__ float shared[32];
    const long long unit = blockIdx.x;
    const int r = (int)(unit / scaleCols);
    const int uc = (int)(unit % scaleCols);
    const long long base = (long long)r * k + (long long)uc * bk;
    float v[DZ_ROWBLOCK_MAX_PASSES][4];
    float amax = 0.0f;
#pragma unroll
    for (int p = 0; p < DZ_ROWBLOCK_MAX_PASSES; p++) {
        const int c = p * DZ_THREADS * 4 + 4 * threadIdx.x;
        if (c < bk) {
            load4(x + base + c, v[p]);
            for (int i = 0; i < 4; i++) {
                amax = fmaxf(amax, fabsf(v[p][i]));
            }
        }
    }
    amax = block_max(amax, shared);
    const float scale = unit_scale<Fmt, UE8M0>(amax, scaleOut, unit, threadIdx.x == 0);
#pragma unroll
    for (int p = 0; p < DZ_ROWBLOCK_MAX_PASSES; p++) {
        const int c = p * DZ_THREADS * 4 + 4 * threadIdx.x;
        if (c < bk) {
            const uint32_t word = encode4<Fmt>(v[p], scale);
            *reinterpret_cast<uint32_t*>(q + base + c) = word;
        }
    }
}

// One scaling unit covering the whole tensor (per-tensor), large tensors: two kernels over a grid instead of one
// block. quantize_amax: grid-stride max |x| (4-value vector loads), block-reduced, then atomicMax on the F32 bits
// (non-negative floats order like their bits) into a 4-byte workspace the launch zeroes first. quantize_tensor:
// every block derives the same scale from that amax (the same recipe), encodes its grid-stride share, block 0
// writes the scale. n = m * k values, x and q contiguous.
template <typename In>
__device__ void quantize_amax(const In* __restrict__ x, long long n, unsigned* __restrict__ amaxBits) {
    __shared__ float shared[32];
    const long long stride = (long long)gridDim.x * blockDim.x;
    const long long first = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    const long long n4 = n / 4;
    float amax = 0.0f;
    for (long long i = first; i < n4; i += stride) {
        float v[4];
        load4(x + 4 * i, v);
        for (int j = 0; j < 4; j++) {
            amax = fmaxf(amax, fabsf(v[j]));
        }
    }
    for (long long i = 4 * n4 + first; i < n; i += stride) {
        amax = fmaxf(amax, fabsf(load_x(x, i)));
    }
    amax = block_max(amax, shared);
    if (threadIdx.x == 0) {
        atomicMax(amaxBits, dz_bits(amax));
    }
}

template <typename In, typename Fmt, bool UE8M0>
__device__ void quantize_tensor(const In* __restrict__ x, uint8_t* __restrict__ q, void* __restrict__ scaleOut,
                                long long n, const unsigned* __restrict__ amaxBits) {
    const float amax = dz_float(*amaxBits);
    const float scale = unit_scale<Fmt, UE8M0>(amax, scaleOut, 0, blockIdx.x == 0 && threadIdx.x == 0);
    const long long stride = (long long)gridDim.x * blockDim.x;
    const long long first = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    const long long n4 = n / 4;
    for (long long i = first; i < n4; i += stride) {
        float v[4];
        load4(x + 4 * i, v);
        const uint32_t word = encode4<Fmt>(v, scale);
        *reinterpret_cast<uint32_t*>(q + 4 * i) = word;
    }
    for (long long i = 4 * n4 + first; i < n; i += stride) {
        q[i] = Fmt::encode(__fdiv_rn(load_x(x, i), scale));
    }
}

}  // namespace

extern "C" __global__ void __launch_bounds__(DZ_THREADS)
dz_quantize_amax_bf16(const __nv_bfloat16* x, long long n, unsigned* amaxBits) {
    quantize_amax(x, n, amaxBits);
}
DZ_REGISTER_KERNEL(dz_quantize_amax_bf16)

extern "C" __global__ void __launch_bounds__(DZ_THREADS)
dz_quantize_amax_f32(const float* x, long long n, unsigned* amaxBits) {
    quantize_amax(x, n, amaxBits);
}
DZ_REGISTER_KERNEL(dz_quantize_amax_f32)

#define DZ_QUANTIZE(NAME, IN, FMT, UE)                                                                    \
    extern "C" __global__ void __launch_bounds__(DZ_THREADS)                                              \
    NAME(const IN* x, uint8_t* q, void* scale, int m, int k, int bm, int bk, int scaleCols) {             \
        quantize_unit<IN, FMT, UE>(x, q, scale, m, k, bm, bk, scaleCols);                                 \
    }                                                                                                     \
    DZ_REGISTER_KERNEL(NAME)                                                                              \
    extern "C" __global__ void __launch_bounds__(DZ_THREADS)                                              \
    NAME##_rows(const IN* x, uint8_t* q, void* scale, int m, int k, int bm, int bk, int scaleCols) {      \
        quantize_rows_warp<IN, FMT, UE>(x, q, scale, m, k, bk, scaleCols);                                \
    }                                                                                                     \
    DZ_REGISTER_KERNEL(NAME##_rows)                                                                       \
    extern "C" __global__ void __launch_bounds__(DZ_THREADS)                                              \
    NAME##_rowblock(const IN* x, uint8_t* q, void* scale, int m, int k, int bm, int bk, int scaleCols) {  \
        quantize_row_block<IN, FMT, UE>(x, q, scale, k, bk, scaleCols);                                   \
    }                                                                                                     \
    DZ_REGISTER_KERNEL(NAME##_rowblock)                                                                   \
    extern "C" __global__ void __launch_bounds__(DZ_THREADS)                                              \
    NAME##_tensor(const IN* x, uint8_t* q, void* scale, long long n, const unsigned* amaxBits) {          \
        quantize_tensor<IN, FMT, UE>(x, q, scale, n, amaxBits);                                           \
    }                                                                                                     \
    DZ_REGISTER_KERNEL(NAME##_tensor)

DZ_QUANTIZE(dz_quantize_bf16_e4m3_f32, __nv_bfloat16, E4M3, false)
DZ_QUANTIZE(dz_quantize_bf16_e4m3_ue8m0, __nv_bfloat16, E4M3, true)
DZ_QUANTIZE(dz_quantize_bf16_e5m2_f32, __nv_bfloat16, E5M2, false)
DZ_QUANTIZE(dz_quantize_bf16_e5m2_ue8m0, __nv_bfloat16, E5M2, true)
DZ_QUANTIZE(dz_quantize_bf16_i8_f32, __nv_bfloat16, I8, false)
DZ_QUANTIZE(dz_quantize_bf16_i8_ue8m0, __nv_bfloat16, I8, true)
DZ_QUANTIZE(dz_quantize_f32_e4m3_f32, float, E4M3, false)
DZ_QUANTIZE(dz_quantize_f32_e4m3_ue8m0, float, E4M3, true)
DZ_QUANTIZE(dz_quantize_f32_e5m2_f32, float, E5M2, false)
DZ_QUANTIZE(dz_quantize_f32_e5m2_ue8m0, float, E5M2, true)
DZ_QUANTIZE(dz_quantize_f32_i8_f32, float, I8, false)
DZ_QUANTIZE(dz_quantize_f32_i8_ue8m0, float, I8, true)

// ---- KV-cache quantize-and-insert (CacheWriteSpec.QuantInsert): FlashMLA's quantize_k_cache into a SharedKvFormat
// cache. kv [T, D] BF16, slot_mapping [T] I64 (-1: not written), cache pages of pageBytes bytes (slot s = token
// s % pageSize of page s / pageSize). Per token and tile of 64 (MODEL1) or 128 (V32) quantized values, exactly in F32:
// amax = max |x|, scale = 2^ceil(log2(max(amax / 448, 1e-4))) (ceil_pow2 of the IEEE quotient), code = E4M3 of
// x / scale (IEEE division, nearest even, saturating); MODEL1 stores the scale's UE8M0 code at page + pageSize · 576 +
// 8t + tile (the pad byte untouched), V32 the F32 at token + 512 + 4·tile; the last 64 values (RoPE) are copied as
// BF16; BF16 caches take the row as it is. Only the bytes of the given slots are written. One warp a token, 8 tokens
// a block of 256 threads; lane l holds values 64c + 2l and 64c + 2l + 1 of each 64-value chunk c.
namespace {

constexpr int kCacheBf16 = 0;
constexpr int kCacheV32 = 1;
constexpr int kCacheModel1 = 2;

template <int FMT>
__device__ __forceinline__ void cache_write(const __nv_bfloat16* __restrict__ kv, const long long* __restrict__ slots,
                                            uint8_t* __restrict__ cache, int tokens, int d, int pageSize,
                                            long long pageBytes) {
    const int lane = threadIdx.x & 31;
    const long long r = (long long)blockIdx.x * (DZ_THREADS / 32) + (threadIdx.x >> 5);
    if (r >= tokens) {
        return;
    }
    const long long slot = slots[r];
    if (slot < 0) {
        return;
    }
    const long long page = slot / pageSize;
    const int t = (int)(slot - page * pageSize);
    uint8_t* base = cache + page * pageBytes;
    const __nv_bfloat16* x = kv + r * d;
    if (FMT == kCacheBf16) {
        uint8_t* row = base + (long long)t * 2 * d;
        for (int c = 0; c < d / 64; c++) {
            *reinterpret_cast<uint32_t*>(row + 2 * (64 * c + 2 * lane)) =
                    *reinterpret_cast<const uint32_t*>(x + 64 * c + 2 * lane);
        }
        return;
    }
    constexpr int kTile = FMT == kCacheV32 ? 128 : 64;
    constexpr int kTiles = FMT == kCacheV32 ? 4 : 7;
    constexpr int kPairs = kTile / 64;  // value pairs a lane holds in a tile
    uint8_t* row = base + (long long)t * (FMT == kCacheV32 ? 656 : 576);
    uint8_t* scales = FMT == kCacheV32 ? row + 512 : base + (long long)pageSize * 576 + 8 * t;
    for (int g = 0; g < kTiles; g++) {
        float v[kPairs][2];
        float amax = 0.0f;
#pragma unroll
        for (int p = 0; p < kPairs; p++) {
            const int at = g * kTile + 64 * p + 2 * lane;
            v[p][0] = __bfloat162float(x[at]);
            v[p][1] = __bfloat162float(x[at + 1]);
            amax = fmaxf(amax, fmaxf(fabsf(v[p][0]), fabsf(v[p][1])));
        }
        for (int off = 16; off > 0; off >>= 1) {
            amax = fmaxf(amax, __shfl_xor_sync(0xffffffffu, amax, off));
        }
        const float scale = ceil_pow2(fmaxf(__fdiv_rn(amax, E4M3::FMAX), 1e-4f));
#pragma unroll
        for (int p = 0; p < kPairs; p++) {
            const uint32_t lo = E4M3::encode(__fdiv_rn(v[p][0], scale));
            const uint32_t hi = E4M3::encode(__fdiv_rn(v[p][1], scale));
            *reinterpret_cast<uint16_t*>(row + g * kTile + 64 * p + 2 * lane) = (uint16_t)(lo | (hi << 8));
        }
        if (lane == 0) {
            if (FMT == kCacheV32) {
                *reinterpret_cast<float*>(scales + 4 * g) = scale;
            } else {
                scales[g] = ue8m0_code(scale);
            }
        }
    }
    *reinterpret_cast<uint32_t*>(row + (FMT == kCacheV32 ? 528 : 448) + 4 * lane) =
            *reinterpret_cast<const uint32_t*>(x + d - 64 + 2 * lane);
}

}  // namespace

#define DZ_CACHE_WRITE(NAME, FMT)                                                                                   \
    extern "C" __global__ void __launch_bounds__(DZ_THREADS)                                                       \
        NAME(const __nv_bfloat16* kv, const long long* slots, uint8_t* cache, int tokens, int d, int pageSize,    \
             long long pageBytes) {                                                                                \
        cache_write<FMT>(kv, slots, cache, tokens, d, pageSize, pageBytes);                                        \
    }                                                                                                              \
    DZ_REGISTER_KERNEL(NAME)

DZ_CACHE_WRITE(dz_cache_write_bf16, kCacheBf16)
DZ_CACHE_WRITE(dz_cache_write_fp8_v32, kCacheV32)
DZ_CACHE_WRITE(dz_cache_write_fp8_model1, kCacheModel1)
